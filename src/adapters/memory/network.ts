import type { Link, Transport } from '../../node/transport';
import { ManualClock, SeededRandom } from './clock';

/**
 * Per-link conditions: one-way latency in ms, the probability a message is lost, and optionally
 * the link's bandwidth in bytes per ms (= kB/s). With a bandwidth, a message of n bytes occupies
 * its direction of the link for n / bandwidth ms and messages queue behind each other (a link is
 * ordered, as a TCP or SCTP stream is): arrival = max(now, link free) + n / bandwidth + latency.
 */
export interface LinkConditions {
  latency: number;
  dropRate: number;
  bandwidth?: number;
}

/** A message the network is carrying, for tests and the UI's virtual network. */
export interface InFlight {
  from: string;
  to: string;
  bytes: number;
  at: number;
  /** The frame itself (the receiver's copy: read, never change it). */
  data: Uint8Array;
}

/**
 * A deterministic in-memory network: transports by node id, links with latency, loss and
 * partitions. Every message is copied (as WebRTC delivers it: no shared buffers)
 * and delivered by a clock timer, so nothing moves until the test runs the clock:
 * `network.flush()` delivers everything due now; `clock.advance(ms)` lets latency pass.
 *
 *   const net = new MemoryNetwork({ seed: 7 });
 *   const a = net.transport('3000'), b = net.transport('3001');
 *   b.connect('3000'); net.flush();
 *   net.partition(['3000'], ['3001']); ... net.heal();
 */
export class MemoryNetwork {
  readonly clock: ManualClock;
  readonly random: SeededRandom;
  private readonly transports = new Map<string, MemoryTransport>();
  private readonly conditions = new Map<string, LinkConditions>();
  private defaults: LinkConditions;
  private groups: Map<string, number> | null = null;
  private inFlight = 0;
  /** When each direction of a link (`from>to`) finishes sending what is queued on it (bandwidth only). */
  private readonly busyUntil = new Map<string, { until: number }>();
  /** Bumped by every change of conditions: links re-read theirs (cached per link, read per message). */
  private version = 0;
  /** Bandwidth of one direction of a link (`from>to`), bytes per ms, where it differs from the link's. */
  private readonly directed = new Map<string, number>();
  /** Largest frame a link carries (`Transport.maxFrameBytes`); undefined: WebRTC's 256 KiB, as in tabs. */
  readonly maxFrameBytes: number | undefined;
  /**
   * Copy every message, as WebRTC delivers a copy (default). A simulation of well-behaved nodes
   * may hand the frame itself over: the node encodes a fresh frame for every send and neither
   * side ever writes to one, so the receiver sees the same bytes either way.
   */
  readonly copyFrames: boolean;
  /** Counters for tests and benches. */
  stats = { sent: 0, delivered: 0, dropped: 0, bytes: 0 };
  /** Optional tap on every delivery (for timelines). */
  ondeliver: ((m: InFlight) => void) | null = null;

  constructor(opts: { seed?: number; latency?: number; dropRate?: number; clock?: ManualClock; maxFrameBytes?: number; copyFrames?: boolean } = {}) {
    this.maxFrameBytes = opts.maxFrameBytes;
    this.copyFrames = opts.copyFrames ?? true;
    this.clock = opts.clock ?? new ManualClock();
    this.random = new SeededRandom(opts.seed ?? 1);
    this.defaults = { latency: opts.latency ?? 0, dropRate: opts.dropRate ?? 0 };
  }

  /** The transport of node `id` (created on first use). */
  /** Ids of transports that are open (what a signalling server would list). */
  liveIds(): string[] {
    return [...this.transports.values()].filter((t) => !t.closed).map((t) => t.localId);
  }

  transport(id: string): MemoryTransport {
    let t = this.transports.get(id);
    if (!t || t.closed) {
      t = new MemoryTransport(this, id);
      this.transports.set(id, t);
    }
    return t;
  }

  /** Sets conditions for the link between a and b (both directions). */
  setLink(a: string, b: string, c: Partial<LinkConditions>): void {
    this.conditions.set(pairKey(a, b), { ...this.linkConditions(a, b), ...c });
    this.version++;
  }
  /**
   * Sets the bandwidth of one direction of a link, bytes per ms (a sender's upload and a receiver's
   * download differ: SimBlock takes min(upload of the sender, download of the receiver)).
   */
  setBandwidth(from: string, to: string, bytesPerMs: number): void {
    this.directed.set(`${from}>${to}`, bytesPerMs);
    this.version++;
  }
  /** Sets default conditions for every link without its own. */
  setDefaults(c: Partial<LinkConditions>): void {
    this.defaults = { ...this.defaults, ...c };
    this.version++;
  }
  linkConditions(a: string, b: string): LinkConditions {
    return this.conditions.get(pairKey(a, b)) ?? this.defaults;
  }

  /**
   * Splits the network: nodes in different groups cannot reach each other (messages between
   * them are lost and new connections fail) until `heal()`. Nodes in no group reach everyone.
   */
  partition(...groups: string[][]): void {
    this.groups = new Map();
    groups.forEach((g, i) => g.forEach((id) => this.groups!.set(id, i)));
  }
  heal(): void {
    this.groups = null;
  }
  reachable(a: string, b: string): boolean {
    if (!this.transports.get(b) || this.transports.get(b)!.closed) return false;
    if (!this.groups) return true;
    const ga = this.groups.get(a);
    const gb = this.groups.get(b);
    return ga === undefined || gb === undefined || ga === gb;
  }

