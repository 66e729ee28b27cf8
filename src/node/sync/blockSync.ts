/**
 * Block download and block relay (btcd's `netsync`): what is in flight with each peer, blocks on
 * their way into the chain (`BlockQueue`), stalling peers, orphans (their missing ancestors asked
 * of the sender), blocks from the future held for later, refused hashes never fetched again, and
 * the announcement of a new tip (`announce.ts`). Peers that speak headers (BIP 130's version) are
 * synced headers-first (`HeaderSync`, parallel download in a moving window); older peers the old
 * way: the `getblocks` sync peer, pipelined batches of 500 announced blocks (at most
 * MAX_BLOCKS_IN_FLIGHT each). It knows peers only through the small `SyncPeers` interface, so its
 * rules are tested with fake peers and no network.
 */
import { BoundedMap, BoundedSet, blockHashHex, consensus, hashToHex, workFromBits, type Block, type Chain, type ChainEvent, type ProcessResult } from '../../core';
import { GETBLOCKS_LIMIT, MAX_DEFERRED, MAX_REJECTED, type Timing } from '../config';
import { PROTOCOL_VERSION, ZERO_HASH, type InvItem } from '../wire/messages';
import { ruleRefusal, type Refusal } from '../misbehavior';
import type { EventBus } from '../events';
import type { Clock } from '../transport';
import { heightAhead, type Peer } from '../net/peer';
import { HeaderTree } from './headerTree';
import { DOWNLOAD_LIMITS, HeaderSync, type DownloadLimits, type HeaderSyncHost } from './headerSync';
import { BlockQueue, unrequestedRefusal, type QueuedBlock } from './blockQueue';
import { speaksHeaders } from './syncState';
import { announceConnected, type CompactAnnouncer } from './announce';
import { WantedBlocks } from './legacySync';
import { elapsedSince, type Liveness } from '../lessons/delivery';

/** What block sync needs of the node around it. */
export interface SyncPeers {
  /** Every live peer (ready or not). */
  all(): Iterable<Peer>;
  get(id: string): Peer | undefined;
  refuse(peer: Peer, messageId: number, command: string, r: Refusal, hash?: string): void;
  /** Closes a peer's link (it comes back through `onPeerClosed`). */
  disconnect(peer: Peer, reason: string): void;
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
  /** Request clocks that stand still while the node holds arrived messages (lessons/delivery.ts). */
  readonly liveness?: Liveness;
  /** Blocks a private miner withholds (lessons/privateMining.ts): never announced, named in headers or served. */
  withheld?(hash: string): boolean;
  /** True while blocks of branches with less work than our tip are fetched too (a private miner watching the public chain). */
  followsForks?(): boolean;
}

/** What happens after the chain processed a block (mempool update, relay of a new tip, mining). */
export interface SyncHooks {
  afterBlock(result: ProcessResult): void;
  onTipChanged(events: ChainEvent[], from: Peer | null): void;
  /** Starts a block's signature checks in parallel (a worker pool); null when there is none. */
  precheck?(block: Block): Promise<void> | null;
  /** Checks one batch of signatures that no worker has taken yet, on this thread; false if none waits. */
  assist?(): boolean;
}

export class BlockSync implements HeaderSyncHost {
  /** Headers known beyond our blocks, and the headers-first download that follows them. */
  readonly tree: HeaderTree;
  readonly headers: HeaderSync;
  private readonly queue: BlockQueue;
  /** Compact block relay, once the node wires it (announcements and high-bandwidth peers). */
  compact: CompactAnnouncer | null = null;
  private readonly wanted: WantedBlocks;
  /** Block hash → id of the peer it was asked of. */
  private readonly requests = new Map<string, string>();
  /** Blocks refused for consensus reasons (never fetched again). */
  private readonly rejected = new BoundedSet<string>(MAX_REJECTED);
  private readonly deferred = new BoundedMap<string, Block>(MAX_DEFERRED);
  /** Which peer sent each recent block (Core's mapBlockSource): blamed if it fails when connected later. */
  private readonly sources = new BoundedMap<string, string>(MAX_DEFERRED * 16);
  private syncPeer: string | null = null;
  /** Last hash of a full getblocks answer whose follow-up getblocks is not sent yet. */
  private syncContinue: string | null = null;
  private syncActivity = 0;

