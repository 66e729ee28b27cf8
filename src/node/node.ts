import {
  Chain,
  Mempool,
  RuleError,
  DecodeError,
  blockHashHex,
  blockTemplate,
  buildPayment,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  fromHex,
  genesisTemplate,
  hashToHex,
  magicFor,
  paramsFromJSON,
  paramsToJSON,
  spendableCoins,
  toHex,
  txidHex,
  walletKeyFromSecret,
  withHeader,
  decodeBlock,
  workFromBits,
  type Block,
  type ChainEvent,
  type ChainParams,
  type Coin,
  type Miner,
  type ProcessResult,
  type RestoreReport,
  type Tx,
  type WalletKey,
} from '../core';
import {
  MAX_ADDR,
  MAX_PAYLOAD,
  MSG_BLOCK,
  MSG_TX,
  PROTOCOL_VERSION,
  REJECT_DUPLICATE,
  REJECT_INVALID,
  REJECT_MALFORMED,
  REJECT_NONSTANDARD,
  ZERO_HASH,
  decodePayload,
  encodeMessage,
  isKnownCommand,
  parseFrame,
  summarize,
  type InvItem,
  type Message,
  type PeerAddress,
  type VersionPayload,
} from './wire/messages';
import { systemClock, systemRandom, type Clock, type Link, type Random, type Transport } from './transport';
import type { MiningMode, NodeEvent, Role, Topology } from './events';

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
  /** Known network parameters (with genesis): the creator's, or restored from storage. */
  params?: ChainParams;
  /** Blocks to load before going online (restored from storage), in chain order. */
  blocks?: Block[];
  /** State restored from this node's own storage (trusted: not validated again). */
  restore?: { blocks: Block[]; tip: string; utxo: [string, Coin][]; undo: [string, Coin[]][]; mempool?: Tx[] };
  /** Wallet keys restored from storage. */
  keys?: WalletKey[];
  topology?: Topology;
  /** Peers to connect to at start (the central node's id). */
  seeds?: string[];
  mining?: MiningMode;
  /** Miner role: mine as soon as the mempool holds this many valid txs (seed tutorial: 2). */
  mineThreshold?: number;
  /** Most links kept in mesh (Bitcoin's 8 outbound). */
  maxPeers?: number;
  timing?: Partial<Timing>;
}

/** Protocol timers in milliseconds. */
export interface Timing {
  handshakeTimeout: number;
  pingInterval: number;
  pingTimeout: number;
  /** A peer with blocks in flight that delivers none for this long is stalling. */
  stallTimeout: number;
  discourage: number;
  reconnect: number;
}

const DEFAULT_TIMING: Timing = {
  handshakeTimeout: 10_000,
  pingInterval: 15_000,
  pingTimeout: 30_000,
  stallTimeout: 4_000,
  discourage: 5 * 60_000,
  reconnect: 5_000,
};

/** Blocks a peer may have in flight to us at once. */
const MAX_BLOCKS_IN_FLIGHT = 256;
/** Blocks in a getblocks answer (Bitcoin's 500). */
const GETBLOCKS_LIMIT = 500;
/** Unrequested items per peer we will remember wanting (bounds an inv flood). */
const MAX_WANTED_PER_PEER = 5_000;
const MAX_TX_IN_FLIGHT = 1_000;
const MAX_TX_REQUESTS = 10_000;
/** Mempool transactions announced to a peer that just connected (what it may have in flight). */
const MAX_MEMPOOL_INV = MAX_TX_IN_FLIGHT;
const ADDR_BOOK_MAX = 1_000;
const KNOWN_INV_MAX = 20_000;
/** Refused block hashes remembered (so their announcements are not followed again). */
const MAX_REJECTED = 10_000;
/** Blocks from the future held for a retry. */
const MAX_DEFERRED = 64;
/** Transaction bytes a mined block may carry: the frame limit less room for header, count and coinbase. */
const MAX_BLOCK_TXS_BYTES = MAX_PAYLOAD - 1000;
const NODE_NETWORK = 1n;

interface Peer {
  link: Link;
  id: string;
  outbound: boolean;
  version?: VersionPayload;
  verack: boolean;
  versionSent: boolean;
  role?: Role;
  bestHeight: number;
  knownInv: Set<string>;
  blocksInFlight: Set<string>;
  txInFlight: Set<string>;
  lastBlockAt: number;
  pingNonce?: bigint;
  pingSentAt?: number;
  rtt?: number;
  timers: number[];
  addrTokens: number;
  addrTokensAt: number;
  gaveAddr: boolean;
  wanted: number;
  /** The nonce of the version we sent (forgotten once the handshake ends either way). */
  versionNonce?: bigint;
  /** When we last sent this peer getparams (while we have no chain). */
  paramsAskedAt?: number;
  closed: boolean;
}

interface Wanted {
  from: Set<string>;
}

/**
 * A full node: chain, mempool, wallet and miner, speaking Bitcoin's P2P messages to its peers
 * over any Transport. Every received byte is validated; every message in and out becomes a
 * NodeEvent. Synchronous message handling; only mining is asynchronous.
 */
export class FullNode {
  readonly id: string;
  readonly role: Role;
  readonly network: string;
  readonly magic: number;
  readonly topology: Topology;
  readonly clock: Clock;
  readonly random: Random;
  readonly timing: Timing;
  chain: Chain | null = null;
  mempool: Mempool | null = null;
  /** What restoring from storage found (null when the node did not start from storage). */
  restoreReport: RestoreReport | null = null;
  keys: WalletKey[];
  mining: MiningMode;
  mineThreshold: number;
  maxPeers: number;

  private readonly transport: Transport;
  private readonly miner?: Miner;
  private readonly peers = new Map<string, Peer>();
  private readonly connecting = new Set<string>();
  /** When each id was last dialled (automatic redials wait `timing.reconnect`). */
  private readonly lastDialed = new Map<string, number>();
  private readonly seeds: string[];
  private readonly addrBook = new Map<string, PeerAddress>();
  private readonly discouraged = new Map<string, number>();
  private readonly wantedBlocks = new Map<string, Wanted>();
  private readonly blockRequests = new Map<string, string>();
  /** Blocks refused for consensus reasons (never fetched again). */
  private readonly recentlyRejected = new Set<string>();
  /** Transactions refused for consensus reasons since the last tip change (Core's recentRejects). */
  private readonly rejectedTxs = new Set<string>();
  private readonly versionNonces = new Set<bigint>();
  private readonly deferred = new Map<string, Block>();
  /** Transactions asked for: of whom, when, and who else announced them (asked next if the first fails). */
  private readonly txRequests = new Map<string, { peer: string; at: number; others: string[] }>();
  private readonly listeners = new Set<(e: NodeEvent) => void>();
  private syncPeer: string | null = null;
  /** Last hash of a full getblocks answer whose follow-up getblocks is not sent yet. */
  private syncContinue: string | null = null;
  private syncActivity = 0;
  private msgSeq = 0;
  private miningJob: { abort: AbortController; tip: string; mempoolVersion: number; once: boolean } | null = null;
  private mempoolVersion = 0;
  private mineOnceQueued = false;
  private stallTimer: number | null = null;
  private started = false;
  private stopped = false;
  private cutOff = false;

