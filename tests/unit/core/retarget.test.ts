/**
 * Difficulty retargeting (Core's GetNextWorkRequired / CalculateNextWorkRequired): every
 * `retargetInterval` blocks the target is scaled by actual / expected timespan, clamped to ×4
 * either way with Core's integer arithmetic and capped at the proof-of-work limit; between
 * adjustments the bits must not change. Expected bits below are computed by hand (Python), not by
 * the engine. Also: most work (not most blocks) wins, and parameters survive JSON.
 */
import { describe, expect, it } from 'vitest';
import { bitsToTarget, makeParams, paramsFromJSON, paramsToJSON, workFromBits, type Block } from '../../../src/core';
import { TestChain, makeBlock, resolve, testKey, testParams } from '../../helpers/chainBuilder';

const central = testKey('CENTRAL');
const miner = testKey('MINER');

/** A solved block on the tip with exactly this time (and bits, if given). */
function blockAt(tc: TestChain, time: number, bits?: number): Block {
  return resolve(makeBlock(tc, miner, []), { time, ...(bits !== undefined ? { bits } : {}) });
}

function addAt(tc: TestChain, time: number, bits?: number) {
  const r = tc.add(blockAt(tc, time, bits));
  return r;
}

/** interval 4, spacing 60 s (240 s per window); genesis bits 0x2000ffff, below the limit 0x207fffff. */
function retargetChain(genesisBits = 0x2000ffff): TestChain {
  return new TestChain(testParams(central, { retargetInterval: 4, targetSpacing: 60, genesisBits, powLimitBits: 0x207fffff }));
}