  constructor(
    readonly chain: Chain,
    readonly peers: SyncPeers,
    readonly clock: Clock,
    private readonly timing: Timing,
    private readonly bus: EventBus,
    private readonly hooks: SyncHooks,
    limits: DownloadLimits = DOWNLOAD_LIMITS,
  ) {
    this.tree = new HeaderTree(chain);
    this.wanted = new WantedBlocks(peers);
    this.headers = new HeaderSync(this, timing.stallTimeout, limits);
    const [precheck, assist] = [hooks.precheck && ((b: Block) => hooks.precheck!(b)), hooks.assist && (() => hooks.assist!())];
    const drained = () => this.requestBlocks();
    this.queue = new BlockQueue({ inChain: (hash) => !!chain.getBlock(hash), process: (q) => this.processQueued(q), precheck, assist, drained }, clock, 2 * limits.window);
  }

  private now(): number {
    return this.clock.now();
  }
  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** The peer the download follows: the getblocks sync peer, or the peer headers are synced from. */
  get syncPeerId(): string | null {
    return this.syncPeer ?? this.headers.headerSyncPeer;
  }
  get inFlight(): number {
    return this.requests.size;
  }
  /** Id of the peer a block was asked of, if it is in flight. */
  requestedOf(hash: string): string | undefined {
    return this.requests.get(hash);
  }
  /** True if the block arrived and waits to be connected. */
  queued(hash: string): boolean {
    return this.queue.has(hash);
  }
  /** More than one block behind the best header (no compact block fetches then, as in Core's IBD). */
  farBehind(): boolean {
    return this.chain.height < this.tree.best.height - 1;
  }
  counts(): { wantedBlocks: number; blocksInFlight: number; deferred: number; recentlyRejected: number; headers: number; queuedBlocks: number } {
    const { wanted, requests, deferred, rejected, tree, queue } = this;
    return { wantedBlocks: wanted.size, blocksInFlight: requests.size, deferred: deferred.size, recentlyRejected: rejected.size, headers: tree.size, queuedBlocks: queue.size };
  }

  /**
   * The height this node can show as its sync target: blocks peers proved to have, or our height
   * plus the blocks announced to us and not yet connected, but never more than some peer claims.
   * A version message claiming 2^31 - 1 moves nothing by itself.
   */
  bestKnownHeight(): number {
    let proven = this.chain.height;
    let claimed = this.chain.height;
    for (const p of this.peers.all()) {
      proven = Math.max(proven, p.bestHeight);
      claimed = Math.max(claimed, p.claimedHeight);
    }
    proven = Math.max(proven, this.tree.best.height);
    return Math.max(proven, Math.min(claimed, this.chain.height + this.wanted.size));
  }

  private have(hash: string): boolean {
    return this.chain.hasBlock(hash) || !!this.chain.getEntry(hash) || this.queue.has(hash);
  }

  /** Sends a getdata for blocks and records each in flight with the peer (one peer per block). */
  request(p: Peer, items: InvItem[]): void {
    if (!items.length) return;
    if (p.blocksInFlight.size === 0) p.lastBlockAt = this.now();
    for (const it of items) {
      p.blocksInFlight.add(it.hash);
      this.requests.set(it.hash, p.id);
    }
    p.send({ command: 'getdata', items });
    this.emitSync();
  }

  /** Records a block as in flight with a peer without asking (a compact block it pushed, being completed). */
  markInFlight(p: Peer, hash: string): void {
    if (this.requests.get(hash) === p.id) return;
    this.cancel(hash);
    if (p.blocksInFlight.size === 0) p.lastBlockAt = this.now();
    p.blocksInFlight.add(hash);
    this.requests.set(hash, p.id);
  }

  /** Forgets a request (e.g. a compact block the peer could not complete is asked for whole). */
  cancel(hash: string): void {
    const owner = this.requests.get(hash);
    if (owner === undefined) return;
    this.peers.get(owner)?.blocksInFlight.delete(hash);
    this.requests.delete(hash);
  }

