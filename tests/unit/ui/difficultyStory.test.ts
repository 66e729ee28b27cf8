/**
 * The Miner view's "why did the difficulty move": the class's hash rate from the last blocks' work
 * and times, and ASERT's schedule offset with the work factor it sets.
 */
import { describe, expect, it } from 'vitest';
import { makeParams, workFromBits } from '../../../src/core';
import { difficultyStory } from '../../../src/ui/views/miner/difficultyStory';

const params = makeParams('c', 'classroom', { targetSpacing: 10, genesisBits: 0x2000ffff, powLimitBits: 0x207fffff });
const genesis = { height: 0, time: 1_000, bits: 0x2000ffff };

describe('difficultyStory', () => {
  it('on schedule: factor 1; the class hash rate is the work per second of the last blocks', () => {
    const blocks = Array.from({ length: 11 }, (_, i) => ({ height: 10 - i, time: 1_000 + (10 - i) * 10, bits: 0x2000ffff })).slice(0, 10).concat([genesis]);
    const s = difficultyStory(params, blocks, genesis);
    expect(s.schedule).toEqual({ offset: 0, factor: 1, halfLife: 100 });
    expect(s.recentInterval).toBe(10);
    expect(s.classHashRate).toBeCloseTo(Number(workFromBits(0x2000ffff)) / 10, 5);
  });

  it('blocks twice as fast: ahead of schedule, more work per block', () => {
    const blocks = Array.from({ length: 10 }, (_, i) => ({ height: 10 - i, time: 1_000 + (10 - i) * 5, bits: 0x2000ffff })).concat([genesis]);
    const s = difficultyStory(params, blocks, genesis);
    // Block 10 at 1,050 s where the schedule (from 990) says 1,100: 50 s ahead → 2^(50/100).
    expect(s.schedule?.offset).toBe(-50);
    expect(s.schedule?.factor).toBeCloseTo(2 ** 0.5, 10);
    expect(s.recentInterval).toBe(5);
  });

  it('no ASERT, too few blocks: nothing to tell', () => {
    const s = difficultyStory(makeParams('c', 'regtest'), [genesis], genesis);
    expect(s).toEqual({ classHashRate: null, recentInterval: null, schedule: null });
  });
});
