/**
 * Headers-first sync (Core's since 0.10): learn the best chain's headers with `getheaders` /
 * `headers` (up to 2,000 per message, from one peer at a time while far behind), then download
 * its blocks from every peer that has them at once, in a moving window over the chain (Core's
 * FindNextBlocksToDownload: at most BLOCK_DOWNLOAD_WINDOW blocks past the tip, a bounded number in
 * flight per peer), so a class that syncs at once does not wait on one node. A peer that holds the
 * block the whole window waits for is a staller and is let go after STALLER_TIMEOUT. Also serves
 * `getheaders`, and turns an `inv` of an unknown block into a `getheaders` (Core's answer to an
 * announcement by inv from a headers-speaking peer).
 */
import { ancestorAt, blockHashHex, type BlockEntry, type BlockHeader, type Chain } from '../../core';
import { MAX_HEADERS, MSG_BLOCK, MSG_CMPCT_BLOCK, PROTOCOL_VERSION, ZERO_HASH, type InvItem } from '../wire/messages';
import { refusal, ruleRefusal } from '../misbehavior';
import type { Clock } from '../transport';
import { heightAhead, type Peer } from '../net/peer';
import { isActiveEntry, pathTo, type HeaderTree } from './headerTree';
import { noteBest, speaksHeaders, syncState } from './syncState';
import type { SyncPeers } from './blockSync';
import { elapsedSince } from '../lessons/delivery';

/** How far past our tip blocks are fetched, and how many each peer may have in flight. */
export interface DownloadLimits {
  /** Core's BLOCK_DOWNLOAD_WINDOW (1,024). */
  window: number;
  /** Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER is 16; a browser link's round trip is ≈1 ms, the queue that hides it longer. */
  perPeer: number;
  /** Core's BLOCK_STALLING_TIMEOUT (2 s): the peer the window waits on is let go after it. */
  stallerMs: number;
}

export const DOWNLOAD_LIMITS: DownloadLimits = { window: 1024, perPeer: 64, stallerMs: 2_000 };
/** Headers checked in one task; a bigger batch goes on at the next turn of the event loop. */
export const HEADER_SLICE = 250;
/** Core's MAX_UNCONNECTING_HEADERS: `headers` that do not connect, in a row, before the peer is let go. */
export const MAX_UNCONNECTING_HEADERS = 10;

/** What headers-first sync needs of block sync around it. */
export interface HeaderSyncHost {
  readonly chain: Chain;
  readonly tree: HeaderTree;
  readonly peers: SyncPeers;
  readonly clock: Clock;
  /** Id of the peer a block was asked of, if any. */
  requestedOf(hash: string): string | undefined;
  /** True if the block arrived and waits to be connected. */
  queued(hash: string): boolean;
  /** Sends a getdata for these blocks and records them in flight with the peer. */
  request(p: Peer, items: InvItem[]): void;
  /** True while far behind the best header (Core's initial block download): no compact fetches then. */
  farBehind(): boolean;
  /** Tells the UI where sync stands (height, best known height, blocks in flight). */
  emitSync(): void;
}

export class HeaderSync {
  /** The peer headers are synced from while far behind (one at a time, as Core). */
  private syncPeer: string | null = null;
  private syncAt = 0;
  /** Since when each staller has held the block the window waits for. */
  private readonly stalling = new Map<string, number>();

  constructor(
    private readonly host: HeaderSyncHost,
    private readonly stallTimeout: number,
    readonly limits: DownloadLimits = DOWNLOAD_LIMITS,
  ) {}

  get headerSyncPeer(): string | null {
    return this.syncPeer;
  }

  private locatorFrom(e: BlockEntry): string[] {
    return this.host.chain.locator(e);
  }

  /**
   * Asks a peer for headers after `from` (by default our best header's parent, as Core does, so a
   * peer that has our best header sends it back and we learn that it has it).
   */
  private ask(p: Peer, from: BlockEntry = this.host.tree.best.parent ?? this.host.tree.best, stop = ZERO_HASH): void {
    syncState(p).headersAsked = true;
    p.send({ command: 'getheaders', version: PROTOCOL_VERSION, locator: this.locatorFrom(from), stop });
  }

