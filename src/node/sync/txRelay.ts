/**
 * Transaction relay: fetching announced transactions one peer at a time (Core's TxRequestTracker
 * idea: ask one announcer, fall back to the next on notfound, disconnect or timeout), accepting
 * them into the mempool, announcing accepted ones to every peer that wants relay, remembering
 * refused ones until the tip changes, and announcing the whole mempool to a peer that just
 * connected (a payment made while offline still reaches the miner; see docs/PROTOCOL.md).
 */
import { BoundedMap, BoundedSet, RuleError, txidHex, type Mempool, type Tx } from '../../core';
import { MAX_MEMPOOL_INV, MAX_REJECTED, MAX_TX_IN_FLIGHT, MAX_TX_REQUESTS, type Timing } from '../config';
import { MAX_INV, MSG_TX, type InvItem } from '../wire/messages';
import { ruleRefusal } from '../misbehavior';
import type { Clock, Random } from '../transport';
import type { Peer } from '../net/peer';
import type { SyncPeers } from './blockSync';
import { elapsedSince } from '../lessons/delivery';

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
  private readonly queued = new Map<Peer, { hashes: string[]; next: number }>();

  constructor(
    private readonly mempool: Mempool,
    private readonly peers: SyncPeers,
    private readonly clock: Clock,
    private readonly timing: Timing,
    private readonly onAccepted: (txid: string, peer: string) => void,
    private readonly onRefused?: (tx: Tx, peer: string, e: RuleError) => void,
    private readonly random?: Random,
  ) {}

  private now(): number {
    return this.clock.now();
  }

  /** Live time since a request (held messages do not make an answer late). */
  private waited(at: number): number {
    return elapsedSince(this.peers.liveness, this.clock, at);
  }

  counts(): { txRequests: number; rejectedTxs: number } {
    return { txRequests: this.requests.size, rejectedTxs: this.rejected.size };
  }

  /** The transaction part of an inv: ask for what we lack, one announcer at a time. */
  onInv(p: Peer, txs: string[]): void {
    const wanted: InvItem[] = [];
    for (const hash of txs) {
      if (this.mempool.has(hash) || this.rejected.has(hash) || p.txInFlight.has(hash)) continue;
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

  /** A transaction from a peer: into the mempool and onward, or refused with Core's reason. */
  onTx(p: Peer, tx: Tx, messageId: number): void {
    const hash = txidHex(tx);
    p.remember(hash);
    p.txInFlight.delete(hash);
    this.requests.delete(hash);
    try {
      this.mempool.accept(tx, Math.floor(this.now() / 1000));
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (e.kind === 'consensus') this.rejected.add(hash);
      this.onRefused?.(tx, p.id, e);
      this.peers.refuse(p, messageId, 'tx', ruleRefusal(e, e.kind !== 'duplicate'), hash);
      return;
    }
    p.lastUsefulTx = this.now();
    this.relay(hash, p);
    this.onAccepted(hash, p.id);
  }

  /**
   * Announces a transaction to every ready peer that wants relay and does not know it: at once, or
   * with the peer's next trickle when `timing.txInvOutbound`/`txInvInbound` are set.
   */
  relay(hash: string, except: Peer | null): void {
    for (const p of this.peers.all()) {
      // BIP37: a peer whose version said relay = 0 wants no transaction announcements.
      if (!p.ready || p === except || p.knownInv.has(hash) || !p.version!.relay) continue;
      p.remember(hash);
      const mean = p.outbound ? this.timing.txInvOutbound : this.timing.txInvInbound;
      if (!mean) {
        p.send({ command: 'inv', items: [{ type: MSG_TX, hash }] });
        continue;
      }
      let q = this.queued.get(p);
      if (!q) {
        q = { hashes: [], next: this.now() - Math.log(1 - (this.random?.next() ?? 0.5)) * mean };
        this.queued.set(p, q);
      }
      q.hashes.push(hash);
    }
  }

  /** Sends each peer whose trickle time came its queued announcements, in one inv (those still in the mempool). */
  private trickle(): void {
    for (const [p, q] of this.queued) {
      if (q.next > this.now()) continue;
      this.queued.delete(p);
      const items = q.hashes.filter((h) => this.mempool.has(h)).map((hash) => ({ type: MSG_TX, hash }));
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

  /** A new tip can make a refused transaction valid (e.g. a coinbase it spends matured). */
  onTipChanged(): void {
    this.rejected.clear();
  }

  /** Trickled announcements that are due; transactions asked for and not delivered in time go to the next announcer. */
  tick(): void {
    if (this.queued.size) this.trickle();
    for (const [hash, r] of [...this.requests])
      if (this.waited(r.at) > this.timing.stallTimeout) {
        const p = this.peers.get(r.peer);
        p?.txInFlight.delete(hash);
        if (p) this.retry(hash, p);
        else this.requests.delete(hash);
      }
  }

  /** A peer left: what it was asked for goes to the next announcer. */
  onPeerClosed(p: Peer): void {
    this.queued.delete(p);
    for (const h of p.txInFlight) this.retry(h, p);
    p.txInFlight.clear();
  }
}