  /**
   * What we know of a peer's height, from blocks it showed or was given: an inv or locator naming
   * a block we know, a block we sent it or it sent us (Bitcoin learns it from headers).
   */
  noteHeight(p: Peer, hash: string): void {
    const e = this.chain.getEntry(hash);
    if (e && e.status === 'valid' && e.height > p.bestHeight) p.bestHeight = e.height;
  }

  // ---------------------------------------------------------------- announcements and download

  /** The block part of an inv (called for every inv: it also counts as sync activity). */
  onInv(p: Peer, blocks: string[]): void {
    if (speaksHeaders(p)) {
      if (blocks.length) this.headers.onInv(p, blocks.filter((h) => !this.rejected.has(h)));
      return;
    }
    for (const hash of blocks) this.noteHeight(p, hash);
    this.wanted.add(p, blocks, (hash) => this.have(hash) || this.rejected.has(hash));
    // Announcing a block we lack says the peer is ahead; announcing blocks we have says nothing.
    if (blocks.some((h) => this.wanted.has(h))) p.claimedHeight = Math.max(p.claimedHeight, this.chain.height + 1);
    if (p.id === this.syncPeer) this.syncActivity = this.now();
    // A full getblocks answer means there is more: ask again from its last hash, pipelined but
    // at most one batch ahead of the download.
    const last = blocks[blocks.length - 1];
    if (blocks.length >= GETBLOCKS_LIMIT && last && p.id === this.syncPeer) this.syncContinue = last;
    this.requestBlocks();
    this.continueSync(p);
  }

  /** Sends the next getblocks of a download once fewer than a batch of announced blocks are outstanding. */
  private continueSync(p: Peer): void {
    if (!this.syncContinue || p.id !== this.syncPeer || p.wanted > GETBLOCKS_LIMIT) return;
    const from = this.syncContinue;
    this.syncContinue = null;
    p.send({ command: 'getblocks', version: PROTOCOL_VERSION, locator: [from, ...this.chain.locator()], stop: ZERO_HASH });
  }

  /**
   * Assigns blocks to download: headers-first along peers' best headers (`HeaderSync.schedule`),
   * and wanted blocks announced by older peers (`assignWanted`).
   */
  requestBlocks(): void {
    this.headers.schedule();
    if (this.wanted.size === 0) return;
    for (const [p, items] of this.wanted.assign(this.peers, this.requests, (hash) => this.have(hash))) this.request(p, items);
  }

  emitSync(): void {
    if (this.bus.listening) this.bus.emit({ type: 'sync', time: this.now(), height: this.chain.height, bestKnownHeight: this.bestKnownHeight(), inFlight: this.requests.size, syncPeer: this.syncPeerId });
  }

  /**
   * Starts block download: headers sync with a headers-speaking peer ahead of us; or, from an
   * older peer, getblocks with a locator from the best one ahead of us.
   */
  startSync(): void {
    // One pass over the peers for both kinds of sync (every node runs this every tick).
    let bestHeaders: Peer | undefined;
    let best: Peer | undefined;
    const legacy = !this.syncPeer;
    for (const p of this.peers.all()) {
      if (this.headers.betterStart(p, bestHeaders)) bestHeaders = p;
      else if (legacy && p.ready && !speaksHeaders(p) && heightAhead(p) > this.chain.height && (!best || heightAhead(p) > heightAhead(best))) best = p;
    }
    this.headers.startWithBest(bestHeaders);
    if (this.syncPeer || !best) return;
    this.syncPeer = best.id;
    this.syncContinue = null;
    this.syncActivity = this.now();
    best.send({ command: 'getblocks', version: PROTOCOL_VERSION, locator: this.chain.locator(), stop: ZERO_HASH });
    this.emitSync();
  }

