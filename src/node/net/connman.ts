/**
 * The connection manager (btcd's `connmgr`, Core's CConnman): who we dial and when (seeds at once,
 * known addresses in a mesh, one automatic redial per id every `reconnect` ms), how many links we
 * keep (MAX_OUTBOUND dialled in a mesh, MAX_INBOUND accepted), who is discouraged, the "cut this
 * node off" switch, and — when every inbound slot is taken — Core's eviction of one inbound peer so
 * idle connections can never keep an honest newcomer out.
 */
import { BoundedMap, BoundedSet, partitionGroup, sha256, utf8, toHex } from '../../core';
import { ADDR_BOOK_MAX, MAX_DISCOURAGED, type Timing } from '../config';
import type { EventBus, Topology } from '../events';
import type { Clock, Link, Random, Transport } from '../transport';
import type { AddressBook } from './addrman';
import type { Peer } from './peer';


export interface ConnmanOptions {
  localId: string;
  seeds: string[];
  topology: Topology;
  /** Links a mesh node dials and keeps (counting links it accepted too). */
  maxOutbound: number;
  /** Inbound links accepted; the next one evicts an unprotected inbound peer or is refused. */
  maxInbound: number;
}

export interface ConnmanHooks {
  /** Wraps an open link in a Peer (the node's handshake starts there). */
  makePeer(link: Link): Peer;
  /** Every live peer is closed through here first; the node fans the news out to its services. */
  onPeerClosed(peer: Peer, reason: string): void;
}

/** Peers protected from eviction in each of Core's categories (net.cpp, AttemptToEvictConnection). */
const PROTECT_KEYED = 4;
const PROTECT_PING = 8;
const PROTECT_TX = 4;
const PROTECT_BLOCK = 4;

export class ConnectionManager {
  readonly peers = new Map<string, Peer>();
  private readonly connecting = new Set<string>();
  /** When each id was last dialled (automatic redials wait `timing.reconnect`). */
  private readonly lastDialed = new BoundedMap<string, number>(2 * ADDR_BOOK_MAX);
  private readonly discouraged = new BoundedMap<string, number>(MAX_DISCOURAGED);
  /** Nonces of version messages we sent and whose handshake is not over (self-connection check). */
  private readonly versionNonces = new BoundedSet<bigint>(MAX_DISCOURAGED);
  /** Keys the eviction's "keyed" protection so a peer cannot choose an id that is always protected. */
  private evictionKey: string | null = null;
  private cutOff = false;
  private stopped = false;
  /** The teacher's partition: groups of ids that may link to each other (empty: no partition). */
  private partition: string[][] = [];
  /** When the signalling service's node list was last asked for (mesh fallback, DNS-seed-like). */
  private discoveredAt = -Infinity;
  private discovering = false;
  /** The last reason a link could not be had, for a node with no peers to show on screen. */
  private lastFailure: { peer: string; reason: string; time: number } | null = null;

  constructor(
    private readonly opts: ConnmanOptions,
    private readonly transport: Transport,
    private readonly addrs: AddressBook,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly timing: Timing,
    private readonly bus: EventBus,
    private readonly hooks: ConnmanHooks,
  ) {}

  private now(): number {
    return this.clock.now();
  }

  /** Starts accepting links and dials the seeds. */
  start(): void {
    this.transport.onlink = (link) => this.onLink(link);
    this.transport.onconnectfailed = (peer, reason) => {
      this.connecting.delete(peer);
      this.lastFailure = { peer, reason, time: this.now() };
      this.bus.emit({ type: 'connect-failed', time: this.now(), peer, reason });
      if (this.opts.seeds.includes(peer) && !this.stopped) this.clock.setTimer(this.timing.reconnect, () => this.maintain());
    };
    this.maintain();
  }

  /** Closes every link and the transport. */
  stop(): void {
    this.stopped = true;
    for (const p of [...this.peers.values()]) p.close('node shut down');
    this.transport.close();
  }

  get offline(): boolean {
    return this.cutOff;
  }