  constructor(opts: NodeOptions) {
    this.id = opts.id;
    this.role = opts.role;
    this.network = opts.network;
    this.magic = magicFor(opts.network);
    this.transport = opts.transport;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? systemRandom;
    this.miner = opts.miner;
    this.topology = opts.topology ?? 'star';
    this.seeds = (opts.seeds ?? []).filter((s) => s !== opts.id);
    this.mining = opts.mining ?? (opts.role === 'miner' ? 'threshold' : 'off');
    this.mineThreshold = opts.mineThreshold ?? 2;
    this.maxPeers = opts.maxPeers ?? 8;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.keys = opts.keys ? [...opts.keys] : [];
    if (this.keys.length === 0) this.keys.push(walletKeyFromSecret(this.random.bytes32(), `${this.role} ${this.id}`));
    if (opts.params) this.loadChain(opts.params, opts.blocks ?? [], opts.restore);
  }

  // ---------------------------------------------------------------- lifecycle and events

  /** Subscribe to node events; returns an unsubscribe function. */
  on(listener: (e: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NodeEvent): void {
    for (const l of this.listeners) l(e);
  }

  private now(): number {
    return this.clock.now();
  }
  /** Node time in seconds, as block headers count it. */
  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private log(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.emit({ type: 'log', time: this.now(), level, text });
  }

  /**
   * Creates a new network's chain (the central node's job in the seed tutorial): parameters and a
   * genesis block whose coinbase pays this node's first address, solved with this node's miner.
   */
  static async createNetworkParams(params: ChainParams, payTo: WalletKey, miner: Miner, timeSeconds: number): Promise<ChainParams> {
    const template = genesisTemplate(params, payTo.pubkeyHash, timeSeconds);
    const solved = await miner.mine({ header: encodeHeader(template.header) });
    if (!solved) throw new Error('genesis mining was cancelled');
    const genesis = withHeader(template, decodeHeader(solved));
    return { ...params, genesisHex: toHex(encodeBlock(genesis)) };
  }

  private loadChain(params: ChainParams, blocks: Block[], restore?: NodeOptions['restore']): void {
    if (params.magic !== this.magic) throw new Error(`parameters are for another network (${params.network})`);
    const chain = new Chain(params);
    const mempool = new Mempool(chain);
    this.chain = chain;
    this.mempool = mempool;
    const t = this.nowSeconds();
    if (restore) {
      this.restoreReport = chain.restore(restore);
      for (const tx of restore.mempool ?? []) {
        try {
          mempool.accept(tx, t);
        } catch {
          // no longer valid: dropped
        }
      }
    }
    for (const b of blocks) {
      const r = chain.processBlock(b, t);
      if (r.status === 'invalid') this.log(`stored block ${r.hash} is invalid: ${r.error?.reason}`, 'warn');
    }
    // Event objects are built only when someone listens (a download emits several per block).
    chain.on((event) => {
      if (this.listeners.size) this.emit({ type: 'chain', time: this.now(), event });
    });
    mempool.on((event) => {
      this.mempoolVersion++;
      if (this.listeners.size) this.emit({ type: 'mempool', time: this.now(), event });
    });
    this.emit({ type: 'chain-ready', time: this.now(), params });
  }

  /** Goes online: accepts links and connects to the seeds. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.transport.onlink = (link) => this.onLink(link);
    this.transport.onconnectfailed = (peer, reason) => {
      this.connecting.delete(peer);
      this.emit({ type: 'connect-failed', time: this.now(), peer, reason });
      if (this.seeds.includes(peer) && !this.stopped) this.clock.setTimer(this.timing.reconnect, () => this.maintainConnections());
    };
    this.stallTimer = this.clock.setTimer(1000, () => this.checkStalls());
    this.maintainConnections();
    this.maybeMine();
  }

  /** Leaves the network: closes every link and stops mining. */
  stop(): void {
    this.stopped = true;
    this.miningJob?.abort.abort();
    this.miningJob = null;
    if (this.stallTimer !== null) this.clock.clearTimer(this.stallTimer);
    for (const p of [...this.peers.values()]) this.disconnect(p, 'node shut down');
    this.transport.close();
  }

  /**
   * Cuts this node off from the network (true) or reconnects it (false): the classroom's way to make
   * a fork. Offline, the node closes every link, refuses new ones and dials nobody, but keeps its
   * chain, mempool and wallet, and a miner keeps mining on its own branch. Back online, it dials its
   * seeds (and, in a mesh, known nodes) at once; the handshake and getblocks then settle the fork.
   */
  setOffline(offline: boolean): void {
    if (this.cutOff === offline || this.stopped) return;
    this.cutOff = offline;
    this.emit({ type: 'offline-changed', time: this.now(), offline });
    if (offline) {
      this.log('offline: links closed, nobody is dialled until the node goes online again', 'warn');
      for (const p of [...this.peers.values()]) this.disconnect(p, 'went offline');
    } else {
      this.log('online again: dialling seeds and known nodes');
      this.lastDialed.clear();
      this.maintainConnections();
    }
  }

  /** True while the node is cut off from the network (`setOffline`). */
  get offline(): boolean {
    return this.cutOff;
  }

  // ---------------------------------------------------------------- public state

  get height(): number {
    return this.chain ? this.chain.height : -1;
  }
  get tipHash(): string | null {
    return this.chain ? this.chain.tip.hash : null;
  }
  get params(): ChainParams | null {
    return this.chain ? this.chain.params : null;
  }
  /** Ids of peers that completed the handshake. */
  peerIds(): string[] {
    return [...this.peers.values()].filter((p) => this.ready(p)).map((p) => p.id);
  }
  /** What the node knows of a peer, for the UI. */
  peerInfo(): { id: string; outbound: boolean; role?: Role; height: number; rtt?: number; ready: boolean }[] {
    return [...this.peers.values()].map((p) => ({ id: p.id, outbound: p.outbound, role: p.role, height: p.bestHeight, rtt: p.rtt, ready: this.ready(p) }));
  }
  /** Every node id this node has heard of (peers and addr). */
  knownNodes(): string[] {
    return [...new Set([...this.addrBook.keys(), ...this.peers.keys()])];
  }
  /** Highest height any peer has told us about (for the sync progress bar). */
  bestKnownHeight(): number {
    let h = this.height;
    for (const p of this.peers.values()) h = Math.max(h, p.bestHeight);
    return h;
  }
  isDiscouraged(peer: string): boolean {
    const until = this.discouraged.get(peer);
    return until !== undefined && until > this.now();
  }
  /** Blocks requested and not yet received. */
  get blocksInFlight(): number {
    return this.blockRequests.size;
  }
  get isMining(): boolean {
    return this.miningJob !== null;
  }
  /** The peer blocks are being downloaded from (getblocks), if any. */
  get syncPeerId(): string | null {
    return this.syncPeer;
  }
  /**
   * Sizes of every table a peer can make the node grow, for tests (each must stay bounded under
   * a flood) and the UI's debug view.
   */
  resourceCounts(): { peers: number; addrBook: number; discouraged: number; wantedBlocks: number; blocksInFlight: number; txInFlight: number; txRequests: number; knownInv: number; orphans: number; deferred: number; recentlyRejected: number } {
    let txInFlight = 0;
    let knownInv = 0;
    for (const p of this.peers.values()) {
      txInFlight += p.txInFlight.size;
      knownInv += p.knownInv.size;
    }
    return {
      peers: this.peers.size,
      addrBook: this.addrBook.size,
      discouraged: this.discouraged.size,
      wantedBlocks: this.wantedBlocks.size,
      blocksInFlight: this.blockRequests.size,
      txInFlight,
      txRequests: this.txRequests.size,
      knownInv,
      orphans: this.chain ? this.chain.orphanHashes().length : 0,
      deferred: this.deferred.size,
      recentlyRejected: this.recentlyRejected.size + this.rejectedTxs.size,
    };
  }

  // ---------------------------------------------------------------- connections

  /** Opens a connection to a peer by id (if not already connected). */
  connect(peerId: string): void {
    if (this.cutOff) return;
    if (peerId === this.id || this.peers.has(peerId) || this.connecting.has(peerId) || this.isDiscouraged(peerId) || this.stopped) return;
    if (this.lastDialed.size >= 2 * ADDR_BOOK_MAX)
      for (const [id, t] of this.lastDialed) if (this.now() - t >= this.timing.reconnect) this.lastDialed.delete(id);
    this.lastDialed.set(peerId, this.now());
    this.connecting.add(peerId);
    this.transport.connect(peerId);
  }

  /** Automatic dialling tries one id at most once per `reconnect` ms (a peer that refuses us is not hammered). */
  private mayDial(id: string): boolean {
    const t = this.lastDialed.get(id);
    return t === undefined || this.now() - t >= this.timing.reconnect;
  }

  private maintainConnections(): void {
    if (this.stopped || this.cutOff) return;
    for (const s of this.seeds) if (!this.peers.has(s) && this.mayDial(s)) this.connect(s);
    if (this.topology !== 'mesh') return;
    const open = this.peers.size + this.connecting.size;
    if (open >= this.maxPeers) return;
    const candidates = [...this.addrBook.keys()].filter((id) => id !== this.id && !this.peers.has(id) && !this.connecting.has(id) && !this.isDiscouraged(id) && this.mayDial(id));
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.next() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    for (const id of candidates.slice(0, this.maxPeers - open)) this.connect(id);
  }

  private onLink(link: Link): void {
    this.connecting.delete(link.peerId);
    if (this.stopped) return link.close('node shut down');
    if (this.cutOff) {
      this.emit({ type: 'peer-disconnected', time: this.now(), peer: link.peerId, reason: 'offline: refused' });
      return link.close('offline');
    }
    if (this.isDiscouraged(link.peerId)) {
      this.emit({ type: 'peer-disconnected', time: this.now(), peer: link.peerId, reason: 'discouraged: refused' });
      return link.close('discouraged');
    }
    const existing = this.peers.get(link.peerId);
    if (existing) {
      // Both sides dialled at once: keep the link opened by the lower id.
      const keepOutbound = this.id < link.peerId;
      if (link.outbound !== keepOutbound) return link.close('duplicate connection');
      this.disconnect(existing, 'duplicate connection');
    }
    if (!link.outbound && this.peers.size >= this.maxPeers * 4) return link.close('too many connections');
    const peer: Peer = {
      link,
      id: link.peerId,
      outbound: link.outbound,
      verack: false,
      versionSent: false,
      bestHeight: -1,
      knownInv: new Set(),
      blocksInFlight: new Set(),
      txInFlight: new Set(),
      lastBlockAt: this.now(),
      timers: [],
      addrTokens: MAX_ADDR,
      addrTokensAt: this.now(),
      gaveAddr: false,
      wanted: 0,
      closed: false,
    };
    this.peers.set(peer.id, peer);
    link.onmessage = (data) => this.onFrame(peer, data);
    link.onclose = (reason) => this.onClosed(peer, reason);
    peer.timers.push(
      this.clock.setTimer(this.timing.handshakeTimeout, () => {
        if (!this.ready(peer) && !peer.closed) this.disconnect(peer, 'handshake timeout');
      }),
    );
    if (peer.outbound) this.sendVersion(peer);
  }

  private ready(p: Peer): boolean {
    return !!p.version && p.verack && !p.closed;
  }

  /** Closes a peer's link and forgets its in-flight requests (they go to other peers). */
  disconnect(peer: Peer | string, reason: string): void {
    const p = typeof peer === 'string' ? this.peers.get(peer) : peer;
    if (!p || p.closed) return;
    p.link.close(reason);
    this.onClosed(p, reason);
  }

  private onClosed(p: Peer, reason: string): void {
    if (p.closed) return;
    p.closed = true;
    if (p.versionNonce !== undefined) this.versionNonces.delete(p.versionNonce);
    for (const t of p.timers) this.clock.clearTimer(t);
    if (this.peers.get(p.id) === p) this.peers.delete(p.id);
    for (const h of p.blocksInFlight) this.blockRequests.delete(h);
    p.blocksInFlight.clear();
    for (const h of p.txInFlight) this.retryTx(h, p);
    p.txInFlight.clear();
    // Forget what only this peer announced: nobody else can deliver it, and a flood of bogus
    // announcements must not outlive the connection that made it.
    for (const [hash, w] of [...this.wantedBlocks]) {
      w.from.delete(p.id);
      if (w.from.size === 0) this.wantedBlocks.delete(hash);
    }
    this.emit({ type: 'peer-disconnected', time: this.now(), peer: p.id, reason });
    if (this.syncPeer === p.id) {
      this.syncPeer = null;
      this.startSync();
    }
    this.requestBlocks();
    if (!this.stopped) this.clock.setTimer(this.seeds.includes(p.id) ? this.timing.reconnect : 0, () => this.maintainConnections());
  }

  /**
   * Bitcoin Core's misbehaviour response: disconnect and discourage the peer for a while
   * (refuse its connections, never dial it).
   */
  private punish(p: Peer, reason: string): void {
    const until = this.now() + this.timing.discourage;
    this.discouraged.set(p.id, until);
    this.emit({ type: 'peer-discouraged', time: this.now(), peer: p.id, reason, until });
    this.disconnect(p, `misbehaving: ${reason}`);
  }

  // ---------------------------------------------------------------- sending

  /** Frames and sends a message; false (and a warning) if it cannot be framed, e.g. a block over 256 KiB. */
  private sendMsg(p: Peer, m: Message): boolean {
    if (p.closed) return false;
    let raw: Uint8Array;
    try {
      raw = encodeMessage(this.magic, m);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.log(`cannot send ${m.command} to ${p.id}: ${e.message}`, 'warn');
      return false;
    }
    const id = this.msgSeq++;
    // Summaries cost string work per message: built only when someone listens.
    if (this.listeners.size) this.emit({ type: 'message', id, time: this.now(), dir: 'out', peer: p.id, command: m.command, bytes: raw.length, summary: summarize(m), raw, ...hashesOf(m) });
    p.link.send(raw);
    return true;
  }

  private sendVersion(p: Peer): void {
    const nonce = this.random.nonce64();
    this.versionNonces.add(nonce);
    p.versionNonce = nonce;
    p.versionSent = true;
    this.sendMsg(p, {
      command: 'version',
      payload: {
        version: PROTOCOL_VERSION,
        services: NODE_NETWORK,
        timestamp: BigInt(this.nowSeconds()),
        addrRecv: p.id,
        addrFrom: this.id,
        nonce,
        userAgent: `/tabchain:0.1.0(${this.role})/`,
        startHeight: Math.max(0, this.height),
        relay: true,
        genesis: this.chain ? this.chain.genesis.hash : ZERO_HASH,
      },
    });
  }

  // ---------------------------------------------------------------- receiving

  private onFrame(p: Peer, data: Uint8Array): void {
    if (p.closed) return;
    const id = this.msgSeq++;
    const frame = parseFrame(this.magic, data);
    if (!frame.ok) {
      const f = frame.fault;
      const command = frame.header?.command || '?';
      const reason =
        f.kind === 'wrong-magic' ? 'wrong network magic' :
        f.kind === 'bad-checksum' ? 'bad checksum' :
        f.kind === 'oversized' ? `oversized message (${f.length} bytes)` :
        f.kind === 'too-short' ? 'truncated message header' :
        f.kind === 'bad-command' ? 'malformed command name' : 'payload length does not match header';
      this.emit({ type: 'message', id, time: this.now(), dir: 'in', peer: p.id, command, bytes: data.length, summary: `dropped: ${reason}`, raw: data, reason });
      // Core: wrong magic → disconnect; bad checksum → drop the message only; oversized or broken framing → misbehaving.
      if (f.kind === 'bad-checksum') this.reject(p, id, command, reason, 'message corrupted in transit? dropped', false);
      else if (f.kind === 'wrong-magic') {
        this.reject(p, id, command, reason, 'peer is on another network', false);
        this.disconnect(p, reason);
      } else this.reject(p, id, command, reason, 'malformed message', true);
      return;
    }
    const command = frame.header.command;
    if (!isKnownCommand(command)) {
      this.emit({ type: 'message', id, time: this.now(), dir: 'in', peer: p.id, command, bytes: data.length, summary: 'unknown command, ignored', raw: data, reason: 'unknown command' });
      return;
    }
    let m: Message;
    try {
      m = decodePayload(command, frame.payload);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      const oversized = e.reason.startsWith('too many');
      const reason = oversized ? `oversized-${command}` : `malformed ${command}: ${e.reason}`;
      this.emit({ type: 'message', id, time: this.now(), dir: 'in', peer: p.id, command, bytes: data.length, summary: `dropped: ${e.reason}`, raw: data, reason });
      this.reject(p, id, command, reason, e.reason, true);
      return;
    }
    if (this.listeners.size) this.emit({ type: 'message', id, time: this.now(), dir: 'in', peer: p.id, command, bytes: data.length, summary: summarize(m), raw: data, ...hashesOf(m) });
    try {
      this.dispatch(p, m, id);
    } catch (e) {
      // A bug must never take the node down: report it and drop the message.
      this.log(`error handling ${command} from ${p.id}: ${(e as Error).message}`, 'error');
    }
  }

  /** Records a refusal; optionally sends a `reject` message back and punishes the peer. */
  private reject(p: Peer, messageId: number, command: string, reason: string, debug: string, punish: boolean, opts: { hash?: string; code?: number; notify?: boolean } = {}): void {
    this.emit({ type: 'rejected', time: this.now(), messageId, peer: p.id, command, hash: opts.hash, reason, debug, punished: punish });
    if (opts.notify && !p.closed)
      this.sendMsg(p, { command: 'reject', message: command.slice(0, 12), code: opts.code ?? REJECT_INVALID, reason: reason.slice(0, 111), ...(opts.hash ? { hash: opts.hash } : {}) });
    if (punish) this.punish(p, reason);
  }

  private dispatch(p: Peer, m: Message, id: number): void {
    if (m.command === 'version') return this.onVersion(p, m.payload, id);
    if (!p.version) return this.reject(p, id, m.command, 'non-version message before version handshake', 'ignored', false);
    if (m.command === 'verack') {
      if (p.verack) return this.reject(p, id, m.command, 'redundant verack', 'ignored', false);
      p.verack = true;
      return this.onHandshake(p);
    }
    if (!p.verack) return this.reject(p, id, m.command, 'unsupported message prior to verack', 'ignored', false);
    switch (m.command) {
      case 'getaddr':
        return this.onGetAddr(p);
      case 'addr':
        return this.onAddr(p, m.addrs);
      case 'inv':
        return this.onInv(p, m.items);
      case 'getdata':
        return this.onGetData(p, m.items);
      case 'notfound':
        return this.onNotFound(p, m.items);
      case 'getblocks':
        return this.onGetBlocks(p, m.locator, m.stop);
      case 'block':
        return this.onBlock(p, m.block, id);
      case 'tx':
        return this.onTx(p, m.tx, id);
      case 'ping':
        this.sendMsg(p, { command: 'pong', nonce: m.nonce });
        return;
      case 'pong':
        if (p.pingNonce === m.nonce && p.pingSentAt !== undefined) {
          p.rtt = this.now() - p.pingSentAt;
          p.pingNonce = undefined;
        }
        return;
      case 'reject':
        return this.log(`${p.id} rejected our ${m.message}: ${m.reason}`, 'warn');
      case 'getparams':
        if (this.chain) this.sendMsg(p, { command: 'params', json: paramsToJSON(this.chain.params) });
        return;
      case 'params':
        return this.onParams(p, m.json, id);
    }
  }

  private onVersion(p: Peer, v: VersionPayload, id: number): void {
    if (p.version) return this.reject(p, id, 'version', 'redundant version message', 'ignored', false);
    if (this.versionNonces.has(v.nonce)) {
      this.reject(p, id, 'version', 'connected to self', 'version nonce is our own', false);
      return this.disconnect(p, 'connected to self');
    }
    if (v.version < 70001) {
      this.reject(p, id, 'version', 'obsolete-version', `protocol version ${v.version} is too old`, false, { notify: true, code: 0x11 });
      return this.disconnect(p, 'obsolete version');
    }
    if (this.chain && v.genesis !== ZERO_HASH && v.genesis !== this.chain.genesis.hash) {
      this.reject(p, id, 'version', 'different genesis', `peer's chain starts at ${v.genesis.slice(0, 16)}…, ours at ${this.chain.genesis.hash.slice(0, 16)}…`, false, { notify: true });
      return this.disconnect(p, 'different genesis');
    }
    p.version = v;
    p.bestHeight = v.startHeight;
    const role = /\((central|miner|wallet)\)/.exec(v.userAgent)?.[1] as Role | undefined;
    if (role) p.role = role;
    if (!p.versionSent) this.sendVersion(p);
    this.sendMsg(p, { command: 'verack' });
    if (p.verack) this.onHandshake(p);
  }

  private onHandshake(p: Peer): void {
    // A completed handshake is not a connection to ourselves: its nonce need not be remembered.
    if (p.versionNonce !== undefined) this.versionNonces.delete(p.versionNonce);
    this.learnAddr([{ time: this.nowSeconds(), services: NODE_NETWORK, id: p.id }], p);
    this.emit({ type: 'peer-connected', time: this.now(), peer: p.id, outbound: p.outbound, role: p.role, height: p.bestHeight, userAgent: p.version!.userAgent });
    this.schedulePing(p);
    if (!this.chain) {
      if (p.version!.genesis !== ZERO_HASH) this.askParams(p);
    } else {
      this.startSync();
    }
    // Advertise ourselves and ask for more peers (Core does both after the handshake).
    this.sendMsg(p, { command: 'addr', addrs: [{ time: this.nowSeconds(), services: NODE_NETWORK, id: this.id }] });
    if (p.outbound && this.topology === 'mesh') this.sendMsg(p, { command: 'getaddr' });
    this.announceMempool(p);
  }

  /**
   * Announces the whole mempool to a peer that just connected, in acceptance order (parents before
   * children), so a payment made while offline or before a peer joined still reaches the miner.
   * Bitcoin Core re-broadcasts only its own wallet's transactions, on a timer; see docs/PROTOCOL.md.
   */
  private announceMempool(p: Peer): void {
    if (!this.mempool || !p.version!.relay) return;
    const items = this.mempool
      .all()
      .map((e) => e.txid)
      .filter((h) => !p.knownInv.has(h))
      .slice(0, MAX_MEMPOOL_INV)
      .map((hash) => ({ type: MSG_TX, hash }));
    if (!items.length) return;
    for (const it of items) this.remember(p, it.hash);
    this.sendMsg(p, { command: 'inv', items });
  }

  private schedulePing(p: Peer): void {
    p.timers.push(
      this.clock.setTimer(this.timing.pingInterval, () => {
        if (p.closed) return;
        if (p.pingNonce !== undefined && this.now() - (p.pingSentAt ?? 0) >= this.timing.pingTimeout) {
          return this.disconnect(p, 'ping timeout: peer vanished');
        }
        if (p.pingNonce === undefined) {
          p.pingNonce = this.random.nonce64();
          p.pingSentAt = this.now();
          this.sendMsg(p, { command: 'ping', nonce: p.pingNonce });
        }
        this.schedulePing(p);
      }),
    );
  }

  private onParams(p: Peer, json: string, id: number): void {
    if (this.chain) return;
    try {
      const params = paramsFromJSON(json);
      if (params.magic !== this.magic || params.network !== this.network) throw new Error('parameters are for another network');
      if (!params.genesisHex) throw new Error('parameters carry no genesis block');
      const genesis = decodeBlock(fromHex(params.genesisHex));
      // A peer that had no chain when we shook hands (zero genesis) may have one now.
      if (p.version!.genesis !== ZERO_HASH && blockHashHex(genesis.header) !== p.version!.genesis)
        throw new Error("genesis does not match the peer's version message");
      this.loadChain(params, []);
    } catch (e) {
      return this.reject(p, id, 'params', 'bad-params', (e as Error).message, true);
    }
    // The peer has a chain, perhaps longer than its version said: ask it (if it has nothing more,
    // the stall check lowers this optimistic height again).
    p.bestHeight = Math.max(p.bestHeight, this.height + 1);
    this.startSync();
  }

  private askParams(p: Peer): void {
    p.paramsAskedAt = this.now();
    this.sendMsg(p, { command: 'getparams' });
  }

  // ---------------------------------------------------------------- addresses

  private onGetAddr(p: Peer): void {
    if (p.gaveAddr) return; // Core answers one getaddr per connection
    p.gaveAddr = true;
    const addrs = [...this.addrBook.values()].filter((a) => a.id !== p.id).slice(0, MAX_ADDR);
    if (!this.addrBook.has(this.id)) addrs.unshift({ time: this.nowSeconds(), services: NODE_NETWORK, id: this.id });
    this.sendMsg(p, { command: 'addr', addrs: addrs.slice(0, MAX_ADDR) });
  }

  private onAddr(p: Peer, addrs: PeerAddress[]): void {
    // Core's addr rate limit: a token bucket of 0.1 addresses per second (burst 1000); excess is ignored.
    p.addrTokens = Math.min(MAX_ADDR, p.addrTokens + ((this.now() - p.addrTokensAt) / 1000) * 0.1);
    p.addrTokensAt = this.now();
    const accepted = addrs.slice(0, Math.floor(p.addrTokens));
    p.addrTokens -= accepted.length;
    if (accepted.length < addrs.length) this.log(`rate-limited ${addrs.length - accepted.length} addresses from ${p.id}`, 'warn');
    const fresh = this.learnAddr(accepted.filter((a) => a.id && a.id !== this.id), p);
    // Relay a few fresh addresses onward, as Core does, so the mesh learns of newcomers.
    if (fresh.length && fresh.length <= 10)
      for (const other of this.peers.values())
        if (other !== p && this.ready(other)) this.sendMsg(other, { command: 'addr', addrs: fresh });
    this.maintainConnections();
  }

  private learnAddr(addrs: PeerAddress[], _from: Peer): PeerAddress[] {
    const fresh: PeerAddress[] = [];
    for (const a of addrs) {
      if (a.id === this.id) continue;
      if (!this.addrBook.has(a.id)) fresh.push(a);
      this.addrBook.delete(a.id);
      this.addrBook.set(a.id, a);
    }
    while (this.addrBook.size > ADDR_BOOK_MAX) this.addrBook.delete(this.addrBook.keys().next().value as string);
    if (fresh.length) this.emit({ type: 'addr-learned', time: this.now(), ids: fresh.map((a) => a.id) });
    return fresh;
  }

  // ---------------------------------------------------------------- inventory and sync

  private remember(p: Peer, hash: string): void {
    if (p.knownInv.size >= KNOWN_INV_MAX) p.knownInv.clear();
    p.knownInv.add(hash);
  }

  private haveBlock(hash: string): boolean {
    return !!this.chain && (this.chain.hasBlock(hash) || !!this.chain.getEntry(hash));
  }

  private onInv(p: Peer, items: InvItem[]): void {
    if (!this.chain) return;
    const txWanted: InvItem[] = [];
    let blocks = 0;
    let lastBlock: string | null = null;
    for (const it of items) {
      this.remember(p, it.hash);
      if (it.type === MSG_BLOCK) {
        blocks++;
        lastBlock = it.hash;
        this.noteHeight(p, it.hash);
        if (this.haveBlock(it.hash) || this.recentlyRejected.has(it.hash)) continue;
        let w = this.wantedBlocks.get(it.hash);
        if (!w) {
          if (p.wanted >= MAX_WANTED_PER_PEER) continue; // inv flood: remember no more
          p.wanted++;
          this.wantedBlocks.set(it.hash, (w = { from: new Set() }));
        }
        w.from.add(p.id);
      } else if (it.type === MSG_TX) {
        if (this.mempool!.has(it.hash) || this.rejectedTxs.has(it.hash) || p.txInFlight.has(it.hash)) continue;
        // Already asked another peer, recently: wait for that answer and keep this peer as a fallback.
        const asked = this.txRequests.get(it.hash);
        if (asked && asked.peer !== p.id && this.now() - asked.at < this.timing.stallTimeout && this.peers.has(asked.peer)) {
          if (asked.others.length < 8 && !asked.others.includes(p.id)) asked.others.push(p.id);
          continue;
        }
        if (p.txInFlight.size >= MAX_TX_IN_FLIGHT) continue;
        this.trackTxRequest(p, it.hash, asked?.others ?? []);
        txWanted.push(it);
      }
    }
    if (blocks) p.bestHeight = Math.max(p.bestHeight, this.height + 1);
    if (p.id === this.syncPeer) this.syncActivity = this.now();
    if (txWanted.length) this.sendMsg(p, { command: 'getdata', items: txWanted });
    // A full getblocks answer means there is more: ask again from its last hash, pipelined but
    // at most one batch ahead of the download.
    if (blocks >= GETBLOCKS_LIMIT && lastBlock && p.id === this.syncPeer) this.syncContinue = lastBlock;
    this.requestBlocks();
    this.continueSync(p);
  }

  /** Sends the next getblocks of a download once fewer than a batch of announced blocks are outstanding. */
  private continueSync(p: Peer): void {
    if (!this.chain || !this.syncContinue || p.id !== this.syncPeer || p.wanted > GETBLOCKS_LIMIT) return;
    const from = this.syncContinue;
    this.syncContinue = null;
    this.sendMsg(p, { command: 'getblocks', version: PROTOCOL_VERSION, locator: [from, ...this.chain.locator()], stop: ZERO_HASH });
  }

  /**
   * Assigns wanted blocks to peers that announced them, oldest first, within the in-flight limit.
   * A peer is topped up only when idle or at most half full, so a download sends one getdata per
   * ~128 blocks instead of one per block, and the common call (no peer can take more) is O(peers).
   */
  private requestBlocks(): void {
    if (!this.chain || this.wantedBlocks.size === 0) return;
    const open = new Set<Peer>();
    for (const p of this.peers.values()) if (this.ready(p) && p.blocksInFlight.size <= MAX_BLOCKS_IN_FLIGHT / 2) open.add(p);
    if (open.size === 0) return;
    const batches = new Map<Peer, InvItem[]>();
    for (const [hash, w] of this.wantedBlocks) {
      if (open.size === 0) break;
      if (this.blockRequests.has(hash)) continue;
      if (this.haveBlock(hash)) {
        this.dropWanted(hash);
        continue;
      }
      let chosen: Peer | undefined;
      for (const id of w.from) {
        const p = this.peers.get(id);
        if (p && open.has(p)) {
          chosen = p;
          break;
        }
      }
      if (!chosen) continue;
      if (chosen.blocksInFlight.size === 0) chosen.lastBlockAt = this.now();
      chosen.blocksInFlight.add(hash);
      if (chosen.blocksInFlight.size >= MAX_BLOCKS_IN_FLIGHT) open.delete(chosen);
      this.blockRequests.set(hash, chosen.id);
      let b = batches.get(chosen);
      if (!b) batches.set(chosen, (b = []));
      b.push({ type: MSG_BLOCK, hash });
    }
    for (const [p, items] of batches) this.sendMsg(p, { command: 'getdata', items });
    if (batches.size) this.emitSync();
  }

  private dropWanted(hash: string): void {
    const w = this.wantedBlocks.get(hash);
    if (!w) return;
    for (const id of w.from) {
      const p = this.peers.get(id);
      if (p && p.wanted > 0) p.wanted--;
    }
    this.wantedBlocks.delete(hash);
  }

  private emitSync(): void {
    if (this.listeners.size) this.emit({ type: 'sync', time: this.now(), height: this.height, bestKnownHeight: this.bestKnownHeight(), inFlight: this.blockRequests.size, syncPeer: this.syncPeer });
  }

  /** Starts block download from the best peer if one is ahead of us (getblocks with a locator). */
  private startSync(): void {
    if (!this.chain || this.syncPeer) return;
    let best: Peer | undefined;
    for (const p of this.peers.values())
      if (this.ready(p) && p.bestHeight > this.height && (!best || p.bestHeight > best.bestHeight)) best = p;
    if (!best) return;
    this.syncPeer = best.id;
    this.syncContinue = null;
    this.syncActivity = this.now();
    this.sendMsg(best, { command: 'getblocks', version: PROTOCOL_VERSION, locator: this.chain.locator(), stop: ZERO_HASH });
    this.emitSync();
  }

  /**
   * Every second: a peer that has blocks in flight but delivered none for `stallTimeout` is
   * stalling; its requests go to other peers and it is disconnected (Core's stalling rule).
   */
  private checkStalls(): void {
    if (this.stopped) return;
    for (const p of [...this.peers.values()]) {
      if (p.blocksInFlight.size && this.now() - p.lastBlockAt > this.timing.stallTimeout) {
        this.log(`peer ${p.id} stalled with ${p.blocksInFlight.size} blocks in flight; asking others`, 'warn');
        this.disconnect(p, 'stalling block download');
      }
    }
    for (const [hash, until] of [...this.deferredRetry()]) if (until <= this.nowSeconds()) this.retryDeferred(hash);
    // Transactions asked for and not delivered in time: ask the next peer that announced them.
    for (const [hash, r] of [...this.txRequests])
      if (this.now() - r.at > this.timing.stallTimeout) {
        const p = this.peers.get(r.peer);
        p?.txInFlight.delete(hash);
        if (p) this.retryTx(hash, p);
        else this.txRequests.delete(hash);
      }
    const sp = this.syncPeer ? this.peers.get(this.syncPeer) : undefined;
    if (sp && sp.blocksInFlight.size === 0 && this.now() - this.syncActivity > this.timing.stallTimeout) {
      // The sync peer has nothing more for us: its advertised height was optimistic.
      sp.bestHeight = Math.min(sp.bestHeight, this.height);
      this.syncPeer = null;
    }
    if (this.syncPeer === null) this.startSync();
    for (const [id, until] of this.discouraged) if (until <= this.now()) this.discouraged.delete(id);
    this.maintainConnections(); // redials that had to wait
    // Still no chain: ask every peer now and then (a neighbour may have got one since the handshake).
    if (!this.chain)
      for (const p of this.peers.values())
        if (this.ready(p) && this.now() - (p.paramsAskedAt ?? -Infinity) >= this.timing.reconnect) this.askParams(p);
    this.stallTimer = this.clock.setTimer(1000, () => this.checkStalls());
  }

  /**
   * What we know of a peer's height, from blocks it showed or was given: an inv or locator naming
   * a block we know, a block we sent it or it sent us. (Bitcoin learns it from headers; without
   * this the peers table kept the height from the version message forever.)
   */
  private noteHeight(p: Peer, hash: string): void {
    const e = this.chain?.getEntry(hash);
    if (e && e.status === 'valid' && e.height > p.bestHeight) p.bestHeight = e.height;
  }

  private onGetBlocks(p: Peer, locator: string[], stop: string): void {
    if (!this.chain) return;
    if (locator.length) this.noteHeight(p, locator[0]); // a locator starts at the peer's tip
    const hashes = this.chain.blocksAfter(locator, stop === ZERO_HASH ? null : stop, GETBLOCKS_LIMIT);
    if (hashes.length) {
      for (const h of hashes) this.remember(p, h);
      this.sendMsg(p, { command: 'inv', items: hashes.map((hash) => ({ type: MSG_BLOCK, hash })) });
    }
  }

  private onGetData(p: Peer, items: InvItem[]): void {
    const missing: InvItem[] = [];
    for (const it of items) {
      if (p.closed) return;
      if (it.type === MSG_BLOCK) {
        // Never serve a block found invalid while connecting (the engine keeps its body).
        const entry = this.chain?.getEntry(it.hash);
        const block = entry && entry.status === 'valid' ? this.chain!.getBlock(it.hash) : undefined;
        if (block && this.sendMsg(p, { command: 'block', block })) {
          this.remember(p, it.hash);
          this.noteHeight(p, it.hash);
        } else missing.push(it);
      } else if (it.type === MSG_TX) {
        const e = this.mempool?.get(it.hash);
        if (e) {
          this.remember(p, it.hash);
          this.sendMsg(p, { command: 'tx', tx: e.tx });
        } else missing.push(it);
      } else missing.push(it);
    }
    // The seed tutorial's admitted defect, fixed: say what we do not have.
    if (missing.length) this.sendMsg(p, { command: 'notfound', items: missing });
  }

  private onNotFound(p: Peer, items: InvItem[]): void {
    for (const it of items) {
      if (it.type === MSG_BLOCK && p.blocksInFlight.delete(it.hash)) {
        this.blockRequests.delete(it.hash);
        this.wantedBlocks.get(it.hash)?.from.delete(p.id);
        if (this.wantedBlocks.get(it.hash)?.from.size === 0) this.dropWanted(it.hash);
      } else if (it.type === MSG_TX && p.txInFlight.delete(it.hash)) this.retryTx(it.hash, p);
    }
    this.requestBlocks();
  }

  /** Records that a transaction was asked of `p` (one peer at a time, Core's TxRequestTracker idea). */
  private trackTxRequest(p: Peer, hash: string, others: string[]): void {
    p.txInFlight.add(hash);
    if (!this.txRequests.has(hash) && this.txRequests.size >= MAX_TX_REQUESTS) this.txRequests.delete(this.txRequests.keys().next().value as string);
    this.txRequests.set(hash, { peer: p.id, at: this.now(), others: others.filter((o) => o !== p.id) });
  }

  /** The peer asked for a transaction cannot deliver it (notfound, disconnect): ask the next announcer. */
  private retryTx(hash: string, failed: Peer): void {
    const r = this.txRequests.get(hash);
    if (!r || r.peer !== failed.id) return;
    this.txRequests.delete(hash);
    for (const id of r.others) {
      const next = this.peers.get(id);
      if (!next || !this.ready(next) || next.txInFlight.size >= MAX_TX_IN_FLIGHT) continue;
      this.trackTxRequest(next, hash, r.others);
      this.sendMsg(next, { command: 'getdata', items: [{ type: MSG_TX, hash }] });
      return;
    }
  }

  private onBlock(p: Peer, block: Block, id: number): void {
    if (!this.chain) return;
    const chain = this.chain;
    const hash = blockHashHex(block.header);
    this.remember(p, hash);
    const requested = p.blocksInFlight.delete(hash);
    if (requested) {
      this.blockRequests.delete(hash);
      p.lastBlockAt = this.now();
    } else {
      // Asked of someone else but it came from here: that request is moot (the other peer must
      // not be counted a staller for a block we already have).
      const owner = this.blockRequests.get(hash);
      if (owner !== undefined) {
        this.peers.get(owner)?.blocksInFlight.delete(hash);
        this.blockRequests.delete(hash);
      }
    }
    this.dropWanted(hash);
    const parent = chain.getEntry(hashToHex(block.header.prevHash));
    if (!requested && parent && parent.chainWork + workFromBits(block.header.bits) < chain.tip.chainWork) {
      // Core processes an unrequested block only if its chain has at least as much work as the tip.
      this.reject(p, id, 'block', 'unrequested block with less work than our tip', 'ignored', false, { hash });
      return;
    }
    if (p.id === this.syncPeer) this.syncActivity = this.now();
    this.acceptBlock(block, p, id);
    this.noteHeight(p, hash);
    this.requestBlocks();
    this.continueSync(p);
    if (this.syncPeer === p.id && p.blocksInFlight.size === 0 && this.height >= p.bestHeight) this.syncPeer = null;
  }

  /** Runs a block through the chain, updates the mempool, relays, reports. */
  private acceptBlock(block: Block, from: Peer | null, messageId: number): ProcessResult {
    const chain = this.chain!;
    const tipBefore = chain.tip;
    const r = chain.processBlock(block, this.nowSeconds());
    this.mempool!.handleChainEvents(r.events, this.nowSeconds());
    if (r.error && r.status !== 'accepted') {
      const e = r.error;
      if (e.kind === 'future') this.defer(r.hash, block);
      // A mutated block (body not matching its header) says nothing about the header: the real
      // block with the same hash may still come, so only consensus failures are remembered.
      if (e.kind === 'consensus') this.rememberRejected(r.hash);
      if (from) {
        const notify = e.kind !== 'duplicate' && e.kind !== 'orphan';
        this.reject(from, messageId, 'block', e.reason, e.debug, e.punish, { hash: r.hash, notify, code: REJECT_INVALID });
      }
      if (r.status === 'orphan' && from && !from.closed) {
        // Ask the sender for the blocks between our chain and the orphan (old Core's PushGetBlocks to the orphan root).
        this.sendMsg(from, { command: 'getblocks', version: PROTOCOL_VERSION, locator: chain.locator(), stop: chain.orphanRoot(r.hash) ?? ZERO_HASH });
        from.bestHeight = Math.max(from.bestHeight, this.height + 1);
      }
    }
    // A block may also be found invalid while connecting (e.g. a bad signature deep in a reorg).
    for (const ev of r.events)
      if (ev.type === 'block-invalid' && ev.hash !== r.hash) this.rememberRejected(ev.hash);
    if (chain.tip !== tipBefore) this.onTipChanged(r.events, from);
    return r;
  }

  private onTipChanged(events: ChainEvent[], from: Peer | null): void {
    // A new tip can make a refused transaction valid (e.g. a coinbase it spends matured).
    this.rejectedTxs.clear();
    // While downloading a chain others already have, announce nothing of it (Core: no relay
    // during initial block download); the last block of the download is announced as the new
    // tip. Blocks of our own (mined, submitted) are always announced.
    if (from !== null && this.syncPeer !== null && this.height < this.bestKnownHeight()) {
      this.emitSync();
      return this.maybeMine();
    }
    const connected = events.filter((e): e is Extract<ChainEvent, { type: 'block-connected' }> => e.type === 'block-connected').map((e) => e.entry.hash);
    const announce = connected.length > 8 ? [this.chain!.tip.hash] : connected.filter((h) => this.chain!.getEntry(h) && this.chain!.isActive(this.chain!.getEntry(h)!));
    for (const p of this.peers.values()) {
      if (!this.ready(p) || p === from) continue;
      const items = announce.filter((h) => !p.knownInv.has(h)).map((hash) => ({ type: MSG_BLOCK, hash }));
      if (!items.length) continue;
      for (const it of items) this.remember(p, it.hash);
      this.sendMsg(p, { command: 'inv', items });
    }
    this.emitSync();
    this.maybeMine();
  }

  private rememberRejected(hash: string): void {
    if (this.recentlyRejected.size >= MAX_REJECTED) this.recentlyRejected.clear();
    this.recentlyRejected.add(hash);
  }

  /** Keeps a block from the future to retry when its time comes; the oldest goes when full. */
  private defer(hash: string, block: Block): void {
    if (!this.deferred.has(hash) && this.deferred.size >= MAX_DEFERRED) this.deferred.delete(this.deferred.keys().next().value as string);
    this.deferred.set(hash, block);
  }

  private deferredRetry(): [string, number][] {
    const max = this.chain?.params.maxFutureBlockTime ?? 7200;
    return [...this.deferred].map(([h, b]) => [h, b.header.time - max]);
  }

  private retryDeferred(hash: string): void {
    const b = this.deferred.get(hash);
    this.deferred.delete(hash);
    if (b && this.chain) this.acceptBlock(b, null, -1);
  }

  private onTx(p: Peer, tx: Tx, id: number): void {
    if (!this.mempool) return;
    const hash = txidHex(tx);
    this.remember(p, hash);
    p.txInFlight.delete(hash);
    this.txRequests.delete(hash);
    try {
      this.mempool.accept(tx, this.nowSeconds());
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (e.kind === 'consensus') this.rejectedTxs.add(hash);
      const code = e.kind === 'duplicate' ? REJECT_DUPLICATE : e.kind === 'policy' ? REJECT_NONSTANDARD : REJECT_INVALID;
      this.reject(p, id, 'tx', e.reason, e.debug, e.punish, { hash, notify: e.kind !== 'duplicate', code });
      return;
    }
    this.relayTx(hash, p);
    this.maybeMine();
  }

  private relayTx(hash: string, except: Peer | null): void {
    for (const p of this.peers.values()) {
      // BIP37: a peer whose version said relay = 0 wants no transaction announcements.
      if (!this.ready(p) || p === except || p.knownInv.has(hash) || !p.version!.relay) continue;
      this.remember(p, hash);
      this.sendMsg(p, { command: 'inv', items: [{ type: MSG_TX, hash }] });
    }
  }

  // ---------------------------------------------------------------- wallet

  /** A new key (address) in this node's wallet. */
  newAddress(label?: string): WalletKey {
    const key = walletKeyFromSecret(this.random.bytes32(), label ?? `address ${this.keys.length + 1}`);
    this.keys.push(key);
    this.emit({ type: 'wallet-changed', time: this.now() });
    return key;
  }

  /** Adds an imported key (WIF import happens in the UI/adapters). */
  addKey(key: WalletKey): void {
    if (!this.keys.some((k) => k.address === key.address)) this.keys.push(key);
    this.emit({ type: 'wallet-changed', time: this.now() });
  }

  /**
   * The seed tutorial's `send -from -to -amount [-mine]`: builds and signs a payment from one of
   * this node's addresses, puts it in the mempool and announces it; with `mine`, mines it at once.
   * Throws PaymentError (funds, address) or RuleError (the mempool refused it).
   */
  send(from: string, to: string, amount: bigint, opts: { fee?: bigint; mine?: boolean } = {}): Tx {
    if (!this.chain || !this.mempool) throw new Error('this node has no chain yet');
    const key = this.keys.find((k) => k.address === from);
    if (!key) throw new Error(`address ${from} is not in this node's wallet`);
    const coins = spendableCoins(key.script, this.chain.utxo, this.mempool, { height: this.chain.height, maturity: this.chain.params.coinbaseMaturity });
    const tx = buildPayment({ from: key, to, amount, fee: opts.fee, coins });
    this.mempool.accept(tx, this.nowSeconds());
    this.relayTx(txidHex(tx), null);
    if (opts.mine) void this.mineOnce();
    else this.maybeMine();
    return tx;
  }

  /**
   * Offers a block built elsewhere (a test, an external miner): validated, connected and
   * announced exactly like one this node mined (Bitcoin Core's `submitblock`).
   */
  submitBlock(block: Block): ProcessResult {
    if (!this.chain) throw new Error('this node has no chain yet');
    return this.acceptBlock(block, null, -1);
  }

  /** Submits a transaction built elsewhere (e.g. by a test). */
  submitTx(tx: Tx): void {
    this.mempool!.accept(tx, this.nowSeconds());
    this.relayTx(txidHex(tx), null);
    this.maybeMine();
  }

  // ---------------------------------------------------------------- mining

  /** Changes the mining mode (and threshold) and starts or stops accordingly. */
  setMining(mode: MiningMode, threshold?: number): void {
    this.mining = mode;
    if (threshold !== undefined) this.mineThreshold = Math.max(1, threshold);
    if (mode === 'off' && this.miningJob && !this.miningJob.once) this.stopMining('stopped');
    this.maybeMine();
  }

  /** Mines one block now with whatever the mempool holds (the tutorial's `-mine`, central's "mine now"). */
  mineOnce(): void {
    if (this.miningJob?.once) return;
    this.mineOnceQueued = true;
    if (this.miningJob) this.stopMining('stale');
    this.maybeMine();
  }

  private stopMining(why: 'stale' | 'stopped'): void {
    if (!this.miningJob) return;
    this.miningJob.abort.abort();
    this.miningJob = null;
    this.emit({ type: 'mining-stopped', time: this.now(), why });
  }

  /** Starts, restarts (stale template) or leaves mining according to the mode and mempool. */
  private maybeMine(): void {
    if (!this.chain || !this.mempool || !this.miner || this.stopped || !this.started) return;
    const job = this.miningJob;
    if (job) {
      const stale = job.tip !== this.chain.tip.hash || (job.mempoolVersion !== this.mempoolVersion && !job.once);
      if (!stale) return;
      this.stopMining('stale');
      if (job.once && job.tip === this.chain.tip.hash) this.mineOnceQueued = true;
    }
    const want =
      this.mineOnceQueued ||
      this.mining === 'continuous' ||
      (this.mining === 'threshold' && this.mempool.size >= this.mineThreshold);
    if (!want) return;
    const once = this.mineOnceQueued;
    this.mineOnceQueued = false;
    void this.runMiningJob(once);
  }

  private async runMiningJob(once: boolean): Promise<void> {
    const chain = this.chain!;
    const payTo = this.keys[0];
    const template = blockTemplate(chain, this.mempool ? frameSized(this.mempool) : null, payTo.pubkeyHash, this.nowSeconds(), `tabchain ${this.role} ${this.id}`);
    const abort = new AbortController();
    const job = { abort, tip: chain.tip.hash, mempoolVersion: this.mempoolVersion, once };
    this.miningJob = job;
    this.emit({ type: 'mining-started', time: this.now(), height: chain.height + 1, txCount: template.txs.length, bits: template.header.bits });
    let solved: Uint8Array | null;
    try {
      solved = await this.miner!.mine(
        { header: encodeHeader(template.header), maxTime: this.nowSeconds() + chain.params.maxFutureBlockTime - 60 },
        { signal: abort.signal, onProgress: (progress) => this.emit({ type: 'mining-progress', time: this.now(), progress }) },
      );
    } catch (e) {
      if (this.miningJob === job) this.miningJob = null;
      this.emit({ type: 'mining-stopped', time: this.now(), why: 'error', detail: (e as Error).message });
      return;
    }
    if (this.miningJob !== job || abort.signal.aborted || !solved || this.stopped) return; // stale: never submitted
    this.miningJob = null;
    const block = withHeader(template, decodeHeader(solved));
    const hash = blockHashHex(block.header);
    this.emit({ type: 'mining-stopped', time: this.now(), why: 'found', hash });
    this.emit({ type: 'block-mined', time: this.now(), hash, height: chain.height + 1, txCount: block.txs.length });
    this.acceptBlock(block, null, -1);
    this.maybeMine();
  }
}

/**
 * The mempool as the block template sees it, with transaction selection capped so the block fits
 * one 256 KiB frame (a larger block could be mined but never sent: WebRTC refuses the message).
 */
function frameSized(mempool: Mempool): Mempool {
  return Object.create(mempool, {
    selectForBlock: { value: (maxBytes: number) => mempool.selectForBlock(Math.min(maxBytes, MAX_BLOCK_TXS_BYTES)) },
  }) as Mempool;
}

function hashesOf(m: Message): { hashes?: string[] } {
  switch (m.command) {
    case 'inv':
    case 'getdata':
    case 'notfound':
      return { hashes: m.items.map((i) => i.hash) };
    case 'block':
      return { hashes: [blockHashHex(m.block.header)] };
    case 'tx':
      return { hashes: [txidHex(m.tx)] };
    default:
      return {};
  }
}
