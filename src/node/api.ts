/**
 * The node as the UI (and any other outside reader) sees it: read-only queries over the chain,
 * UTXO set, mempool, wallet and peers, and the commands a student or teacher can give. Nothing
 * here hands out the engine's mutable objects; `FullNode` implements it.
 */
import type { Balance, Block, BlockEntry, ChainParams, Coin, MempoolEntry, RestoreReport, SpendableCoin, Tx, UtxoCommitment, WalletKey } from '../core';
import type { MiningMode, NodeEvent, Role, Topology } from './events';
import type { Clock } from './transport';
import type { TeacherState } from './teacher';
import type { Refusal } from './misbehavior';
import type { LessonsApi } from './lessons/types';

export type { TeacherState };
import type { NamedAddress, NodeInfoView } from './net/nodeInfo';

export type { NamedAddress, NodeInfoView } from './net/nodeInfo';
export type * from './lessons/types';

/** A peer as the peers table shows it. */
export interface PeerView {
  id: string;
  outbound: boolean;
  role?: Role;
  /** Height the peer has proven (valid blocks it showed or was sent). */
  height: number;
  /** Height its version message (or announcements) claimed. */
  claimed: number;
  rtt?: number;
  ready: boolean;
}

/** How this node is doing at getting links (a node with none says why on screen). */
export interface Connectivity {
  peers: number;
  /** Ids being dialled right now. */
  connecting: string[];
  /** The last dial that failed or link refused before its handshake, and why. */
  lastFailure: { peer: string; reason: string; time: number } | null;
}

/** A wallet key without its secret. */
export interface WalletKeyView {
  address: string;
  label?: string;
  script: Uint8Array;
  pubkeyHash: Uint8Array;
  /** The compressed public key (what a student shares to join a multisig or receive a time lock). */
  publicKey: Uint8Array;
}

/** One wallet address with its balances (confirmed, and as the mempool would leave it). */
export interface WalletBalance extends Balance {
  address: string;
  label?: string;
}

/** How a payment pays its miner: a fixed fee in satoshis, or a rate in satoshis per byte (fee wins if both). */
export interface PaymentOptions {
  fee?: bigint;
  feeRate?: number;
  /** A short note carried by an OP_RETURN output. */
  note?: string;
}

/** Read-only views of the node's state. Empty answers (not errors) before the node has a chain. */
export interface NodeQuery {
  /** A block index entry (active chain or side branch). */
  entry(hash: string): Readonly<BlockEntry> | undefined;
  /** The active chain's entry at a height. */
  entryAt(height: number): Readonly<BlockEntry> | undefined;
  /** Every block in the index, in arrival order. */
  entries(): readonly Readonly<BlockEntry>[];
  /** Tips of the active chain and of side branches (entries nothing builds on). */
  leaves(): readonly Readonly<BlockEntry>[];
  /** A stored block (blocks are immutable values). */
  block(hash: string): Block | undefined;
  /** The coins a connected block spent, in input order. */
  undo(hash: string): readonly Coin[] | undefined;
  isActive(hash: string): boolean;
  /** Blocks held until their parent arrives. */
  orphans(): { hash: string; block: Block }[];
  /** An unspent output by outpoint (`txid:vout`). */
  coin(outpoint: string): Coin | undefined;
  /** Unspent outputs locked to a script. */
  coinsFor(script: Uint8Array): [string, Coin][];
  /** Every unspent output (for the UTXO table). */
  utxos(): [string, Coin][];
  /** Count, total and hash of the UTXO set (null without a chain). */
  utxoCommitment(): UtxoCommitment | null;
  mempoolEntries(): readonly MempoolEntry[];
  mempoolEntry(txid: string): MempoolEntry | undefined;
  /** The mempool transaction spending an outpoint, if any. */
  spenderOf(outpoint: string): string | undefined;
  walletKeys(): WalletKeyView[];
  balances(): WalletBalance[];
  /** WIF of one of this wallet's keys (shown only when a student asks). */
  exportWif(address: string): string | undefined;
  /** Balance of any locking script (a multisig or time-lock address the student watches). */
  scriptBalance(script: Uint8Array): Balance;
  /** Outputs locked to a script that can be spent now: confirmed ones not spent by the mempool, then unconfirmed. */
  spendable(script: Uint8Array): SpendableCoin[];
}

/** What the UI may read and do; `FullNode` implements it. */
export interface NodeApi {
  readonly id: string;
  readonly role: Role;
  readonly network: string;
  readonly topology: Topology;
  readonly magic: number;
  /** The node's clock (node time is what block times and events are stamped with). */
  readonly clock: Clock;
  readonly height: number;
  readonly tipHash: string | null;
  readonly params: ChainParams | null;
  readonly offline: boolean;
  readonly isMining: boolean;
  readonly mining: MiningMode;
  readonly mineThreshold: number;
  readonly blocksInFlight: number;
  readonly syncPeerId: string | null;
  /** What restoring from storage found (null when the node did not start from storage). */
  readonly restoreReport: RestoreReport | null;
  readonly query: NodeQuery;
  on(listener: (e: NodeEvent) => void): () => void;
  nowSeconds(): number;
  peerInfo(): PeerView[];
  peerIds(): string[];
  knownNodes(): string[];
  bestKnownHeight(): number;
  isDiscouraged(peer: string): boolean;
  /**
   * Builds, signs and relays a payment; with `mine`, mines it at once; with `note`, adds an
   * OP_RETURN output carrying it. Throws PaymentError/RuleError.
   */
  send(from: string, to: string, amount: bigint, opts?: PaymentOptions & { mine?: boolean }): Tx;
  /** The size and fee of the payment `send` would make now (nothing is sent). Throws like `send`. */
  quotePayment(from: string, to: string, amount: bigint, opts?: PaymentOptions): { size: number; fee: bigint };
  /** Relays a transaction built elsewhere (a multisig or time-lock spend); `mine` mines it at once. Throws RuleError. */
  submitTx(tx: Tx, mine?: boolean): void;
  /**
   * Signs input `index` of `tx` with the key of `address` over `scriptCode` (the redeem script of
   * a P2SH spend), SIGHASH_ALL; returns DER signature + hash type. The key never leaves the node.
   */
  signInput(tx: Tx, index: number, scriptCode: Uint8Array, address: string): Uint8Array;
  newAddress(label?: string): WalletKeyView;
  /** Names one of this wallet's addresses; names are published to other nodes (tabchain `nodeinfo`). */
  setLabel(address: string, label: string): void;
  /** This wallet's named addresses, then those other nodes published: claims, shown, never trusted. */
  namedAddresses(): NamedAddress[];
  /** What each node heard of says of itself (role, tip, names), this node first. */
  nodeInfos(): NodeInfoView[];
  addKey(key: WalletKey): void;
  mineOnce(): void;
  setMining(mode: MiningMode, threshold?: number): void;
  setOffline(offline: boolean): void;
  connect(peerId: string): void;
  connectivity(): Connectivity;
  /** A teacher command from the dashboard (wire bytes): checked, applied and relayed; the refusal if any. */
  teacherCommand(bytes: Uint8Array): Refusal | null;
  /** What the teacher's commands have set here: mining paused, throttle, partition, message, delivery. */
  teacherState(): TeacherState;
  /** Slow motion, pause and step; the tamper lab; the double spend; the private chain. */
  readonly lessons: LessonsApi;
}