  /**
   * tabchain: asks a peer that claims our height for its blocks past our locator. Tips of equal
   * work are never announced (neither side's tip changes when they meet), so without this a node
   * cut off and reconnected would not see the competing block until the next block decides; with
   * it both tips are fetched and kept, the first seen active (Core learns the competing header from
   * the getheaders it sends every new peer; docs/PROTOCOL.md).
   */
  askTips(p: Peer): void {
    if (speaksHeaders(p)) return this.headers.askTips(p);
    p.send({ command: 'getblocks', version: PROTOCOL_VERSION, locator: this.chain.locator(), stop: ZERO_HASH });
  }

  /** True while this node downloads a chain others already have (Core's initial block download). */
  downloading(from: Peer | null): boolean {
    if (from === null) return false;
    if (speaksHeaders(from)) return this.chain.height < this.tree.best.height;
    return this.syncPeer !== null && this.chain.height < this.bestKnownHeight();
  }

  /** Blocks the peer said it does not have go back to the wanted list (or are forgotten). */
  onNotFound(p: Peer, blocks: string[]): void {
    for (const hash of blocks) {
      if (!p.blocksInFlight.delete(hash)) continue;
      this.requests.delete(hash);
      this.wanted.notFound(p, hash);
    }
    if (speaksHeaders(p)) this.headers.onNotFound(p, blocks);
    this.requestBlocks();
  }

  /** A block from a peer (whole, or rebuilt from a compact block): requested or not, then through the chain. */
  onBlock(p: Peer, block: Block, messageId: number): void {
    const hash = blockHashHex(block.header);
    p.remember(hash);
    this.headers.noteHas(p, hash);
    const requested = p.blocksInFlight.delete(hash);
    if (requested) {
      this.requests.delete(hash);
      p.lastBlockAt = this.now();
    } else this.cancel(hash); // asked of someone else but it came from here: that request is moot
    this.wanted.drop(hash);
    const prev = hashToHex(block.header.prevHash);
    const parent = this.chain.getEntry(prev);
    // Core processes an unrequested block only if its chain has at least as much work as the tip.
    if (!requested && parent && parent.chainWork + workFromBits(block.header.bits) < this.chain.tip.chainWork)
      return this.peers.refuse(p, messageId, 'block', unrequestedRefusal(block, this.chain.params), hash);
    if (p.id === this.syncPeer) this.syncActivity = this.now();
    // A block fetched headers-first whose parent is still on its way waits for it in the queue.
    const wait = requested && !parent && this.tree.knows(prev);
    this.queue.push(block, hash, p, messageId, wait);
    this.requestBlocks();
    this.continueSync(p);
    if (this.syncPeer === p.id && p.blocksInFlight.size === 0 && this.chain.height >= heightAhead(p)) this.syncPeer = null;
  }

  private processQueued(q: QueuedBlock): void {
    this.accept(q.block, q.from, q.messageId);
    if (q.from) this.noteHeight(q.from, q.hash);
  }

  /** Runs a block through the chain and reports: refusals to the sender, orphans' ancestors asked for. */
  accept(block: Block, from: Peer | null, messageId: number): ProcessResult {
    const chain = this.chain;
    const tipBefore = chain.tip;
    const r = chain.processBlock(block, this.nowSeconds());
    if (from) this.sources.set(r.hash, from.id);
    this.hooks.afterBlock(r);
    if (r.status === 'accepted' && from) from.lastUsefulBlock = this.now();
    // A block may also be found invalid while connecting (e.g. a bad signature deep in a reorg): its
    // sender is refused with its own reason (Core's BlockChecked via mapBlockSource).
    for (const ev of r.events)
      if (ev.type === 'block-invalid' && ev.hash !== r.hash) {
        this.rejected.add(ev.hash);
        this.tree.markInvalid(ev.hash);
        const source = this.sources.get(ev.hash);
        const sender = source === undefined ? undefined : this.peers.get(source);
        if (sender && !sender.closed && ev.reason !== 'bad-prevblk') this.peers.refuse(sender, -1, 'block', ruleRefusal(consensus(ev.reason, ev.debug), true), ev.hash);
      }
    if (r.error && r.status !== 'accepted') {
      const e = r.error;
      if (e.kind === 'future') this.deferred.set(r.hash, block);
      // A mutated block (body not matching its header) says nothing about the header: the real
      // block with the same hash may still come, so only consensus failures are remembered.
      if (e.kind === 'consensus') this.rejected.add(r.hash);
      if (from) this.peers.refuse(from, messageId, 'block', ruleRefusal(e, e.kind !== 'duplicate' && e.kind !== 'orphan'), r.hash);
      if (r.status === 'orphan' && from && !from.closed) {
        // Ask the sender for what lies between our chain and the orphan: its headers (Core), or
        // from an older peer the blocks (old Core's PushGetBlocks to the orphan root).
        if (speaksHeaders(from)) this.headers.onInv(from, [r.hash]);
        else from.send({ command: 'getblocks', version: PROTOCOL_VERSION, locator: chain.locator(), stop: chain.orphanRoot(r.hash) ?? ZERO_HASH });
        from.claimedHeight = Math.max(from.claimedHeight, chain.height + 1);
      }
      if (e.kind === 'consensus') this.tree.markInvalid(r.hash);
    }
    if (r.status === 'accepted') this.queue.release(r.hash);
    if (chain.tip !== tipBefore) {
      if (from && r.active && !this.downloading(from)) this.compact?.deliveredNewTip(from);
      this.hooks.onTipChanged(r.events, from);
    }
    return r;
  }