  /** Messages sent but not yet delivered or dropped. */
  get pending(): number {
    return this.inFlight;
  }

  /** Delivers everything due now, including messages those deliveries cause. Returns timers run. */
  flush(): number {
    return this.clock.runDue();
  }

  /** @internal carries one message from a link end to the other. */
  carry(from: MemoryLink, data: Uint8Array): void {
    const to = from.peer;
    if (!to) return;
    this.stats.sent++;
    // Read once per link and change of conditions, not per message (a simulation carries millions).
    let k = from.cached;
    if (!k || k.version !== this.version) {
      const c = this.conditions.get(from.pair) ?? this.defaults;
      let busy = this.busyUntil.get(from.dir);
      if (!busy) this.busyUntil.set(from.dir, (busy = { until: 0 }));
      k = from.cached = { version: this.version, c, bandwidth: this.directed.get(from.dir) ?? c.bandwidth, busy };
    }
    const c = k.c;
    const copy = this.copyFrames ? data.slice() : data; // a copy, as WebRTC delivers: no shared buffer between nodes
    this.inFlight++;
    let delay = c.latency;
    const bandwidth = k.bandwidth;
    if (bandwidth !== undefined && bandwidth > 0) {
      const now = this.clock.now();
      const done = Math.max(now, k.busy.until) + copy.length / bandwidth;
      k.busy.until = done;
      delay = done - now + c.latency;
    }
    this.clock.setTimer(delay, () => this.arrive(from, to, copy, c.dropRate));
  }

  private arrive(from: MemoryLink, to: MemoryLink, copy: Uint8Array, dropRate: number): void {
    this.inFlight--;
    if (!this.reachable(from.localId, from.peerId) || (dropRate > 0 && this.random.next() < dropRate)) {
      this.stats.dropped++;
      return;
    }
    if (to.closed) return;
    this.stats.delivered++;
    this.stats.bytes += copy.length;
    this.ondeliver?.({ from: from.localId, to: from.peerId, bytes: copy.length, at: this.clock.now(), data: copy });
    to.onmessage?.(copy);
  }

  /** @internal opens a link pair after one link latency. */
  open(from: MemoryTransport, toId: string): void {
    const c = this.linkConditions(from.localId, toId);
    this.clock.setTimer(c.latency, () => {
      const to = this.transports.get(toId);
      if (from.closed) return;
      if (!to || to.closed || !this.reachable(from.localId, toId)) {
        from.onconnectfailed?.(toId, to && !to.closed ? 'peer unreachable' : 'peer not found');
        return;
      }
      const a = new MemoryLink(this, from.localId, toId, true, from);
      const b = new MemoryLink(this, toId, from.localId, false, to);
      a.peer = b;
      b.peer = a;
      from.links.add(a);
      to.links.add(b);
      to.onlink?.(b);
      from.onlink?.(a);
    });
  }

  /** Closes every link between a and b, as if the connection died. */
  cut(a: string, b: string): void {
    for (const l of [...(this.transports.get(a)?.links ?? [])]) if (l.peerId === b) l.close('connection lost');
  }
}

/** One end of an in-memory link. */
export class MemoryLink implements Link {
  onmessage: ((data: Uint8Array) => void) | null = null;
  onclose: ((reason: string) => void) | null = null;
  peer: MemoryLink | null = null;
  closed = false;
  /** The link's key in the network's tables: both ends (`a|b`) and this direction (`from>to`). */
  readonly pair: string;
  readonly dir: string;
  /** @internal this link's conditions as the network last read them (MemoryNetwork.carry). */
  cached: { version: number; c: LinkConditions; bandwidth: number | undefined; busy: { until: number } } | null = null;
  constructor(
    private readonly net: MemoryNetwork,
    readonly localId: string,
    readonly peerId: string,
    readonly outbound: boolean,
    private readonly owner: MemoryTransport,
  ) {
    this.pair = pairKey(localId, peerId);
    this.dir = `${localId}>${peerId}`;
  }
  send(data: Uint8Array): void {
    if (this.closed) return;
    this.net.carry(this, data);
  }
  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    const other = this.peer;
    this.peer = null;
    // The owning transport, not `net.transport(id)`: that would create a fresh (reachable) transport
    // for a node that has shut down, and peers dialling it would reach a ghost.
    this.owner.links.delete(this);
    this.onclose?.(reason);
    if (other && !other.closed) {
      // The remote side learns of the close after one link latency.
      this.net.clock.setTimer(this.net.linkConditions(this.localId, this.peerId).latency, () => other.close('closed by peer'));
    }
  }
}

/** A node's transport on the in-memory network. */
export class MemoryTransport implements Transport {
  onlink: ((link: Link) => void) | null = null;
  onconnectfailed: ((peerId: string, reason: string) => void) | null = null;
  readonly links = new Set<MemoryLink>();
  closed = false;
  constructor(
    private readonly net: MemoryNetwork,
    readonly localId: string,
  ) {}
  get maxFrameBytes(): number | undefined {
    return this.net.maxFrameBytes;
  }
  connect(peerId: string): void {
    if (this.closed) return;
    this.net.open(this, peerId);
  }
  /** Ids registered on this network now (the signalling server's peer list, as PeerJS offers it). */
  discover(): Promise<string[]> {
    return Promise.resolve(this.closed ? [] : this.net.liveIds().filter((id) => id !== this.localId));
  }
  close(): void {
    this.closed = true;
    for (const l of [...this.links]) l.close('node shut down');
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