  /** The classroom's fork switch: offline closes every link, refuses new ones and dials nobody. */
  setOffline(offline: boolean): boolean {
    if (this.cutOff === offline || this.stopped) return false;
    this.bus.emit({ type: 'offline-changed', time: this.now(), offline });
    const text = offline ? 'offline: links closed, nobody is dialled until the node goes online again' : 'online again: dialling seeds and known nodes';
    this.bus.emit({ type: 'log', time: this.now(), level: offline ? 'warn' : 'info', text });
    this.cutOff = offline;
    if (offline) for (const p of [...this.peers.values()]) p.close('went offline');
    else {
      this.lastDialed.clear();
      this.maintain();
    }
    return true;
  }

  /**
   * Applies the teacher's partition: links to nodes of another group are closed, and neither side
   * dials or accepts them until the class is healed (empty groups). Unlisted nodes are in group 0.
   */
  setPartition(groups: string[][]): void {
    this.partition = groups;
    for (const p of [...this.peers.values()]) if (!this.allowed(p.id)) p.close('partitioned by the teacher');
    if (!groups.length) {
      this.lastDialed.clear();
      this.maintain();
    }
  }

  /** False when the teacher's partition puts `id` in another group than this node. */
  allowed(id: string): boolean {
    return !this.partition.length || partitionGroup(this.partition, id) === partitionGroup(this.partition, this.opts.localId);
  }

  /** Peers that completed the handshake. */
  *ready(): Iterable<Peer> {
    for (const p of this.peers.values()) if (p.ready) yield p;
  }

  // ---------------------------------------------------------------- dialling

  /** Opens a connection to a peer by id (if not already connected, discouraged or offline). */
  connect(peerId: string): void {
    if (this.cutOff || this.stopped) return;
    if (peerId === this.opts.localId || this.peers.has(peerId) || this.connecting.has(peerId) || this.isDiscouraged(peerId) || !this.allowed(peerId)) return;
    this.lastDialed.set(peerId, this.now());
    this.connecting.add(peerId);
    this.transport.connect(peerId);
  }

  /** Automatic dialling tries one id at most once per `reconnect` ms (a peer that refuses us is not hammered). */
  private mayDial(id: string): boolean {
    const t = this.lastDialed.get(id);
    return t === undefined || this.now() - t >= this.timing.reconnect;
  }

  /** Dials the seeds we lack and, in a mesh, random known nodes up to the outbound target. */
  maintain(): void {
    if (this.stopped || this.cutOff) return;
    for (const s of this.opts.seeds) if (!this.peers.has(s) && this.mayDial(s)) this.connect(s);
    if (this.opts.topology !== 'mesh') return;
    const open = this.peers.size + this.connecting.size;
    if (open >= this.opts.maxOutbound) return;
    if (open === 0) this.discover();
    const candidates = this.addrs.ids().filter((id) => id !== this.opts.localId && !this.peers.has(id) && !this.connecting.has(id) && !this.isDiscouraged(id) && this.allowed(id) && this.mayDial(id));
    shuffle(candidates, this.random);
    for (const id of candidates.slice(0, this.opts.maxOutbound - open)) this.connect(id);
  }

  /**
   * A mesh node with no link asks the signalling service which nodes of its network are online
   * (Bitcoin's DNS seeds) — at most once per `reconnect` ms — and learns them as addresses, so a
   * node can join a mesh whose central node has left.
   */
  private discover(): void {
    const discover = this.transport.discover;
    if (!discover || this.discovering || this.now() - this.discoveredAt < this.timing.reconnect) return;
    this.discovering = true;
    this.discoveredAt = this.now();
    void discover.call(this.transport).then(
      (ids) => {
        this.discovering = false;
        const fresh = ids.filter((id) => id !== this.opts.localId).slice(0, 64);
        if (!fresh.length || this.stopped) return;
        this.addrs.learn(fresh.map((id) => this.addrs.self(id)));
        this.maintain();
      },
      () => (this.discovering = false),
    );
  }

