/**
 * Block propagation as one node sees it (Bitcoin's inv → getdata → block relay): the steps its
 * messages and chain events tell about, for the timeline view. Hashes in inv/getdata may be blocks
 * or transactions; `PropagationCollector` keeps those that turn out to be blocks.
 */
import { BoundedSet, type ChainEvent } from '../../core';
import type { MessageEvent } from '../../node/events';
import { PENDING_HASH_MS, type PropagationKind, type PropagationRecord } from './viewState';

/**
 * Propagation steps a message tells about (Bitcoin's inv → getdata → block relay): this node's
 * own announcement, request, receipt or sending, and the peer's side as this node observed it.
 */
export function propagationFromMessage(self: string, m: MessageEvent): PropagationRecord[] {
  if (!m.hashes || m.reason) return [];
  const out: PropagationRecord[] = [];
  const add = (node: string, kind: PropagationKind, peer: string, observed: boolean) => {
    for (const hash of m.hashes!) out.push({ hash, node, kind, time: m.time, peer, ...(observed ? { observed } : {}) });
  };
  switch (m.command) {
    case 'inv':
      if (m.dir === 'out') add(self, 'announced', m.peer, false);
      else add(m.peer, 'announced', self, true);
      break;
    case 'getdata':
      if (m.dir === 'out') add(self, 'requested', m.peer, false);
      else add(m.peer, 'requested', self, true);
      break;
    case 'block':
      if (m.dir === 'in') {
        add(self, 'received', m.peer, false);
        add(m.peer, 'sent', self, true);
      } else add(self, 'sent', m.peer, false);
      break;
  }
  return out;
}

/** This node's own step for a chain event: a block stored, connected, disconnected or orphaned. */
export function propagationFromChainEvent(self: string, e: ChainEvent, time: number): PropagationRecord | null {
  switch (e.type) {
    case 'block-accepted':
      return { hash: e.entry.hash, node: self, kind: 'accepted', time };
    case 'block-connected':
      return { hash: e.entry.hash, node: self, kind: 'connected', time };
    case 'block-disconnected':
      return { hash: e.entry.hash, node: self, kind: 'disconnected', time };
    case 'orphan-added':
      return { hash: e.hash, node: self, kind: 'orphaned', time };
    default:
      return null;
  }
}


/**
 * Collects propagation steps between two flushes of the view store. Steps from `block` messages
 * and chain events are blocks; steps from inv/getdata wait until the node knows the hash as a
 * block (kept) or a transaction (dropped), for at most PENDING_HASH_MS.
 */
export class PropagationCollector {
  private pending: PropagationRecord[] = [];
  private unclassified: PropagationRecord[] = [];
  /** Hashes seen in tx messages: an inv of one of them is no block (bounded, oldest forgotten). */
  private readonly txHashes = new BoundedSet<string>(10_000);

  constructor(private readonly self: string) {}

  message(e: MessageEvent): void {
    if (e.command === 'tx' && e.hashes) for (const h of e.hashes) this.txHashes.add(h);
    const recs = propagationFromMessage(this.self, e);
    if (e.command === 'block') this.pending.push(...recs);
    else this.unclassified.push(...recs);
  }
  chainEvent(e: ChainEvent, time: number): void {
    const rec = propagationFromChainEvent(this.self, e, time);
    if (rec) this.pending.push(rec);
  }
  mined(hash: string, time: number): void {
    this.pending.push({ hash, node: this.self, kind: 'mined', time });
  }

  /** Steps known to be about blocks since the last call, in time order. */
  take(now: number, isBlock: (hash: string) => boolean, isTx: (hash: string) => boolean): PropagationRecord[] {
    const keep: PropagationRecord[] = [];
    const still: PropagationRecord[] = [];
    for (const r of this.unclassified) {
      if (isBlock(r.hash)) keep.push(r);
      else if (!this.txHashes.has(r.hash) && !isTx(r.hash) && now - r.time < PENDING_HASH_MS) still.push(r);
    }
    this.unclassified = still;
    if (!keep.length && !this.pending.length) return [];
    const out = keep.concat(this.pending).sort((a, b) => a.time - b.time);
    this.pending = [];
    return out;
  }
}
