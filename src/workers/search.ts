/**
 * The mining search job, shared by the Web Worker shell (`miner.worker.ts`, used by the pool in
 * `pool.ts`) and the main-thread fallback (`mainThreadMiner.ts`): one code path, as bcoin's
 * `lib/workers` runs the same job in a worker or in process.
 *
 * A job searches a nonce range [start, end) of one header template with the fastest kernel; when
 * the range is exhausted it rolls the header's `time` forward by one second (Bitcoin allows a block
 * time up to two hours ahead of network time) and searches the range again, until `maxTime`.
 * The search runs in chunks sized to ~12 ms and yields to the event loop between them, so a
 * cancel message (or an AbortSignal) is seen within one chunk.
 */
import type { MinerProgress } from '../core/mining/miner';
import {
  type BestHash, type KernelName, NonceSearcher, type ScanBackend,
} from '../core/mining/kernel';
import { expectedHashes, targetFromBits } from '../core/consensus/pow';
import { HEADER_BITS, assertHeader } from '../core/primitives/headerLayout';
import { readU32LE } from '../core/encoding';
import { createBackend } from '../core/mining/wasm';

const TWO32 = 0x1_0000_0000;

/** One search task: a header template, how far `time` may roll, and which nonces to try per time. */
export interface SearchTask {
  /** 80-byte header template (copied, never mutated). */
  header: Uint8Array;
  /** Last `time` value the search may roll to; default: no limit below 2^32. */
  maxTime?: number;
  /** Nonces tried for each time value, [start, end); default the whole 32-bit space. */
  range?: { start: number; end: number };
  /** Target; default decoded from the header's `bits`. */
  target?: bigint;
}

/** What one step of a search ended with. */
export type StepResult =
  | { status: 'solved'; header: Uint8Array }
  | { status: 'running' }
  | { status: 'exhausted' };

/**
 * A synchronous, resumable search over (time, nonce) for one task: `step(budget)` tries up to
 * `budget` nonces, rolling `time` whenever the nonce range runs out.
 */
export class HeaderSearch {
  readonly searcher: NonceSearcher;
  readonly target: bigint;
  private readonly start: number;
  private readonly end: number;
  private readonly maxTime: number;
  private next: number;

  constructor(searcher: NonceSearcher, task: SearchTask) {
    assertHeader(task.header);
    const start = task.range?.start ?? 0;
    const end = task.range?.end ?? TWO32;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > TWO32 || start >= end) {
      throw new RangeError(`bad nonce range [${start}, ${end})`);
    }
    this.searcher = searcher;
    this.target = task.target ?? targetFromBits(readU32LE(task.header, HEADER_BITS));
    this.start = start;
    this.end = end;
    this.next = start;
    this.maxTime = Math.min(task.maxTime ?? TWO32 - 1, TWO32 - 1);
    searcher.setJob(task.header, this.target);
  }

  /** Hashes tried so far (all time values). */
  get hashes(): number {
    return this.searcher.hashes;
  }

  /** The best hash so far. */
  get best(): BestHash | null {
    return this.searcher.best;
  }

  /** The header's current `time` field. */
  get time(): number {
    return this.searcher.time;
  }

  /** Tries up to `budget` nonces; rolls `time` by +1 when the range is used up. */
  step(budget: number): StepResult {
    let left = Math.max(1, Math.floor(budget));
    while (left > 0) {
      if (this.next >= this.end) {
        const time = this.searcher.time + 1;
        if (time > this.maxTime) return { status: 'exhausted' };
        this.searcher.setTime(time);
        this.next = this.start;
      }
      const n = Math.min(left, this.end - this.next);
      const nonce = this.searcher.search(this.next, n);
      if (nonce >= 0) return { status: 'solved', header: this.searcher.headerWithNonce(nonce) };
      this.next += n;
      left -= n;
    }
    return { status: 'running' };
  }
}

/** Progress of one searcher, as a worker reports it. */
export interface SearchStats {
  hashes: number;
  /** Hashes per second over the last reporting interval. */
  hashRate: number;
  best: { hash: Uint8Array; zeroBits: number; hex: string } | null;
  time: number;
}