  /** Why this node has no link, if it has none: the last failure, and what it is doing about it. */
  connectivity(): { peers: number; connecting: string[]; lastFailure: { peer: string; reason: string; time: number } | null } {
    return { peers: this.peers.size, connecting: [...this.connecting], lastFailure: this.lastFailure };
  }

  // ---------------------------------------------------------------- links

  private onLink(link: Link): void {
    this.connecting.delete(link.peerId);
    if (this.stopped) return link.close('node shut down');
    if (this.cutOff) return this.refuseLink(link, 'offline', 'offline: refused');
    if (this.isDiscouraged(link.peerId)) return this.refuseLink(link, 'discouraged', 'discouraged: refused');
    if (!this.allowed(link.peerId)) return this.refuseLink(link, 'partitioned', 'partitioned by the teacher: refused');
    const existing = this.peers.get(link.peerId);
    if (existing) {
      // Both sides dialled at once: keep the link opened by the lower id.
      const keepOutbound = this.opts.localId < link.peerId;
      if (link.outbound !== keepOutbound) return link.close('duplicate connection');
      existing.close('duplicate connection');
    }
    if (!link.outbound && this.inboundCount() >= this.opts.maxInbound && !this.evictInbound())
      return this.refuseLink(link, 'too many connections', 'inbound slots full: refused');
    const peer = this.hooks.makePeer(link);
    this.peers.set(peer.id, peer);
  }

  private refuseLink(link: Link, closeReason: string, eventReason: string): void {
    this.bus.emit({ type: 'peer-disconnected', time: this.now(), peer: link.peerId, reason: eventReason });
    link.close(closeReason);
  }

  private inboundCount(): number {
    let n = 0;
    for (const p of this.peers.values()) if (!p.outbound) n++;
    return n;
  }

  /**
   * A peer's link closed: forget it and dial again. Redials go through `mayDial`, so an id is dialled
   * at most once per `reconnect` ms: a seed whose last dial is older than that (a link that lived a
   * while) is redialled at the next tick; one that just refused us waits out the rest of the pause.
   */
  onClosed(p: Peer, reason: string): void {
    // A link that closes before its handshake was refused by the other side (full, cut off,
    // partitioned, discouraging us) or never worked: worth telling a student who has no peer.
    if (!p.ready && !p.version) this.lastFailure = { peer: p.id, reason: p.outbound ? `the link closed before the handshake (${reason}): the node may be full or refusing us` : reason, time: this.now() };
    if (p.versionNonce !== undefined) this.versionNonces.delete(p.versionNonce);
    if (this.peers.get(p.id) === p) this.peers.delete(p.id);
    this.hooks.onPeerClosed(p, reason);
    this.bus.emit({ type: 'peer-disconnected', time: this.now(), peer: p.id, reason });
    if (!this.stopped) this.clock.setTimer(0, () => this.maintain());
  }

  // ---------------------------------------------------------------- handshake nonces

  /** Remembers the nonce of a version we send, to recognise a connection to ourselves. */
  noteVersionNonce(nonce: bigint): void {
    this.versionNonces.add(nonce);
  }
  isOwnNonce(nonce: bigint): boolean {
    return this.versionNonces.has(nonce);
  }
  /** The handshake is over: its nonce need not be remembered. */
  forgetNonce(nonce: bigint | undefined): void {
    if (nonce !== undefined) this.versionNonces.delete(nonce);
  }

  // ---------------------------------------------------------------- discouragement

  /** Core's misbehaviour response: disconnect and refuse the peer's connections for a while. */
  discourage(p: Peer, reason: string): void {
    const until = this.now() + this.timing.discourage;
    this.discouraged.set(p.id, until);
    this.bus.emit({ type: 'peer-discouraged', time: this.now(), peer: p.id, reason, until });
    p.close(`misbehaving: ${reason}`);
  }

  isDiscouraged(id: string): boolean {
    const until = this.discouraged.get(id);
    return until !== undefined && until > this.now();
  }

