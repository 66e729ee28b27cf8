/**
 * What the lessons show and accept, as plain data: the UI reads these through `NodeApi.lessons`
 * (re-exported by api.ts), the node's lesson services produce them.
 */
import type { Block, DeliveryMode, MinerProgress, PrivateStrategy } from '../../core';
import type { Delivery, DeliveryView, HeldMessage } from './delivery';

export type { Delivery, DeliveryView, HeldMessage };

/** The victim's payment in a private-chain attack, as the public chain sees it. */
export interface PaymentView {
  txid: string;
  to: string;
  /** Satoshis. */
  amount: bigint;
  /** Height of the public block that confirmed it (null: not confirmed yet). */
  height: number | null;
  confirmations: number;
}

/** A private chain (51 % attack or selfish mining) as the attacker's node sees it. */
export interface PrivateView {
  strategy: PrivateStrategy;
  fork: { hash: string; height: number };
  privateTip: { hash: string; height: number };
  publicTip: { hash: string; height: number };
  /** Private height minus public height (negative: behind). */
  lead: number;
  /** Private blocks not yet published, oldest first. */
  withheld: string[];
  /** Private blocks published so far (selfish mining publishes some as the public chain grows). */
  published: number;
  payment: PaymentView | null;
  /** The conflicting copy of the payment the private chain confirms (it pays the coin back). */
  doubleSpend: string | null;
  /** Mining on: the private miner is running (a teacher pause stops it like any miner). */
  active: boolean;
  /** Mining privately all the time (else one block per `minePrivate`). */
  auto: boolean;
}

/** The outcome of releasing a private chain. */
export interface ReleaseView {
  blocks: number;
  /** Confirmations the victim's payment had on the public chain when the private chain was released. */
  overturned: number;
  /** The private chain had more work than the public one: every node will switch to it. */
  wins: boolean;
  time: number;
}

/** Two conflicting payments this node signed and sent to two peers. */
export interface DoubleSpendView {
  txids: [string, string];
  peers: [string, string];
  to: [string, string];
  amount: bigint;
  /** The coins both spend. */
  outpoints: string[];
  time: number;
}

/** One payment of a conflict, as this node saw it. */
export interface ConflictTx {
  txid: string;
  /** Where it came from: a peer id, 'self' when this node made it, null when unknown. */
  from: string | null;
  /** 'sent': this node made it and sent it to a peer (it keeps neither copy). */
  state: 'sent' | 'mempool' | 'refused' | 'confirmed' | 'evicted';
  /** Block height that confirmed it. */
  height?: number;
  /** Satoshis it pays to this node's wallet. */
  toUs: bigint;
}

/** Payments spending the same coin, as one node saw them meet. */
export interface ConflictView {
  outpoints: string[];
  txs: ConflictTx[];
  time: number;
}

/** How one peer answered a broadcast tampered block. */
export interface PeerAnswer {
  peer: string;
  /** The reason of the peer's `reject`, if one arrived. */
  rejected?: string;
  /** Why the link closed afterwards, if it did. */
  closed?: string;
}

/** A tampered block (and the blocks mined on it) sent to every peer. */
export interface TamperBroadcast {
  hashes: string[];
  answers: PeerAnswer[];
  time: number;
}

/** What a node tab can do and read in the lessons (NodeApi.lessons). */
export interface LessonsApi {
  /** Message delivery: the teacher's setting, this tab's, what waits. */
  delivery(): DeliveryView;
  /** This tab's own delivery (the teacher's class-wide setting combines with it). */
  setDelivery(mode: DeliveryMode, intervalMs?: number): void;
  /** Releases the oldest `count` waiting messages; how many were delivered. */
  step(count?: number): number;
  /** The oldest waiting messages. */
  held(limit?: number): HeldMessage[];

  /** Solves a block's proof of work with this node's miner (ordinary mining waits meanwhile). Null if cancelled. */
  mine(block: Block, opts?: { signal?: AbortSignal; onProgress?: (p: MinerProgress) => void }): Promise<Block | null>;
  /**
   * A re-mined tampered block made broadcastable: its descendants re-mined on it and one more block
   * on top, so its branch has more work than the peers' chain and they try to connect it.
   */
  extendTampered(block: Block, opts?: { signal?: AbortSignal; onProgress?: (p: MinerProgress) => void }): Promise<Block[] | null>;
  /** Sends blocks built outside the chain (the tamper lab's) to every peer. */
  broadcast(blocks: Block[]): TamperBroadcast;
  /** The last broadcast and how each peer answered. */
  lastBroadcast(): TamperBroadcast | null;

  /** Signs two payments of `amount` sat from the same coin and sends each to one peer. Throws PaymentError. */
  doubleSpend(o: { from: string; to: [string, string]; peers: [string, string]; amount: bigint }): DoubleSpendView;
  lastDoubleSpend(): DoubleSpendView | null;
  /** Conflicting payments this node has seen meet, newest last. */
  conflicts(): ConflictView[];

  /** The private chain, if this node mines one. */
  privateChain(): PrivateView | null;
  /** Starts mining privately from the tip; with `payTo`, pays it `amount` publicly and spends the same coin back in private. */
  startPrivate(o: { strategy: PrivateStrategy; from?: string; payTo?: string; amount?: bigint; auto?: boolean }): PrivateView;
  /** Mines one more private block (when not mining privately all the time). */
  minePrivate(): void;
  /** Mines privately all the time, or one block at a time. */
  setPrivateAuto(auto: boolean): void;
  /** Announces every withheld block and stops mining privately. */
  release(): ReleaseView;
  /** Stops mining privately without publishing (the withheld blocks stay a side branch here). */
  abandon(): void;
  lastRelease(): ReleaseView | null;
}
