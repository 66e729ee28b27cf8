/**
 * Transaction relay: fetching announced transactions one peer at a time (Core's TxRequestTracker
 * idea: ask one announcer, fall back to the next on notfound, disconnect or timeout), accepting
 * them into the mempool, announcing accepted ones to every peer that wants relay, remembering
 * refused ones until the tip changes, and announcing the whole mempool to a peer that just
 * connected (a payment made while offline still reaches the miner; see docs/PROTOCOL.md).
 * A transaction whose parent has not arrived is kept as an orphan (Core's TxOrphanage), its
 * parents asked of its sender, and it is accepted when they come — in a transaction or a block.
 */
import { BoundedMap, BoundedSet, RuleError, TxOrphanage, hashToHex, txidHex, type ChainEvent, type Mempool, type Tx } from '../../core';
import { MAX_MEMPOOL_INV, MAX_REJECTED, MAX_TX_IN_FLIGHT, MAX_TX_REQUESTS, type Timing } from '../config';
import { MAX_INV, MSG_TX, type InvItem } from '../wire/messages';
import { ruleRefusal } from '../misbehavior';
import type { Clock, Random } from '../transport';
import type { Peer } from '../net/peer';
import type { SyncPeers } from './blockSync';
import { elapsedSince } from '../lessons/delivery';

/** The mempool's reason for an input it cannot find: the parent may still be on its way. */
const MISSING_INPUTS = 'bad-txns-inputs-missingorspent';

/** Announcers remembered per transaction as fallbacks. */
const MAX_FALLBACKS = 8;

interface Request {
  peer: string;
  at: number;
  others: string[];
}

export class TxRelay {
  /** Transactions asked for: of whom, when, and who else announced them. */
  private readonly requests = new BoundedMap<string, Request>(MAX_TX_REQUESTS);
  /** Transactions refused for consensus reasons since the last tip change (Core's recentRejects). */
  private readonly rejected = new BoundedSet<string>(MAX_REJECTED);
  /** Announcements waiting for each peer's next trickle (Core's m_tx_inventory_to_send), when they trickle. */
  private readonly queued = new Map<Peer, { hashes: Set<string>; next: number }>();
  /** Transactions waiting for a parent (evicted at random when full, as Core). */
  readonly orphans: TxOrphanage;

  constructor(
    private readonly mempool: Mempool,
    private readonly peers: SyncPeers,
    private readonly clock: Clock,
    private readonly timing: Timing,
    private readonly onAccepted: (txid: string, peer: string) => void,
    private readonly onRefused?: (tx: Tx, peer: string, e: RuleError) => void,
    private readonly random?: Random,
  ) {
    this.orphans = new TxOrphanage(undefined, random ? (n) => Math.floor(random.next() * n) : undefined);
  }

  private now(): number {
    return this.clock.now();
  }

  /** Live time since a request (held messages do not make an answer late). */
  private waited(at: number): number {
    return elapsedSince(this.peers.liveness, this.clock, at);
  }

  counts(): { txRequests: number; rejectedTxs: number; orphanTxs: number } {
    return { txRequests: this.requests.size, rejectedTxs: this.rejected.size, orphanTxs: this.orphans.size };
  }

  /** The transaction part of an inv: ask for what we lack, one announcer at a time. */
  onInv(p: Peer, txs: string[]): void {
    const wanted: InvItem[] = [];
    for (const hash of txs) {
      if (this.mempool.has(hash) || this.rejected.has(hash) || this.orphans.has(hash) || p.txInFlight.has(hash)) continue;
      // Already asked another peer, recently: wait for that answer and keep this peer as a fallback.
      const asked = this.requests.get(hash);
      if (asked && asked.peer !== p.id && this.waited(asked.at) < this.timing.stallTimeout && this.peers.get(asked.peer)) {
        if (asked.others.length < MAX_FALLBACKS && !asked.others.includes(p.id)) asked.others.push(p.id);
        continue;
      }
      if (p.txInFlight.size >= MAX_TX_IN_FLIGHT) continue;
      this.track(p, hash, asked?.others ?? []);
      wanted.push({ type: MSG_TX, hash });
    }
    if (wanted.length) p.send({ command: 'getdata', items: wanted });
  }

