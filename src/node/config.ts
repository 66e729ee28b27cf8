import type { Block, ChainParams, Coin, Miner, ScriptChecker, Tx, WalletKey } from '../core';
import type { MiningMode, Role, Topology } from './events';
import type { Clock, Random, Transport } from './transport';
import type { Command, Message, PeerAddress } from './wire/messages';

/**
 * The node's timers and limits in one place. Limits bound everything a peer can make the node
 * hold; each is named after the Bitcoin Core constant it mirrors where there is one.
 */

/** Protocol timers in milliseconds. */
export interface Timing {
  handshakeTimeout: number;
  pingInterval: number;
  pingTimeout: number;
  /** A peer with blocks in flight that delivers none for this long is stalling. */
  stallTimeout: number;
  discourage: number;
  reconnect: number;
  /**
   * Mean wait before new transactions are announced to an outbound / inbound peer, batched in one
   * inv (Bitcoin Core's trickle: 2 s and 5 s, Poisson). 0: each at once, in its own inv (the classroom).
   */
  txInvOutbound: number;
  txInvInbound: number;
}

export const DEFAULT_TIMING: Timing = {
  handshakeTimeout: 10_000,
  pingInterval: 15_000,
  pingTimeout: 30_000,
  stallTimeout: 4_000,
  discourage: 5 * 60_000,
  reconnect: 5_000,
  txInvOutbound: 0,
  txInvInbound: 0,
};

/** Period of the node's housekeeping tick (stalls, retries, redials), ms. */
export const TICK_MS = 1_000;
/** Blocks a peer may have in flight to us at once. */
export const MAX_BLOCKS_IN_FLIGHT = 256;
/** Blocks in a getblocks answer (Bitcoin's 500). */
export const GETBLOCKS_LIMIT = 500;
/** Unrequested items per peer we will remember wanting (bounds an inv flood). */
export const MAX_WANTED_PER_PEER = 5_000;
export const MAX_TX_IN_FLIGHT = 1_000;
export const MAX_TX_REQUESTS = 10_000;
/** Mempool transactions announced to a peer that just connected (what it may have in flight). */
export const MAX_MEMPOOL_INV = MAX_TX_IN_FLIGHT;
export const ADDR_BOOK_MAX = 1_000;
/** Hashes remembered per peer as known to it (Core's m_tx_inventory_known_filter, as a bounded set). */
export const KNOWN_INV_MAX = 20_000;
/** Refused block and transaction hashes remembered (their announcements are not followed again). */
export const MAX_REJECTED = 10_000;
/** Blocks from the future held for a retry. */
export const MAX_DEFERRED = 64;
/** Discouraged peer ids remembered. */
export const MAX_DISCOURAGED = 10_000;
/** Inbound links a node serves (Bitcoin Core's default -maxconnections). */
export const MAX_INBOUND = 125;
/** Links a mesh node keeps by dialling (Bitcoin's 8 outbound). */
export const MAX_OUTBOUND = 8;
export const NODE_NETWORK = 1n;

/** How a node is set up. Only id, role, network and transport are required. */
export interface NodeOptions {
  id: string;
  role: Role;
  network: string;
  transport: Transport;
  clock?: Clock;
  random?: Random;
  /** Proof-of-work search (Web Workers in a tab, main thread in tests). */
  miner?: Miner;
  /** Signature checks of downloaded blocks in parallel (a Web Worker pool in a tab); without it, on the main thread. */
  scriptChecker?: ScriptChecker;
  /** Known network parameters (with genesis): the creator's, or restored from storage. */
  params?: ChainParams;
  /** Blocks to load before going online (validated like any other), in chain order. */
  blocks?: Block[];
  /** State restored from this node's own storage (signatures not checked again; coins replayed and compared). */
  restore?: { blocks: Block[]; tip: string; utxo: [string, Coin][]; undo: [string, Coin[]][]; mempool?: Tx[] };
  /** Wallet keys restored from storage. */
  keys?: WalletKey[];
  /** Addresses this node had learned (its stored address book). */
  addrs?: PeerAddress[];
  /** The teacher's latest commands as this node stored them (wire bytes; checked again). */
  teacherCommands?: Uint8Array[];
  topology?: Topology;
  /** Peers to connect to at start (the central node's id). */
  seeds?: string[];
  mining?: MiningMode;
  /** Miner role: mine as soon as the mempool holds this many valid txs (seed tutorial: 2). */
  mineThreshold?: number;
  /** Rebuild a running block template for new mempool transactions only once it is this old, ms (default 0: at once). */
  templateRefreshMs?: number;
  /** Links a mesh node dials and keeps (Bitcoin's 8 outbound). */
  maxOutbound?: number;
  /** Inbound links accepted before eviction (Bitcoin Core's 125). */
  maxInbound?: number;
  timing?: Partial<Timing>;
  /**
   * Speak tabchain's `nodeinfo` (default true): publish this node's role, tip and names, and pass
   * others' on. A simulated Bitcoin-like network turns it off: its nodes speak Bitcoin's messages
   * only, and the Simulator reads each node directly.
   */
  nodeInfo?: boolean;
  /**
   * Decodes a checked frame's payload (default `decodePayload`). A simulator hands every node one
   * decoder that returns the same immutable object for the same bytes, so a thousand nodes hold
   * one copy of each block; it must throw DecodeError exactly where `decodePayload` does.
   */
  decode?: (command: Command, payload: Uint8Array) => Message;
}


