import { HEADER_BITS, HEADER_NONCE, bitsToTarget, readU32LE, writeU32LE, type Miner, type MineOptions, type MiningJob } from '../../src/core';
import { mine } from '../../src/core/mining/kernel';

/**
 * A main-thread miner for multi-node tests at trivial (regtest) targets: resolves on a later
 * microtask so the node's asynchronous mining path is exercised, and honours cancellation.
 */
export class TestMiner implements Miner {
  readonly concurrency = 1;
  mined = 0;
  /** When true, jobs wait until `release()` (to test cancellation and races). */
  hold = false;
  private waiting: (() => void)[] = [];

  async mine(job: MiningJob, opts: MineOptions = {}): Promise<Uint8Array | null> {
    await Promise.resolve();
    while (this.hold && !opts.signal?.aborted) await new Promise<void>((r) => this.waiting.push(r));
    if (opts.signal?.aborted) return null;
    const nonce = mine(job.header, bitsToTarget(readU32LE(job.header, HEADER_BITS)).target, 0, 0x1_0000_0000);
    if (nonce < 0) return null;
    this.mined++;
    const solved = job.header.slice();
    writeU32LE(solved, HEADER_NONCE, nonce);
    return solved;
  }
  release(): void {
    this.hold = false;
    const w = this.waiting;
    this.waiting = [];
    w.forEach((r) => r());
  }
}
