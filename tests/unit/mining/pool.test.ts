import { describe, expect, it } from 'vitest';
import type { MinerProgress } from '../../../src/core/mining/miner';
import { targetFromBits } from '../../../src/core/consensus/pow';
import { mine } from '../../../src/core/mining/kernel';
import { WorkerMiner, type WorkerLike, checkSolution, partition } from '../../../src/workers/pool';
import { type FromWorker, type ToWorker, createWorkerHandler } from '../../../src/workers/search';
import { meets, template } from './helpers';

/** Runs the real worker handler in this process; messages are cloned, as postMessage does. */
class InProcessWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  readonly received: ToWorker[] = [];
  terminated = false;
  private lastJob = 0;
  private readonly handle = createWorkerHandler((m) => {
    const copy = structuredClone(m);
    setImmediate(() => { if (!this.terminated) this.onmessage?.({ data: copy } as MessageEvent<FromWorker>); });
  });
  postMessage(m: ToWorker): void {
    this.received.push(m);
    if (m.type === 'start') this.lastJob = m.job;
    const copy = structuredClone(m);
    setImmediate(() => this.handle(copy));
  }
  terminate(): void {
    this.terminated = true;
    this.handle({ type: 'stop', job: this.lastJob });
  }
}

/** A worker whose replies the test writes by hand. */
class ScriptedWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  readonly received: ToWorker[] = [];
  postMessage(m: ToWorker): void { this.received.push(m); }
  terminate(): void {}
  reply(m: FromWorker): void { this.onmessage?.({ data: m } as MessageEvent<FromWorker>); }
  lastStart(): Extract<ToWorker, { type: 'start' }> {
    return this.received.filter((m) => m.type === 'start').at(-1) as Extract<ToWorker, { type: 'start' }>;
  }
}

function pool<W extends WorkerLike>(make: () => W, concurrency = 2, maxConcurrency = 4) {
  const workers: W[] = [];
  const miner = new WorkerMiner({ concurrency, maxConcurrency, createWorker: () => { const w = make(); workers.push(w); return w; } });
  return { miner, workers };
}

describe('nonce partitions', () => {
  it('split the 32-bit space into contiguous, disjoint shares for 1..8 workers', () => {
    for (let n = 1; n <= 8; n++) {
      let next = 0;
      for (let i = 0; i < n; i++) {
        const p = partition(i, n);
        expect(p.start).toBe(next);
        expect(p.end).toBeGreaterThan(p.start);
        next = p.end;
      }
      expect(next).toBe(2 ** 32);
    }
  });
});

describe('WorkerMiner with in-process workers', () => {
  it('gives each worker its own share and solves an easy header', async () => {
    const { miner, workers } = pool(() => new InProcessWorker());
    const job = template(1, 0x1f00ffff);
    const solved = await miner.mine({ header: job });
    expect(meets(solved!)).toBe(true);
    expect(checkSolution(job, solved!, targetFromBits(0x1f00ffff))).toBeNull();
    expect(workers).toHaveLength(2);
    const ranges = workers.map((w) => (w.received[0] as Extract<ToWorker, { type: 'start' }>).range);
    expect(ranges).toEqual([partition(0, 2), partition(1, 2)]);
    expect(miner.kernel).toBe('wasm-simd');
    await miner.whenIdle();
    miner.dispose();
  });

  it('reports progress a few times a second with per-worker rates', async () => {
    const c = new AbortController();
    const reports: MinerProgress[] = [];
    const miner2 = new WorkerMiner({
      concurrency: 2, maxConcurrency: 2, progressMs: 30, createWorker: () => new InProcessWorker(),
    });
    const result = await miner2.mine({ header: template(2, 0x1d00ffff) }, {
      signal: c.signal, onProgress: (p) => { reports.push(p); if (reports.length === 4) c.abort(); },
    });
    expect(result).toBeNull();
    const last = reports.at(-1)!;
    expect(last.perWorker).toHaveLength(2);
    expect(last.hashes).toBeGreaterThan(0);
    expect(last.hashRate).toBeCloseTo(last.perWorker[0] + last.perWorker[1], 6);
    expect(last.bestHash).toMatch(/^[0-9a-f]{64}$/);
    await miner2.whenIdle();
    miner2.dispose();
  });

  it('cancels: resolves null at once, then every worker acknowledges the stop', async () => {
    const { miner, workers } = pool(() => new InProcessWorker());
    const c = new AbortController();
    const pending = miner.mine({ header: template(3, 0x1d00ffff) }, { signal: c.signal });
    c.abort();
    expect(await pending).toBeNull();
    await miner.whenIdle();
    for (const w of workers) expect(w.received.map((m) => m.type)).toEqual(['start', 'stop']);
    miner.dispose();
  });

  it('re-partitions a running job when the concurrency changes, parks extra workers, clamps to 1..max', async () => {
    const { miner, workers } = pool(() => new InProcessWorker(), 2, 3);
    miner.setConcurrency(99);
    expect(miner.concurrency).toBe(3);
    miner.setConcurrency(0);
    expect(miner.concurrency).toBe(1);
    miner.setConcurrency(2);
    const pending = miner.mine({ header: template(4, 0x1f00ffff) });
    miner.setConcurrency(1);
    const solved = await pending;
    expect(meets(solved!)).toBe(true);
    const starts = workers[0].received.filter((m) => m.type === 'start') as Array<Extract<ToWorker, { type: 'start' }>>;
    expect(starts.map((s) => s.range)).toEqual([partition(0, 2), partition(0, 1)]);
    // The second worker was stopped and parked (kept for later), not terminated.
    expect(workers[1].received.map((m) => m.type)).toEqual(['start', 'stop']);
    expect(workers[1].terminated).toBe(false);
    miner.setConcurrency(2);
    expect(meets((await miner.mine({ header: template(5, 0x1f00ffff) }))!)).toBe(true);
    expect(workers).toHaveLength(2); // no new worker was spawned
    expect(workers[1].received.filter((m) => m.type === 'start')).toHaveLength(2);
    miner.dispose();
    expect(workers.every((w) => w.terminated)).toBe(true);
  });
});

