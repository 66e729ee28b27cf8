/**
 * A hundred simulated nodes split in two: each side keeps mining its own branch; after the heal
 * every node ends on one tip, with the same UTXO set, and the coins add up to exactly the block
 * rewards — a fork resolved by the real protocol, no coin created or lost.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/engine';
import { DEFAULT_SETTINGS } from '../../../src/sim/settings';

describe('a 100-node network split in two and healed', () => {
  it('converges to one tip; every UTXO set is the same and holds exactly the rewards of the best chain', async () => {
    const sim = new Simulation(21, {
      ...DEFAULT_SETTINGS, nodes: 100, topology: 'bitcoin', hashShares: [25, 25, 25, 25], blockInterval: 10, blockSize: 50_000,
      txRate: 1, wallets: 40, links: 'classroom',
    });
    await sim.runTo(20_000);
    // Miners sit at nodes 0, 25, 50, 75: each half keeps two of them.
    const west = Array.from({ length: 50 }, (_, i) => i);
    const east = Array.from({ length: 50 }, (_, i) => 50 + i);
    sim.act({ kind: 'partition', groups: [west, east] });
    await sim.runTo(90_000);
    const split = new Set(sim.nodes.map((n) => n.tipHash));
    expect(split.size).toBeGreaterThanOrEqual(2); // two branches grew apart
    expect(sim.nodes[0]!.tipHash).not.toBe(sim.nodes[99]!.tipHash);

    sim.act({ kind: 'heal' });
    await sim.runTo(110_000);
    // Stop mining and payments, and let the last blocks and transactions travel.
    for (let m = 0; m < 4; m++) sim.act({ kind: 'hash', miner: m, share: 0 });
    sim.act({ kind: 'txRate', rate: 0 });
    await sim.runTo(140_000);

    const tips = new Set(sim.nodes.map((n) => n.tipHash));
    expect(tips.size).toBe(1);
    const summary = sim.metrics.summary();
    expect(summary.stale).toBeGreaterThan(0); // the losing branch's blocks
    const first = sim.nodes[0]!.query.utxoCommitment()!;
    for (const n of sim.nodes) expect(n.query.utxoCommitment(), n.id).toEqual(first);
    const height = sim.nodes[0]!.height;
    expect(first.total).toBe(BigInt(height + 1) * sim.params.blockReward);
    expect(sim.wallets.refused).toBe(0);
  }, 120_000);
});
