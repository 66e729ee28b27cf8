/**
 * Block download and block relay (btcd's `netsync`): which announced blocks we want and from
 * whom, what is in flight with each peer (at most MAX_BLOCKS_IN_FLIGHT), the sync peer a
 * `getblocks` download follows in pipelined batches of 500, stalling peers, orphans (their
 * missing ancestors asked of the sender), blocks from the future held for later, refused hashes
 * never fetched again, and the `inv` that announces a new tip. It knows peers only through the
 * small `SyncPeers` interface, so its rules are tested with fake peers and no network.
 */
import { BoundedMap, BoundedSet, RuleError, blockHashHex, checkBlockSanity, consensus, hashToHex, workFromBits, type Block, type Chain, type ChainEvent, type ProcessResult } from '../../core';
import { GETBLOCKS_LIMIT, MAX_BLOCKS_IN_FLIGHT, MAX_DEFERRED, MAX_REJECTED, MAX_WANTED_PER_PEER, type Timing } from '../config';
import { MSG_BLOCK, PROTOCOL_VERSION, ZERO_HASH, type InvItem } from '../wire/messages';
import { refusal, ruleRefusal, type Refusal } from '../misbehavior';
import type { EventBus } from '../events';
import type { Clock } from '../transport';
import { heightAhead, type Peer } from '../net/peer';
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
}

/** What happens after the chain processed a block (mempool update, relay of a new tip, mining). */
export interface SyncHooks {
  afterBlock(result: ProcessResult): void;
  onTipChanged(events: ChainEvent[], from: Peer | null): void;
}

interface Wanted {
  from: Set<string>;
}