  private track(p: Peer, hash: string, others: string[]): void {
    p.txInFlight.add(hash);
    this.requests.set(hash, { peer: p.id, at: this.now(), others: others.filter((o) => o !== p.id) });
  }

  /** The peer asked for a transaction cannot deliver it: ask the next announcer. */
  private retry(hash: string, failed: Peer): void {
    const r = this.requests.get(hash);
    if (!r || r.peer !== failed.id) return;
    this.requests.delete(hash);
    for (const id of r.others) {
      const next = this.peers.get(id);
      if (!next || !next.ready || next.txInFlight.size >= MAX_TX_IN_FLIGHT) continue;
      this.track(next, hash, r.others);
      next.send({ command: 'getdata', items: [{ type: MSG_TX, hash }] });
      return;
    }
  }

  onNotFound(p: Peer, txs: string[]): void {
    for (const hash of txs) if (p.txInFlight.delete(hash)) this.retry(hash, p);
  }

  /** A transaction from a peer: into the mempool and onward, kept as an orphan, or refused with Core's reason. */
  onTx(p: Peer, tx: Tx, messageId: number): void {
    const hash = txidHex(tx);
    p.remember(hash);
    p.txInFlight.delete(hash);
    this.requests.delete(hash);
    try {
      this.mempool.accept(tx, Math.floor(this.now() / 1000));
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (e.reason === MISSING_INPUTS && this.keepOrphan(p, tx)) return;
      if (e.kind === 'consensus') this.rejected.add(hash);
      this.onRefused?.(tx, p.id, e);
      this.peers.refuse(p, messageId, 'tx', ruleRefusal(e, e.kind !== 'duplicate'), hash);
      return;
    }
    p.lastUsefulTx = this.now();
    this.relay(hash, p);
    this.onAccepted(hash, p.id);
    this.acceptOrphans([tx]);
  }

  /** A transaction of our own (wallet, test, lesson): into the mempool (throws its refusal), announced, and its orphans freed. */
  submit(tx: Tx): void {
    this.mempool.accept(tx, Math.floor(this.now() / 1000));
    this.relay(txidHex(tx), null);
    this.acceptOrphans([tx]);
  }

  /**
   * Core's orphan handling: unless a parent was refused, the transaction waits in the orphanage
   * and each parent we lack is asked of the peer that sent it (the parent comes first in its
   * mempool). False if it cannot be kept (a refused parent): then it is refused as before.
   */
  private keepOrphan(p: Peer, tx: Tx): boolean {
    const parents = [...new Set(tx.inputs.map((i) => hashToHex(i.prevout.txid)))];
    if (parents.some((h) => this.rejected.has(h))) return false;
    const nowSeconds = Math.floor(this.now() / 1000);
    if (!this.orphans.add(tx, p.id, nowSeconds).added && !this.orphans.has(txidHex(tx))) return false;
    const wanted: InvItem[] = [];
    for (const h of parents) {
      if (this.mempool.has(h) || this.orphans.has(h) || this.requests.has(h) || p.txInFlight.has(h) || p.txInFlight.size >= MAX_TX_IN_FLIGHT) continue;
      this.track(p, h, []);
      wanted.push({ type: MSG_TX, hash: h });
    }
    if (wanted.length) p.send({ command: 'getdata', items: wanted });
    this.peers.log(`kept ${txidHex(tx).slice(0, 16)}… from ${p.id} as an orphan transaction: ${wanted.length} parent(s) asked for`);
    return true;
  }

  /**
   * Transactions just accepted (or mined) may be the parents orphans wait for: each child is
   * offered to the mempool again (Core's orphan work set), and so on down the family.
   */
  acceptOrphans(parents: Tx[]): void {
    if (!this.orphans.size) return;
    const queue = [...parents];
    const nowSeconds = Math.floor(this.now() / 1000);
    while (queue.length) {
      for (const o of this.orphans.childrenOf(queue.shift()!)) {
        try {
          this.mempool.accept(o.tx, nowSeconds);
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          if (e.reason === MISSING_INPUTS) continue; // still waiting for another parent
          this.orphans.remove(o.txid);
          if (e.kind === 'consensus') this.rejected.add(o.txid);
          continue;
        }
        this.orphans.remove(o.txid);
        this.relay(o.txid, this.peers.get(o.from) ?? null);
        this.onAccepted(o.txid, o.from);
        queue.push(o.tx);
      }
    }
  }

