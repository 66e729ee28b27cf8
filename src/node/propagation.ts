/**
 * Block propagation, the one model of "what each node did with each block, and when" (Bitcoin's
 * inv → getdata → block relay, then the chain's accept/connect). A node derives steps from its own
 * messages and chain events; the tab's timeline view shows them, the observer reporter and the
 * teacher dashboard summarise the same steps as each node's milestones (heard, received, mined,
 * connected). Pure: no clock, no storage.
 */
import type { ChainEvent } from '../core';
import { BoundedSet } from '../core';
import type { MessageEvent } from './events';

/** What a node did with a block. */
export type StepKind = 'mined' | 'announced' | 'requested' | 'received' | 'sent' | 'accepted' | 'connected' | 'disconnected' | 'orphaned';

/**
 * One step of a block's journey: `node` did `kind` at `time` (in milliseconds of whichever clock
 * recorded it), with `peer` for message steps. `observed`: the step is the peer's side as the
 * recording node saw it through a message, and `time` is when it saw it.
 */
export interface PropagationStep {
  hash: string;
  node: string;
  kind: StepKind;
  time: number;
  peer?: string;
  observed?: boolean;
}

/** A step of one known block (the hash left out), as a timeline draws it. */
export type BlockStep = Omit<PropagationStep, 'hash'>;

/** The parts of a message event the steps depend on (a node's MessageEvent, or an observer report of one). */
export type MessageFacts = Pick<MessageEvent, 'dir' | 'peer' | 'command' | 'hashes' | 'reason' | 'time'>;

/**
 * Steps a message tells `self` about: its own announcement, request, receipt or sending, and the
 * peer's side as observed. Refused messages and messages about no hash tell nothing.
 */
export function stepsFromMessage(self: string, m: MessageFacts): PropagationStep[] {
  const hashes = m.hashes;
  if (!hashes || m.reason) return [];
  const out: PropagationStep[] = [];
  const add = (node: string, kind: StepKind, peer: string, observed: boolean) => {
    for (const hash of hashes) out.push({ hash, node, kind, time: m.time, peer, ...(observed ? { observed } : {}) });
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

/** `self`'s own step for a chain event: a block stored, connected, disconnected or orphaned. */
export function stepFromChainEvent(self: string, e: ChainEvent, time: number): PropagationStep | null {
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

/** Hashes of inv/getdata not yet known to be blocks are kept this long (ms), then dropped as txs. */
export const PENDING_HASH_MS = 30_000;

/**
 * Collects a node's steps between two reads. Steps from `block` messages and chain events are
 * blocks; steps from inv/getdata wait until the node knows the hash as a block (kept) or a
 * transaction (dropped), for at most PENDING_HASH_MS.
 */
export class PropagationCollector {
  private pending: PropagationStep[] = [];
  private unclassified: PropagationStep[] = [];
  /** Hashes seen in tx messages: an inv of one of them is no block (bounded, oldest forgotten). */
  private readonly txHashes = new BoundedSet<string>(10_000);

  constructor(private readonly self: string) {}

  message(e: MessageFacts): void {
    if (e.command === 'tx' && e.hashes) for (const h of e.hashes) this.txHashes.add(h);
    const steps = stepsFromMessage(this.self, e);
    if (e.command === 'block') this.pending.push(...steps);
    else this.unclassified.push(...steps);
  }
  chainEvent(e: ChainEvent, time: number): void {
    const step = stepFromChainEvent(this.self, e, time);
    if (step) this.pending.push(step);
  }
  mined(hash: string, time: number): void {
    this.pending.push({ hash, node: this.self, kind: 'mined', time });
  }

  /** Steps known to be about blocks since the last call, in time order. */
  take(now: number, isBlock: (hash: string) => boolean, isTx: (hash: string) => boolean): PropagationStep[] {
    const keep: PropagationStep[] = [];
    const still: PropagationStep[] = [];
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

/**
 * Steps of one block, without redundant ones: an exact duplicate, or "accepted" at the same
 * moment the same node connected the block (storing and connecting are one step then).
 */
export function stepsOfBlock(steps: readonly PropagationStep[], hash: string): BlockStep[] {
  const mine = steps.filter((r) => r.hash === hash);
  const connectedAt = new Set(mine.filter((r) => r.kind === 'connected').map((r) => `${r.node}@${r.time}`));
  const seen = new Set<string>();
  const out: BlockStep[] = [];
  for (const r of mine) {
    if (r.kind === 'accepted' && connectedAt.has(`${r.node}@${r.time}`)) continue;
    const key = `${r.node}|${r.kind}|${r.peer ?? ''}|${r.time}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { hash: _hash, ...e } = r;
    out.push(e);
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Block hashes in the order they were first seen (newest last). */
export function blocksSeen(steps: readonly PropagationStep[]): string[] {
  const first = new Map<string, number>();
  for (const r of steps) if (!first.has(r.hash) || first.get(r.hash)! > r.time) first.set(r.hash, r.time);
  return [...first].sort((a, b) => a[1] - b[1]).map(([h]) => h);
}

/** When one node first heard of a block (inv), received it, mined it and connected it. */
export interface Milestones {
  heard?: number;
  received?: number;
  mined?: number;
  connected?: number;
}

/** One of a node's milestones with a block. */
export type Milestone = keyof Milestones;

/** The milestones in the order a block usually reaches them. */
export const MILESTONES: readonly Milestone[] = ['heard', 'received', 'mined', 'connected'];

/**
 * The milestone a step marks, and whose: an announcement observed by its receiver means the
 * receiver heard of the block; a node's own receipt, mining and connection are its own milestones.
 * Other steps (requests, sending, storing) mark none.
 */
export function milestoneOf(step: BlockStep): { node: string; milestone: Milestone } | null {
  switch (step.kind) {
    case 'announced':
      return step.observed && step.peer ? { node: step.peer, milestone: 'heard' } : null;
    case 'received':
      return step.observed ? null : { node: step.node, milestone: 'received' };
    case 'mined':
    case 'connected':
      return { node: step.node, milestone: step.kind };
    default:
      return null;
  }
}

/** `m` with `milestone` at `time` unless it was reached earlier (a new object when it changes). */
export function withMilestone(m: Milestones, milestone: Milestone, time: number): Milestones {
  const old = m[milestone];
  return old !== undefined && old <= time ? m : { ...m, [milestone]: time };
}

/** The earliest time of any milestone (Infinity when none). */
export function firstMilestone(m: Milestones): number {
  let t = Infinity;
  for (const k of MILESTONES) {
    const v = m[k];
    if (v !== undefined && v < t) t = v;
  }
  return t;
}
