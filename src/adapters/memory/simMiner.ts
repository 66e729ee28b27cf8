/**
 * A miner with a simulated hash rate, for the in-memory network: a job "takes" an exponentially
 * distributed time with mean expectedHashes / hashRate on the manual clock (proof of work is a
 * Poisson process), then a real nonce is found at once with the JavaScript kernel (targets are
 * easy in simulations) and the header's time set to the moment of the find, as a miner rolling its
 * time field would. A class of 30 laptops is 30 of these; the teacher's throttle is `setHashRate`.
 */
import { bitsToTarget, decodeHeader, encodeHeader, type Miner, type MineOptions, type MiningJob } from '../../core';
import { mine } from '../../core/mining/kernel';
import { expectedHashes } from '../../core/consensus/pow';
import type { Clock, Random } from '../../node/transport';

interface Pending {
  job: MiningJob;
  resolve: (header: Uint8Array | null) => void;
  timer: number | null;
  expected: number;
}

export class SimulatedMiner implements Miner {
  readonly concurrency = 1;
  /** Blocks this miner found. */
  found = 0;
  /**
   * Called whenever a job's promise settles (found, cancelled). The node continues on a microtask;
   * a simulator stepping the clock one timer at a time lets that microtask run before the next timer.
   */
  onsettle: (() => void) | null = null;
  private readonly pending = new Set<Pending>();
  /** The teacher's throttle (fraction of full speed). */
  private throttle = 1;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    /** Hashes per (virtual) second; 0 mines nothing. */
    private rate: number,
  ) {}

  /** Hashes per second after the teacher's throttle. */
  get hashRate(): number {
    return this.rate * this.throttle;
  }

  setThrottle(fraction: number): void {
    this.throttle = Math.min(1, Math.max(0, fraction));
    for (const p of this.pending) this.schedule(p);
  }

  /** Changes the hash rate; running jobs are redrawn from now (the search is memoryless). */
  setHashRate(rate: number): void {
    this.rate = Math.max(0, rate);
    for (const p of this.pending) this.schedule(p);
  }

  mine(job: MiningJob, opts: MineOptions = {}): Promise<Uint8Array | null> {
    if (opts.signal?.aborted) return Promise.resolve(null);
    const header = decodeHeader(job.header);
    return new Promise((resolve) => {
      const p: Pending = { job, resolve, timer: null, expected: expectedHashes(bitsToTarget(header.bits).target) };
      this.pending.add(p);
      opts.signal?.addEventListener('abort', () => this.finish(p, null), { once: true });
      this.schedule(p);
    });
  }

  private schedule(p: Pending): void {
    if (p.timer !== null) this.clock.clearTimer(p.timer);
    p.timer = null;
    const rate = this.hashRate;
    if (rate <= 0) return;
    const seconds = (-Math.log(1 - this.random.next()) * p.expected) / rate;
    p.timer = this.clock.setTimer(Math.max(1, Math.round(seconds * 1000)), () => {
      p.timer = null;
      this.finish(p, this.solve(p.job));
    });
  }

  private solve(job: MiningJob): Uint8Array | null {
    const h = decodeHeader(job.header);
    const now = Math.floor(this.clock.now() / 1000);
    const limit = job.maxTime ?? Infinity;
    for (let time = Math.max(h.time, Math.min(now, limit)); time <= limit; time++) {
      const header = encodeHeader({ ...h, time, nonce: 0 });
      const nonce = mine(header, undefined, 0, 0x1_0000_0000);
      if (nonce >= 0) {
        this.found++;
        return encodeHeader({ ...h, time, nonce });
      }
    }
    return null;
  }

  private finish(p: Pending, result: Uint8Array | null): void {
    if (!this.pending.delete(p)) return;
    if (p.timer !== null) this.clock.clearTimer(p.timer);
    p.resolve(result);
    this.onsettle?.();
  }

  dispose(): void {
    for (const p of [...this.pending]) this.finish(p, null);
  }
}
