/**
 * Slow motion, pause and step for a node's incoming messages: every link's messages pass through
 * one gate before the peer reads them. Live, a message goes straight through. Paused, it waits in
 * one queue, in arrival order across all peers; slowed, one message leaves the queue every
 * `intervalMs`; a step releases the oldest waiting messages; going live again delivers the queue
 * in order. The teacher's class-wide setting and this tab's own combine: paused if either pauses,
 * else the slower of the two.
 *
 * Held messages are bytes that have arrived; the peer simply has not read them yet. So while the
 * gate is not live, the node's own clocks for unanswered requests (block stall, transaction
 * requests, handshake) stand still (`Liveness`), and count again from the moment it goes live.
 * The teacher's commands and ping/pong are never held: the first are the class's controls (a
 * paused class must hear "resume"), the second only keep links alive.
 */
import type { DeliveryMode } from '../../core';
import type { EventBus } from '../events';
import type { Clock, Link } from '../transport';
import { frameCommand } from '../wire/frame';

/** Commands delivered at once whatever the mode. */
const BYPASS = new Set(['teacher', 'ping', 'pong']);
/** The most messages (and bytes) a gate holds; beyond it the peer with the most waiting is disconnected. */
export const MAX_HELD = 10_000;
export const MAX_HELD_BYTES = 64 * 1024 * 1024;

/** A delivery setting: live, paused, or one message per `intervalMs`. */
export interface Delivery {
  mode: DeliveryMode;
  intervalMs: number;
}

export const LIVE: Delivery = { mode: 'live', intervalMs: 0 };

/** A waiting message as the UI lists it. */
export interface HeldMessage {
  peer: string;
  command: string;
  bytes: number;
  /** Node clock when it arrived. */
  at: number;
}

/** What the gate is doing, for the UI and the dashboard. */
export interface DeliveryView {
  /** What the gate does now (the class's and this tab's setting combined). */
  effective: Delivery;
  /** The teacher's class-wide setting. */
  class: Delivery;
  /** This tab's own setting. */
  local: Delivery;
  held: number;
  /** Arrival time of the oldest waiting message (node clock), if any. */
  oldest: number | null;
  /** Messages released so far (by steps, slow motion or resuming). */
  released: number;
}

/**
 * The node's clocks for unanswered requests: while the gate holds messages back (paused or
 * slowed), nothing counts as late; when it goes live again, waiting counts from that moment.
 */
export class Liveness {
  frozen = false;
  resumedAt = -Infinity;
  constructor(private readonly clock: Clock) {}

  /** Live milliseconds since `t` (node clock): 0 while frozen; time before the last resume does not count. */
  since(t: number): number {
    if (this.frozen) return 0;
    return this.clock.now() - Math.max(t, this.resumedAt);
  }
}

/** Milliseconds since `t`, counting only live time when a Liveness is given. */
export function elapsedSince(liveness: Liveness | undefined, clock: Clock, t: number): number {
  return liveness ? liveness.since(t) : clock.now() - t;
}

interface GatedLink extends Link {
  closed: boolean;
}

interface Held {
  link: GatedLink;
  data: Uint8Array;
  command: string;
  at: number;
}

