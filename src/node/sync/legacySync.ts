/**
 * Download from peers that predate headers (tabchain 0.1 spoke version 70001): blocks they
 * announced by `inv` (in answer to `getblocks`) are wanted, and each is asked of the first peer
 * that announced it and has room.
 */
import { MAX_BLOCKS_IN_FLIGHT, MAX_WANTED_PER_PEER } from '../config';
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

/** Blocks older peers announced that we want, and who announced each (bounded per peer). */
export class WantedBlocks {
  readonly map = new Map<string, Wanted>();
  constructor(private readonly peers: { get(id: string): Peer | undefined }) {}

  get size(): number {
    return this.map.size;
  }
  has(hash: string): boolean {
    return this.map.has(hash);
  }

  /** An inv's blocks, but those `skip` says we have or refused (an inv flood: no more than MAX_WANTED_PER_PEER). */
  add(p: Peer, blocks: string[], skip: (hash: string) => boolean): void {
    for (const hash of blocks) {
      if (skip(hash)) continue;
      let w = this.map.get(hash);
      if (!w) {
        if (p.wanted >= MAX_WANTED_PER_PEER) continue; // inv flood: remember no more
        p.wanted++;
        this.map.set(hash, (w = { from: new Set() }));
      }
      w.from.add(p.id);
    }
  }

  /** No longer wanted (it arrived, or nobody has it): each announcer's count goes down. */
  drop(hash: string): void {
    const w = this.map.get(hash);
    if (!w) return;
    for (const id of w.from) {
      const p = this.peers.get(id);
      if (p && p.wanted > 0) p.wanted--;
    }
    this.map.delete(hash);
  }

  /** The peer does not have it after all (notfound). */
  notFound(p: Peer, hash: string): void {
    const w = this.map.get(hash);
    w?.from.delete(p.id);
    if (w?.from.size === 0) this.drop(hash);
  }

  /** A peer left: what only it announced is forgotten (a flood must not outlive its connection). */
  forgetPeer(p: Peer): void {
    for (const [hash, w] of [...this.map]) {
      w.from.delete(p.id);
      if (w.from.size === 0) this.map.delete(hash);
    }
  }

  /** Batches of wanted blocks not yet asked for, per peer (`assignWanted`); nothing when every one is asked. */
  assign(peers: { all(): Iterable<Peer> }, requests: Map<string, string>, have: (hash: string) => boolean): Map<Peer, InvItem[]> {
    // Usually every wanted block is already asked for (a block is announced by each peer that gets it).
    let unasked = false;
    for (const hash of this.map.keys())
      if (!requests.has(hash)) {
        unasked = true;
        break;
      }
    if (!unasked) return new Map();
    return assignWanted(this.map, { all: () => peers.all(), get: (id) => this.peers.get(id) }, requests, have, (hash) => this.drop(hash));
  }
}