/** How `runSearch` paces itself; the clock and the yield are injectable for tests. */
export interface RunOptions {
  /** Stop request, checked between chunks. */
  isStopped: () => boolean;
  /** Gives the event loop a turn (messages, abort events, rendering). Default: `yieldToEventLoop`. */
  yieldNow?: () => Promise<void>;
  now?: () => number;
  /** Target duration of one synchronous chunk (default 12 ms: cancels land within ~one chunk). */
  chunkMs?: number;
  /** Interval between progress reports (default 250 ms). */
  progressMs?: number;
  onProgress?: (s: SearchStats) => void;
  /** First chunk size in nonces (default 4096; adapted to `chunkMs` after each chunk). */
  initialChunk?: number;
  /**
   * The teacher's throttle: the fraction of the time spent hashing (1 = full speed). After a chunk
   * of d ms the search rests d·(1/f − 1) ms, like a CPU slider. Read before each rest.
   */
  duty?: () => number;
  /** Waits `ms` (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** How a run ended. */
export type RunResult = StepResult | { status: 'stopped' };

/**
 * Runs a search to its end in adaptive chunks, yielding between chunks and reporting progress.
 * Returns 'stopped' when `isStopped()` turns true — also if it did so during the chunk that found
 * a solution, so a cancelled search never returns a (stale) solved header.
 */
export async function runSearch(search: HeaderSearch, opts: RunOptions): Promise<RunResult> {
  const now = opts.now ?? (() => performance.now());
  const yieldNow = opts.yieldNow ?? yieldToEventLoop;
  const chunkMs = opts.chunkMs ?? 12;
  const progressMs = opts.progressMs ?? 250;
  let budget = opts.initialChunk ?? 4096;
  let lastReport = now();
  let lastHashes = search.hashes;
  const report = (t: number) => {
    const dt = t - lastReport;
    const rate = dt > 0 ? ((search.hashes - lastHashes) * 1000) / dt : 0;
    lastReport = t;
    lastHashes = search.hashes;
    const best = search.best;
    opts.onProgress?.({
      hashes: search.hashes, hashRate: rate, time: search.time,
      best: best && { hash: best.hash, zeroBits: best.zeroBits, hex: best.hex },
    });
  };
  for (;;) {
    if (opts.isStopped()) return { status: 'stopped' };
    const t0 = now();
    const r = search.step(budget);
    const t1 = now();
    if (opts.isStopped()) return { status: 'stopped' };
    // Aim each chunk at chunkMs, growing at most 4× at once (a JIT tier-up can make one chunk fast).
    const dt = t1 - t0;
    const ideal = dt > 0 ? (budget * chunkMs) / dt : budget * 4;
    budget = Math.max(256, Math.min(budget * 4, ideal, 1 << 26));
    if (r.status !== 'running') {
      report(t1);
      return r;
    }
    if (t1 - lastReport >= progressMs) report(t1);
    const f = Math.min(1, Math.max(0.01, opts.duty?.() ?? 1));
    if (f < 1 && dt > 0) await (opts.sleep ?? sleepMs)(dt * (1 / f - 1));
    else await yieldNow();
  }
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Yields one event-loop turn: `setImmediate` where it exists (Node), else a MessageChannel message
 * (not `setTimeout(0)`, which browsers clamp to 4 ms after a few nested calls).
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => { setImmediate(resolve); });
  }
  return channelYield();
}

let channel: { port1: MessagePort; port2: MessagePort; queue: Array<() => void> } | null = null;
function channelYield(): Promise<void> {
  if (!channel) {
    const mc = new MessageChannel();
    const c = { port1: mc.port1, port2: mc.port2, queue: [] as Array<() => void> };
    c.port1.onmessage = () => c.queue.shift()?.();
    channel = c;
  }
  const c = channel;
  return new Promise((resolve) => {
    c.queue.push(resolve);
    c.port2.postMessage(0);
  });
}

