/**
 * The UI's view of one node, as plain data the components select from: what every view lists
 * (blocks, mempool, wallet, peers, messages), the bounded histories kept for the chain, timeline
 * and miner views, and the state a new tab starts with.
 */
import type { ChainParams, MinerProgress, RestoreReport } from '../../core';
import type { CompactBlockEvent, MessageEvent, MiningMode, Role, Topology } from '../../node/events';
import type { PropagationStep } from '../../node/propagation';
import type { SignalStatus } from '../../adapters/peerjs/transport';
import type { StoreProblem } from '../../adapters/idb/nodeStore';
import type { NamedAddress, NodeInfoView, PeerView, TeacherState } from '../../node/api';

/** A block as the chain view lists it. */
export interface BlockSummary {
  hash: string;
  height: number;
  prev: string;
  time: number;
  txCount: number;
  active: boolean;
  invalid?: string;
  zeroBits: number;
  miner: string | null;
  /** Compact difficulty target and nonce of the header (chain view cards). */
  bits: number;
  nonce: number;
}

/** A block held while its parent is unknown (Core's orphan pool): no height yet. */
export interface OrphanSummary {
  hash: string;
  prev: string;
  time: number;
  txCount: number;
  bits: number;
  nonce: number;
  zeroBits: number;
  miner: string | null;
}

/** An input of a mempool transaction: the outpoint it spends and what that output holds. */
export interface TxInputSummary {
  outpoint: string;
  /** Address and value of the spent output; null when this node cannot see it. */
  address: string | null;
  value: bigint | null;
  /** The spent output is in a block (true) or is itself in the mempool (false). */
  confirmed: boolean;
}

export interface TxSummary {
  txid: string;
  fee: string;
  size: number;
  outputs: { address: string; value: bigint }[];
  spends: string[];
  /** The same spends with their coins resolved (wallet and mempool views). */
  inputs: TxInputSummary[];
  /** Node clock seconds when it entered the mempool. */
  time: number;
}

/**
 * One reorganisation as the chain view animates it: blocks disconnected back to the fork (each with
 * its non-coinbase txids), blocks connected, and which of those txids went back to the mempool.
 */
export interface ReorgSummary {
  id: number;
  time: number;
  fork: { hash: string; height: number };
  disconnected: { hash: string; height: number; txids: string[] }[];
  connected: { hash: string; height: number }[];
  returned: string[];
}

/** One hash-rate sample for the miner's plot. */
export interface HashRatePoint {
  time: number;
  rate: number;
  perWorker: number[];
}

/** The block template being mined right now. */
export interface MiningJobInfo {
  height: number;
  txCount: number;
  bits: number;
  startedAt: number;
}

export interface WalletRow {
  address: string;
  label?: string;
  confirmed: bigint;
  pendingIn: bigint;
  pendingOut: bigint;
  total: bigint;
}

/** A peer as the peers table shows it (the node's own view). */
export type PeerRow = PeerView;

/** A refusal shown in red beside the message that caused it. */
export interface Rejection {
  messageId: number;
  peer: string;
  command: string;
  /** The refusal's code (misbehavior.ts, or the rule's own reason). */
  code: string;
  reason: string;
  debug: string;
  punished: boolean;
  time: number;
}

