import type { ChainEvent, MempoolEvent, MinerProgress, ChainParams, TeacherAction, DeliveryMode } from '../core';

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

/**
 * How a compact block (BIP 152) fared: rebuilt from what the node held ('reconstructed'), missing
 * transactions asked for with getblocktxn ('fetching') and then delivered ('filled'), or the whole
 * block asked for after a short id collision ('fallback').
 */
export type CompactStage = 'reconstructed' | 'fetching' | 'filled' | 'fallback';

/** One step of rebuilding a compact block: how many of its transactions came from where. */
export interface CompactBlockEvent {
  type: 'compact-block';
  time: number;
  peer: string;
  hash: string;
  /** The message event of the cmpctblock or blocktxn this step follows. */
  messageId: number;
  stage: CompactStage;
  /** Transactions in the block; sent whole (the coinbase at least); matched by short id from the mempool and from other transactions held (orphans). */
  total: number;
  prefilled: number;
  mempool: number;
  extra: number;
  /** Transactions that had to be asked for (getblocktxn), and how many blocktxn delivered. */
  missing: number;
  fetched: number;
  /** Short ids two of our transactions matched (fetched instead). */
  collisions: number;
  debug?: string;
}

/** Everything a node reports; the UI and the store are built on these. */
export type NodeEvent =
  | MessageEvent
  | CompactBlockEvent
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
  /** The node's message delivery changed: mode, or how many arrived messages wait (lessons/delivery.ts). */
  | { type: 'delivery'; time: number; mode: DeliveryMode; intervalMs: number; held: number }
  /** A lesson's state changed (private chain, double spend, tampered block, conflict seen): read `lessons` again. */
  | { type: 'lesson'; time: number; lesson: 'private' | 'double-spend' | 'tamper' | 'conflict' }
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
