/**
 * `MainThreadMiner`: the mining port on the calling thread, for tests, Node, and pages where Web
 * Workers are unavailable. It runs exactly the workers' search code (`search.ts`) in ~10 ms chunks
 * and yields to the event loop between them, so the page stays responsive and an abort is seen
 * within one chunk.
 */
import type { MineOptions, Miner, MiningJob } from '../core/mining/miner';
import { type KernelName, NonceSearcher } from '../core/mining/kernel';
import { targetFromBits } from '../core/consensus/pow';
import { HEADER_BITS, assertHeader } from '../core/primitives/headerLayout';
import { readU32LE } from '../core/encoding';
import { createBackend } from '../core/mining/wasm';
import { HeaderSearch, type RunOptions, runSearch, toMinerProgress } from './search';

/** Options of the main-thread miner; the clock, yield and nonce range are injectable for tests. */
export interface MainThreadMinerOptions {
  /** Force a kernel (default: the fastest this engine supports). */
  kernel?: KernelName;
  /** Target chunk duration in ms (default 10). */
  chunkMs?: number;
  /** Progress interval in ms (default 250). */
  progressMs?: number;
  yieldNow?: RunOptions['yieldNow'];
  now?: RunOptions['now'];
  /** Nonces tried per `time` value (default all 2^32); a small range makes time rolling testable. */
  range?: { start: number; end: number };
  /** First chunk size in nonces (default 4096). */
  initialChunk?: number;
}

/** The mining port without workers (see the module comment). */
export class MainThreadMiner implements Miner {
  readonly concurrency = 1;
  private readonly opts: MainThreadMinerOptions;
  private searcher: Promise<NonceSearcher> | null = null;
  private generation = 0;
  private duty = 1;

  constructor(opts: MainThreadMinerOptions = {}) {
    this.opts = opts;
  }

  /** The teacher's throttle: the search rests between chunks to mine at this fraction of its speed. */
  setThrottle(fraction: number): void {
    this.duty = Math.min(1, Math.max(0.01, fraction));
  }

  /** The kernel in use (loads it on first call). */
  async kernel(): Promise<KernelName> {
    return (await this.load()).backend.name;
  }

  /**
   * Searches for a header meeting its `bits` target. A later `mine` call cancels an earlier one;
   * a cancelled search resolves with null, never with a header found after the cancel.
   */
  async mine(job: MiningJob, options: MineOptions = {}): Promise<Uint8Array | null> {
    assertHeader(job.header);
    const target = targetFromBits(readU32LE(job.header, HEADER_BITS));
    const generation = ++this.generation;
    const { signal, onProgress } = options;
    const stopped = () => signal?.aborted === true || generation !== this.generation;
    if (stopped()) return null;
    const searcher = await this.load();
    if (stopped()) return null;
    const search = new HeaderSearch(searcher, { header: job.header, maxTime: job.maxTime, range: this.opts.range, target });
    const r = await runSearch(search, {
      isStopped: stopped,
      duty: () => this.duty,
      yieldNow: this.opts.yieldNow,
      now: this.opts.now,
      chunkMs: this.opts.chunkMs ?? 10,
      progressMs: this.opts.progressMs,
      initialChunk: this.opts.initialChunk,
      onProgress: onProgress && ((s) => {
        if (!stopped()) onProgress(toMinerProgress({ ...s, perWorker: [s.hashRate] }, target));
      }),
    });
    return r.status === 'solved' && !stopped() ? r.header : null;
  }

  /** Cancels any running search. */
  dispose(): void {
    this.generation++;
  }

  private load(): Promise<NonceSearcher> {
    this.searcher ??= createBackend(this.opts.kernel).then((b) => new NonceSearcher(b));
    return this.searcher;
  }
}