  /** Housekeeping: discouragements that ran out, redials that had to wait. */
  tick(): void {
    if (this.stopped) return;
    for (const [id, until] of this.discouraged) if (until <= this.now()) this.discouraged.delete(id);
    this.maintain();
  }

  /** Sizes of what peers can make this manager hold (for the bounded-memory tests). */
  counts(): { peers: number; discouraged: number; connecting: number; dialled: number } {
    return { peers: this.peers.size, discouraged: this.discouraged.size, connecting: this.connecting.size, dialled: this.lastDialed.size };
  }

  // ---------------------------------------------------------------- eviction

  /**
   * Bitcoin Core's AttemptToEvictConnection, adapted to node ids: among inbound peers, protect
   * 4 chosen by a keyed hash of their id (unpredictable to an attacker), the 8 with the lowest
   * ping, the 4 that most recently gave us a new transaction and the 4 that most recently gave us
   * a new block, then the older half of the rest by uptime. From what is left, take the "network
   * group" with the most peers — here the role a peer's version claims (Core: the IP /16) — and
   * disconnect its youngest member. False when every inbound peer is protected.
   */
  evictInbound(): boolean {
    const victim = selectEviction([...this.peers.values()].filter((p) => !p.outbound && !p.closed), (id) => this.keyed(id));
    if (!victim) return false;
    victim.close('evicted: inbound slots full');
    return true;
  }

  private keyed(id: string): string {
    this.evictionKey ??= toHex(this.random.bytes32());
    return toHex(sha256(utf8(`${this.evictionKey}:${id}`)));
  }
}

/** The eviction choice alone, pure (tested on its own): the peer to disconnect, or undefined. */
export function selectEviction(inbound: Peer[], keyed: (id: string) => string): Peer | undefined {
  let c = [...inbound];
  const protect = (sorted: Peer[], n: number) => {
    const keep = new Set(sorted.slice(0, n));
    c = c.filter((p) => !keep.has(p));
  };
  // One keyed hash per candidate, not two per comparison: hashing inside the sort cost ~1,700
  // SHA-256 per eviction with 125 inbound peers, and a flood makes the central evict dozens a second.
  const key = new Map(c.map((p) => [p, keyed(p.id)]));
  protect([...c].sort((a, b) => (key.get(a)! < key.get(b)! ? -1 : 1)), PROTECT_KEYED);
  protect([...c].sort((a, b) => (a.minRtt ?? Infinity) - (b.minRtt ?? Infinity)), PROTECT_PING);
  protect([...c].filter((p) => p.lastUsefulTx > 0).sort((a, b) => b.lastUsefulTx - a.lastUsefulTx), PROTECT_TX);
  protect([...c].filter((p) => p.lastUsefulBlock > 0).sort((a, b) => b.lastUsefulBlock - a.lastUsefulBlock), PROTECT_BLOCK);
  protect([...c].sort((a, b) => a.connectedAt - b.connectedAt), Math.floor(c.length / 2));
  if (c.length === 0) return undefined;
  const groups = new Map<string, Peer[]>();
  for (const p of c) {
    const g = p.role ?? 'unknown';
    const list = groups.get(g);
    if (list) list.push(p);
    else groups.set(g, [p]);
  }
  const youngest = (list: Peer[]) => list.reduce((y, p) => (p.connectedAt >= y.connectedAt ? p : y));
  let best: Peer[] | undefined;
  for (const list of groups.values()) {
    if (!best || list.length > best.length || (list.length === best.length && youngest(list).connectedAt > youngest(best).connectedAt)) best = list;
  }
  // Core evicts the youngest of the group. Here a group is only a claim, so an attacker can share
  // an honest newcomer's group; the newcomer is never idle (it asks for the chain at once), so the
  // peer idle longest goes first, and only among equally idle peers the youngest.
  return best && best.reduce((v, p) => (p.lastActivity < v.lastActivity || (p.lastActivity === v.lastActivity && p.connectedAt >= v.connectedAt) ? p : v));
}

function shuffle<T>(a: T[], random: { next(): number }): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}
