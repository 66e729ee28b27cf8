/**
 * Test and bench page for the mining worker pool: exposes `window.mining`, driven by
 * tests/e2e/mining.test.ts and bench/pow.bench.ts through Playwright.
 */
import type { KernelName } from '../../../src/core/mining/kernel';
import type { MinerProgress } from '../../../src/core/mining/miner';
import { WorkerMiner } from '../../../src/workers/pool';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

/** A header nobody will solve during a measurement (mainnet-grade target 0x1b0404cb). */
function hardHeader(): Uint8Array {
  const h = new Uint8Array(80);
  for (let i = 0; i < 68; i++) h[i] = (i * 37 + 11) & 0xff;
  new DataView(h.buffer).setUint32(68, Math.floor(Date.now() / 1000), true);
  new DataView(h.buffer).setUint32(72, 0x1b0404cb, true);
  return h;
}

/** Counts main-thread long tasks (> 50 ms) while `fn` runs. */
async function countLongTasks<T>(fn: () => Promise<T>): Promise<{ result: T; longTasks: number }> {
  let longTasks = 0;
  const obs = new PerformanceObserver((list) => { longTasks += list.getEntries().length; });
  obs.observe({ type: 'longtask' });
  const result = await fn();
  await new Promise((r) => setTimeout(r, 100)); // let the observer deliver the last entries
  obs.disconnect();
  return { result, longTasks };
}

/** Waits for a progress report in which every worker has a rate (all are searching). */
function untilAllSearching(miner: WorkerMiner, header: Uint8Array, signal: AbortSignal) {
  let onProgress: (p: MinerProgress) => void = () => {};
  const started = new Promise<MinerProgress>((resolve) => {
    onProgress = (p) => { if (p.perWorker.length === miner.concurrency && p.perWorker.every((r) => r > 0)) resolve(p); };
  });
  const done = miner.mine({ header }, { signal, onProgress: (p) => onProgress(p) });
  return { started, done };
}

/** One pool per kernel, kept across `rate` calls (its workers stay warm; concurrency is set per call). */
const pools = new Map<string, WorkerMiner>();
function pooled(kernel?: KernelName): WorkerMiner {
  const key = kernel ?? 'best';
  let m = pools.get(key);
  if (!m) {
    m = new WorkerMiner({ maxConcurrency: navigator.hardwareConcurrency, kernel, progressMs: 50 });
    pools.set(key, m);
  }
  return m;
}

const api = {
  /** Terminates the pooled workers of `rate` (e.g. before measuring another kernel). */
  release() {
    for (const m of pools.values()) m.dispose();
    pools.clear();
  },

  /** Solves `headerHex` with `workers` workers; returns the solved header and the kernel used. */
  async solve(headerHex: string, workers: number, kernel?: KernelName) {
    const miner = new WorkerMiner({ concurrency: workers, maxConcurrency: workers, kernel });
    const t0 = performance.now();
    const solved = await miner.mine({ header: unhex(headerHex) });
    const ms = performance.now() - t0;
    const used = miner.kernel;
    miner.dispose();
    return { header: solved ? hex(solved) : null, ms, kernel: used };
  },

  /** Starts a hard job, waits until every worker searches, aborts; times the resolve and the stop acks. */
  async cancel(workers: number) {
    const miner = new WorkerMiner({ concurrency: workers, maxConcurrency: workers, progressMs: 100 });
    const c = new AbortController();
    const { started, done } = untilAllSearching(miner, hardHeader(), c.signal);
    await started;
    const t0 = performance.now();
    c.abort();
    const result = await done;
    const resolveMs = performance.now() - t0;
    await miner.whenIdle();
    const idleMs = performance.now() - t0;
    miner.dispose();
    return { result, resolveMs, idleMs, kernel: miner.kernel };
  },

  /**
   * Mines a hard header for `warmMs` + `ms`; returns the pool's progress samples after the warm-up
   * (time, total hashes) for rate windows, the mean rate over them, and the main-thread long tasks.
   */
  async rate(workers: number, warmMs: number, ms: number, kernel?: KernelName) {
    const miner = pooled(kernel);
    miner.setConcurrency(workers);
    const c = new AbortController();
    const samples: Array<{ t: number; hashes: number }> = [];
    let perWorker: number[] = [];
    const { result, longTasks } = await countLongTasks(async () => {
      const t0 = performance.now();
      return miner.mine({ header: hardHeader() }, {
        signal: c.signal,
        onProgress: (p) => {
          const t = performance.now();
          if (t - t0 < warmMs) return;
          samples.push({ t, hashes: p.hashes });
          perWorker = p.perWorker;
          if (t - samples[0]!.t >= ms) c.abort();
        },
      });
    });
    await miner.whenIdle();
    const kernelUsed = miner.kernel;
    if (samples.length < 2) throw new Error('too few progress reports');
    const a = samples[0]!;
    const b = samples[samples.length - 1]!;
    return {
      solved: result !== null, longTasks, kernel: kernelUsed, perWorker, samples,
      rate: ((b.hashes - a.hashes) * 1000) / (b.t - a.t),
    };
  },
};

/** The background job of `begin`/`sample`/`end` (bench/pow.bench.ts drives it window by window). */
let bg: { miner: WorkerMiner; c: AbortController; last: { t: number; hashes: number; perWorker: number[] }; done: Promise<unknown> } | null = null;

/** Starts mining a hard header with `workers` workers of a warm pooled miner; returns at once. */
function begin(workers: number, kernel?: KernelName) {
  if (bg) throw new Error('a background job is running');
  const miner = pooled(kernel);
  miner.setConcurrency(workers);
  const c = new AbortController();
  const job = { miner, c, last: { t: performance.now(), hashes: 0, perWorker: [] as number[] }, done: Promise.resolve() as Promise<unknown> };
  job.done = miner.mine({ header: hardHeader() }, {
    signal: c.signal,
    onProgress: (p) => { job.last = { t: performance.now(), hashes: p.hashes, perWorker: p.perWorker }; },
  });
  bg = job;
}

/** The background job's latest progress: report time, total hashes, per-worker rates, kernel. */
function sample() {
  if (!bg) throw new Error('no background job');
  return { ...bg.last, kernel: bg.miner.kernel };
}

/** Stops the background job and waits until its workers are idle. */
async function end() {
  if (!bg) return;
  const { miner, c, done } = bg;
  bg = null;
  c.abort();
  await done;
  await miner.whenIdle();
}

/** Per-worker rates of every progress report while mining a hard header for `ms` (for diagnosis). */
async function trace(workers: number, ms: number, kernel?: KernelName) {
  const miner = new WorkerMiner({ concurrency: workers, maxConcurrency: workers, kernel, progressMs: 250 });
  const c = new AbortController();
  const t0 = performance.now();
  const rows: Array<{ t: number; perWorker: number[] }> = [];
  await miner.mine({ header: hardHeader() }, {
    signal: c.signal,
    onProgress: (p) => {
      const t = performance.now() - t0;
      rows.push({ t, perWorker: p.perWorker });
      if (t >= ms) c.abort();
    },
  });
  await miner.whenIdle();
  miner.dispose();
  return rows;
}
Object.assign(api, { trace, begin, sample, end });

declare global {
  interface Window { mining: typeof api & { trace: typeof trace; begin: typeof begin; sample: typeof sample; end: typeof end } }
}
window.mining = api as Window['mining'];
document.getElementById('status')!.textContent = 'ready';
