/**
 * A class of simulated laptops on the in-memory network (real FullNodes in a star around one
 * central node, SimulatedMiner hash rates on the manual clock): phases of N active laptops, and the
 * mean block interval of each phase from the central node's active chain. Shared by the ASERT
 * integration test and `npm run bench -- class`.
 */
import { MemoryNetwork } from '../../src/adapters/memory/network';
import { SimulatedMiner } from '../../src/adapters/memory/simMiner';
import { FullNode } from '../../src/node/node';
import { bitsToTarget, workFromBits, type ChainParams } from '../../src/core';
import { expectedHashes } from '../../src/core/consensus/pow';
import { testKey, testParams } from './chainBuilder';

export const SPACING = 10;
export const PHASE_S = 3_000;
export const LAPTOPS = 30;

/** Runs the class through the phases (active laptops per phase); ASERT off when asertHalfLife is 0. */
export async function runClass(asertHalfLife: number, phases: number[], phaseSeconds = PHASE_S) {
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