describe('retargeting', () => {
  it('keeps the bits between adjustments and refuses a change there (bad-diffbits)', () => {
    const tc = retargetChain();
    const t0 = tc.chain.tip.header.time;
    expect(addAt(tc, t0 + 60).status).toBe('accepted');
    const r = addAt(tc, t0 + 120, 0x1f3fffc0);
    expect([r.status, r.error?.reason, r.error?.punish]).toEqual(['invalid', 'bad-diffbits', true]);
  });

  it('blocks 4× too fast or faster: target ÷ 4 exactly (clamped), and the old bits at the boundary are bad-diffbits', () => {
    const tc = retargetChain();
    const t0 = tc.chain.tip.header.time;
    for (let h = 1; h <= 3; h++) expect(addAt(tc, t0 + h).status).toBe('accepted'); // 3 s for a 240 s window
    expect(tc.chain.nextBits(tc.chain.tip)).toBe(0x1f3fffc0);
    const stale = addAt(tc, t0 + 4, 0x2000ffff);
    expect([stale.status, stale.error?.reason]).toEqual(['invalid', 'bad-diffbits']);
    expect(addAt(tc, t0 + 4, 0x1f3fffc0).status).toBe('accepted');
    // Work per block is now four times larger.
    expect(workFromBits(0x1f3fffc0) / workFromBits(0x2000ffff)).toBe(4n);
  });

  it('blocks 4× too slow or slower: target × 4 exactly (clamped)', () => {
    const tc = retargetChain();
    const t0 = tc.chain.tip.header.time;
    tc.now = t0 + 400_000;
    for (let h = 1; h <= 3; h++) expect(addAt(tc, t0 + h * 100_000).status).toBe('accepted');
    expect(tc.chain.nextBits(tc.chain.tip)).toBe(0x2003fffc);
    expect(addAt(tc, t0 + 300_060, 0x2000ffff).error?.reason).toBe('bad-diffbits');
    expect(addAt(tc, t0 + 300_060, 0x2003fffc).status).toBe('accepted');
  });

  it('on schedule: unchanged; never easier than the proof-of-work limit', () => {
    const tc = retargetChain();
    const t0 = tc.chain.tip.header.time;
    for (let h = 1; h <= 3; h++) expect(addAt(tc, t0 + h * 80).status).toBe('accepted'); // window of 3 gaps = 240 s: exactly on target
    expect(tc.chain.nextBits(tc.chain.tip)).toBe(0x2000ffff);

    const atLimit = retargetChain(0x207fffff);
    const s0 = atLimit.chain.tip.header.time;
    atLimit.now = s0 + 400_000;
    for (let h = 1; h <= 3; h++) expect(addAt(atLimit, s0 + h * 100_000).status).toBe('accepted');
    expect(atLimit.chain.nextBits(atLimit.chain.tip)).toBe(0x207fffff);
  });

  it('uses Core integer arithmetic for the lower clamp when the window is not a multiple of 4', () => {
    // interval 10, spacing 1: 10 s per window, clamp at 10/4 = 2 s (integer), not 2.5 s.
    const tc = new TestChain(testParams(central, { retargetInterval: 10, targetSpacing: 1, genesisBits: 0x207fffff }));
    const t0 = tc.chain.tip.header.time;
    // Window 0..9 exactly on schedule (10 s): bits unchanged at height 10.
    for (let h = 1; h <= 9; h++) expect(addAt(tc, t0 + (h === 9 ? 10 : h)).status).toBe('accepted');
    expect(tc.chain.nextBits(tc.chain.tip)).toBe(0x207fffff);
    // Window 10..19: height 10 far ahead (allowed: within 2 h of the clock); heights 11..19 only
    // need to beat the median time past, which lags behind, so the window's last block is earlier
    // than its first: a negative timespan, clamped up to 10/4 = 2 s.
    expect(addAt(tc, t0 + 3000).status).toBe('accepted');
    for (let h = 11; h <= 19; h++) expect(addAt(tc, tc.chain.medianTimePast(tc.chain.tip) + 1).status).toBe('accepted');
    expect(tc.chain.tip.header.time - tc.chain.entryAt(10)!.header.time).toBeLessThan(0);
    // Old target 0x7fffff·2^232 × 2 / 10 → 0x20199999 (× 3/10 would be 0x20266666).
    expect(tc.chain.nextBits(tc.chain.tip)).toBe(0x20199999);
  });

  it('most work wins, not most blocks: 6 hard blocks beat 8 easy ones', () => {
    const tc = retargetChain();
    const t0 = tc.chain.tip.header.time;
    // The node follows an easy chain of 8 blocks on schedule.
    const easy = retargetChain();
    for (let h = 1; h <= 8; h++) {
      const b = blockAt(easy, t0 + 60 * h, easy.chain.nextBits(easy.chain.tip));
      expect(easy.add(b).status).toBe('accepted');
      expect(tc.add(b).status).toBe('accepted');
    }
    // A rival chain mined fast: difficulty ×4 from height 4 on.
    const hard = retargetChain();
    const blocks: Block[] = [];
    for (let h = 1; h <= 6; h++) {
      const b = blockAt(hard, t0 + h, hard.chain.nextBits(hard.chain.tip));
      expect(hard.add(b).status).toBe('accepted');
      blocks.push(b);
    }
    expect(hard.chain.tip.chainWork).toBeGreaterThan(easy.chain.tip.chainWork);
    for (const b of blocks) tc.add(b);
    expect(tc.chain.height).toBe(6);
    expect(tc.chain.tip.hash).toBe(hard.chain.tip.hash);
  });
});

