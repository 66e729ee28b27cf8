/**
 * "A difficulty that follows the class": a star of 30 miners on the in-memory network, each with
 * the hash rate of one laptop (simulated: exponential solve times on the manual clock). The class
 * starts with one laptop mining, then all 30 join, then all but 3 stop. With ASERT (half-life 10
 * intervals) the mean block interval of each phase stays within ±25 % of the 10 s target; with
 * the old fixed difficulty the 30-laptop phase makes a block every third of a second.
 */
import { describe, expect, it } from 'vitest';
import { LAPTOPS, SPACING, runClass } from '../helpers/classSim';

describe('ASERT follows the class', () => {
  it(`1 → ${LAPTOPS} → 3 laptops: every phase's mean interval within ±25 % of ${SPACING} s`, async () => {
    const r = await runClass(10 * SPACING, [1, LAPTOPS, 3]);
    for (const [i, p] of r.phaseMeans.entries()) expect(Math.abs(p.mean / SPACING - 1), `phase ${i}: ${p.blocks} blocks, mean ${p.mean.toFixed(2)} s`).toBeLessThanOrEqual(0.25);
    // At the end 3 laptops mine: the difficulty sits near 3× the start's.
    expect(r.workRatio).toBeGreaterThan(1.5);
    expect(r.workRatio).toBeLessThan(6);
    expect(r.agree).toBe(true);
  }, 120_000);

  it(`without it (fixed difficulty) ${LAPTOPS} laptops make a block every third of a second`, async () => {
    const r = await runClass(0, [1, LAPTOPS], 200);
    expect(r.phaseMeans[1]!.mean).toBeLessThan(SPACING / 10);
  }, 120_000);
});