export class DeliveryGate {
  readonly liveness: Liveness;
  private classSetting: Delivery = LIVE;
  private localSetting: Delivery = LIVE;
  /** The two settings combined (recomputed when either changes: read for every message). */
  private current: Delivery = LIVE;
  private queue: Held[] = [];
  private head = 0;
  private bytes = 0;
  private timer: number | null = null;
  private lastRelease = -Infinity;
  private releasedCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly log: (text: string, level?: 'info' | 'warn' | 'error') => void,
  ) {
    this.liveness = new Liveness(clock);
  }

  /** A link whose incoming messages pass through this gate (the peer sees the returned link). */
  wrap(link: Link): Link {
    const gated: GatedLink = {
      peerId: link.peerId,
      outbound: link.outbound,
      closed: false,
      send: (data) => link.send(data),
      close: (reason) => link.close(reason),
      onmessage: null,
      onclose: null,
    };
    link.onmessage = (data) => this.arrive(gated, data);
    link.onclose = (reason) => {
      gated.closed = true;
      this.forget(gated);
      gated.onclose?.(reason);
    };
    return gated;
  }

  /** The combined setting: paused if either pauses, else the slower of the two. */
  get effective(): Delivery {
    return this.current;
  }

  private combine(): Delivery {
    const a = this.classSetting;
    const b = this.localSetting;
    if (a.mode === 'paused' || b.mode === 'paused') return { mode: 'paused', intervalMs: 0 };
    const interval = Math.max(a.mode === 'slow' ? a.intervalMs : 0, b.mode === 'slow' ? b.intervalMs : 0);
    return interval > 0 ? { mode: 'slow', intervalMs: interval } : LIVE;
  }

  get held(): number {
    return this.queue.length - this.head;
  }

  view(): DeliveryView {
    const first = this.queue[this.head];
    return { effective: this.effective, class: this.classSetting, local: this.localSetting, held: this.held, oldest: first ? first.at : null, released: this.releasedCount };
  }

  /** The oldest `limit` waiting messages, oldest first. */
  list(limit = 50): HeldMessage[] {
    return this.queue.slice(this.head, this.head + limit).map((h) => ({ peer: h.link.peerId, command: h.command, bytes: h.data.length, at: h.at }));
  }

  /** The teacher's class-wide setting. */
  setClass(d: Delivery): void {
    this.classSetting = normalize(d);
    this.apply();
  }

  /** This tab's own setting. */
  setLocal(d: Delivery): void {
    this.localSetting = normalize(d);
    this.apply();
  }

  /** Releases up to `count` of the oldest waiting messages; returns how many were delivered. */
  step(count = 1): number {
    let n = 0;
    while (n < count && this.held > 0) {
      this.releaseOne();
      n++;
    }
    if (n) this.changed();
    return n;
  }

  private apply(): void {
    this.current = this.combine();
    const e = this.current;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    if (e.mode === 'live') {
      while (this.held > 0) this.releaseOne();
      if (this.liveness.frozen) {
        this.liveness.frozen = false;
        this.liveness.resumedAt = this.clock.now();
      }
    } else {
      this.liveness.frozen = true;
      if (e.mode === 'slow') this.schedule();
    }
    this.changed();
  }

  private arrive(link: GatedLink, data: Uint8Array): void {
    if (link.closed) return;
    const e = this.current;
    // The common case costs one comparison: live, nothing waiting.
    if (e.mode === 'live' && this.held === 0) {
      link.onmessage?.(data);
      return;
    }
    const command = frameCommand(data);
    if (BYPASS.has(command)) {
      link.onmessage?.(data);
      return;
    }
    this.queue.push({ link, data, command, at: this.clock.now() });
    this.bytes += data.length;
    if (this.held > MAX_HELD || this.bytes > MAX_HELD_BYTES) this.shed();
    if (e.mode === 'slow') this.schedule();
    this.changed();
  }

  private releaseOne(): void {
    const h = this.queue[this.head]!;
    this.queue[this.head] = undefined as unknown as Held;
    this.head++;
    this.bytes -= h.data.length;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.lastRelease = this.clock.now();
    this.releasedCount++;
    if (!h.link.closed) h.link.onmessage?.(h.data);
  }

  /** Slow motion: the next release is `intervalMs` after the last one. */
  private schedule(): void {
    if (this.timer !== null || this.held === 0) return;
    const e = this.effective;
    if (e.mode !== 'slow') return;
    const wait = Math.max(0, this.lastRelease + e.intervalMs - this.clock.now());
    this.timer = this.clock.setTimer(wait, () => {
      this.timer = null;
      if (this.effective.mode !== 'slow' || this.held === 0) return;
      this.releaseOne();
      this.changed();
      this.schedule();
    });
  }

  /** Too much waiting: the peer with the most messages held loses its link (and its held messages). */
  private shed(): void {
    const counts = new Map<GatedLink, number>();
    for (let i = this.head; i < this.queue.length; i++) {
      const l = this.queue[i]!.link;
      counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    let worst: GatedLink | null = null;
    for (const [l, n] of counts) if (!worst || n > counts.get(worst)!) worst = l;
    if (!worst) return;
    this.log(`peer ${worst.peerId} sent more than the ${MAX_HELD} messages a paused node holds: disconnected`, 'warn');
    this.forget(worst);
    worst.close('too many messages held while delivery is paused');
  }

  /** Drops what a closed link had waiting. */
  private forget(link: GatedLink): void {
    if (!this.queue.some((h, i) => i >= this.head && h.link === link)) return;
    const keep: Held[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const h = this.queue[i]!;
      if (h.link === link) this.bytes -= h.data.length;
      else keep.push(h);
    }
    this.queue = keep;
    this.head = 0;
    this.changed();
  }

  private changed(): void {
    if (this.bus.listening) {
      const e = this.effective;
      this.bus.emit({ type: 'delivery', time: this.clock.now(), mode: e.mode, intervalMs: e.intervalMs, held: this.held });
    }
  }
}

function normalize(d: Delivery): Delivery {
  return d.mode === 'slow' ? { mode: 'slow', intervalMs: Math.max(1, Math.round(d.intervalMs)) } : { mode: d.mode, intervalMs: 0 };
}
