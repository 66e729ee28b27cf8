import type { ChainEvent, MempoolEvent, MinerProgress, ChainParams, TeacherAction } from '../core';

/** The three roles of the seed tutorial; all are full nodes that validate everything. */
export type Role = 'central' | 'miner' | 'wallet';
/** star: everyone connects to the central node only; mesh: nodes learn peers by addr and keep up to 8 links. */
export type Topology = 'star' | 'mesh';
/** off: never mines on its own; threshold: mines when the mempool holds ≥ threshold txs; continuous: always. */
export type MiningMode = 'off' | 'threshold' | 'continuous';

/** A message sent or received, for the message log, graph and propagation timeline. */
export interface MessageEvent {
  type: 'message';
  /** Sequence number, unique per node. */
  id: number;
  /** Milliseconds (node clock). */
  time: number;
  dir: 'in' | 'out';
  peer: string;
  command: string;
  /** Whole frame size, header included. */
  bytes: number;
  summary: string;
  /** The raw frame (for the hex dump). */
  raw: Uint8Array;
  /** Hashes this message is about (block/tx hashes), for timelines. */
  hashes?: string[];
  /** Why the node refused it, if it did (the refusal's code; see misbehavior.ts). */
  reason?: string;
}

/** Everything a node reports; the UI and the store are built on these. */
export type NodeEvent =
  | MessageEvent
  | { type: 'rejected'; time: number; messageId: number; peer: string; command: string; hash?: string; code: string; reason: string; debug: string; punished: boolean }
  | { type: 'peer-connected'; time: number; peer: string; outbound: boolean; role?: Role; height: number; userAgent: string }
  | { type: 'peer-disconnected'; time: number; peer: string; reason: string }
  | { type: 'peer-discouraged'; time: number; peer: string; reason: string; until: number }
  | { type: 'connect-failed'; time: number; peer: string; reason: string }
  | { type: 'addr-learned'; time: number; ids: string[] }
  | { type: 'offline-changed'; time: number; offline: boolean }
  | { type: 'chain-ready'; time: number; params: ChainParams }
  | { type: 'chain'; time: number; event: ChainEvent }
  | { type: 'mempool'; time: number; event: MempoolEvent }
  | { type: 'sync'; time: number; height: number; bestKnownHeight: number; inFlight: number; syncPeer: string | null }
  | { type: 'mining-started'; time: number; height: number; txCount: number; bits: number }
  | { type: 'mining-progress'; time: number; progress: MinerProgress }
  | { type: 'mining-stopped'; time: number; why: 'found' | 'stale' | 'stopped' | 'error'; hash?: string; detail?: string }
  | { type: 'block-mined'; time: number; hash: string; height: number; txCount: number }
  | { type: 'wallet-changed'; time: number }
  /** A teacher command was applied (from the dashboard, a peer, or this node's storage). */
  | { type: 'teacher'; time: number; action: TeacherAction; counter: number; from: string }
  /** A teacher command from the dashboard was refused (a peer's refusals are `rejected` events). */
  | { type: 'teacher-refused'; time: number; code: string; reason: string; debug: string }
  /** The nodeinfo book changed: a node published new names or a new tip (tabchain extension). */
  | { type: 'nodeinfo-changed'; time: number }
  | { type: 'log'; time: number; level: 'info' | 'warn' | 'error'; text: string };

export type NodeEventType = NodeEvent['type'];

/**
 * The node's event bus. Listeners are called synchronously, in subscription order. Events that
 * cost work to build (message summaries, chain events during a download) are built only when
 * `listening` says someone will read them.
 */
export class EventBus {
  private readonly listeners = new Set<(e: NodeEvent) => void>();

  /** Subscribes; returns an unsubscribe function. */
  on(listener: (e: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get listening(): boolean {
    return this.listeners.size > 0;
  }
  emit(e: NodeEvent): void {
    for (const l of this.listeners) l(e);
  }
}