  /**
   * Announces a transaction to every ready peer that wants relay and does not know it: at once, or
   * with the peer's next trickle when `timing.txInvOutbound`/`txInvInbound` are set.
   */
  relay(hash: string, except: Peer | null): void {
    for (const p of this.peers.all()) {
      // BIP37: a peer whose version said relay = 0 wants no transaction announcements.
      if (!p.ready || p === except || p.knownInv.has(hash) || !p.version!.relay) continue;
      const mean = p.outbound ? this.timing.txInvOutbound : this.timing.txInvInbound;
      if (!mean) {
        p.remember(hash);
        p.send({ command: 'inv', items: [{ type: MSG_TX, hash }] });
        continue;
      }
      let q = this.queued.get(p);
      if (!q) {
        q = { hashes: new Set(), next: this.now() - Math.log(1 - (this.random?.next() ?? 0.5)) * mean };
        this.queued.set(p, q);
      }
      q.hashes.add(hash);
    }
  }

  /**
   * Sends each peer whose trickle time came its queued announcements, in one inv: those still in
   * the mempool that the peer has not announced to us meanwhile (Core checks its known filter when
   * it sends, not when it queues: while an announcement waits, the peer often hears of the
   * transaction elsewhere and tells us, and then neither side announces it over this link again).
   */
  private trickle(): void {
    for (const [p, q] of this.queued) {
      if (q.next > this.now()) continue;
      this.queued.delete(p);
      const items: InvItem[] = [];
      for (const hash of q.hashes)
        if (this.mempool.has(hash) && !p.knownInv.has(hash)) {
          p.remember(hash);
          items.push({ type: MSG_TX, hash });
        }
      for (let i = 0; i < items.length; i += MAX_INV) p.send({ command: 'inv', items: items.slice(i, i + MAX_INV) });
    }
  }

  /**
   * Announces the whole mempool to a peer that just connected, in acceptance order (parents before
   * children). Bitcoin Core re-broadcasts only its own wallet's transactions, on a timer.
   */
  announceMempool(p: Peer): void {
    if (!p.version!.relay) return;
    const items = this.mempool
      .all()
      .map((e) => e.txid)
      .filter((h) => !p.knownInv.has(h))
      .slice(0, MAX_MEMPOOL_INV)
      .map((hash) => ({ type: MSG_TX, hash }));
    if (!items.length) return;
    for (const it of items) p.remember(it.hash);
    p.send({ command: 'inv', items });
  }

  /**
   * A new tip can make a refused transaction valid (e.g. a coinbase it spends matured); orphans a
   * block confirmed or conflicts with are gone, and those whose parent it confirmed are retried.
   */
  onTipChanged(events: ChainEvent[] = []): void {
    this.rejected.clear();
    if (!this.orphans.size) return;
    const mined: Tx[] = [];
    for (const e of events) if (e.type === 'block-connected') mined.push(...e.block.txs);
    if (!mined.length) return;
    this.orphans.removeForBlock(mined);
    this.acceptOrphans(mined);
  }

  /** Trickled announcements that are due; transactions asked for and not delivered in time go to the next announcer. Old orphans expire. */
  tick(): void {
    if (this.queued.size) this.trickle();
    if (this.orphans.size) this.orphans.expire(Math.floor(this.now() / 1000));
    if (this.requests.size) for (const [hash, r] of [...this.requests])
      if (this.waited(r.at) > this.timing.stallTimeout) {
        const p = this.peers.get(r.peer);
        p?.txInFlight.delete(hash);
        if (p) this.retry(hash, p);
        else this.requests.delete(hash);
      }
  }

  /** A peer left: what it was asked for goes to the next announcer; its orphans go (Core's EraseForPeer). */
  onPeerClosed(p: Peer): void {
    this.queued.delete(p);
    for (const h of p.txInFlight) this.retry(h, p);
    p.txInFlight.clear();
    this.orphans.removeFrom(p.id);
  }
}
