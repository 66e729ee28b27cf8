import { WorkerMiner } from '../../workers/pool';
import { MainThreadMiner } from '../../workers/mainThreadMiner';
import type { Miner } from '../../core';

/** Cores available to mine with. */
export function maxMiners(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** A Web Worker pool (one worker per core), or the main-thread miner where workers are unavailable. */
export function createMiner(): Miner & { concurrency: number } {
  if (typeof Worker !== 'undefined') return new WorkerMiner({ maxConcurrency: maxMiners() });
  return new MainThreadMiner();
}
