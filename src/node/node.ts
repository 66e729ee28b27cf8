/**
 * A full node (btcd's `server.go`, bcoin's `node/fullnode.js`): a thin façade that wires the
 * services — connection manager, address book, peers, block sync, transaction relay, chain
 * bootstrap, mining controller, wallet — around a chain and mempool, routes each peer message to
 * the service that owns it, and offers the read-only query API and commands of `NodeApi`.
 * Services that need a chain exist only once there is one (`ChainServices`).
 */
import {
  Chain,
  Mempool,
  txidHex,
  magicFor,
  type Block,
  type ChainEvent,
  type ChainParams,
  type ProcessResult,
  type RestoreReport,
  type Tx,
  type WalletKey,
} from '../core';
import { HEADER_LEN, MAX_ADDR, MAX_MESSAGE } from './wire/messages';
import { systemClock, systemRandom, type Clock, type Link, type Random } from './transport';
import { EventBus, type MiningMode, type NodeEvent, type Role, type Topology } from './events';
import { DEFAULT_TIMING, MAX_INBOUND, MAX_OUTBOUND, TICK_MS, type NodeOptions, type Timing } from './config';
import { Peer } from './net/peer';
import { AddressBook } from './net/addrman';
import { ConnectionManager } from './net/connman';
import { BlockSync, type SyncPeers } from './sync/blockSync';
import { TxRelay } from './sync/txRelay';
import { ChainBootstrap } from './sync/bootstrap';
import { PeerRouter, type ChainServices } from './router';
import { MiningController, mineNetworkParams } from './mining';
import { NodeWallet } from './wallet';
import type { NodeApi, NodeQuery, PeerView } from './api';
import { makeQuery } from './query';

export type { Timing, NodeOptions } from './config';

export class FullNode implements NodeApi {
  readonly id: string;
  readonly role: Role;
  readonly network: string;
  readonly magic: number;
  readonly topology: Topology;
  readonly clock: Clock;
  readonly random: Random;
  readonly timing: Timing;
  readonly bus = new EventBus();
  readonly query: NodeQuery;
  /** What restoring from storage found (null when the node did not start from storage). */
  restoreReport: RestoreReport | null = null;

  private readonly connman: ConnectionManager;
  private readonly addrs: AddressBook;
  private readonly bootstrap: ChainBootstrap;
  private readonly miningCtl: MiningController;
  private readonly wallet: NodeWallet;
  private readonly syncPeers: SyncPeers;
  private svc: ChainServices | null = null;
  private readonly router: PeerRouter;
  private tickTimer: number | null = null;
  /** Largest payload one link of this node's transport carries. */
  private readonly maxPayload: number;
  private readonly decode: NodeOptions['decode'];
  private started = false;
  private stopped = false;

  constructor(opts: NodeOptions) {
    this.id = opts.id;
    this.role = opts.role;
    this.network = opts.network;
    this.magic = magicFor(opts.network);
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? systemRandom;
    this.topology = opts.topology ?? 'star';
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.maxPayload = (opts.transport.maxFrameBytes ?? MAX_MESSAGE) - HEADER_LEN;
    this.decode = opts.decode;
    this.wallet = new NodeWallet(opts.keys, this.random, this.clock, this.bus, this.role, this.id);
    this.addrs = new AddressBook(this.id, this.clock, this.bus);
    this.connman = new ConnectionManager(
      {
        localId: this.id,
        seeds: (opts.seeds ?? []).filter((s) => s !== opts.id),
        topology: this.topology,
        maxOutbound: opts.maxOutbound ?? MAX_OUTBOUND,
        maxInbound: opts.maxInbound ?? MAX_INBOUND,
      },
      opts.transport, this.addrs, this.clock, this.random, this.timing, this.bus,
      { makePeer: (link) => this.makePeer(link), onPeerClosed: (p) => this.onPeerClosed(p) },
    );
    this.router = new PeerRouter({
      id: this.id, role: this.role, topology: this.topology, magic: this.magic, bus: this.bus, clock: this.clock, random: this.random, timing: this.timing,
      connman: this.connman, addrs: this.addrs, bootstrap: () => this.bootstrap, services: () => this.svc,
      log: (text: string, level?: 'info' | 'warn' | 'error') => this.log(text, level),
    });
    this.syncPeers = {
      all: () => this.connman.peers.values(),
      get: (id) => this.connman.peers.get(id),
      refuse: (p, id, command, r, hash) => this.router.refuse(p, id, command, r, hash),
      disconnect: (p, reason) => p.close(reason),
      log: (text, level) => this.log(text, level),
    };
    this.bootstrap = new ChainBootstrap(
      {
        magic: this.magic,
        network: this.network,
        params: () => this.svc?.chain.params ?? null,
        loadChain: (params, from) => this.onParamsFromPeer(params, from),
        refuse: (p, id, command, r) => this.router.refuse(p, id, command, r),
        ready: () => this.connman.ready(),
      },
      this.clock,
      this.timing.reconnect,
    );
    this.miningCtl = new MiningController(
      { id: this.id, role: this.role, bus: this.bus, clock: this.clock, payTo: () => this.wallet.primary.pubkeyHash, submit: (b) => void this.submitBlock(b) },
      opts.miner,
      opts.mining ?? (opts.role === 'miner' ? 'threshold' : 'off'),
      opts.mineThreshold ?? 2,
      { maxBlockTxsBytes: this.maxPayload - 1000, templateRefreshMs: opts.templateRefreshMs ?? 0 },
    );
    this.query = makeQuery(this);
    if (opts.params) this.loadChain(opts.params, opts.blocks ?? [], opts.restore);
  }