/** Converts a job's stats to the port's progress record. */
export function toMinerProgress(
  stats: { hashes: number; hashRate: number; perWorker: number[]; best: SearchStats['best'] },
  target: bigint,
): MinerProgress {
  const rate = stats.hashRate;
  return {
    hashes: stats.hashes,
    hashRate: rate,
    perWorker: stats.perWorker,
    bestZeroBits: stats.best?.zeroBits ?? 0,
    bestHash: stats.best?.hex ?? '',
    expectedSeconds: rate > 0 ? expectedHashes(target) / rate : Infinity,
  };
}

// ---------------------------------------------------------------------------------------------
// The worker side of the pool protocol, kept here (not in the shell) so tests can run it in-process.

/** Messages from the pool to a worker. */
export type ToWorker =
  | {
    type: 'start'; job: number; header: Uint8Array; maxTime?: number; range: { start: number; end: number };
    kernel?: KernelName; chunkMs?: number; progressMs?: number;
  }
  | { type: 'stop'; job: number }
  /** The teacher's throttle: fraction of the time spent hashing, for this and later jobs. */
  | { type: 'throttle'; fraction: number };

/** Messages from a worker to the pool; every job-related one carries the job id it belongs to. */
export type FromWorker =
  | { type: 'ready'; kernel: KernelName }
  | { type: 'progress'; job: number; stats: SearchStats }
  | { type: 'solved'; job: number; header: Uint8Array; stats: SearchStats }
  | { type: 'exhausted'; job: number; stats: SearchStats }
  | { type: 'stopped'; job: number; hashes: number }
  | { type: 'error'; job: number; message: string };

/**
 * Creates a worker's message handler: one search at a time (a new 'start' supersedes the running
 * one), 'stop' acknowledged with 'stopped' once the current chunk has ended. The kernel backend is
 * created once per kernel name and reused across jobs, so the JIT's tier-up is kept.
 */
export function createWorkerHandler(post: (m: FromWorker) => void): (m: ToWorker) => void {
  const searchers = new Map<string, Promise<NonceSearcher>>();
  let current: { job: number; stopped: boolean } | null = null;
  let duty = 1;
  const searcherFor = (kernel: KernelName | undefined) => {
    const key = kernel ?? 'best';
    let s = searchers.get(key);
    if (!s) {
      s = createBackend(kernel).then((b: ScanBackend) => {
        post({ type: 'ready', kernel: b.name });
        return new NonceSearcher(b);
      });
      searchers.set(key, s);
    }
    return s;
  };
  const start = async (m: Extract<ToWorker, { type: 'start' }>) => {
    if (current) current.stopped = true;
    const run = { job: m.job, stopped: false };
    current = run;
    try {
      const searcher = await searcherFor(m.kernel);
      if (run.stopped) {
        post({ type: 'stopped', job: run.job, hashes: 0 });
        return;
      }
      const search = new HeaderSearch(searcher, { header: m.header, maxTime: m.maxTime, range: m.range });
      let last: SearchStats | null = null;
      const r = await runSearch(search, {
        isStopped: () => run.stopped,
        duty: () => duty,
        chunkMs: m.chunkMs,
        progressMs: m.progressMs,
        onProgress: (stats) => { last = stats; post({ type: 'progress', job: run.job, stats }); },
      });
      const stats: SearchStats = last ?? { hashes: search.hashes, hashRate: 0, best: null, time: search.time };
      if (r.status === 'solved') post({ type: 'solved', job: run.job, header: r.header, stats });
      else if (r.status === 'exhausted') post({ type: 'exhausted', job: run.job, stats });
      else post({ type: 'stopped', job: run.job, hashes: search.hashes });
    } catch (e) {
      post({ type: 'error', job: run.job, message: e instanceof Error ? e.message : String(e) });
    } finally {
      if (current === run) current = null;
    }
  };
  return (m) => {
    if (m.type === 'throttle') duty = Math.min(1, Math.max(0.01, m.fraction));
    else if (m.type === 'start') void start(m);
    else if (m.type === 'stop' && current && current.job === m.job) current.stopped = true;
  };
}