  /** A peer finished its handshake: BIP 130 `sendheaders`, then headers sync with it if none is running. */
  onReady(p: Peer): void {
    if (!speaksHeaders(p)) return;
    p.send({ command: 'sendheaders' });
    if (this.syncPeer === null) this.startWith(p);
  }

  private startWith(p: Peer): void {
    if (heightAhead(p) > this.host.tree.best.height) {
      this.syncPeer = p.id;
      this.syncAt = this.host.clock.now();
    }
    this.ask(p);
    this.host.emitSync();
  }

  /**
   * A peer as high as we are may hold a competing tip of equal work (BlockSync.askTips): asked for
   * headers past our best header's parent, unless it was asked already (every peer is, once).
   */
  askTips(p: Peer): void {
    if (!syncState(p).headersAsked) this.ask(p);
  }

  /** Headers sync from the peer that is furthest ahead, if none is running (and nobody was asked yet). */
  start(): void {
    if (this.syncPeer !== null) return;
    let best: Peer | undefined;
    for (const p of this.host.peers.all()) if (this.betterStart(p, best)) best = p;
    if (best) this.startWith(best);
  }

  /** True if `p` is a better peer to start headers sync with than `best` (BlockSync.startSync scans peers once for both kinds). */
  betterStart(p: Peer, best: Peer | undefined): boolean {
    return this.syncPeer === null && p.ready && speaksHeaders(p) && heightAhead(p) > this.host.tree.best.height && (!best || heightAhead(p) > heightAhead(best));
  }

  /** Starts headers sync with the peer BlockSync.startSync chose (`betterStart`), if none is running. */
  startWithBest(best: Peer | undefined): void {
    if (this.syncPeer === null && best) this.startWith(best);
  }

  /** The initial headers sync ended: every other peer is asked once, so we learn what each has. */
  private finishHeaderSync(from?: Peer): void {
    // The sync peer sent all it has: a claim beyond it was optimistic (a newcomer's guess after
    // getparams, or a lie), and would start the same sync again every tick.
    if (from) from.claimedHeight = Math.min(from.claimedHeight, Math.max(from.bestHeight, this.host.tree.best.height));
    this.syncPeer = null;
    for (const p of this.host.peers.all()) if (p.ready && speaksHeaders(p) && !syncState(p).headersAsked) this.ask(p);
  }

  /** getheaders: up to 2,000 headers of our active chain after the locator's fork point (or up to `stop`). */
  onGetHeaders(p: Peer, locator: string[], stop: string): void {
    const chain = this.host.chain;
    const first = locator.map((h) => chain.getEntry(h)).find((e) => e && e.status === 'valid');
    if (first) noteBest(p, first);
    const out: BlockHeader[] = [];
    if (locator.length === 0) {
      // Core: an empty locator asks for the stop block's header alone.
      const e = chain.getEntry(stop);
      if (e && chain.isActive(e) && !this.host.peers.withheld?.(e.hash)) out.push(e.header);
    } else {
      const fork = chain.findFork(locator);
      for (let h = fork.height + 1; h <= chain.height && out.length < MAX_HEADERS; h++) {
        const e = chain.entryAt(h)!;
        if (this.host.peers.withheld?.(e.hash)) break; // a private chain is not shown until released
        out.push(e.header);
        p.remember(e.hash);
        if (e.hash === stop) break;
      }
    }
    const last = out.length ? chain.getEntry(blockHashHex(out[out.length - 1]!)) : undefined;
    if (last) noteBest(p, last);
    p.send({ command: 'headers', headers: out });
  }

  /**
   * headers: checked and stored, HEADER_SLICE at a time (2,000 headers are ≈ 75 ms of a tab's main
   * thread: each slice is its own task, and the blocks it names are asked for at once); a full
   * batch asks for the next; then blocks are fetched.
   */
  onHeaders(p: Peer, headers: BlockHeader[], messageId: number): void {
    if (p.id === this.syncPeer) this.syncAt = this.host.clock.now();
    if (headers.length === 0) {
      if (p.id === this.syncPeer) this.finishHeaderSync(p);
      return;
    }
    this.takeHeaders(p, headers, 0, undefined, messageId);
  }

