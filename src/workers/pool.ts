/**
 * `WorkerMiner`: the mining port backed by a pool of Web Workers, one per core by default.
 *
 * Worker i of n searches the i-th n-th of the 32-bit nonce space and rolls `time` on its own when
 * its share runs out, so the (time, nonce) pairs tried by different workers never overlap.
 * Cancelling (AbortSignal, or a new `mine` call) resolves the pending promise with null at once and
 * posts 'stop'; each worker ends within its current ~12 ms chunk. Messages carry a job id, so a
 * solution posted by a worker that had not seen the stop yet is dropped, never resolved.
 */
import type { MineOptions, Miner, MinerProgress, MiningJob } from '../core/mining/miner';
import { type KernelName, sha256d80 } from '../core/mining/kernel';
import { compareHashes, hashMeetsTarget, targetFromBits } from '../core/consensus/pow';
import { HEADER_BITS, HEADER_NONCE, HEADER_TIME, assertHeader } from '../core/primitives/headerLayout';
import { readU32LE } from '../core/encoding';
import { type FromWorker, type SearchStats, type ToWorker, toMinerProgress } from './search';

/** What the pool needs of a worker (a real `Worker`, or an in-process stand-in in tests). */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror?: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** Options of the worker pool. */
export interface WorkerMinerOptions {
  /** Workers searching at once (default: all cores). */
  concurrency?: number;
  /** Upper bound for `setConcurrency` (default `navigator.hardwareConcurrency`, else 4). */
  maxConcurrency?: number;
  /** Force a kernel (default: the fastest the worker's engine supports). */
  kernel?: KernelName;
  /** Creates one worker (default: Vite's `new Worker(new URL('./miner.worker.ts', …))`). */
  createWorker?: () => WorkerLike;
  /** Progress interval in ms (default 250). */
  progressMs?: number;
  /** Target duration of a worker's search chunk in ms (default 12). */
  chunkMs?: number;
}

interface Slot {
  worker: WorkerLike;
  /** Latest stats of the current job (null before its first report). */
  stats: SearchStats | null;
  /** The job id this worker was last started on and whether it has ended it. */
  job: number;
  idle: boolean;
  exhausted: boolean;
  kernel: KernelName | null;
}

interface Run {
  header: Uint8Array;
  maxTime: number | undefined;
  target: bigint;
  job: number;
  /** Hashes of earlier partitionings of this run (before a concurrency change). */
  carriedHashes: number;
  best: { hash: Uint8Array; zeroBits: number; hex: string } | null;
  onProgress?: (p: MinerProgress) => void;
  finish: (header: Uint8Array | null, error?: Error) => void;
}

const TWO32 = 0x1_0000_0000;

function defaultCores(): number {
  const n = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 0;
  return n && n > 0 ? n : 4;
}

