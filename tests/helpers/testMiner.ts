import { bitsToTarget, blockHash, decodeHeader, encodeHeader, hashToBigInt, type Miner, type MineOptions, type MiningJob } from '../../src/core';

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
    const header = decodeHeader(job.header);
    const target = bitsToTarget(header.bits).target;
    for (let nonce = 0; nonce < 0x1_0000_0000; nonce++) {
      const h = { ...header, nonce };
      if (hashToBigInt(blockHash(h)) <= target) {
        this.mined++;
        return encodeHeader(h);
      }
    }
    return null;
  }
  release(): void {
    this.hold = false;
    const w = this.waiting;
    this.waiting = [];
    w.forEach((r) => r());
  }
}
