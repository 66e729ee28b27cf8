/**
 * Download from peers that predate headers (tabchain 0.1 spoke version 70001): blocks they
 * announced by `inv` (in answer to `getblocks`) are wanted, and each is asked of the first peer
 * that announced it and has room.
 */
import { MAX_BLOCKS_IN_FLIGHT } from '../config';
import { MSG_BLOCK, type InvItem } from '../wire/messages';
import type { Peer } from '../net/peer';
import { speaksHeaders } from './syncState';

/** An announced block we want: who announced it. */
export interface Wanted {
  from: Set<string>;
}

/**
 * Assigns wanted blocks to peers that announced them, oldest first, within the in-flight limit.
 * A peer is topped up only when idle or at most half full, so a download sends one getdata per
 * ~128 blocks instead of one per block, and the common call (no peer can take more) is O(peers).
 */
export function assignWanted(
  wanted: Map<string, Wanted>,
  peers: { all(): Iterable<Peer>; get(id: string): Peer | undefined },
  requests: Map<string, string>,
  have: (hash: string) => boolean,
  drop: (hash: string) => void,
): Map<Peer, InvItem[]> {
  const batches = new Map<Peer, InvItem[]>();
  const open = new Set<Peer>();
  for (const p of peers.all()) if (p.ready && !speaksHeaders(p) && p.blocksInFlight.size <= MAX_BLOCKS_IN_FLIGHT / 2) open.add(p);
  if (open.size === 0) return batches;
  const room = new Map<Peer, number>([...open].map((p) => [p, MAX_BLOCKS_IN_FLIGHT - p.blocksInFlight.size]));
  for (const [hash, w] of wanted) {
    if (open.size === 0) break;
    if (requests.has(hash)) continue;
    if (have(hash)) {
      drop(hash);
      continue;
    }
    let chosen: Peer | undefined;
    for (const id of w.from) {
      const p = peers.get(id);
      if (p && open.has(p)) {
        chosen = p;
        break;
      }
    }
    if (!chosen) continue;
    const left = room.get(chosen)! - 1;
    room.set(chosen, left);
    if (left <= 0) open.delete(chosen);
    let b = batches.get(chosen);
    if (!b) batches.set(chosen, (b = []));
    b.push({ type: MSG_BLOCK, hash });
  }
  return batches;
}
