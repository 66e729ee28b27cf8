/** One-line readable summaries of messages, and the hashes a message is about (message log, timelines, dashboard). */
import { nodeInfoSummary } from './nodeinfo';
import { blockHashHex, txidHex } from '../../core';
import { MSG_BLOCK, MSG_CMPCT_BLOCK, MSG_TX, ZERO_HASH, type InvItem, type Message } from './protocol';

/** One-line human summary of a message for the message log. */
export function summarize(m: Message): string {
  switch (m.command) {
    case 'version':
      return `v${m.payload.version} ${m.payload.userAgent} height ${m.payload.startHeight} from ${m.payload.addrFrom}`;
    case 'verack':
      return 'handshake acknowledged';
    case 'getaddr':
      return 'asks for peer addresses';
    case 'addr':
      return `${m.addrs.length} address${m.addrs.length === 1 ? '' : 'es'}: ${m.addrs.slice(0, 4).map((a) => a.id).join(', ')}${m.addrs.length > 4 ? ', …' : ''}`;
    case 'inv':
    case 'getdata':
    case 'notfound':
      return invSummary(m.items);
    case 'getblocks':
    case 'getheaders':
      return `locator ${m.locator.length} hashes from ${short(m.locator[0] ?? ZERO_HASH)}${m.stop !== ZERO_HASH ? ` stop ${short(m.stop)}` : ''}`;
    case 'block':
      return `block ${short(blockHashHex(m.block.header))} with ${m.block.txs.length} tx`;
    case 'tx':
      return `tx ${short(txidHex(m.tx))} ${m.tx.inputs.length} in, ${m.tx.outputs.length} out`;
    case 'ping':
    case 'pong':
      return `nonce ${m.nonce}`;
    case 'reject':
      return `${m.message} rejected: ${m.reason}${m.hash ? ` ${short(m.hash)}` : ''}`;
    case 'getparams':
      return 'asks for network parameters';
    case 'params':
      return 'network parameters and genesis block';
    case 'teacher':
      return `teacher: ${m.signed.command.action.kind} #${m.signed.command.counter}`;
    case 'sendheaders':
      return 'announce blocks to me with headers (BIP 130)';
    case 'headers':
      return m.headers.length ? `${m.headers.length} header${m.headers.length > 1 ? 's' : ''} from ${short(blockHashHex(m.headers[0]!))}` : 'no new headers';
    case 'sendcmpct':
      return `compact blocks v${m.version}, ${m.announce ? 'high-bandwidth (push them to me)' : 'low-bandwidth'}`;
    case 'cmpctblock':
      return `compact block ${short(blockHashHex(m.compact.header))}: ${m.compact.shortIds.length} short ids, ${m.compact.prefilled.length} prefilled`;
    case 'getblocktxn':
      return `asks ${m.indexes.length} tx of block ${short(m.hash)}`;
    case 'blocktxn':
      return `${m.txs.length} tx of block ${short(m.hash)}`;
    case 'nodeinfo':
      return nodeInfoSummary(m.records);
  }
}

function invSummary(items: InvItem[]): string {
  const blocks = items.filter((i) => i.type === MSG_BLOCK).length;
  const txs = items.filter((i) => i.type === MSG_TX).length;
  const compact = items.filter((i) => i.type === MSG_CMPCT_BLOCK).length;
  const parts = [];
  if (blocks) parts.push(`${blocks} block${blocks > 1 ? 's' : ''}`);
  if (compact) parts.push(`${compact} compact block${compact > 1 ? 's' : ''}`);
  if (txs) parts.push(`${txs} tx`);
  const other = items.length - blocks - txs - compact;
  if (other) parts.push(`${other} other`);
  return `${parts.join(', ') || 'empty'}${items.length ? ` (${short(items[0]!.hash)}${items.length > 1 ? '…' : ''})` : ''}`;
}

/** First 16 hex digits of a hash followed by an ellipsis, for one-line summaries. */
export function short(hash: string): string {
  // Skip leading zeros' worth of display so the distinctive part shows.
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}

/** The block and transaction hashes a message is about (for timelines and the dashboard). */
export function hashesOf(m: Message): { hashes?: string[] } {
  switch (m.command) {
    case 'inv':
    case 'getdata':
    case 'notfound':
      return { hashes: m.items.map((i) => i.hash) };
    case 'block':
      return { hashes: [blockHashHex(m.block.header)] };
    case 'tx':
      return { hashes: [txidHex(m.tx)] };
    case 'headers':
      return m.headers.length ? { hashes: m.headers.slice(0, 8).map(blockHashHex) } : {};
    case 'cmpctblock':
      return { hashes: [blockHashHex(m.compact.header)] };
    case 'getblocktxn':
    case 'blocktxn':
      return { hashes: [m.hash] };
    default:
      return {};
  }
}
