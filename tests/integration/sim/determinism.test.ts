/**
 * A simulated run is a function of its seed, settings and the teacher's actions: the same three
 * give the same event log byte for byte, however the run is watched (flat out, paused and stepped
 * message by message, block by block), and a run file replays a run with its actions exactly.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/engine';
import { DEFAULT_SETTINGS, type SimSettings } from '../../../src/sim/settings';
import { parseRunFile, runFileToJson } from '../../../src/sim/runFile';

/** A small, fast class: 12 laptops on school Wi-Fi, 3 miners, a block every 10 s, a payment every second. */
const CLASS: SimSettings = { ...DEFAULT_SETTINGS, nodes: 12, topology: 'random', outbound: 3, hashShares: [50, 30, 20], blockInterval: 10, blockSize: 50_000, txRate: 1, wallets: 12, links: 'classroom' };

async function flatOut(seed: number, blocks: number, settings = CLASS): Promise<Simulation> {
  const sim = new Simulation(seed, settings, { keepLog: true });
  expect(await sim.run(() => sim.metrics.found >= blocks)).toBe('done');
  return sim;
}

describe('the same seed and settings give the same run', () => {
  it('two runs of seed 7 write byte-identical event logs; seed 8 writes another', async () => {
    const a = await flatOut(7, 5);
    const b = await flatOut(7, 5);
    expect(a.log.count).toBeGreaterThan(1_000);
    expect(b.log.lines!.join('\n')).toBe(a.log.lines!.join('\n'));
    expect(b.log.digest()).toBe(a.log.digest());
    expect(a.wallets.made).toBeGreaterThan(10); // real payments were made and relayed
    // Bitcoin's messages only: simulated nodes do not speak tabchain's nodeinfo.
    expect(a.log.lines!.some((l) => l.includes('nodeinfo'))).toBe(false);
    expect(a.log.lines!.some((l) => l.includes('cmpctblock'))).toBe(true);
    const c = await flatOut(8, 5);
    expect(c.log.digest()).not.toBe(a.log.digest());
  });

  it('pausing and stepping (one message, one block, a few seconds at a time) delivers everything in the same order', async () => {
    const straight = await flatOut(7, 5);
    const watched = new Simulation(7, CLASS, { keepLog: true });
    for (let i = 0; i < 300; i++) await watched.stepMessage();
    await watched.stepBlock();
    for (let t = watched.now; watched.metrics.found < 3; t += 1_700) await watched.runTo(t);
    await watched.stepBlock();
    await watched.run(() => watched.metrics.found >= 5);
    expect(watched.log.lines!.join('\n')).toBe(straight.log.lines!.join('\n'));
    expect(watched.steps).toBe(straight.steps);
  });

  it('a run file (seed + settings + actions) replays a run with the teacher’s actions exactly', async () => {
    const live = new Simulation(11, CLASS, { keepLog: true });
    await live.runTo(15_000);
    live.act({ kind: 'partition', groups: [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]] });
    await live.stepBlock();
    live.act({ kind: 'hash', miner: 0, share: 10 });
    live.act({ kind: 'group', nodes: [3], latency: 80, loss: 0.05 });
    await live.runTo(45_000);
    live.act({ kind: 'heal' });
    live.act({ kind: 'txRate', rate: 3 });
    await live.runTo(70_000);

    const file = parseRunFile(runFileToJson({ seed: live.seed, settings: live.settings, actions: live.actions }));
    if (!file.ok) throw new Error(file.reason);
    expect(file.value.actions).toHaveLength(5);
    const replay = new Simulation(file.value.seed, file.value.settings, { keepLog: true, actions: file.value.actions });
    await replay.runTo(70_000);
    expect(replay.log.lines!.join('\n')).toBe(live.log.lines!.join('\n'));
    expect(replay.nodes.map((n) => n.tipHash)).toEqual(live.nodes.map((n) => n.tipHash));
  });
});