  private takeHeaders(p: Peer, headers: BlockHeader[], from: number, after: BlockEntry | undefined, messageId: number): void {
    if (p.closed) return;
    const st = syncState(p);
    const { entries, fault } = this.host.tree.accept(headers.slice(from, from + HEADER_SLICE), Math.floor(this.host.clock.now() / 1000), after);
    const last = entries[entries.length - 1];
    if (last) noteBest(p, last);
    if (fault) {
      switch (fault.kind) {
        case 'unconnecting':
          // Core: ask for the headers in between; a peer that keeps sending unconnectable ones goes.
          if (++st.unconnecting >= MAX_UNCONNECTING_HEADERS)
            return this.host.peers.refuse(p, messageId, 'headers', refusal('unconnecting-headers', `${st.unconnecting} headers messages in a row did not connect`));
          this.ask(p);
          return;
        case 'non-continuous':
          return this.host.peers.refuse(p, messageId, 'headers', refusal('non-continuous-headers', `header ${from + entries.length} does not build on the one before it`));
        case 'invalid':
          return this.host.peers.refuse(p, messageId, 'headers', ruleRefusal(fault.error, false), fault.hash);
      }
    }
    st.unconnecting = 0;
    if (from + HEADER_SLICE < headers.length) {
      this.schedule(p);
      this.host.clock.setTimer(0, () => this.takeHeaders(p, headers, from + HEADER_SLICE, last, messageId));
      return;
    }
    this.host.emitSync();
    if (headers.length === MAX_HEADERS && last) this.ask(p, last);
    else if (p.id === this.syncPeer) this.finishHeaderSync(p);
    this.schedule(p);
  }

  /**
   * The block part of an inv from a headers-speaking peer: a known block raises what we know it
   * has; an unknown one is asked for as headers up to it (Core's getheaders on inv), and the
   * blocks follow from the headers.
   */
  onInv(p: Peer, hashes: string[]): void {
    let unknown: string | undefined;
    for (const h of hashes) {
      const e = this.host.tree.get(h);
      if (e && !this.host.tree.isInvalid(e)) noteBest(p, e);
      else if (!e) unknown = h;
    }
    if (unknown) this.ask(p, undefined, unknown);
    this.schedule(p);
  }

  /** notfound: the peer lacks these blocks after all; its best known header falls below them. */
  onNotFound(p: Peer, hashes: string[]): void {
    const st = syncState(p);
    for (const h of hashes) {
      const e = this.host.tree.get(h);
      if (e && st.best && st.best.height >= e.height && ancestorAt(st.best, e.height)?.hash === h) {
        st.best = e.parent;
        st.path = null;
      }
    }
  }

  /** A block (header) we now know the peer has, from a block or compact block it sent. */
  noteHas(p: Peer, hash: string): void {
    const e = this.host.tree.get(hash);
    if (e) noteBest(p, e);
    this.stalling.delete(p.id);
  }

  /**
   * The peer's path from our chain to its best header, cached and advanced as blocks connect:
   * its entries and the index of the first one not yet on our chain (no copy per call: this runs
   * for every block a download brings).
   */
  private pathOf(p: Peer): { entries: BlockEntry[]; cursor: number } | null {
    const st = syncState(p);
    const best = st.best;
    const chain = this.host.chain;
    if (!best || this.host.tree.isInvalid(best)) return null;
    if (best.chainWork < chain.tip.chainWork && !this.host.peers.followsForks?.()) return null;
    let path = st.path;
    if (path && path.to === best) {
      while (path.cursor < path.entries.length && isActiveEntry(chain, path.entries[path.cursor]!)) path.cursor++;
      const before = path.cursor > 0 ? path.entries[path.cursor - 1]! : path.entries[0]?.parent;
      if (before && !isActiveEntry(chain, before)) path = null; // a reorg moved the fork point
    } else path = null;
    if (!path) st.path = path = { to: best, entries: pathTo(chain, best), cursor: 0 };
    return path;
  }