/** The UI's view of one node: derived from node events, never the source of truth. */
export interface ViewState {
  phase: 'setup' | 'starting' | 'running' | 'refused' | 'error';
  status: string;
  error?: string;
  nodeId: string;
  role: Role;
  network: string;
  topology: Topology;
  params: ChainParams | null;
  signal: SignalStatus;
  storage: StoreProblem | null;
  /** What the teacher's commands have set on this node (mining paused, throttle, partition, message). */
  teacher: TeacherState;
  /** The last teacher command this node refused (forged, replayed…), and who sent it. */
  teacherRefused: { code: string; reason: string; from: string; time: number } | null;
  /** Why this node has no link (null while it has one). */
  noLink: { peer: string; reason: string; time: number } | null;
  /** ICE servers this tab uses (from the page address or the server's /ice) and whether links are relay-only. */
  ice: { servers: number; relay: boolean };
  /** Connections and data-channel messages refused below the protocol, by reason (PeerJS guard). */
  refusals: Record<string, number>;
  /** Set when restoring from storage found coins that did not match the stored blocks (and rebuilt them). */
  repaired: RestoreReport | null;
  peers: PeerRow[];
  knownNodes: string[];
  /** Cut off from the network on purpose (the peers panel's switch; `FullNode.setOffline`). */
  offline: boolean;
  height: number;
  tip: string | null;
  bestKnownHeight: number;
  inFlight: number;
  blocks: BlockSummary[];
  mempool: TxSummary[];
  wallet: WalletRow[];
  mining: {
    mode: MiningMode;
    threshold: number;
    active: boolean;
    progress: MinerProgress | null;
    found: number;
    concurrency: number;
    maxConcurrency: number;
    /** The template being searched (null when idle) and why the last search ended. */
    job?: MiningJobInfo | null;
    lastStop?: { why: 'found' | 'stale' | 'stopped' | 'error'; time: number; hash?: string } | null;
  };
  /** Orphan blocks (parent unknown), for the chain tree. */
  orphans: OrphanSummary[];
  /** Recent reorganisations, newest last. */
  reorgs: ReorgSummary[];
  /** Propagation steps of blocks (bounded), oldest first: this node's own, and its peers' as it saw them. */
  propagation: PropagationStep[];
  /** Hash-rate samples of the miner (bounded), oldest first. */
  hashRates: HashRatePoint[];
  messages: MessageEvent[];
  rejections: Record<number, Rejection>;
  /** How compact blocks (BIP 152) were rebuilt, by the id of the cmpctblock or blocktxn message (bounded). */
  compact: Record<number, CompactBlockEvent>;
  log: { time: number; level: string; text: string }[];
  lastPaymentError: string | null;
  /** Named addresses (this wallet's, then other nodes' from `nodeinfo`): the payee list. */
  named: NamedAddress[];
  /** What each node says of itself (role, tip, names), this node first. */
  nodeInfos: NodeInfoView[];
  /** Downloading blocks right now (a sync peer, or blocks in flight): the header's "Syncing". */
  syncing: boolean;
}

export const MAX_MESSAGES = 2000;
/** Compact block reconstructions remembered for the message view. */
export const MAX_COMPACT = 200;
/** Blocks of the active chain (and branches near it) listed in the chain view. */
export const MAX_BLOCKS_SHOWN = 200;
/** Bounds of the view-only histories kept for the chain, timeline and miner views. */
export const MAX_REORGS = 10;
export const MAX_PROPAGATION = 5000;
export const MAX_HASH_RATES = 600;

export function initialViewState(): ViewState {
  return {
    phase: 'setup',
    status: '',
    nodeId: '',
    role: 'wallet',
    network: '',
    topology: 'star',
    params: null,
    signal: { state: 'connecting' },
    storage: null,
    repaired: null,
    refusals: {},
    ice: { servers: 0, relay: false },
    teacher: { miningPaused: false, throttle: 100, partition: [], message: null, delivery: { mode: 'live', intervalMs: 0 } },
    noLink: null,
    teacherRefused: null,
    peers: [],
    knownNodes: [],
    offline: false,
    height: -1,
    tip: null,
    bestKnownHeight: -1,
    inFlight: 0,
    blocks: [],
    mempool: [],
    wallet: [],
    mining: { mode: 'off', threshold: 2, active: false, progress: null, found: 0, concurrency: 1, maxConcurrency: 1, job: null, lastStop: null },
    orphans: [],
    reorgs: [],
    propagation: [],
    hashRates: [],
    messages: [],
    rejections: {},
    compact: {},
    log: [],
    lastPaymentError: null,
    named: [],
    nodeInfos: [],
    syncing: false,
  };
}

