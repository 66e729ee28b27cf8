import { describe, expect, it } from 'vitest';
import {
  IO_THRESHOLD, IO_TOPS, NonceSearcher, type ScanBackend, mine, sha256d80, writeJobWords,
} from '../../../src/core/mining/kernel';
import { hashMeetsTarget, targetFromBits } from '../../../src/core/consensus/pow';
import { readU32LE } from '../../../src/core/encoding';
import { availableKernels, createBackend, simdSupported } from '../../../src/core/mining/wasm';
import { mainnetHeaders, nobleHash, randomBytes, seeded, topWord } from './helpers';

const HEADERS = 1200;
const blocks = mainnetHeaders();

describe('reference sha256d80', () => {
  it('equals @noble/hashes sha256(sha256(header)) on 1,200 seeded random headers', () => {
    const rand = seeded(1);
    for (let i = 0; i < HEADERS; i++) {
      const h = randomBytes(rand, 80);
      expect(sha256d80(h)).toEqual(nobleHash(h));
    }
  });
  it('gives the real mainnet block hashes', () => {
    for (const b of blocks) expect(sha256d80(b.header)).toEqual(nobleHash(b.header));
  });
});

describe('kernel selection', () => {
  it('finds WebAssembly SIMD in Node 20 and lists fallbacks in order', () => {
    expect(simdSupported()).toBe(true);
    expect(availableKernels()).toEqual(['wasm-simd', 'wasm-scalar', 'js']);
  });
});

describe.each(['wasm-simd', 'wasm-scalar', 'js'] as const)('%s kernel', (name) => {
  const backend = () => createBackend(name);

  /** Runs one group at `start` with an open threshold and returns every lane's top word. */
  function groupTops(b: ScanBackend, header: Uint8Array, start: number): number[] {
    writeJobWords(header, b.io);
    b.io[IO_THRESHOLD] = -1; // 0xffffffff: every lane is a candidate
    expect(b.scan(start | 0, b.lanes)).toBe(0);
    return Array.from({ length: b.lanes }, (_, l) => b.io[IO_TOPS + l] >>> 0);
  }

  it('computes the top hash word of every lane exactly as @noble/hashes, on 1,200 seeded headers', async () => {
    const b = await backend();
    const rand = seeded(2);
    for (let i = 0; i < HEADERS; i++) {
      const header = randomBytes(rand, 80);
      const start = rand();
      const tops = groupTops(b, header, start);
      tops.forEach((t, l) => expect(t, `header ${i} lane ${l}`).toBe(topWord(nobleHash(header, start + l))));
    }
  });

  it('wraps nonces past 2^32 − 1 to 0 inside a group', async () => {
    const b = await backend();
    const header = randomBytes(seeded(3), 80);
    const start = 0x100000000 - 2;
    const tops = groupTops(b, header, start);
    tops.forEach((t, l) => expect(t).toBe(topWord(nobleHash(header, (start + l) >>> 0))));
  });

  it('computes the mainnet headers\' top words (zero: they are real proofs of work)', async () => {
    const b = await backend();
    for (const blk of blocks) {
      const tops = groupTops(b, blk.header, blk.nonce);
      expect(tops[0]).toBe(0);
      for (let l = 1; l < tops.length; l++) expect(tops[l]).toBe(topWord(nobleHash(blk.header, blk.nonce + l)));
    }
  });

  it('finds the real nonce of each mainnet header when started a little below it', async () => {
    const searcher = new NonceSearcher(await backend());
    for (const blk of blocks) {
      const template = blk.header.slice();
      template.fill(0, 76, 80); // the miner ignores the template's nonce
      searcher.setJob(template);
      const start = Math.max(0, blk.nonce - 3001);
      expect(searcher.search(start, 6000), blk.name).toBe(blk.nonce);
      expect(searcher.hashes).toBe(blk.nonce - start + 1);
      const solved = searcher.headerWithNonce(blk.nonce);
      expect(solved).toEqual(blk.header);
      expect(hashMeetsTarget(nobleHash(solved), targetFromBits(readU32LE(solved, 72)))).toBe(true);
      // The same range stopping just short of the nonce finds nothing.
      searcher.setJob(template);
      expect(searcher.search(start, blk.nonce - start)).toBe(-1);
    }
  });

  it('solves an easy header, and the solution hashes below its target', async () => {
    const searcher = new NonceSearcher(await backend());
    const rand = seeded(4);
    for (let i = 0; i < 20; i++) {
      const header = randomBytes(rand, 80);
      new DataView(header.buffer).setUint32(72, 0x1f00ffff, true); // ~1 in 65,536
      searcher.setJob(header);
      const nonce = searcher.search(0, 1 << 22);
      expect(nonce).toBeGreaterThanOrEqual(0);
      const solved = searcher.headerWithNonce(nonce);
      const target = targetFromBits(0x1f00ffff);
      expect(hashMeetsTarget(nobleHash(solved), target)).toBe(true);
      // It is the first: no lower nonce of this header meets the target (checked on the last 300).
      for (let n = Math.max(0, nonce - 300); n < nonce; n++) expect(hashMeetsTarget(nobleHash(header, n), target)).toBe(false);
    }
  });

  it('tracks the best hash of the nonces tried, as the lowest @noble/hashes result', async () => {
    const searcher = new NonceSearcher(await backend());
    const header = randomBytes(seeded(5), 80);
    new DataView(header.buffer).setUint32(72, 0x1d00ffff, true);
    searcher.setJob(header);
    const start = 1000, count = 3001;
    expect(searcher.search(start, count)).toBe(-1);
    let best: Uint8Array | null = null;
    let bestNonce = -1;
    for (let n = start; n < start + count; n++) {
      const h = nobleHash(header, n);
      if (!best || Buffer.compare(Buffer.from(h).reverse(), Buffer.from(best).reverse()) < 0) { best = h; bestNonce = n; }
    }
    expect(searcher.best?.nonce).toBe(bestNonce);
    expect(searcher.best?.hash).toEqual(best);
    expect(searcher.best?.hex).toBe(Buffer.from(best!).reverse().toString('hex'));
  });

  it('rejects ranges past the 32-bit nonce space', async () => {
    const searcher = new NonceSearcher(await backend());
    searcher.setJob(blocks[0].header);
    expect(() => searcher.search(0xffffffff, 2)).toThrow(RangeError);
    expect(() => searcher.search(-1, 1)).toThrow(RangeError);
    expect(searcher.search(0xffffffff, 1)).toBe(-1);
  });
});

describe('bcoin-style mine()', () => {
  it('returns the genesis nonce from a range around it, and -1 from a range without it', () => {
    const g = blocks[0];
    expect(mine(g.header, undefined, g.nonce - 100, 200)).toBe(g.nonce);
    expect(mine(g.header, undefined, g.nonce + 1, 200)).toBe(-1);
    expect(mine(g.header, (1n << 256n) - 1n, 5, 10)).toBe(5); // everything meets the largest target
  });
});
