import { describe, expect, it } from 'vitest';
import { COIN } from '../../../src/core';
import { TestNetwork } from '../../helpers/testNetwork';
import { testKey } from '../../helpers/chainBuilder';
import { ScenarioTracker, STEP_IDS } from '../../../src/ui/views/scenario/tracker';

// The guided scenario ticks itself as the network really does each step, in order, on every node.
describe('guided scenario tracker', () => {
  it('ticks the nine steps in order as the seed tutorial runs (star)', async () => {
    const tn = new TestNetwork({ seed: 11 });
    const [W1, W2, W3, W4, MINER] = ['WALLET_1', 'WALLET_2', 'WALLET_3', 'WALLET_4', 'MINER'].map(testKey);
    const central = tn.add('3000', 'central');
    const trackers = new Map<string, ScenarioTracker>();
    const order = new Map<string, number[]>();
    const track = (id: string) => {
      const t = new ScenarioTracker(tn.node(id)).attach(tn.clock.now());
      const seen: number[] = [];
      order.set(id, seen);
      const note = () => t.steps.forEach((s, i) => s.at !== null && !seen.includes(i) && seen.push(i));
      note();
      t.onChange(note);
      trackers.set(id, t);
    };
    track('3000');
    expect(trackers.get('3000')!.doneCount).toBe(1); // 1. the chain exists

    central.send(tn.centralKey.address, W1.address, 10n * COIN, { mine: true });
    await tn.settle();
    central.send(tn.centralKey.address, W2.address, 10n * COIN, { mine: true });
    await tn.settle();
    expect(trackers.get('3000')!.doneCount).toBe(1); // central's own -mine blocks are not step 6

    const wallet = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [W1, W2, W3] });
    track('3001');
    await tn.settle();
    expect(trackers.get('3001')!.steps[1].at).not.toBeNull();
    expect(trackers.get('3000')!.steps[1].at).not.toBeNull();
    expect(trackers.get('3000')!.steps[2].at).toBeNull();

    tn.add('3002', 'miner', { seeds: ['3000'], keys: [MINER, W4] });
    track('3002');
    await tn.settle();
    expect(trackers.get('3000')!.steps[2].at).not.toBeNull();
    expect(trackers.get('3002')!.steps[2].at).not.toBeNull();

    wallet.send(W1.address, W3.address, 1n * COIN);
    wallet.send(W2.address, W4.address, 1n * COIN);
    await tn.settle();

    const all = (id: string) => trackers.get(id)!.steps.map((s) => s.at !== null);
    // The wallet sees all nine (step 5 inferred: in a star it cannot see the miner's mempool).
    expect(all('3001')).toEqual(STEP_IDS.map(() => true));
    expect(trackers.get('3001')!.steps[4].inferred).toBe(true);
    // The central node sees 1–8 directly (it relays the txs to the miner and the block to the wallet).
    expect(all('3000')).toEqual([true, true, true, true, true, true, true, true, false]);
    expect(trackers.get('3000')!.steps.slice(0, 8).every((s) => !s.inferred)).toBe(true);
    // The miner sees 1–7 (it sends the block to the central node).
    expect(all('3002').slice(0, 7)).toEqual([true, true, true, true, true, true, true]);
    // Ticks happened in order on every node.
    for (const [id, seen] of order) expect(seen, id).toEqual([...seen].sort((a, b) => a - b));
  });
});
