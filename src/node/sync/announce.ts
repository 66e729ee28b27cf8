/**
 * How a new block is announced to each peer, as the peer asked (Core's SendMessages / NewPoWValidBlock):
 * a high-bandwidth compact-block peer (BIP 152, `sendcmpct` 1) gets the `cmpctblock` itself at once,
 * one trip; a peer that sent `sendheaders` (BIP 130) gets `headers`; anyone else an `inv`. The
 * first two need the peer to have the block's parent, so it can connect what it gets; if we cannot
 * tell, the `inv` is the safe choice.
 */
import { ancestorAt, type Block, type Chain, type ChainEvent } from '../../core';
import { MSG_BLOCK, type Message } from '../wire/messages';
import type { Peer } from '../net/peer';
import { noteBest, syncState } from './syncState';

/** Compact block relay as block announcement needs it. */
export interface CompactAnnouncer {
  /** The `cmpctblock` of a block: built once, the same message object for every peer. */
  messageFor(block: Block): Message;
  /** A peer delivered our new tip (outside initial download): it may become a high-bandwidth peer. */
  deliveredNewTip(p: Peer): void;
}

/** True if the peer is known to have the block's parent (it announced or was told it, or it lies under its best header). */
function hasParent(p: Peer, chain: Chain, hash: string): boolean {
  const parent = chain.getEntry(hash)?.parent;
  if (!parent) return true;
  if (p.knownInv.has(parent.hash)) return true;
  const best = syncState(p).best;
  return !!best && best.height >= parent.height && ancestorAt(best, parent.height)?.hash === parent.hash;
}

/** Announces `hashes` (active blocks, oldest first) to every ready peer but `from` that does not know them. */
export function announceBlocks(peers: Iterable<Peer>, chain: Chain, hashes: string[], from: Peer | null, compact: CompactAnnouncer | null): void {
  // Most peers get the same announcement: one message object each kind, framed once (wire/frame.ts).
  let allHeaders: Message | undefined;
  let allInv: Message | undefined;
  const headers = (items: string[]): Message => ({ command: 'headers', headers: items.map((h) => chain.getEntry(h)!.header) });
  const inv = (items: string[]): Message => ({ command: 'inv', items: items.map((hash) => ({ type: MSG_BLOCK, hash })) });
  for (const p of peers) {
    if (!p.ready || p === from) continue;
    const items = hashes.filter((h) => !p.knownInv.has(h));
    const first = items[0];
    if (!first) continue;
    const st = syncState(p);
    const block = items.length === 1 ? chain.getBlock(first) : undefined;
    if (compact && st.cmpctPush && block && hasParent(p, chain, first)) {
      if (p.send(compact.messageFor(block))) noteBest(p, chain.getEntry(first)!); // it has the block now
    }
    else if (st.sendHeaders && hasParent(p, chain, first)) p.send(items.length === hashes.length ? (allHeaders ??= headers(items)) : headers(items));
    else p.send(items.length === hashes.length ? (allInv ??= inv(items)) : inv(items));
    for (const h of items) p.remember(h);
  }
}

/**
 * Announces the active blocks a batch of chain events connected (only the tip after a long reorg
 * or download), but none `withheld` (a private miner's, lessons/privateMining.ts: announced only
 * when released).
 */
export function announceConnected(
  peers: Iterable<Peer>, chain: Chain, events: ChainEvent[], from: Peer | null, compact: CompactAnnouncer | null, withheld?: (hash: string) => boolean,
): void {
  const connected: string[] = [];
  for (const e of events) if (e.type === 'block-connected') connected.push(e.entry.hash);
  const shown = connected.length > 8 ? [chain.tip.hash] : connected.filter((h) => {
    const e = chain.getEntry(h);
    return !!e && chain.isActive(e);
  });
  const hashes = withheld ? shown.filter((h) => !withheld(h)) : shown;
  if (hashes.length) announceBlocks(peers, chain, hashes, from, compact);
}
