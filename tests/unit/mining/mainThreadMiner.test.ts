import { describe, expect, it } from 'vitest';
import type { MinerProgress } from '../../../src/core/mining/miner';
import { readU32LE } from '../../../src/core/encoding';
import { MainThreadMiner } from '../../../src/workers/mainThreadMiner';
import { meets, template } from './helpers';

describe('MainThreadMiner', () => {
  it('solves an easy header with the same template, only time/nonce changed', async () => {
    const miner = new MainThreadMiner();
    expect(await miner.kernel()).toBe('wasm-simd');
    const job = template(1, 0x1f00ffff);
    const original = job.slice();
    const solved = await miner.mine({ header: job });
    expect(solved).not.toBeNull();
    expect(meets(solved!)).toBe(true);
    expect(solved!.subarray(0, 76)).toEqual(job.subarray(0, 76));
    expect(job).toEqual(original); // the template is never mutated
  });

  it.each(['wasm-scalar', 'js'] as const)('solves with the %s kernel too', async (kernel) => {
    const miner = new MainThreadMiner({ kernel });
    expect(await miner.kernel()).toBe(kernel);
    const solved = await miner.mine({ header: template(2, 0x1f00ffff) });
    expect(meets(solved!)).toBe(true);
  });

  it('returns null at once for an already aborted signal', async () => {
    const c = new AbortController();
    c.abort();
    expect(await new MainThreadMiner().mine({ header: template(3, 0x207fffff) }, { signal: c.signal })).toBeNull();
  });

  it('cancels between chunks: abort while mining a hard header → null', async () => {
    const c = new AbortController();
    let yields = 0;
    const miner = new MainThreadMiner({ yieldNow: async () => { if (++yields === 5) c.abort(); } });
    expect(await miner.mine({ header: template(4, 0x1d00ffff) }, { signal: c.signal })).toBeNull();
    expect(yields).toBe(5);
  });

  it('never returns a stale header: the abort lands during the chunk that solves → null', async () => {
    const c = new AbortController();
    let calls = 0;
    const miner = new MainThreadMiner({ now: () => { if (++calls === 2) c.abort(); return calls; } });
    expect(await miner.mine({ header: template(5, 0x207fffff) }, { signal: c.signal })).toBeNull();
  });

  it('a new mine() supersedes the running one, which resolves null', async () => {
    const miner = new MainThreadMiner();
    const first = miner.mine({ header: template(6, 0x1d00ffff) });
    const second = miner.mine({ header: template(7, 0x1f00ffff) });
    expect(await first).toBeNull();
    expect(meets((await second)!)).toBe(true);
  });

  it('rolls time through a small nonce range and respects maxTime', async () => {
    const header = template(8, 0x1d00ffff);
    const miner = new MainThreadMiner({ range: { start: 0, end: 1000 } });
    expect(await miner.mine({ header, maxTime: 1_700_000_004 })).toBeNull(); // 5 × 1000 nonces, no block
    const easy = template(9, 0x2000ffff); // ≈ 1 in 256
    const solved = await new MainThreadMiner({ range: { start: 0, end: 4 } }).mine({ header: easy });
    expect(meets(solved!)).toBe(true);
    expect(readU32LE(solved!, 76)).toBeLessThan(4);
    expect(readU32LE(solved!, 68)).toBeGreaterThanOrEqual(1_700_000_000);
  });

  it('reports progress: hashes, rate, best hash and expected time', async () => {
    const c = new AbortController();
    const reports: MinerProgress[] = [];
    let t = 0;
    const miner = new MainThreadMiner({ now: () => (t += 5), progressMs: 20 });
    const result = await miner.mine({ header: template(10, 0x1d00ffff) }, {
      signal: c.signal,
      onProgress: (p) => { reports.push(p); if (reports.length === 3) c.abort(); },
    });
    expect(result).toBeNull();
    expect(reports).toHaveLength(3);
    const last = reports[2];
    expect(last.hashes).toBeGreaterThan(reports[0].hashes);
    expect(last.hashRate).toBeGreaterThan(0);
    expect(last.perWorker).toEqual([last.hashRate]);
    expect(last.bestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(last.bestZeroBits).toBeGreaterThan(5);
    expect(last.expectedSeconds).toBeCloseTo(2 ** 32 * (1 + 1 / 0xffff) / last.hashRate, -1);
  });
});
