/**
 * "A difficulty that follows the class": a star of 30 miners on the in-memory network, each with
 * the hash rate of one laptop (simulated: exponential solve times on the manual clock). The class
 * starts with one laptop mining, then all 30 join, then all but 3 stop. With ASERT (half-life 10
 * intervals) the mean block interval of each phase stays within ±25 % of the 10 s target; with
 * the old fixed difficulty the 30-laptop phase makes a block every third of a second.
 */
import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../../src/adapters/memory/network';
import { SimulatedMiner } from '../../src/adapters/memory/simMiner';
import { FullNode } from '../../src/node/node';
import { bitsToTarget, workFromBits, type ChainParams } from '../../src/core';
import { expectedHashes } from '../../src/core/consensus/pow';
import { testKey, testParams } from '../helpers/chainBuilder';

const SPACING = 10;
const PHASE_S = 3_000;
const LAPTOPS = 30;

async function runClass(asertHalfLife: number, phases: number[], phaseSeconds = PHASE_S) {
  const net = new MemoryNetwork({ seed: 7, latency: 40 });
  const central = testKey('CLASS_CENTRAL');
  // 0x2000ffff: about 256 hashes a block at the start, one laptop = 25.6 hashes a second.
  const params: ChainParams = testParams(central, { genesisBits: 0x2000ffff, targetSpacing: SPACING, asertHalfLife }, 'regtest', 'asertclass');
  const laptopRate = expectedHashes(bitsToTarget(params.genesisBits).target) / SPACING;
  const common = { network: params.network, clock: net.clock, random: net.random, timing: { pingInterval: 60_000, pingTimeout: 120_000 } };
  const hub = new FullNode({ ...common, id: 'C', role: 'central', transport: net.transport('C'), params, keys: [central] });
  const miners = Array.from({ length: LAPTOPS }, (_, i) => {
    const sim = new SimulatedMiner(net.clock, net.random, 0);
    const node = new FullNode({ ...common, id: `M${i}`, role: 'miner', transport: net.transport(`M${i}`), seeds: ['C'], miner: sim, mining: 'continuous', keys: [testKey(`CLASS_M${i}`)] });
    return { sim, node };
  });
  hub.start();
  miners.forEach((m) => m.node.start());

  /** Lets virtual time pass, timer to timer, letting the miners' promises settle in between. */
  const run = async (ms: number) => {
    const end = net.clock.now() + ms;
    for (;;) {
      do await new Promise((r) => setImmediate(r));
      while (net.flush() > 0);
      const next = net.clock.nextAt();
      if (next === undefined || next > end) break;
      net.clock.advance(next - net.clock.now());
    }
    net.clock.advance(end - net.clock.now());
  };
  await run(5_000);
  const startSeconds = hub.nowSeconds();
  const marks: number[] = [];
  for (const active of phases) {
    miners.forEach((m, i) => m.sim.setHashRate(i < active ? laptopRate : 0));
    await run(phaseSeconds * 1000);
    marks.push(hub.height);
  }
  const chain = hub.chain!;
  // Mean interval of each phase, from the active chain's block times.
  const phaseMeans = phases.map((_, p) => {
    const from = startSeconds + p * phaseSeconds;
    const to = from + phaseSeconds;
    const blocks = [];
    for (let h = 1; h <= chain.height; h++) {
      const t = chain.entryAt(h)!.header.time;
      if (t > from && t <= to) blocks.push(t);
    }
    return { blocks: blocks.length, mean: phaseSeconds / Math.max(1, blocks.length) };
  });
  const tip = chain.tip;
  const workRatio = Number(workFromBits(tip.header.bits)) / Number(workFromBits(params.genesisBits));
  const agree = miners.every((m) => m.node.tipHash === hub.tipHash || Math.abs(m.node.height - hub.height) <= 1);
  hub.stop();
  miners.forEach((m) => m.node.stop());
  return { phaseMeans, workRatio, agree, marks };
}

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
