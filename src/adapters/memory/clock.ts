import type { Clock, Random } from '../../node/transport';

/**
 * A clock that only moves when told to. Timers (including network deliveries) run in time
 * order, then in the order they were set, when the test calls `runDue` or `advance`.
 */
export class ManualClock implements Clock {
  private t: number;
  private nextId = 1;
  private seq = 0;
  /** Live timers by id; the heap may still hold cleared ones, skipped when they surface. */
  private readonly timers = new Map<number, Timer>();
  /** Binary min-heap on (at, seq): taking the next timer is O(log n), not a scan of all of them. */
  private readonly heap: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): number {
    const id = this.nextId++;
    const timer: Timer = { id, at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.set(id, timer);
    this.push(timer);
    return id;
  }
  clearTimer(id: number): void {
    this.timers.delete(id);
  }
  /** Number of timers not yet run. */
  get pending(): number {
    return this.timers.size;
  }
  /** Time of the earliest timer, or undefined. */
  nextAt(): number | undefined {
    this.dropCleared();
    return this.heap.length ? this.heap[0]!.at : undefined;
  }
  private takeDue(): (() => void) | undefined {
    this.dropCleared();
    const top = this.heap[0];
    if (!top || top.at > this.t) return undefined;
    this.pop();
    this.timers.delete(top.id);
    return top.fn;
  }
  /**
   * Tests can set this: more timers than this at one instant throw a "timer storm" error (a busy
   * loop in zero virtual time), instead of spinning for minutes.
   */
  stormLimit = Infinity;

  /** Runs every timer due now (and those they set for now); returns how many ran. */
  runDue(limit = 10_000_000): number {
    let n = 0;
    for (let fn = n < limit ? this.takeDue() : undefined; fn; fn = n < limit ? this.takeDue() : undefined) {
      fn();
      if (++n > this.stormLimit) throw new Error(`timer storm: more than ${this.stormLimit} timers at t=${this.t}`);
    }
    return n;
  }
  /**
   * Runs exactly one timer: the earliest (time, then the order timers were set), moving time to it
   * if it lies ahead. False when no timer is left. A simulator steps with it one event at a time.
   */
  runNext(): boolean {
    this.dropCleared();
    const top = this.heap[0];
    if (!top) return false;
    this.t = Math.max(this.t, top.at);
    this.pop();
    this.timers.delete(top.id);
    top.fn();
    return true;
  }

  /** Moves time forward by `ms`, running timers in order as their time comes. */
  advance(ms: number): number {
    const end = this.t + ms;
    let n = 0;
    for (;;) {
      n += this.runDue();
      const next = this.nextAt();
      if (next === undefined || next > end) break;
      this.t = Math.max(this.t, next);
    }
    this.t = end;
    return n + this.runDue();
  }

  private dropCleared(): void {
    while (this.heap.length && !this.timers.has(this.heap[0]!.id)) this.pop();
  }
  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (!h.length) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/** Earlier time first; among equal times, the timer set first. */
function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Small, fast, seeded PRNG (mulberry32) implementing the node's Random port. */
export class SeededRandom implements Random {
  private s: number;
  constructor(seed = 1) {
    this.s = seed >>> 0;
  }
  private u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  next(): number {
    return this.u32() / 2 ** 32;
  }
  nonce64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  bytes32(): Uint8Array {
    const b = new Uint8Array(32);
    for (let i = 0; i < 32; i += 4) new DataView(b.buffer).setUint32(i, this.u32());
    return b;
  }
}