  /**
   * Announces newly connected active blocks to every ready peer that does not know them (only the
   * tip after a long reorg or download), never back to the peer it came from, never one withheld:
   * by `cmpctblock`, `headers` or `inv` as each peer asked (announce.ts).
   */
  announce(events: ChainEvent[], from: Peer | null, withheld?: (hash: string) => boolean): void {
    announceConnected(this.peers.all(), this.chain, events, from, this.compact, withheld ?? this.peers.withheld?.bind(this.peers));
    this.tree.prune();
  }

  // ---------------------------------------------------------------- time and departures

  /**
   * Every tick: a peer with blocks in flight that delivered none for `stallTimeout` is stalling
   * (Core's rule: its requests go to others and it is disconnected); blocks from the future whose
   * time has come are retried; a sync peer with nothing more for us is let go.
   */
  tick(): void {
    // Runs every second in every node: no copies unless a peer stalled (a thousand simulated nodes tick too).
    let stalled: Peer[] | null = null;
    for (const p of this.peers.all()) if (p.blocksInFlight.size && elapsedSince(this.peers.liveness, this.clock, p.lastBlockAt) > this.timing.stallTimeout) (stalled ??= []).push(p);
    for (const p of stalled ?? []) {
      this.peers.log(`peer ${p.id} stalled with ${p.blocksInFlight.size} blocks in flight; asking others`, 'warn');
      this.peers.disconnect(p, 'stalling block download');
    }
    const maxFuture = this.chain.params.maxFutureBlockTime;
    if (this.deferred.size) for (const [hash, b] of [...this.deferred])
      if (b.header.time - maxFuture <= this.nowSeconds()) {
        this.deferred.delete(hash);
        this.accept(b, null, -1);
      }
    const sp = this.syncPeer ? this.peers.get(this.syncPeer) : undefined;
    if (sp && sp.blocksInFlight.size === 0 && elapsedSince(this.peers.liveness, this.clock, this.syncActivity) > this.timing.stallTimeout) {
      // The sync peer has nothing more for us: its claimed height was optimistic (or a lie).
      sp.claimedHeight = Math.min(sp.claimedHeight, this.chain.height);
      sp.bestHeight = Math.min(sp.bestHeight, this.chain.height);
      this.syncPeer = null;
    }
    this.headers.tick();
    if (this.syncPeer === null) this.startSync();
  }

  /** A peer left: its requests go to others, what only it announced is forgotten. */
  onPeerClosed(p: Peer): void {
    for (const h of p.blocksInFlight) this.requests.delete(h);
    p.blocksInFlight.clear();
    this.headers.onPeerClosed(p);
    this.wanted.forgetPeer(p); // nobody else can deliver what only it announced
    if (this.syncPeer === p.id) {
      this.syncPeer = null;
      this.startSync();
    }
    this.requestBlocks();
  }
}
