import type { Clock, Random } from '../../node/transport';

/**
 * A clock that only moves when told to. Timers (including network deliveries) run in time
 * order, then in the order they were set, when the test calls `runDue` or `advance`.
 */
export class ManualClock implements Clock {
  private t: number;
  private nextId = 1;
  private timers = new Map<number, { at: number; seq: number; fn: () => void }>();
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), seq: this.seq++, fn });
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
    let min: number | undefined;
    for (const t of this.timers.values()) if (min === undefined || t.at < min) min = t.at;
    return min;
  }
  private takeDue(): (() => void) | undefined {
    let best: [number, { at: number; seq: number; fn: () => void }] | undefined;
    for (const entry of this.timers) {
      const [, t] = entry;
      if (t.at > this.t) continue;
      if (!best || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) best = entry;
    }
    if (!best) return undefined;
    this.timers.delete(best[0]);
    return best[1].fn;
  }
  /** Runs every timer due now (and those they set for now); returns how many ran. */
  runDue(limit = 10_000_000): number {
    let n = 0;
    for (let fn = this.takeDue(); fn && n < limit; fn = this.takeDue()) {
      fn();
      n++;
    }
    return n;
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
