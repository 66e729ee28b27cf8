/**
 * Serving what peers ask for: `getblocks` (up to 500 hashes of our active chain after the fork
 * point their locator names) and `getdata` (blocks and mempool transactions), answering
 * `notfound` for the rest — the seed tutorial's admitted defect, fixed.
 */
import type { Block, Chain, Mempool } from '../../core';
import { GETBLOCKS_LIMIT } from '../config';
import { MSG_BLOCK, MSG_CMPCT_BLOCK, MSG_TX, ZERO_HASH, type InvItem, type Message } from '../wire/messages';
import type { Peer } from '../net/peer';
import { MAX_CMPCTBLOCK_DEPTH } from './compact';

/** What a node keeps back or offers beyond its chain (lessons: a private chain, a tampered block). */
export interface ServeHooks {
  /** Blocks withheld by a private miner: never named or served until released. */
  withheld(hash: string): boolean;
  /** Blocks offered by inv that are not in the chain (the tamper lab's), served on getdata. */
  offered(hash: string): Block | undefined;
}

/** Answers getblocks with an inv of the active chain after the locator's fork point (withheld blocks left out). */
export function serveGetBlocks(p: Peer, locator: string[], stop: string, chain: Chain, noteHeight: (hash: string) => void, hooks?: ServeHooks): void {
  if (locator[0]) noteHeight(locator[0]); // a locator starts at the peer's tip
  const all = chain.blocksAfter(locator, stop === ZERO_HASH ? null : stop, GETBLOCKS_LIMIT);
  const hashes = hooks ? all.filter((h) => !hooks.withheld(h)) : all;
  if (!hashes.length) return;
  for (const h of hashes) p.remember(h);
  p.send({ command: 'inv', items: hashes.map((hash) => ({ type: MSG_BLOCK, hash })) });
}

/**
 * Answers getdata with blocks and transactions we have, and one notfound for the rest. A block
 * asked as MSG_CMPCT_BLOCK (BIP 152) comes as a `cmpctblock` if it is within
 * MAX_CMPCTBLOCK_DEPTH of our tip, whole otherwise (Core).
 */
export function serveGetData(
  p: Peer, items: InvItem[], chain: Chain | null, mempool: Mempool | null, noteHeight: (hash: string) => void,
  hooks?: ServeHooks, compact?: { messageFor(block: Block): Message },
): void {
  const missing: InvItem[] = [];
  for (const it of items) {
    if (p.closed) return;
    if (it.type === MSG_BLOCK || it.type === MSG_CMPCT_BLOCK) {
      // Never serve a block found invalid while connecting (the engine keeps its body), nor one withheld.
      const entry = chain?.getEntry(it.hash);
      const block = hooks?.withheld(it.hash) ? undefined : entry && entry.status === 'valid' ? chain!.getBlock(it.hash) : hooks?.offered(it.hash);
      const asCompact = it.type === MSG_CMPCT_BLOCK && compact && entry && entry.status === 'valid' && entry.height >= chain!.height - MAX_CMPCTBLOCK_DEPTH;
      if (block && p.send(asCompact ? compact.messageFor(block) : { command: 'block', block })) {
        p.remember(it.hash);
        noteHeight(it.hash);
      } else missing.push(it);
    } else if (it.type === MSG_TX) {
      const e = mempool?.get(it.hash);
      if (e) {
        p.remember(it.hash);
        p.send({ command: 'tx', tx: e.tx });
      } else missing.push(it);
    } else missing.push(it);
  }
  if (missing.length) p.send({ command: 'notfound', items: missing });
}
