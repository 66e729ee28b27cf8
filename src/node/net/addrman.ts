/**
 * The address book (btcd's `addrmgr`, bcoin's `hostlist`): node ids this node has heard of, newest
 * last, at most ADDR_BOOK_MAX; and the `addr`/`getaddr` exchange that fills it — one getaddr answer
 * per connection, Core's token bucket on incoming addresses, a few fresh addresses relayed onward.
 */
import { BoundedMap } from '../../core';
import { ADDR_BOOK_MAX, NODE_NETWORK } from '../config';
import { MAX_ADDR, type PeerAddress } from '../wire/messages';
import type { EventBus } from '../events';
import type { Clock } from '../transport';
import type { Peer } from './peer';

/** Addresses relayed onward from one addr message (Core relays small addr messages only). */
const RELAY_MAX = 10;
/** Peers a fresh address is relayed to (Core's RelayAddress: 2), so gossip spreads without flooding. */
const RELAY_PEERS = 2;

export class AddressBook {
  private readonly book = new BoundedMap<string, PeerAddress>(ADDR_BOOK_MAX);

  constructor(
    private readonly localId: string,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly random: { next(): number } = { next: () => 0 },
  ) {}

  get size(): number {
    return this.book.size;
  }
  has(id: string): boolean {
    return this.book.has(id);
  }
  /** Every known id, oldest first. */
  ids(): string[] {
    return [...this.book.keys()];
  }

  /** Every address, oldest first. */
  all(): PeerAddress[] {
    return [...this.book.values()];
  }

  /** Fills the book from storage (no event: nothing new was learned). */
  restore(addrs: PeerAddress[]): void {
    for (const a of addrs) if (a.id && a.id !== this.localId) this.book.touch(a.id, a);
  }

  /** Adds or refreshes addresses (never our own); returns those not known before. */
  learn(addrs: PeerAddress[]): PeerAddress[] {
    const fresh: PeerAddress[] = [];
    for (const a of addrs) {
      if (!a.id || a.id === this.localId) continue;
      if (!this.book.has(a.id)) fresh.push(a);
      this.book.touch(a.id, a);
    }
    if (fresh.length) this.bus.emit({ type: 'addr-learned', time: this.clock.now(), ids: fresh.map((a) => a.id) });
    return fresh;
  }

  /** A peer that completed the handshake is a reachable address. */
  learnPeer(p: Peer): void {
    this.learn([this.self(p.id)]);
  }

  /** Answers getaddr, once per connection (as Core does): what we know, and ourselves. */
  onGetAddr(p: Peer): void {
    if (p.gaveAddr) return;
    p.gaveAddr = true;
    const addrs = [...this.book.values()].filter((a) => a.id !== p.id).slice(0, MAX_ADDR);
    addrs.unshift(this.self(this.localId));
    p.send({ command: 'addr', addrs: addrs.slice(0, MAX_ADDR) });
  }

  /**
   * An addr message: rate-limited per peer, learned, and when it brings a few new addresses,
   * relayed to two other ready peers chosen at random (Core's RelayAddress), so the mesh hears of
   * newcomers by gossip rather than a flood. Returns the fresh ones.
   */
  onAddr(p: Peer, addrs: PeerAddress[], others: Iterable<Peer>, log: (text: string) => void): PeerAddress[] {
    const now = this.clock.now();
    p.addrTokens = Math.min(MAX_ADDR, p.addrTokens + ((now - p.addrTokensAt) / 1000) * 0.1);
    p.addrTokensAt = now;
    const accepted = addrs.slice(0, Math.floor(p.addrTokens));
    p.addrTokens -= accepted.length;
    if (accepted.length < addrs.length) log(`rate-limited ${addrs.length - accepted.length} addresses from ${p.id}`);
    const fresh = this.learn(accepted);
    if (fresh.length && fresh.length <= RELAY_MAX) {
      const targets = [...others].filter((o) => o !== p && o.ready);
      for (let i = 0; i < RELAY_PEERS && targets.length; i++) {
        const [o] = targets.splice(Math.floor(this.random.next() * targets.length), 1);
        o!.send({ command: 'addr', addrs: fresh });
      }
    }
    return fresh;
  }

  /** Our own address (or a peer's) as an addr entry stamped now. */
  self(id: string): PeerAddress {
    return { time: Math.floor(this.clock.now() / 1000), services: NODE_NETWORK, id };
  }
}