  /**
   * Assigns the next blocks to download: for each peer with room, the first blocks of its path
   * that nobody is fetching and that lie within the window past our tip. When the window is full
   * and waits on a block another peer holds, that peer is marked a staller. `only`: what a peer's
   * own headers or inv changed is its best header alone, so only it is looked at (Core decides
   * per peer, in SendMessages); a block arriving or a peer leaving looks at every peer.
   */
  schedule(only?: Peer): void {
    const { chain, tree } = this.host;
    // Equal work counts (Core's FindNextBlocksToDownload; pathOf): a competing tip is fetched and
    // kept, the first seen staying active, so a node shows a live fork as soon as it hears of one.
    const limit = chain.height + this.limits.window;
    for (const p of only ? [only] : this.host.peers.all()) {
      if (!p.ready || !speaksHeaders(p) || p.blocksInFlight.size > this.limits.perPeer / 2) continue;
      // The common case, once synced: the peer's best block is on our active chain, nothing to fetch.
      const best = syncState(p).best;
      if (!best || isActiveEntry(chain, best)) continue;
      const path = this.pathOf(p);
      if (!path || path.cursor >= path.entries.length) continue;
      const items: InvItem[] = [];
      let room = this.limits.perPeer - p.blocksInFlight.size;
      for (let i = path.cursor; i < path.entries.length; i++) {
        const e = path.entries[i]!;
        if (e.height > limit) {
          if (!items.length) this.markStaller(path.entries[path.cursor]!, p);
          break;
        }
        if (chain.hasBlock(e.hash) || this.host.queued(e.hash) || this.host.requestedOf(e.hash) !== undefined || tree.isInvalid(e)) continue;
        items.push({ type: MSG_BLOCK, hash: e.hash });
        if (--room <= 0) break;
      }
      if (!items.length) continue;
      // Core's direct fetch: one new block on our tip from a compact-block peer comes as a cmpctblock.
      const only = items.length === 1 ? tree.get(items[0]!.hash) : undefined;
      if (only && only.parent?.hash === chain.tip.hash && syncState(p).cmpct && !this.host.farBehind()) items[0]!.type = MSG_CMPCT_BLOCK;
      this.host.request(p, items);
    }
  }

  private markStaller(first: BlockEntry, waiting: Peer): void {
    const owner = this.host.requestedOf(first.hash);
    if (owner === undefined || owner === waiting.id) return;
    if (!this.stalling.has(owner)) this.stalling.set(owner, this.host.clock.now());
  }

  /**
   * Every tick: a headers sync peer that went quiet is replaced; a staller held too long is let go
   * (live time only: messages a paused node holds are not late answers).
   */
  tick(): void {
    const { clock, peers } = this.host;
    if (this.syncPeer !== null && elapsedSince(peers.liveness, clock, this.syncAt) > this.stallTimeout) {
      // It had nothing for us: its claimed height was optimistic (or a lie); another peer is asked.
      const quiet = this.host.peers.get(this.syncPeer);
      if (quiet) quiet.claimedHeight = Math.min(quiet.claimedHeight, this.host.tree.best.height);
      this.syncPeer = null;
      this.start();
      if (this.syncPeer === null) this.finishHeaderSync();
    }
    if (this.stalling.size) for (const [id, since] of [...this.stalling]) {
      const p = this.host.peers.get(id);
      if (!p || p.blocksInFlight.size === 0) this.stalling.delete(id);
      else if (elapsedSince(peers.liveness, clock, since) > this.limits.stallerMs) {
        this.stalling.delete(id);
        this.host.peers.log(`peer ${id} stalled the download window for ${this.limits.stallerMs} ms; disconnecting`, 'warn');
        this.host.peers.disconnect(p, 'stalling block download window');
      }
    }
  }

  /** A peer left: if headers were synced from it, another peer takes over. */
  onPeerClosed(p: Peer): void {
    this.stalling.delete(p.id);
    if (this.syncPeer === p.id) {
      this.syncPeer = null;
      this.start();
      if (this.syncPeer === null) this.finishHeaderSync();
    }
  }
}
