import { describe, expect, it } from 'vitest';
import { NonceSearcher, jsBackend } from '../../../src/core/mining/kernel';
import { hashMeetsTarget, targetFromBits } from '../../../src/core/consensus/pow';
import { readU32LE } from '../../../src/core/encoding';
import { createBackend } from '../../../src/core/mining/wasm';
import { HeaderSearch, runSearch } from '../../../src/workers/search';
import { nobleHash, randomBytes, seeded } from './helpers';

function template(seed: number, bits: number, time = 1_700_000_000): Uint8Array {
  const h = randomBytes(seeded(seed), 80);
  const v = new DataView(h.buffer);
  v.setUint32(68, time, true);
  v.setUint32(72, bits, true);
  v.setUint32(76, 0, true);
  return h;
}

describe('HeaderSearch: time rolling over a small nonce range', () => {
  it('rolls time by one second each time the range is used up, and stops at maxTime', () => {
    const header = template(1, 0x1d00ffff);
    const search = new HeaderSearch(new NonceSearcher(jsBackend()), {
      header, range: { start: 100, end: 116 }, maxTime: 1_700_000_003,
    });
    expect(search.step(10)).toEqual({ status: 'running' });
    expect(search.time).toBe(1_700_000_000);
    expect(search.step(10)).toEqual({ status: 'running' });
    expect(search.time).toBe(1_700_000_001); // 16 nonces used up → rolled
    expect(search.step(1000)).toEqual({ status: 'exhausted' });
    expect(search.time).toBe(1_700_000_003);
    expect(search.hashes).toBe(4 * 16);
  });

  it.each(['wasm-simd', 'js'] as const)('finds the first solution at a rolled time (%s)', async (kernel) => {
    // Target ≈ 1 in 64 per hash, 8 nonces per second: find a template whose first second has none.
    const bits = 0x2003ffff;
    const target = targetFromBits(bits);
    let seed = 1;
    let header = template(seed, bits);
    const solvesAt = (h: Uint8Array, time: number) => {
      const c = h.slice();
      new DataView(c.buffer).setUint32(68, time, true);
      for (let n = 0; n < 8; n++) if (hashMeetsTarget(nobleHash(c, n), target)) return { header: c, nonce: n };
      return null;
    };
    while (solvesAt(header, 1_700_000_000)) header = template(++seed, bits);
    let expected = null;
    let t = 1_700_000_000;
    while (!(expected = solvesAt(header, t))) t++;
    const search = new HeaderSearch(new NonceSearcher(await createBackend(kernel)), { header, range: { start: 0, end: 8 } });
    let r = search.step(3);
    while (r.status === 'running') r = search.step(3);
    expect(r.status).toBe('solved');
    if (r.status !== 'solved') return;
    expect(readU32LE(r.header, 68)).toBe(t);
    expect(readU32LE(r.header, 68)).toBeGreaterThan(1_700_000_000);
    expect(readU32LE(r.header, 76)).toBe(expected.nonce);
    expect(hashMeetsTarget(nobleHash(r.header), target)).toBe(true);
    expect(r.header.subarray(0, 68)).toEqual(header.subarray(0, 68));
    expect(r.header.subarray(72, 76)).toEqual(header.subarray(72, 76));
  });

  it('rejects an empty or out-of-range nonce range', () => {
    const header = template(1, 0x1d00ffff);
    const s = new NonceSearcher(jsBackend());
    expect(() => new HeaderSearch(s, { header, range: { start: 5, end: 5 } })).toThrow(RangeError);
    expect(() => new HeaderSearch(s, { header, range: { start: 0, end: 2 ** 32 + 1 } })).toThrow(RangeError);
  });
});

describe('runSearch: chunks, progress, stop', () => {
  /** A clock that advances 1 ms per nonce tried, read through the search's hash count. */
  function fakeClock(search: HeaderSearch) {
    return () => search.hashes / 1000;
  }

  it('sizes chunks to chunkMs, reports progress, and stops when asked between chunks', async () => {
    const search = new HeaderSearch(new NonceSearcher(jsBackend()), { header: template(2, 0x1d00ffff) });
    const reports: number[] = [];
    let yields = 0;
    const r = await runSearch(search, {
      now: fakeClock(search), chunkMs: 12, progressMs: 100, initialChunk: 256,
      isStopped: () => yields >= 40,
      yieldNow: async () => { yields++; },
      onProgress: (s) => reports.push(s.hashRate),
    });
    expect(r).toEqual({ status: 'stopped' });
    // Chunks converge on 12 ms = 12,000 nonces on this clock: 256 → 1024 → 4096 → 12,000 → …
    expect(search.hashes).toBe(256 + 1024 + 4096 + 12_000 * 37);
    expect(reports.length).toBeGreaterThan(3);
    for (const rate of reports) expect(rate).toBeCloseTo(1_000_000, -3); // 1 nonce per µs
  });

  it('returns "stopped", not the header, when the stop came during the chunk that solved', async () => {
    const search = new HeaderSearch(new NonceSearcher(jsBackend()), { header: template(3, 0x207fffff) });
    let stopped = false;
    let calls = 0;
    const r = await runSearch(search, {
      now: () => { if (++calls === 2) stopped = true; return calls; }, // the stop lands mid-chunk
      isStopped: () => stopped,
      yieldNow: async () => {},
    });
    expect(r).toEqual({ status: 'stopped' });
    expect(search.hashes).toBeGreaterThan(0); // it did find a solution in that chunk
  });

  it("the teacher's throttle: at 25 % the search rests three times as long as each chunk ran", async () => {
    const search = new HeaderSearch(new NonceSearcher(jsBackend()), { header: template(2, 0x1d00ffff) });
    let clock = 0;
    let busy = 0;
    let rested = 0;
    let chunks = 0;
    const r = await runSearch(search, {
      // Each nonce costs 1 µs of busy time; rests move the clock without hashing.
      now: () => clock + search.hashes / 1000,
      chunkMs: 12, initialChunk: 12_000,
      isStopped: () => chunks >= 20,
      yieldNow: async () => { chunks++; },
      duty: () => 0.25,
      sleep: async (ms) => { rested += ms; clock += ms; chunks++; },
    });
    busy = search.hashes / 1000;
    expect(r).toEqual({ status: 'stopped' });
    expect(rested / busy).toBeCloseTo(3, 5); // hashing 25 % of the time
  });
});
