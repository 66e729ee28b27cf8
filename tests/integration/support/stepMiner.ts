import { HEADER_BITS, HEADER_NONCE, bitsToTarget, readU32LE, writeU32LE, type Miner, type MineOptions, type MiningJob } from '../../../src/core';
import { mine } from '../../../src/core/mining/kernel';

/**
 * A miner that finds a block only when the test says so: each `grant(n)` lets the next n jobs
 * solve (at regtest targets, at once); jobs beyond that wait, and a cancelled job gives its turn
 * back. A private miner mines all the time, so a test that counts blocks needs this.
 */
export class StepMiner implements Miner {
  readonly concurrency = 1;
  found = 0;
  private tokens = 0;
  private readonly waiting: { job: MiningJob; resolve: (h: Uint8Array | null) => void; signal?: AbortSignal }[] = [];

  mine(job: MiningJob, opts: MineOptions = {}): Promise<Uint8Array | null> {
    if (opts.signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w = { job, resolve, ...(opts.signal ? { signal: opts.signal } : {}) };
      this.waiting.push(w);
      opts.signal?.addEventListener('abort', () => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(null);
      }, { once: true });
      this.drain();
    });
  }

  /** Lets the next `n` jobs find their block. */
  grant(n = 1): void {
    this.tokens += n;
    this.drain();
  }

  private drain(): void {
    while (this.tokens > 0 && this.waiting.length) {
      const w = this.waiting.shift()!;
      this.tokens--;
      const nonce = mine(w.job.header, bitsToTarget(readU32LE(w.job.header, HEADER_BITS)).target, 0, 0x1_0000_0000);
      const solved = w.job.header.slice();
      writeU32LE(solved, HEADER_NONCE, nonce);
      this.found++;
      // On a later microtask, as a real miner resolves.
      void Promise.resolve().then(() => w.resolve(nonce < 0 ? null : solved));
    }
  }
}