describe('WorkerMiner with scripted workers: stale and forged answers', () => {
  it('drops a solution of a cancelled job and resolves the current one', async () => {
    const { miner, workers } = pool(() => new ScriptedWorker(), 1);
    const easyA = template(5, 0x207fffff);
    const c = new AbortController();
    const a = miner.mine({ header: easyA }, { signal: c.signal });
    const jobA = workers[0].lastStart().job;
    c.abort();
    expect(await a).toBeNull();
    const b = miner.mine({ header: template(6, 0x207fffff) });
    const jobB = workers[0].lastStart().job;
    expect(jobB).not.toBe(jobA);
    // The worker had solved A before it saw the stop: a valid header, but for the old job.
    const nonce = mine(easyA, undefined, 0, 1 << 16);
    workers[0].reply({ type: 'solved', job: jobA, header: withNonce(easyA, nonce), stats: stats() });
    let settled = false;
    void b.then(() => { settled = true; });
    await Promise.resolve();
    expect(settled).toBe(false);
    const bHeader = workers[0].lastStart().header;
    const n2 = mine(bHeader, undefined, 0, 1 << 16);
    workers[0].reply({ type: 'solved', job: jobB, header: withNonce(bHeader, n2), stats: stats() });
    expect(await b).toEqual(withNonce(bHeader, n2));
  });

  it('rejects a forged solution instead of resolving it', async () => {
    const { miner, workers } = pool(() => new ScriptedWorker(), 1);
    const job = template(7, 0x1d00ffff);
    const p = miner.mine({ header: job });
    workers[0].reply({ type: 'solved', job: workers[0].lastStart().job, header: withNonce(job, 1), stats: stats() });
    await expect(p).rejects.toThrow(/hash above target/);
  });

  it('resolves null when every worker has exhausted its share up to maxTime', async () => {
    const { miner, workers } = pool(() => new ScriptedWorker(), 2);
    const p = miner.mine({ header: template(8, 0x1d00ffff), maxTime: 1_700_000_000 });
    workers[0].reply({ type: 'exhausted', job: workers[0].lastStart().job, stats: stats() });
    workers[1].reply({ type: 'exhausted', job: workers[1].lastStart().job, stats: stats() });
    expect(await p).toBeNull();
  });
});

describe('checkSolution', () => {
  it('accepts only time and nonce changes', () => {
    const job = template(9, 0x207fffff);
    let n = 0;
    while (!meets(withNonce(job, n))) n++;
    const good = withNonce(job, n);
    expect(checkSolution(job, good, targetFromBits(0x207fffff))).toBeNull();
    const tampered = good.slice();
    tampered[10] ^= 1;
    expect(checkSolution(job, tampered, targetFromBits(0x207fffff))).toMatch(/byte 10/);
  });
});

function withNonce(h: Uint8Array, nonce: number): Uint8Array {
  const c = h.slice();
  new DataView(c.buffer).setUint32(76, nonce, true);
  return c;
}

function stats() {
  return { hashes: 1, hashRate: 0, best: null, time: 0 };
}