function defaultWorker(): WorkerLike {
  return new Worker(new URL('./miner.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;
}

/** The nonce share of worker `i` of `n`: [floor(i·2^32/n), floor((i+1)·2^32/n)). */
export function partition(i: number, n: number): { start: number; end: number } {
  return { start: Math.floor((i * TWO32) / n), end: Math.floor(((i + 1) * TWO32) / n) };
}

/** A Web Worker pool implementing the mining port (see the module comment). */
export class WorkerMiner implements Miner {
  private readonly opts: WorkerMinerOptions;
  private readonly maxConcurrency: number;
  private readonly createWorker: () => WorkerLike;
  private n: number;
  private slots: Slot[] = [];
  private run: Run | null = null;
  private nextJob = 1;
  private timer: ReturnType<typeof setInterval> | null = null;
  private idleWaiters: Array<() => void> = [];
  private disposed = false;
  /** The teacher's throttle, given to every worker (also ones spawned later). */
  private duty = 1;

  constructor(opts: WorkerMinerOptions = {}) {
    this.opts = opts;
    this.maxConcurrency = Math.max(1, Math.floor(opts.maxConcurrency ?? defaultCores()));
    this.n = clamp(opts.concurrency ?? this.maxConcurrency, this.maxConcurrency);
    this.createWorker = opts.createWorker ?? defaultWorker;
  }

  /** Mines at this fraction of full speed (the teacher's throttle): each worker rests between chunks. */
  setThrottle(fraction: number): void {
    this.duty = Math.min(1, Math.max(0.01, fraction));
    for (const s of this.slots) s.worker.postMessage({ type: 'throttle', fraction: this.duty });
  }

  /** Number of workers searching. */
  get concurrency(): number {
    return this.n;
  }

  /** The kernel the workers reported using (null until a worker has loaded one). */
  get kernel(): KernelName | null {
    return this.slots.find((s) => s.kernel)?.kernel ?? null;
  }

  /**
   * Sets the number of searching workers (1..maxConcurrency); a running job is re-partitioned at
   * once. Workers beyond the new count are parked, not terminated, so raising it again costs no
   * WebAssembly compile and JIT warm-up.
   */
  setConcurrency(n: number): void {
    const next = clamp(n, this.maxConcurrency);
    if (next === this.n) return;
    this.n = next;
    const run = this.run;
    if (!run) return;
    run.carriedHashes += this.currentHashes();
    this.stopWorkers();
    this.startWorkers(run);
  }

  /** Searches for a header meeting its `bits` target; see the Miner port for the contract. */
  async mine(job: MiningJob, options: MineOptions = {}): Promise<Uint8Array | null> {
    if (this.disposed) throw new Error('WorkerMiner is disposed');
    assertHeader(job.header);
    const target = targetFromBits(readU32LE(job.header, HEADER_BITS));
    this.cancel(); // one job at a time: a new template supersedes the old one
    const { signal, onProgress } = options;
    if (signal?.aborted) return null;
    return new Promise<Uint8Array | null>((resolve, reject) => {
      const onAbort = () => finish(null);
      const finish = (header: Uint8Array | null, error?: Error) => {
        if (this.run !== run) return;
        this.run = null;
        signal?.removeEventListener('abort', onAbort);
        this.stopWorkers();
        if (this.timer !== null) clearInterval(this.timer);
        this.timer = null;
        if (error) reject(error); else resolve(header);
      };
      const run: Run = {
        header: job.header.slice(), maxTime: job.maxTime, target, job: 0, carriedHashes: 0, best: null,
        onProgress, finish,
      };
      this.run = run;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.startWorkers(run);
      if (onProgress) this.timer = setInterval(() => this.emitProgress(run), this.opts.progressMs ?? 250);
    });
  }

  /** Resolves once every worker has acknowledged the end of its last job (for tests and benches). */
  whenIdle(): Promise<void> {
    if (this.slots.every((s) => s.idle)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels any job and terminates the workers. */
  dispose(): void {
    this.cancel();
    for (const s of this.slots) s.worker.terminate();
    this.slots = [];
    this.disposed = true;
    this.notifyIdle();
  }

  private cancel(): void {
    this.run?.finish(null);
  }

  /** The workers searching the current partitioning (the first `n`; the rest are parked). */
  private active(): Slot[] {
    return this.slots.slice(0, this.n);
  }

  private currentHashes(): number {
    return this.active().reduce((sum, s) => sum + (s.stats?.hashes ?? 0), 0);
  }

  private startWorkers(run: Run): void {
    run.job = this.nextJob++;
    while (this.slots.length < this.n) this.slots.push(this.spawn(this.slots.length));
    this.active().forEach((slot, i) => {
      slot.stats = null;
      slot.job = run.job;
      slot.idle = false;
      slot.exhausted = false;
      slot.worker.postMessage({
        type: 'start', job: run.job, header: run.header, maxTime: run.maxTime, range: partition(i, this.n),
        kernel: this.opts.kernel, chunkMs: this.opts.chunkMs, progressMs: this.opts.progressMs,
      });
    });
  }

  private stopWorkers(): void {
    for (const s of this.slots) if (!s.idle) s.worker.postMessage({ type: 'stop', job: s.job });
  }

  private spawn(index: number): Slot {
    const worker = this.createWorker();
    if (this.duty < 1) worker.postMessage({ type: 'throttle', fraction: this.duty });
    const slot: Slot = { worker, stats: null, job: 0, idle: true, exhausted: false, kernel: null };
    worker.onmessage = (event) => this.onMessage(slot, event.data);
    worker.onerror = (event) => {
      const run = this.run;
      if (run && this.slots.includes(slot)) run.finish(null, new Error(`miner worker ${index}: ${event.message}`));
    };
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready') {
      slot.kernel = m.kernel;
      return;
    }
    if (m.job !== slot.job) return; // a stale job
    if (m.type === 'progress') {
      slot.stats = m.stats;
      this.noteBest(m.stats);
      return;
    }
    // Every other message ends this worker's part of the job.
    slot.idle = true;
    const run = this.run;
    const live = run !== null && run.job === m.job;
    if (m.type === 'solved' || m.type === 'exhausted') {
      slot.stats = m.stats;
      this.noteBest(m.stats);
    }
    if (live && m.type === 'solved') {
      const problem = checkSolution(run.header, m.header, run.target, run.maxTime);
      run.finish(problem ? null : m.header, problem ? new Error(`worker solution rejected: ${problem}`) : undefined);
    } else if (live && m.type === 'exhausted') {
      slot.exhausted = true;
      if (this.active().every((s) => s.exhausted)) run.finish(null);
    } else if (live && m.type === 'error') {
      run.finish(null, new Error(`miner worker: ${m.message}`));
    }
    this.notifyIdle();
  }

  private noteBest(stats: SearchStats): void {
    const run = this.run;
    if (run && stats.best && (!run.best || compareHashes(stats.best.hash, run.best.hash) < 0)) run.best = stats.best;
  }

  private emitProgress(run: Run): void {
    if (this.run !== run || !run.onProgress) return;
    const perWorker = this.active().map((s) => s.stats?.hashRate ?? 0);
    run.onProgress(toMinerProgress({
      hashes: run.carriedHashes + this.currentHashes(),
      hashRate: perWorker.reduce((a, b) => a + b, 0),
      perWorker,
      best: run.best,
    }, run.target));
  }

  private notifyIdle(): void {
    if (!this.slots.every((s) => s.idle)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function clamp(n: number, max: number): number {
  if (!Number.isFinite(n)) throw new RangeError(`concurrency must be a number, got ${n}`);
  return Math.min(max, Math.max(1, Math.floor(n)));
}

/**
 * Checks a worker's answer before it leaves the pool: same template except `time` and `nonce`,
 * time within bounds, and SHA-256d <= target. Returns the problem, or null when it is a solution.
 */
export function checkSolution(template: Uint8Array, solved: Uint8Array, target: bigint, maxTime?: number): string | null {
  if (!(solved instanceof Uint8Array) || solved.length !== 80) return 'not an 80-byte header';
  for (let i = 0; i < 80; i++) {
    const inTime = i >= HEADER_TIME && i < HEADER_TIME + 4;
    const inNonce = i >= HEADER_NONCE && i < HEADER_NONCE + 4;
    if (!inTime && !inNonce && solved[i] !== template[i]) return `byte ${i} differs from the template`;
  }
  const time = readU32LE(solved, HEADER_TIME);
  const start = readU32LE(template, HEADER_TIME);
  if (time < start) return 'time rolled backwards';
  if (maxTime !== undefined && time > maxTime && time !== start) return 'time rolled beyond maxTime';
  if (!hashMeetsTarget(sha256d80(solved), target)) return 'hash above target';
  return null;
}