  // ---------------------------------------------------------------- lifecycle and events

  /** Subscribe to node events; returns an unsubscribe function. */
  on(listener: (e: NodeEvent) => void): () => void {
    return this.bus.on(listener);
  }
  /** Node time in seconds, as block headers count it. */
  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }
  log(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.bus.emit({ type: 'log', time: this.clock.now(), level, text });
  }

  /** Creates a new network's parameters and genesis block (see `mineNetworkParams`). */
  static createNetworkParams = mineNetworkParams;

  private loadChain(params: ChainParams, blocks: Block[], restore?: NodeOptions['restore']): void {
    if (params.magic !== this.magic) throw new Error(`parameters are for another network (${params.network})`);
    const chain = new Chain(params);
    const mempool = new Mempool(chain);
    const t = this.nowSeconds();
    if (restore) {
      this.restoreReport = chain.restore(restore);
      for (const tx of restore.mempool ?? []) {
        try {
          mempool.accept(tx, t);
        } catch {
          // no longer valid on the restored chain: dropped, as Core drops it from mempool.dat
        }
      }
    }
    for (const b of blocks) {
      const r = chain.processBlock(b, t);
      if (r.status === 'invalid') this.log(`stored block ${r.hash} is invalid: ${r.error?.reason}`, 'warn');
    }
    const sync = new BlockSync(chain, this.syncPeers, this.clock, this.timing, this.bus, {
      afterBlock: (r) => mempool.handleChainEvents(r.events, this.nowSeconds()),
      onTipChanged: (events, from) => this.onTipChanged(events, from),
    });
    const relay = new TxRelay(mempool, this.syncPeers, this.clock, this.timing, () => this.miningCtl.maybeMine(), this.random);
    this.svc = { chain, mempool, sync, relay };
    this.miningCtl.attach(chain, mempool);
    // Event objects are built only when someone listens (a download emits several per block).
    chain.on((event) => {
      if (this.bus.listening) this.bus.emit({ type: 'chain', time: this.clock.now(), event });
    });
    mempool.on((event) => {
      this.miningCtl.noteMempoolChange();
      if (this.bus.listening) this.bus.emit({ type: 'mempool', time: this.clock.now(), event });
    });
    this.bus.emit({ type: 'chain-ready', time: this.clock.now(), params });
    // A continuous miner that just got its chain from a peer starts at once (not at the next block).
    this.miningCtl.maybeMine();
  }

  /** Parameters from a peer (bootstrap): the chain starts, and that peer is the first to sync from. */
  private onParamsFromPeer(params: ChainParams, from: Peer): void {
    this.loadChain(params, []);
    // The peer has a chain, perhaps longer than its version said: ask it (if it has nothing more,
    // the stall check lowers this optimistic height again).
    from.claimedHeight = Math.max(from.claimedHeight, this.height + 1);
    from.bestHeight = Math.max(from.bestHeight, 0); // it gave us its genesis block
    this.svc!.sync.startSync();
  }

  /** Goes online: accepts links and connects to the seeds. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.tickTimer = this.clock.setTimer(TICK_MS, () => this.tick());
    this.connman.start();
    this.miningCtl.setRunning(true);
  }

  /** Leaves the network: closes every link and stops mining. */
  stop(): void {
    this.stopped = true;
    this.miningCtl.setRunning(false);
    if (this.tickTimer !== null) this.clock.clearTimer(this.tickTimer);
    this.connman.stop();
  }

  /** One housekeeping tick fans out to every service. */
  private tick(): void {
    if (this.stopped) return;
    if (this.svc) {
      this.svc.sync.tick();
      this.svc.relay.tick();
    }
    this.connman.tick();
    this.bootstrap.tick();
    this.tickTimer = this.clock.setTimer(TICK_MS, () => this.tick());
  }

  /**
   * Cuts this node off from the network (true) or reconnects it (false): the classroom's way to make
   * a fork. Offline, the node closes every link, refuses new ones and dials nobody, but keeps its
   * chain, mempool and wallet, and a miner keeps mining on its own branch. Back online, it dials its
   * seeds (and, in a mesh, known nodes) at once; the handshake and getblocks then settle the fork.
   */
  setOffline(offline: boolean): void {
    if (offline === this.connman.offline || this.stopped) return;
    this.bus.emit({ type: 'offline-changed', time: this.clock.now(), offline });
    if (offline) this.log('offline: links closed, nobody is dialled until the node goes online again', 'warn');
    else this.log('online again: dialling seeds and known nodes');
    this.connman.setOffline(offline);
  }

  /** True while the node is cut off from the network (`setOffline`). */
  get offline(): boolean {
    return this.connman.offline;
  }

  // ---------------------------------------------------------------- public state

  /** The engine, for tests and storage adapters (the UI reads `query`). */
  get chain(): Chain | null {
    return this.svc?.chain ?? null;
  }
  get mempool(): Mempool | null {
    return this.svc?.mempool ?? null;
  }
  get keys(): readonly WalletKey[] {
    return this.wallet.keys;
  }
  get height(): number {
    return this.svc ? this.svc.chain.height : -1;
  }
  get tipHash(): string | null {
    return this.svc ? this.svc.chain.tip.hash : null;
  }
  get params(): ChainParams | null {
    return this.svc?.chain.params ?? null;
  }
  get mining(): MiningMode {
    return this.miningCtl.mode;
  }
  get mineThreshold(): number {
    return this.miningCtl.threshold;
  }
  get isMining(): boolean {
    return this.miningCtl.active;
  }
  /** Blocks requested and not yet received. */
  get blocksInFlight(): number {
    return this.svc?.sync.inFlight ?? 0;
  }
  /** The peer blocks are being downloaded from (getblocks), if any. */
  get syncPeerId(): string | null {
    return this.svc?.sync.syncPeerId ?? null;
  }
  /** Ids of peers that completed the handshake. */
  peerIds(): string[] {
    return [...this.connman.ready()].map((p) => p.id);
  }
  /** What the node knows of its peers, for the UI. */
  peerInfo(): PeerView[] {
    return [...this.connman.peers.values()].map((p) => ({ id: p.id, outbound: p.outbound, role: p.role, height: p.bestHeight, claimed: p.claimedHeight, rtt: p.rtt, ready: p.ready }));
  }
  /** Every node id this node has heard of (peers and addr). */
  knownNodes(): string[] {
    return [...new Set([...this.addrs.ids(), ...this.connman.peers.keys()])];
  }
  /** Highest height any peer has told us about (for the sync progress bar). */
  bestKnownHeight(): number {
    return this.svc ? this.svc.sync.bestKnownHeight() : -1;
  }
  isDiscouraged(peer: string): boolean {
    return this.connman.isDiscouraged(peer);
  }
  /**
   * Sizes of every table a peer can make the node grow, for tests (each must stay bounded under
   * a flood) and the UI's debug view.
   */
  resourceCounts(): { peers: number; addrBook: number; discouraged: number; wantedBlocks: number; blocksInFlight: number; txInFlight: number; txRequests: number; knownInv: number; orphans: number; deferred: number; recentlyRejected: number } {
    let txInFlight = 0;
    let knownInv = 0;
    for (const p of this.connman.peers.values()) {
      txInFlight += p.txInFlight.size;
      knownInv += p.knownInv.size;
    }
    const s = this.svc?.sync.counts() ?? { wantedBlocks: 0, blocksInFlight: 0, deferred: 0, recentlyRejected: 0 };
    const r = this.svc?.relay.counts() ?? { txRequests: 0, rejectedTxs: 0 };
    const c = this.connman.counts();
    return {
      peers: c.peers,
      addrBook: this.addrs.size,
      discouraged: c.discouraged,
      wantedBlocks: s.wantedBlocks,
      blocksInFlight: s.blocksInFlight,
      txInFlight,
      txRequests: r.txRequests,
      knownInv,
      orphans: this.svc ? this.svc.chain.orphanHashes().length : 0,
      deferred: s.deferred,
      recentlyRejected: s.recentlyRejected + r.rejectedTxs,
    };
  }

  // ---------------------------------------------------------------- connections and peers

  /** Opens a connection to a peer by id (if not already connected). */
  connect(peerId: string): void {
    this.connman.connect(peerId);
  }

  /** Closes a peer's link; its in-flight requests go to other peers. */
  disconnect(peer: string, reason: string): void {
    this.connman.peers.get(peer)?.close(reason);
  }

  private makePeer(link: Link): Peer {
    return new Peer(this.router, link, MAX_ADDR, this.maxPayload, this.decode);
  }

  /** Every service lets go of a peer that left. */
  private onPeerClosed(p: Peer): void {
    if (!this.svc) return;
    this.svc.relay.onPeerClosed(p);
    this.svc.sync.onPeerClosed(p);
  }

  private onTipChanged(events: ChainEvent[], from: Peer | null): void {
    const svc = this.svc!;
    svc.relay.onTipChanged();
    // While downloading a chain others already have, announce nothing of it (Core: no relay
    // during initial block download); the last block of the download is announced as the new
    // tip. Blocks of our own (mined, submitted) are always announced.
    if (!svc.sync.downloading(from)) svc.sync.announce(events, from);
    svc.sync.emitSync();
    this.miningCtl.maybeMine();
  }

  // ---------------------------------------------------------------- wallet and commands

  /** A new key (address) in this node's wallet. */
  newAddress(label?: string): WalletKey {
    return this.wallet.newAddress(label);
  }

  /** Adds an imported key (WIF import happens in the UI/adapters). */
  addKey(key: WalletKey): void {
    this.wallet.add(key);
  }

  /**
   * The seed tutorial's `send -from -to -amount [-mine]`: builds and signs a payment from one of
   * this node's addresses, puts it in the mempool and announces it; with `mine`, mines it at once.
   * Throws PaymentError (funds, address) or RuleError (the mempool refused it).
   */
  send(from: string, to: string, amount: bigint, opts: { fee?: bigint; mine?: boolean } = {}): Tx {
    const svc = this.requireChain();
    const tx = this.wallet.pay(svc.chain, svc.mempool, from, to, amount, opts.fee);
    this.submitTx(tx, opts.mine);
    return tx;
  }

  /**
   * Offers a block built elsewhere (a test, an external miner): validated, connected and
   * announced exactly like one this node mined (Bitcoin Core's `submitblock`).
   */
  submitBlock(block: Block): ProcessResult {
    return this.requireChain().sync.accept(block, null, -1);
  }

  /** Submits a transaction built elsewhere (e.g. by a test), or by this wallet; `mine` mines it at once. */
  submitTx(tx: Tx, mine = false): void {
    const svc = this.requireChain();
    svc.mempool.accept(tx, this.nowSeconds());
    svc.relay.relay(txidHex(tx), null);
    if (mine) this.miningCtl.mineOnce();
    else this.miningCtl.maybeMine();
  }

  private requireChain(): ChainServices {
    if (!this.svc) throw new Error('this node has no chain yet');
    return this.svc;
  }

  /** Changes the mining mode (and threshold) and starts or stops accordingly. */
  setMining(mode: MiningMode, threshold?: number): void {
    this.miningCtl.set(mode, threshold);
  }

  /** Mines one block now with whatever the mempool holds (the tutorial's `-mine`, central's "mine now"). */
  mineOnce(): void {
    this.miningCtl.mineOnce();
  }
}

