/**
 * The classroom's attacks inside the simulator, staged by simulated nodes with real objects: a
 * block edited after it was mined is refused by every peer (its transactions no longer match its
 * merkle root), and a miner with 60 % of the hash power spends one coin twice — the merchant's
 * payment confirmed on the public chain, the other on a private chain — then releases the private
 * chain: every node reorganises, the merchant's payment is gone, the attacker's confirmed.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/engine';
import { DEFAULT_SETTINGS, type SimSettings } from '../../../src/sim/settings';

const CLASS: SimSettings = { ...DEFAULT_SETTINGS, nodes: 20, topology: 'random', outbound: 3, hashShares: [60, 40], blockInterval: 10, blockSize: 50_000, txRate: 0.5, wallets: 10, links: 'classroom' };

describe('lessons in the simulator', () => {
  it('a tampered block is refused by every peer of the node that sends it: bad-txnmrklroot', async () => {
    const sim = new Simulation(5, CLASS);
    await sim.run(() => sim.nodes.every((n) => n.height >= 2));
    sim.act({ kind: 'tamper', node: 7 });
    const t = sim.tampered[0]!;
    expect(t.reason).toBe('bad-txnmrklroot');
    expect(t.sentTo.length).toBeGreaterThan(0);
    await sim.runTo(sim.now + 2_000);
    for (const n of sim.nodes) expect(n.query.entry(t.hash), n.id).toBeUndefined();
    // What it cost the sender: its peers discouraged it and closed their links.
    for (const p of t.sentTo) expect(sim.nodes[p]!.isDiscouraged('n7'), `n${p}`).toBe(true);
  }, 60_000);

  it('51 %: a private chain with the other half of a double spend overturns the merchant’s confirmed payment', async () => {
    const sim = new Simulation(9, CLASS);
    const attacker = sim.nodes[sim.minerAt[0]!]!; // miner 0, 60 % of the hash power
    await sim.run(() => attacker.query.coinsFor(attacker.keys[0]!.script).length > 0 && sim.nodes.every((n) => n.height >= 2));

    sim.act({ kind: 'offline', node: 0, offline: true }); // mines on its own from now on
    sim.act({ kind: 'doubleSpend', node: 0, toMerchant: 10, toAttacker: 0 });
    const ds = sim.doubleSpends[0]!;
    expect(ds.refused).toEqual([]);
    const status = () => sim.doubleSpendStatus(10)[0]!;
    await sim.run(() => status().pay.confirmations >= 2);
    expect(status().back.confirmations).toBe(0);
    const merchantSaw = status().pay.confirmations;

    // Withhold until the private chain is longer than the public one, then release it.
    await sim.run(() => attacker.height > sim.nodes[10]!.height + 1);
    sim.act({ kind: 'offline', node: 0, offline: false });
    sim.act({ kind: 'hash', miner: 0, share: 0 });
    sim.act({ kind: 'hash', miner: 1, share: 0 });
    await sim.runTo(sim.now + 30_000);

    expect(new Set(sim.nodes.map((n) => n.tipHash)).size).toBe(1);
    expect(status().pay).toMatchObject({ confirmations: 0, inMempools: 0 }); // gone: it conflicts with the confirmed one
    expect(status().back.confirmations).toBeGreaterThanOrEqual(1);
    expect(merchantSaw).toBeGreaterThanOrEqual(2);
    expect(sim.metrics.summary().stale).toBeGreaterThanOrEqual(merchantSaw); // the public blocks that held the payment
  }, 120_000);
});