export class BlockSync {
  private readonly wanted = new Map<string, Wanted>();
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
    private readonly chain: Chain,
    private readonly peers: SyncPeers,
    private readonly clock: Clock,
    private readonly timing: Timing,
    private readonly bus: EventBus,
    private readonly hooks: SyncHooks,
  ) {}

  private now(): number {
    return this.clock.now();
  }
  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  get syncPeerId(): string | null {
    return this.syncPeer;
  }
  get inFlight(): number {
    return this.requests.size;
  }
  counts(): { wantedBlocks: number; blocksInFlight: number; deferred: number; recentlyRejected: number } {
    return { wantedBlocks: this.wanted.size, blocksInFlight: this.requests.size, deferred: this.deferred.size, recentlyRejected: this.rejected.size };
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
    return Math.max(proven, Math.min(claimed, this.chain.height + this.wanted.size));
  }

  private have(hash: string): boolean {
    return this.chain.hasBlock(hash) || !!this.chain.getEntry(hash);
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
    for (const hash of blocks) {
      this.noteHeight(p, hash);
      if (this.have(hash) || this.rejected.has(hash)) continue;
      let w = this.wanted.get(hash);
      if (!w) {
        if (p.wanted >= MAX_WANTED_PER_PEER) continue; // inv flood: remember no more
        p.wanted++;
        this.wanted.set(hash, (w = { from: new Set() }));
      }
      w.from.add(p.id);
    }
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
   * Assigns wanted blocks to peers that announced them, oldest first, within the in-flight limit.
   * A peer is topped up only when idle or at most half full, so a download sends one getdata per
   * ~128 blocks instead of one per block, and the common call (no peer can take more) is O(peers).
   */
  requestBlocks(): void {
    if (this.wanted.size === 0) return;
    // Usually every wanted block is already asked for (a block is announced by each peer that gets it).
    let unasked = false;
    for (const hash of this.wanted.keys())
      if (!this.requests.has(hash)) {
        unasked = true;
        break;
      }
    if (!unasked) return;
    const open = new Set<Peer>();
    for (const p of this.peers.all()) if (p.ready && p.blocksInFlight.size <= MAX_BLOCKS_IN_FLIGHT / 2) open.add(p);
    if (open.size === 0) return;
    const batches = new Map<Peer, InvItem[]>();
    for (const [hash, w] of this.wanted) {
      if (open.size === 0) break;
      if (this.requests.has(hash)) continue;
      if (this.have(hash)) {
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
      this.requests.set(hash, chosen.id);
      let b = batches.get(chosen);
      if (!b) batches.set(chosen, (b = []));
      b.push({ type: MSG_BLOCK, hash });
    }
    for (const [p, items] of batches) p.send({ command: 'getdata', items });
    if (batches.size) this.emitSync();
  }

  private dropWanted(hash: string): void {
    const w = this.wanted.get(hash);
    if (!w) return;
    for (const id of w.from) {
      const p = this.peers.get(id);
      if (p && p.wanted > 0) p.wanted--;
    }
    this.wanted.delete(hash);
  }

  emitSync(): void {
    if (this.bus.listening) this.bus.emit({ type: 'sync', time: this.now(), height: this.chain.height, bestKnownHeight: this.bestKnownHeight(), inFlight: this.requests.size, syncPeer: this.syncPeer });
  }

  /** Starts block download from the best peer if one is ahead of us (getblocks with a locator). */
  startSync(): void {
    if (this.syncPeer) return;
    let best: Peer | undefined;
    for (const p of this.peers.all()) if (p.ready && heightAhead(p) > this.chain.height && (!best || heightAhead(p) > heightAhead(best))) best = p;
    if (!best) return;
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
    p.send({ command: 'getblocks', version: PROTOCOL_VERSION, locator: this.chain.locator(), stop: ZERO_HASH });
  }

  /** True while this node downloads a chain others already have (Core's initial block download). */
  downloading(from: Peer | null): boolean {
    return from !== null && this.syncPeer !== null && this.chain.height < this.bestKnownHeight();
  }

  /** Blocks the peer said it does not have go back to the wanted list (or are forgotten). */
  onNotFound(p: Peer, blocks: string[]): void {
    for (const hash of blocks) {
      if (!p.blocksInFlight.delete(hash)) continue;
      this.requests.delete(hash);
      this.wanted.get(hash)?.from.delete(p.id);
      if (this.wanted.get(hash)?.from.size === 0) this.dropWanted(hash);
    }
    this.requestBlocks();
  }

  /** A block from a peer: requested or not, then through the chain. */
  onBlock(p: Peer, block: Block, messageId: number): void {
    const hash = blockHashHex(block.header);
    p.remember(hash);
    const requested = p.blocksInFlight.delete(hash);
    if (requested) {
      this.requests.delete(hash);
      p.lastBlockAt = this.now();
    } else {
      // Asked of someone else but it came from here: that request is moot (the other peer must
      // not be counted a staller for a block we already have).
      const owner = this.requests.get(hash);
      if (owner !== undefined) {
        this.peers.get(owner)?.blocksInFlight.delete(hash);
        this.requests.delete(hash);
      }
    }
    this.dropWanted(hash);
    const parent = this.chain.getEntry(hashToHex(block.header.prevHash));
    if (!requested && parent && parent.chainWork + workFromBits(block.header.bits) < this.chain.tip.chainWork) {
      // Core processes an unrequested block only if its chain has at least as much work as the tip,
      // but checks it first (ProcessNewBlock runs CheckBlock before AcceptBlock): a mutated body or
      // a header without its proof of work is refused and punished even then.
      try {
        checkBlockSanity(block, this.chain.params);
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        this.peers.refuse(p, messageId, 'block', ruleRefusal(e, true), hash);
        return;
      }
      this.peers.refuse(p, messageId, 'block', refusal('unrequested-block', 'ignored'), hash);
      return;
    }
    if (p.id === this.syncPeer) this.syncActivity = this.now();
    this.accept(block, p, messageId);
    this.noteHeight(p, hash);
    this.requestBlocks();
    this.continueSync(p);
    if (this.syncPeer === p.id && p.blocksInFlight.size === 0 && this.chain.height >= heightAhead(p)) this.syncPeer = null;
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
        // Ask the sender for the blocks between our chain and the orphan (old Core's PushGetBlocks to the orphan root).
        from.send({ command: 'getblocks', version: PROTOCOL_VERSION, locator: chain.locator(), stop: chain.orphanRoot(r.hash) ?? ZERO_HASH });
        from.claimedHeight = Math.max(from.claimedHeight, chain.height + 1);
      }
    }
    if (chain.tip !== tipBefore) this.hooks.onTipChanged(r.events, from);
    return r;
  }

  /**
   * Announces newly connected active blocks to every ready peer that does not know them (only the
   * tip after a long reorg or download), never back to the peer it came from, never one withheld.
   */
  announce(events: ChainEvent[], from: Peer | null, withheld?: (hash: string) => boolean): void {
    const chain = this.chain;
    const connected = events.filter((e): e is Extract<ChainEvent, { type: 'block-connected' }> => e.type === 'block-connected').map((e) => e.entry.hash);
    const shown = (connected.length > 8 ? [chain.tip.hash] : connected.filter((h) => {
      const e = chain.getEntry(h);
      return !!e && chain.isActive(e);
    }));
    // Blocks a private miner withholds (lessons/privateMining.ts) are announced only when released.
    const announce = withheld ? shown.filter((h) => !withheld(h)) : shown;
    for (const p of this.peers.all()) {
      if (!p.ready || p === from) continue;
      const items = announce.filter((h) => !p.knownInv.has(h)).map((hash) => ({ type: MSG_BLOCK, hash }));
      if (!items.length) continue;
      for (const it of items) p.remember(it.hash);
      p.send({ command: 'inv', items });
    }
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
    if (this.syncPeer === null) this.startSync();
  }

  /** A peer left: its requests go to others, what only it announced is forgotten. */
  onPeerClosed(p: Peer): void {
    for (const h of p.blocksInFlight) this.requests.delete(h);
    p.blocksInFlight.clear();
    // Forget what only this peer announced: nobody else can deliver it, and a flood of bogus
    // announcements must not outlive the connection that made it.
    for (const [hash, w] of [...this.wanted]) {
      w.from.delete(p.id);
      if (w.from.size === 0) this.wanted.delete(hash);
    }
    if (this.syncPeer === p.id) {
      this.syncPeer = null;
      this.startSync();
    }
    this.requestBlocks();
  }
}
