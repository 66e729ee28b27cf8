/**
 * The tutorial's progress told by facts: the seed tutorial runs on the in-memory network (a star:
 * central 3000, wallet 3001, miner 3002), each node names its addresses as the Tutorial does, and
 * every node's tracker ticks the nine steps in order from what its own chain, mempool and
 * `nodeinfo` book prove — the central's funding payments do not tick the wallet's payment steps,
 * every node reaches 9/9, and a reloaded tab shows its progress before the network says anything.
 */
import { describe, expect, it } from 'vitest';
import { COIN } from '../../../src/core';
import { TestNetwork } from '../../helpers/testNetwork';
import { testKey } from '../../helpers/chainBuilder';
import { ScenarioTracker, STEP_IDS, progressKey, type ProgressStore } from '../../../src/ui/views/scenario/tracker';
import { EXPECTED_BALANCES, seenTxs, type FactsInput } from '../../../src/ui/views/scenario/facts';
import { applyTutorialNames, hasTutorialNames } from '../../../src/ui/runtime/tutorial';
import type { FullNode } from '../../../src/node/node';

class MapStore implements ProgressStore {
  readonly m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

const done = (t: ScenarioTracker) => t.steps.map((s) => s.at !== null);
const address = (n: FullNode, label: string) => n.keys.find((k) => k.label === label)!.address;

describe('tutorial progress from facts', () => {
  it('every node ticks 1–9 in order as the seed tutorial runs, and ends with 9, 9, 1, 1, 10, 10', async () => {
    const tn = new TestNetwork({ seed: 11 });
    const store = new MapStore();
    const central = tn.add('3000', 'central');
    const wallet = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [testKey('T_W1')] });
    const miner = tn.add('3002', 'miner', { seeds: ['3000'], keys: [testKey('T_M')] });
    const nodes = [central, wallet, miner];
    const trackers = nodes.map((n) => new ScenarioTracker(n, store, progressKey('test', n.id)).attach());
    const order = trackers.map(() => [] as number[]);
    trackers.forEach((t, i) => t.onChange(() => t.steps.forEach((s, k) => s.at !== null && !order[i]!.includes(k) && order[i]!.push(k))));
    const settle = () => tn.advance(3_000, 250); // nodeinfo is republished once a second, the tracker debounces 200 ms
    await settle();
    expect(trackers.map((t) => t.doneCount)).toEqual([1, 1, 1]); // 1. the chain exists, nothing named yet

    for (const n of nodes) applyTutorialNames(n);
    for (const n of nodes) expect(hasTutorialNames(n)).toBe(true);
    await settle();
    expect(trackers.map((t) => t.doneCount)).toEqual([3, 3, 3]); // 2.–3. every node sees every name

    central.send(tn.centralKey.address, address(wallet, 'WALLET_1'), 10n * COIN, { mine: true, fee: 0n });
    await settle();
    expect(trackers.map((t) => t.doneCount)).toEqual([3, 3, 3]); // one of the two funding payments
    central.send(tn.centralKey.address, address(wallet, 'WALLET_2'), 10n * COIN, { mine: true, fee: 0n });
    await settle();
    expect(trackers.map((t) => t.doneCount)).toEqual([4, 4, 4]); // 4. both mined: the central's payments tick nothing else

    wallet.send(address(wallet, 'WALLET_1'), address(wallet, 'WALLET_3'), 1n * COIN, { fee: 0n });
    await settle();
    expect(trackers.map((t) => t.doneCount)).toEqual([5, 5, 5]); // 5. in every mempool; the miner waits for 2
    expect(miner.height).toBe(2);
    wallet.send(address(wallet, 'WALLET_2'), address(wallet, 'WALLET_4'), 1n * COIN, { fee: 0n });
    await settle();
    expect(nodes.map((n) => n.height)).toEqual([3, 3, 3]); // 7. the miner mined at 2 transactions
    for (const t of trackers) expect(done(t)).toEqual(STEP_IDS.map(() => true));
    for (const t of trackers) expect(t.steps.map((s) => s.inferred)).toEqual(STEP_IDS.map(() => false));
    for (const o of order) expect(o).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // The same six balances on every node, and the tutorial's numbers.
    for (const t of trackers) {
      expect(Object.fromEntries(t.facts.balances.map((b) => [b.name, b.value]))).toEqual(EXPECTED_BALANCES);
      expect(t.facts.evidence[6]!.minedBy).toBe(address(miner, 'MINER_WALLET'));
      expect(t.facts.nodes.map((n) => `${n.node}:${n.role}:${n.agrees}`).sort()).toEqual(['3000:central:true', '3001:wallet:true', '3002:miner:true']);
    }

    // A reload: a new tracker over the same storage shows 9/9 before it reads anything.
    const again = new ScenarioTracker(wallet, store, progressKey('test', '3001'));
    expect(again.doneCount).toBe(9);
    expect(again.steps).toEqual(trackers[1]!.steps);
    again.clear();
    expect(new ScenarioTracker(wallet, store, progressKey('test', '3001')).doneCount).toBe(0);
  });

  it('a payment from WALLET_1 that is not to WALLET_3 ticks nothing; the steps wait for the real facts', async () => {
    const tn = new TestNetwork({ seed: 12 });
    const central = tn.add('3000', 'central');
    const wallet = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [testKey('T2_W1')] });
    const miner = tn.add('3002', 'miner', { seeds: ['3000'], keys: [testKey('T2_M')] });
    for (const n of [central, wallet, miner]) applyTutorialNames(n);
    const t = new ScenarioTracker(central).attach();
    await tn.advance(3_000, 250);
    central.send(tn.centralKey.address, address(wallet, 'WALLET_1'), 10n * COIN, { mine: true, fee: 0n });
    await tn.advance(3_000, 250);
    wallet.send(address(wallet, 'WALLET_1'), address(wallet, 'WALLET_2'), 1n * COIN, { fee: 0n });
    await tn.advance(3_000, 250);
    expect(done(t)).toEqual([true, true, true, false, false, false, false, false, false]);
  });

  it('reads each block once: the facts read again (every 200 ms while a tab syncs) reuse what earlier reads described', async () => {
    const tn = new TestNetwork({ seed: 13 });
    const central = tn.add('3000', 'central');
    const wallet = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [testKey('T3_W1')] });
    await tn.advance(3_000, 250);
    for (let i = 0; i < 3; i++) {
      central.send(tn.centralKey.address, wallet.keys[0]!.address, BigInt(i + 1) * COIN, { mine: true, fee: 0n });
      await tn.advance(3_000, 250);
    }
    expect(wallet.height).toBe(3);
    let reads = 0;
    const q = wallet.query;
    const query: FactsInput['query'] = { ...q, block: (hash: string) => (reads++, q.block(hash)) };
    const input: FactsInput = { query, height: wallet.height, tipHash: wallet.tipHash, named: [], infos: [], remembered: {} };
    const first = seenTxs(input);
    expect(first.filter((t) => t.height !== null).map((t) => t.outs.find((o) => o.address === wallet.keys[0]!.address)?.value)).toEqual([1n * COIN, 2n * COIN, 3n * COIN]);
    reads = 0;
    expect(seenTxs(input)).toEqual(first);
    expect(reads).toBe(0);
    // A new block is the only one read.
    central.send(tn.centralKey.address, wallet.keys[0]!.address, 4n * COIN, { mine: true, fee: 0n });
    await tn.advance(3_000, 250);
    expect(seenTxs({ ...input, height: wallet.height, tipHash: wallet.tipHash })).toHaveLength(4);
    expect(reads).toBe(1);
  });
});
