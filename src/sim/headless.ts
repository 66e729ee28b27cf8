/**
 * A whole run without a page: build the network, run until a number of blocks has been found and
 * has had time to reach every node, and report what happened. Used by `npm run sim` and the bench.
 */
import { Simulation, type SimOptions } from './engine';
import type { Summary } from './metrics';
import type { SimSettings } from './settings';

export interface RunReport {
  seed: number;
  blocks: number;
  virtualSeconds: number;
  wallSeconds: number;
  /** Wall seconds spent building the network (keys, genesis, links) before the clock started. */
  setupSeconds: number;
  steps: number;
  delivered: number;
  payments: number;
  /** Digest of the event log: equal digests, equal runs. */
  digest: string;
  events: number;
  summary: Summary;
  tips: number;
  /** Largest block on the best chain (bytes), and the mean size of its blocks. */
  largestBlock: number;
  meanBlock: number;
}

/** Virtual time left after the last block for it to reach every node. */
export const SETTLE_MS = 60_000;

/** When a headless run ends: after a number of blocks (and SETTLE_MS for the last to travel), or at a virtual time. */
export type Until = { blocks: number } | { seconds: number };

/**
 * Runs until `until`. `progress` is called about once a wall second with the simulation (for a
 * progress line, or memory sampling).
 */
export async function runBlocks(seed: number, settings: SimSettings, until: Until, opts: SimOptions & { progress?: (sim: Simulation) => void } = {}): Promise<{ sim: Simulation; report: RunReport }> {
  const t0 = performance.now();
  const sim = new Simulation(seed, settings, opts);
  const t1 = performance.now();
  for (;;) {
    const r = 'blocks' in until ? await sim.run(() => sim.metrics.found >= until.blocks, { wallMs: 1_000 }) : await sim.runTo(until.seconds * 1000, { wallMs: 1_000 });
    opts.progress?.(sim);
    if (r !== 'budget') break;
  }
  if ('blocks' in until) await sim.runTo(sim.now + SETTLE_MS);
  const t2 = performance.now();
  const sizes = sim.nodes[0]!.query.entries().filter((e) => e.height > 0).map((e) => e.size);
  return {
    sim,
    report: {
      seed,
      blocks: sim.metrics.found,
      virtualSeconds: sim.now / 1000,
      wallSeconds: (t2 - t1) / 1000,
      setupSeconds: (t1 - t0) / 1000,
      steps: sim.steps,
      delivered: sim.delivered,
      payments: sim.wallets.made,
      digest: sim.log.digest(),
      events: sim.log.count,
      summary: sim.metrics.summary(),
      tips: new Set(sim.nodes.map((n) => n.tipHash)).size,
      largestBlock: sizes.length ? Math.max(...sizes) : 0,
      meanBlock: sizes.length ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : 0,
    },
  };
}