describe('parameters', () => {
  it('presets: bitcoin-like has maturity 100, halving and retargeting; regtest has trivial work', () => {
    const b = makeParams('room', 'bitcoin-like');
    expect([b.coinbaseMaturity, b.halvingInterval, b.retargetInterval]).toEqual([100, 210_000, 2016]);
    expect(bitsToTarget(makeParams('room', 'regtest').genesisBits).target).toBe(bitsToTarget(0x207fffff).target);
    expect(makeParams('a').magic).not.toBe(makeParams('b').magic);
  });

  it('round-trip through JSON for every preset, with and without a genesis block', () => {
    for (const preset of ['classroom', 'bitcoin-like', 'regtest'] as const) {
      const p = makeParams(`room-${preset}`, preset);
      expect(paramsFromJSON(paramsToJSON(p))).toEqual(p);
    }
    const withGenesis = testParams(central);
    expect(paramsFromJSON(paramsToJSON(withGenesis))).toEqual(withGenesis);
  });

  it('refuses malformed parameters with a readable error', () => {
    const good = JSON.parse(paramsToJSON(makeParams('x')));
    expect(() => paramsFromJSON(JSON.stringify({ ...good, blockReward: -1 }))).toThrow(/parameter/);
    expect(() => paramsFromJSON(JSON.stringify({ ...good, maxBlockSize: 1.5 }))).toThrow(/maxBlockSize/);
    expect(() => paramsFromJSON(JSON.stringify({ ...good, blockReward: '2100000000000001' }))).toThrow(/blockReward/);
    // A zero spacing with retargeting would divide by zero at the first adjustment.
    expect(() => paramsFromJSON(JSON.stringify({ ...good, retargetInterval: 10, targetSpacing: 0 }))).toThrow(/targetSpacing/);
    expect(() => paramsFromJSON('[1,2]')).toThrow(/bad parameters/);
  });
});

describe('ASERT (the classroom preset)', () => {
  /** spacing 10 s, half-life 100 s, anchored at genesis (bits 0x2000ffff under the limit 0x207fffff). */
  const asertChain = () => new TestChain(testParams(central, { targetSpacing: 10, asertHalfLife: 100, genesisBits: 0x2000ffff, powLimitBits: 0x207fffff }));

  it('a block on schedule needs the genesis bits; 81 s ahead of schedule, 2^0.81 times the work', () => {
    const tc = asertChain();
    const t0 = tc.chain.tip.header.time;
    expect(tc.chain.nextBits(tc.chain.tip)).toBe(0x2000ffff);
    expect(addAt(tc, t0 + 10).status).toBe('accepted');
    // Nine more blocks a second apart: block 10 at t0 + 19 where the schedule (from t0 - 10) says
    // t0 + 100, so 81 s ahead: 2^(81/100) times the work.
    for (let i = 2; i <= 10; i++) expect(addAt(tc, t0 + 10 + (i - 1), tc.chain.nextBits(tc.chain.tip)).status).toBe('accepted');
    const ratio = Number(workFromBits(tc.chain.nextBits(tc.chain.tip))) / Number(workFromBits(0x2000ffff));
    expect(ratio).toBeGreaterThan(2 ** 0.81 * 0.99);
    expect(ratio).toBeLessThan(2 ** 0.81 * 1.01);
  });

  it('every block is checked: the genesis bits after fast blocks are bad-diffbits', () => {
    const tc = asertChain();
    const t0 = tc.chain.tip.header.time;
    for (let i = 1; i <= 5; i++) expect(addAt(tc, t0 + i, tc.chain.nextBits(tc.chain.tip)).status).toBe('accepted');
    expect(tc.chain.nextBits(tc.chain.tip)).not.toBe(0x2000ffff);
    const stale = addAt(tc, t0 + 6, 0x2000ffff);
    expect([stale.status, stale.error?.reason, stale.error?.punish]).toEqual(['invalid', 'bad-diffbits', true]);
  });

  it('the classroom preset turns it on at 10 intervals of half-life, for the interval the teacher picks', () => {
    expect(makeParams('c', 'classroom')).toMatchObject({ targetSpacing: 10, asertHalfLife: 100, retargetInterval: 0 });
    expect(makeParams('c', 'classroom', { targetSpacing: 30 })).toMatchObject({ targetSpacing: 30, asertHalfLife: 300 });
    expect(makeParams('c', 'regtest').asertHalfLife).toBe(0);
    // Parameters stored before ASERT existed load with it off (their chains keep a fixed difficulty).
    const old = JSON.parse(paramsToJSON(makeParams('c', 'regtest'))) as Record<string, unknown>;
    delete old.asertHalfLife;
    expect(paramsFromJSON(JSON.stringify(old)).asertHalfLife).toBe(0);
  });
});
