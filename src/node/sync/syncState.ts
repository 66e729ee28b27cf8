/**
 * What the sync services know of each peer beyond the link (Core's CNodeState for block sync):
 * the best header it is known to have, how it wants new blocks announced (BIP 130 headers, BIP 152
 * compact blocks, high-bandwidth or not), and the counters of headers-first sync. Kept beside the
 * peer (a WeakMap) so the connection layer stays unaware of it.
 */
import type { BlockEntry } from '../../core';
import { SENDHEADERS_VERSION, SHORT_IDS_BLOCKS_VERSION } from '../wire/messages';
import type { Peer } from '../net/peer';

export interface SyncState {
  /** The most-work header this peer is known to have (announced, sent, or asked about). */
  best: BlockEntry | null;
  /** BIP 130: the peer sent `sendheaders`, so new blocks are announced to it with `headers`. */
  sendHeaders: boolean;
  /** BIP 152: the peer sent `sendcmpct` version 1 (it can take and serve compact blocks). */
  cmpct: boolean;
  /** BIP 152 high-bandwidth: the peer asked us to push `cmpctblock` for new blocks without asking. */
  cmpctPush: boolean;
  /** `headers` answers in a row whose first header's parent we did not know. */
  unconnecting: number;
  /** We sent this peer a `getheaders` (headers-first sync started with it). */
  headersAsked: boolean;
  /** Cached download path to `best`: the entries after the active chain, and how far they are connected. */
  path: { to: BlockEntry; entries: BlockEntry[]; cursor: number } | null;
}

/**
 * Blocks behind the best known height from which a node counts as syncing (its initial download):
 * its view shows progress only and its storage batches writes (bindNode, the IndexedDB store).
 */
export const SYNC_GAP = 16;

const states = new WeakMap<Peer, SyncState>();

/** The sync state of a peer (created on first use). */
export function syncState(p: Peer): SyncState {
  let s = states.get(p);
  if (!s) {
    s = { best: null, sendHeaders: false, cmpct: false, cmpctPush: false, unconnecting: 0, headersAsked: false, path: null };
    states.set(p, s);
  }
  return s;
}

/** A peer that speaks headers (BIP 130's version): synced headers-first; older ones by getblocks. */
export function speaksHeaders(p: Peer): boolean {
  return (p.version?.version ?? 0) >= SENDHEADERS_VERSION;
}

/** A peer whose version allows compact blocks (it still has to send `sendcmpct` to use them). */
export function speaksCompact(p: Peer): boolean {
  return (p.version?.version ?? 0) >= SHORT_IDS_BLOCKS_VERSION;
}

/** Raises what we know the peer has to `entry` if that has as much work or more (Core's UpdateBlockAvailability). */
export function noteBest(p: Peer, entry: BlockEntry): void {
  const s = syncState(p);
  if (!s.best || entry.chainWork >= s.best.chainWork) s.best = entry;
  if (entry.height > p.bestHeight) p.bestHeight = entry.height;
  if (entry.height > p.claimedHeight) p.claimedHeight = entry.height;
}
