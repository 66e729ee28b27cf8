/**
 * A full node (btcd's `server.go`, bcoin's `node/fullnode.js`): a thin façade that wires the
 * services — connection manager, address book, peers, block sync, transaction relay, chain
 * bootstrap, mining controller, wallet — around a chain and mempool, routes each peer message to
 * the service that owns it, and offers the read-only query API and commands of `NodeApi`.
 * Services that need a chain exist only once there is one (`ChainServices`).
 */
import { magicFor, type Chain, type Mempool, type Block, type ChainEvent, type ChainParams, type ProcessResult, type RestoreReport, type Tx, type WalletKey } from '../core';
import { HEADER_LEN, MAX_ADDR, MAX_MESSAGE, type PeerAddress } from './wire/messages';
import { systemClock, systemRandom, type Clock, type Random } from './transport';
import { EventBus, type MiningMode, type NodeEvent, type Role, type Topology } from './events';
import { DEFAULT_TIMING, MAX_INBOUND, MAX_OUTBOUND, TICK_MS, type NodeOptions, type Timing } from './config';
import { Peer } from './net/peer';
import { AddressBook } from './net/addrman';
import { ConnectionManager } from './net/connman';
import type { SyncPeers } from './sync/blockSync';
import { ChainBootstrap } from './sync/bootstrap';
import { PeerRouter, type ChainServices } from './router';
import { peerClosed, startChain } from './chainServices';
import { MiningController, mineNetworkParams } from './mining';
import { NodeWallet } from './wallet';
import { TeacherService, type TeacherState } from './teacher';
import type { Refusal } from './misbehavior';
import { NodeInfoBook, type NamedAddress, type NodeInfoView } from './net/nodeInfo';
import type { Connectivity, NodeApi, NodeQuery, PaymentOptions, PeerView } from './api';
import { makeQuery } from './query';
import { resourceCounts, type ResourceCounts } from './resources';
import { LessonService } from './lessons/service';

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
  /** Slow motion, pause and step; the tamper lab; the double spend; the private chain (lessons/). */
  readonly lessons: LessonService;

  private readonly connman: ConnectionManager;
  private readonly addrs: AddressBook;
  private readonly bootstrap: ChainBootstrap;
  private readonly miningCtl: MiningController;
  private readonly wallet: NodeWallet;
  private readonly teacher: TeacherService;
  private readonly nodeInfo: NodeInfoBook;
  private readonly syncPeers: SyncPeers;
  private svc: ChainServices | null = null;
  private readonly scriptChecker: NodeOptions['scriptChecker'];
  private readonly router: PeerRouter;
  private tickTimer: number | null = null;
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
    this.scriptChecker = opts.scriptChecker;
    const maxPayload = (opts.transport.maxFrameBytes ?? MAX_MESSAGE) - HEADER_LEN; // what one frame of this transport carries
    // Told directly, not through the bus: a node nobody watches builds no events (EventBus.listening).
    this.wallet = new NodeWallet(opts.keys, this.random, this.clock, this.bus, this.role, this.id, () => this.nodeInfo.markDirty());
    this.addrs = new AddressBook(this.id, this.clock, this.bus, this.random);
    this.addrs.restore(opts.addrs ?? []);
    this.nodeInfo = new NodeInfoBook({
      id: this.id, role: this.role, clock: this.clock, bus: this.bus,
      keys: () => this.wallet.keys,
      tip: () => ({ height: this.height, hash: this.tipHash }),
      readyPeers: () => this.connman.ready(),
    }, opts.nodeInfo ?? true);
    this.connman = new ConnectionManager(
      {
        localId: this.id,
        seeds: (opts.seeds ?? []).filter((s) => s !== opts.id),
        topology: this.topology,
        maxOutbound: opts.maxOutbound ?? MAX_OUTBOUND,
        maxInbound: opts.maxInbound ?? MAX_INBOUND,
      },
      opts.transport, this.addrs, this.clock, this.random, this.timing, this.bus,
      { makePeer: (link) => new Peer(this.router, this.lessons.gate.wrap(link), MAX_ADDR, maxPayload, opts.decode), onPeerClosed: (p, reason) => this.onPeerClosed(p, reason) },
    );
    this.miningCtl = new MiningController(
      { id: this.id, role: this.role, bus: this.bus, clock: this.clock, payTo: () => this.wallet.primary.pubkeyHash, submit: (b) => void this.submitBlock(b) },
      opts.miner,
      opts.mining ?? (opts.role === 'miner' ? 'threshold' : 'off'),
      opts.mineThreshold ?? 2,
      { maxBlockTxsBytes: maxPayload - 1000, templateRefreshMs: opts.templateRefreshMs ?? 0 },
    );
    this.lessons = new LessonService({
      id: this.id, clock: this.clock, bus: this.bus, chain: () => this.chain, mempool: () => this.mempool, peers: () => this.connman.ready(), wallet: this.wallet, mining: this.miningCtl,
      submitBlock: (b) => void this.submitBlock(b), submitTx: (tx) => this.submitTx(tx), log: (text, level) => this.log(text, level),
    });
    this.router = new PeerRouter({
      id: this.id, role: this.role, topology: this.topology, magic: this.magic, bus: this.bus, clock: this.clock, random: this.random, timing: this.timing,
      connman: this.connman, addrs: this.addrs, nodeInfo: this.nodeInfo, bootstrap: () => this.bootstrap, services: () => this.svc, teacher: () => this.teacher,
      log: (text: string, level?: 'info' | 'warn' | 'error') => this.log(text, level), serve: this.lessons, liveness: this.lessons.gate.liveness, onReject: (p, m) => this.lessons.rejectFrom(p.id, m),
    });
    this.syncPeers = {
      all: () => this.connman.peers.values(), get: (id) => this.connman.peers.get(id), disconnect: (p, reason) => p.close(reason),
      refuse: (p, id, command, r, hash) => this.router.refuse(p, id, command, r, hash), log: (text, level) => this.log(text, level),
      liveness: this.lessons.gate.liveness, withheld: (hash) => this.lessons.withheld(hash), followsForks: () => this.lessons.followsForks(),
    };
    this.bootstrap = new ChainBootstrap({
      magic: this.magic, network: this.network, params: () => this.params, ready: () => this.connman.ready(),
      loadChain: (params, from) => this.onParamsFromPeer(params, from), refuse: (p, id, command, r) => this.router.refuse(p, id, command, r),
    }, this.clock, this.timing.reconnect);
    this.teacher = new TeacherService(this.id, this.network, () => this.params, this.clock, this.bus, {
      setMiningPaused: (paused) => this.miningCtl.setPaused(paused),
      setThrottle: (percent) => opts.miner?.setThrottle?.(percent / 100),
      setOffline: (offline) => this.setOffline(offline),
      setPartition: (groups) => this.connman.setPartition(groups),
      setDelivery: (mode, ms) => this.lessons.setClassDelivery(mode, ms), step: (n) => void this.lessons.step(n), lesson: (o) => this.lessons.order(o),
      relay: (signed, except) => [...this.connman.ready()].filter((p) => p.id !== except).forEach((p) => p.send({ command: 'teacher', signed })),
    });
    this.query = makeQuery(this);
    if (opts.params) this.loadChain(opts.params, opts.blocks ?? [], opts.restore);
    // The class's state as this node last knew it (stored commands are checked like any other).
    for (const bytes of opts.teacherCommands ?? []) this.teacher.receive(bytes, 'storage');
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
    const { services, report } = startChain(params, blocks, restore, {
      peers: this.syncPeers, clock: this.clock, random: this.random, timing: this.timing, bus: this.bus, scriptChecker: this.scriptChecker,
      hooks: {
        onTipChanged: (events, from) => this.onTipChanged(events, from),
        onTxAccepted: (txid, peer) => (this.lessons.txAccepted(txid, peer), this.miningCtl.maybeMine()),
        onTxRefused: (tx, peer, e) => this.lessons.txRefused(tx, peer, e),
        onMempoolChanged: () => this.miningCtl.noteMempoolChange(),
        log: (text, level) => this.log(text, level),
      },
    });
    this.svc = services;
    if (report) this.restoreReport = report;
    this.miningCtl.attach(services.chain, services.mempool);
    this.lessons.attach(services.chain, services.mempool);
    this.bus.emit({ type: 'chain-ready', time: this.clock.now(), params });
    // The class's state first (a paused class must not see a newcomer mine one block).
    this.teacher?.onChainReady();
    this.nodeInfo.markDirty();
    // A continuous miner that just got its chain from a peer starts at once (not at the next block).
    this.miningCtl.maybeMine();
  }

  /** Parameters from a peer (bootstrap): the chain starts, and that peer is the first to sync from. */
  private onParamsFromPeer(params: ChainParams, from: Peer): void {
    this.loadChain(params, []);
    // The peer has a chain, perhaps longer than its version said: ask it (if it has nothing more,
    // its answer or the stall check lowers this optimistic height again).
    from.claimedHeight = Math.max(from.claimedHeight, this.height + 1);
    from.bestHeight = Math.max(from.bestHeight, 0); // it gave us its genesis block
    this.router.onChainLoaded(); // what a handshake with a chain says: sendheaders, sendcmpct, getheaders
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
    this.nodeInfo.tick();
    this.tickTimer = this.clock.setTimer(TICK_MS, () => this.tick());
  }

  /**
   * Cuts this node off from the network (true) or reconnects it (false): the classroom's way to make
   * a fork. Offline, the node closes every link, refuses new ones and dials nobody, but keeps its
   * chain, mempool and wallet, and a miner keeps mining on its own branch. Back online, it dials its
   * seeds (and, in a mesh, known nodes) at once; the handshake and getblocks then settle the fork.
   */
  setOffline(offline: boolean): void {
    if (!this.stopped) this.connman.setOffline(offline);
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
  peerIds = (): string[] => [...this.connman.ready()].map((p) => p.id);
  /** What the node knows of its peers, for the UI. */
  peerInfo(): PeerView[] {
    return [...this.connman.peers.values()].map((p) => ({ id: p.id, outbound: p.outbound, role: p.role, height: p.bestHeight, claimed: p.claimedHeight, rtt: p.rtt, ready: p.ready }));
  }
  /** Why this node has no link, if it has none (shown on screen instead of silent retries). */
  connectivity = (): Connectivity => this.connman.connectivity();
  /** The address book, oldest first (what a store keeps across reloads). */
  knownAddresses = (): PeerAddress[] => this.addrs.all();
  /** Every node id this node has heard of (peers and addr). */
  knownNodes(): string[] {
    return [...new Set([...this.addrs.ids(), ...this.connman.peers.keys()])];
  }
  /** Highest height any peer has told us about (for the sync progress bar). */
  bestKnownHeight(): number {
    return this.svc ? this.svc.sync.bestKnownHeight() : -1;
  }
  isDiscouraged = (peer: string): boolean => this.connman.isDiscouraged(peer);
  /** Sizes of every table a peer can make the node grow (each must stay bounded under a flood). */
  resourceCounts = (): ResourceCounts => resourceCounts(this.connman, this.addrs, this.svc);

  // ---------------------------------------------------------------- connections and peers

  /** Opens a connection to a peer by id (if not already connected). */
  connect(peerId: string): void {
    this.connman.connect(peerId);
  }

  /** Closes a peer's link; its in-flight requests go to other peers. */
  disconnect(peer: string, reason: string): void {
    this.connman.peers.get(peer)?.close(reason);
  }

  /** Every service lets go of a peer that left. */
  private onPeerClosed(p: Peer, reason: string): void {
    this.lessons.peerClosed(p.id, reason);
    if (this.svc) peerClosed(this.svc, p);
  }

  private onTipChanged(events: ChainEvent[], from: Peer | null): void {
    const svc = this.svc!;
    svc.relay.onTipChanged(events);
    this.nodeInfo.markDirty();
    // While downloading a chain others already have, announce nothing of it (Core: no relay
    // during initial block download); the last block of the download is announced as the new
    // tip. Blocks of our own (mined, submitted) are always announced.
    if (!svc.sync.downloading(from)) svc.sync.announce(events, from); // never a withheld block (syncPeers.withheld)
    svc.sync.emitSync();
    this.miningCtl.maybeMine();
  }

  // ---------------------------------------------------------------- wallet and commands

  /** A new key (address) in this node's wallet (every wallet change is published in `nodeinfo`). */
  newAddress = (label?: string): WalletKey => this.wallet.newAddress(label);
  /** Names (or renames) one of this wallet's addresses. */
  setLabel = (address: string, label: string): void => this.wallet.setLabel(address, label);
  /** Named addresses: this wallet's, then those other nodes published (tabchain `nodeinfo`; display only). */
  namedAddresses = (): NamedAddress[] => this.nodeInfo.named();
  /** What every node heard of says of itself (role, tip, names), this node first; claims, for display. */
  nodeInfos = (): NodeInfoView[] => this.nodeInfo.nodes();
  /** Adds an imported key (WIF import happens in the UI/adapters). */
  addKey = (key: WalletKey): void => this.wallet.add(key);

  /**
   * The seed tutorial's `send -from -to -amount [-mine]`: builds and signs a payment from one of
   * this node's addresses, puts it in the mempool and announces it; with `mine`, mines it at once.
   * Throws PaymentError (funds, address) or RuleError (the mempool refused it).
   */
  send(from: string, to: string, amount: bigint, opts: PaymentOptions & { mine?: boolean } = {}): Tx {
    const svc = this.requireChain();
    const { tx } = this.wallet.pay(svc.chain, svc.mempool, from, to, amount, opts);
    this.submitTx(tx, opts.mine);
    return tx;
  }

  /** Signs one input of a script spend (multisig, time lock) with this wallet's key of `address`. */
  signInput = (tx: Tx, index: number, scriptCode: Uint8Array, address: string): Uint8Array => this.wallet.signInput(tx, index, scriptCode, address);

  /** The payment `send` would make, built and signed but not sent: its size and fee (throws like `send`). */
  quotePayment(from: string, to: string, amount: bigint, opts: PaymentOptions = {}): { size: number; fee: bigint } {
    const svc = this.requireChain();
    const { size, fee } = this.wallet.pay(svc.chain, svc.mempool, from, to, amount, opts);
    return { size, fee };
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
    this.requireChain().relay.submit(tx);
    if (mine) this.miningCtl.mineOnce();
    else this.miningCtl.maybeMine();
  }

  private requireChain(): ChainServices {
    if (!this.svc) throw new Error('this node has no chain yet');
    return this.svc;
  }

  /**
   * A teacher command from the dashboard (the observer channel): checked, applied and relayed to
   * every peer like one from a peer. Returns the refusal, if any (also reported as an event).
   */
  teacherCommand(bytes: Uint8Array): Refusal | null {
    const r = this.teacher.receive(bytes, 'dashboard');
    if (r && r.code !== 'teacher-duplicate') this.bus.emit({ type: 'teacher-refused', time: this.clock.now(), code: r.code, reason: r.reason, debug: r.debug });
    return r;
  }

  /** What the teacher's commands have set on this node (paused, throttle, partition, message). */
  teacherState = (): TeacherState => ({ ...this.teacher.state });
  /** Teacher commands to keep across a reload (wire bytes). */
  teacherCommands = (): Uint8Array[] => this.teacher.stored();

  /** Changes the mining mode (and threshold) and starts or stops accordingly. */
  setMining = (mode: MiningMode, threshold?: number): void => this.miningCtl.set(mode, threshold);
  /** Mines one block now with whatever the mempool holds (the tutorial's `-mine`, central's "mine now"). */
  mineOnce = (): void => this.miningCtl.mineOnce();
}

