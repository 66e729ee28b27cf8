/**
 * A reload must never lose a coin. A node of every role lives through the seed tutorial's first
 * moves (three blocks with the genesis coin unspent, then the payment that spends it, then a reorg)
 * while its IndexedDB store is cut — a tab killed — after every possible write. The node rebuilt
 * from what was committed must hold exactly the UTXO set the live node had at that stored tip, with
 * nothing to repair, and must go on to accept the network's next blocks.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { NodeStore, databaseName, restoredOptions } from '../../../src/adapters/idb/nodeStore';
import { FullNode } from '../../../src/node/node';
import type { Role } from '../../../src/node/events';
import { openDB } from 'idb';
import { COIN, sameCommitment, type Coin, type UtxoCommitment } from '../../../src/core';
import { TestNetwork } from '../../helpers/testNetwork';
import { testKey } from '../../helpers/chainBuilder';
import { cutStorageAfter } from '../../helpers/cutStorage';

let dbSeq = 0;
const SUBJECT_KEY = testKey('SUBJECT');

interface Run {
  tn: TestNetwork;
  subject: FullNode;
  name: string;
  ops: number;
  cut: boolean;
  /** The live node's UTXO commitment at every tip it had. */
  atTip: Map<string, UtxoCommitment>;
}

/** The scenario, with the subject's store cut after `cutAfter` writes (Infinity: never). */
async function live(role: Role, cutAfter: number): Promise<Run> {
  const tn = new TestNetwork({ seed: 11 });
  const central = tn.add('3000', 'central');
  const helper = tn.add('3002', 'miner', { seeds: ['3000'], mining: 'off', keys: [testKey('HELPER')] });
  const subject = role === 'central' ? central : tn.add('3001', role, { seeds: ['3000'], mining: 'off', keys: [SUBJECT_KEY] });
  const name = databaseName('crash', `${role}-${dbSeq++}`);
  const cut = cutStorageAfter(cutAfter);
  const atTip = new Map<string, UtxoCommitment>();
  const note = () => subject.chain && atTip.set(subject.chain.tip.hash, subject.chain.utxo.commitment());
  note();
  subject.on((e) => {
    if (e.type === 'chain-ready' || (e.type === 'chain' && e.event.type === 'tip-changed')) note();
  });
  let store: NodeStore | null = null;
  try {
    store = await NodeStore.open(name);
    store.attach(subject);
    const step = async () => {
      await tn.settle();
      await store!.flushed();
    };
    await step();
    // Three blocks: the genesis coin is still unspent (the 4 coins, 40 coins).
    for (let i = 0; i < 3; i++) {
      central.mineOnce();
      await step();
    }
    // The tutorial's first payment spends the genesis coin (oldest first) and is mined at once.
    central.send(tn.centralKey.address, SUBJECT_KEY.address, 10n * COIN, { mine: true });
    await step();
    // A fork: the helper mines two blocks alone while the central mines one; reconnected, everyone reorgs.
    helper.setOffline(true);
    helper.mineOnce();
    await step();
    helper.mineOnce();
    await step();
    central.mineOnce();
    await step();
    helper.setOffline(false);
    await step();
  } finally {
    cut.restore();
  }
  store?.close();
  expect(subject.height).toBe(6);
  return { tn, subject, name, ops: cut.ops, cut: cut.cut, atTip };
}

/** Reloads the subject from its database alone, as a reloaded tab does. */
async function reload(run: Run): Promise<FullNode> {
  const store = await NodeStore.open(run.name);
  const saved = await store.load();
  store.close();
  return new FullNode({
    id: run.subject.id, role: run.subject.role, network: 'test', transport: run.tn.net.transport(`${run.subject.id}r`),
    clock: run.tn.clock, random: run.tn.net.random, params: run.tn.params, ...restoredOptions(saved),
  });
}

describe('a reload never loses a coin', () => {
  for (const role of ['central', 'miner', 'wallet'] as const) {
    it(`${role}: the restored UTXO set is the live one at the stored tip, after a cut at every write`, async () => {
      const full = await live(role, Infinity);
      expect(full.cut).toBe(false);
      const back = await reload(full);
      expect(back.tipHash).toBe(full.subject.tipHash);
      expect(back.restoreReport?.repaired).toEqual([]);
      expect(sameCommitment(back.chain!.utxo.commitment(), full.subject.chain!.utxo.commitment())).toBe(true);

      const heights = new Set<number>([back.height]);
      for (let n = 0; n < full.ops; n++) {
        const run = await live(role, n);
        expect(run.cut, `cut after ${n}`).toBe(true);
        const node = await reload(run);
        heights.add(node.height);
        const expected = run.atTip.get(node.tipHash!);
        expect(expected, `cut after ${n}: restored tip was never the live tip`).toBeDefined();
        expect(node.restoreReport?.repaired ?? [], `cut after ${n}`).toEqual([]);
        expect(node.chain!.utxo.commitment(), `cut after ${n}`).toEqual(expected);
      }
      // The cuts landed everywhere: before the first block, with the genesis coin unspent and spent, mid-reorg.
      expect([...heights].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(full.ops).toBeGreaterThan(30);
    });
  }

  it('a reloaded miner accepts the block that spends the genesis coin (the class does not split)', async () => {
    const tn = new TestNetwork({ seed: 12 });
    const central = tn.add('3000', 'central');
    const name = databaseName('crash', `split-${dbSeq++}`);
    const miner = tn.add('3001', 'miner', { seeds: ['3000'], mining: 'off', keys: [SUBJECT_KEY] });
    const store = await NodeStore.open(name);
    store.attach(miner);
    await tn.settle();
    for (let i = 0; i < 3; i++) {
      central.mineOnce();
      await tn.settle();
    }
    await store.flushed();
    expect(miner.chain!.utxo.size).toBe(4);
    miner.stop();
    store.close();

    const back = await NodeStore.open(name);
    const reloaded = new FullNode({
      id: '3001', role: 'miner', network: 'test', transport: tn.net.transport('3001'), clock: tn.clock, random: tn.net.random,
      seeds: ['3000'], mining: 'off', ...restoredOptions(await back.load()),
    });
    back.attach(reloaded);
    reloaded.start();
    await tn.advance(6_000);
    expect(reloaded.height).toBe(3);
    expect(reloaded.chain!.utxo.size).toBe(4); // the genesis coin came back with the others
    expect(reloaded.chain!.utxo.commitment().total).toBe(40n * COIN);

    central.send(tn.centralKey.address, SUBJECT_KEY.address, 10n * COIN, { mine: true });
    await tn.settle();
    expect(reloaded.height).toBe(4);
    expect(reloaded.tipHash).toBe(central.tipHash);
    expect(reloaded.peerIds()).toContain('3000');
    expect(central.isDiscouraged('3001') || reloaded.isDiscouraged('3000')).toBe(false);
    back.close();
  });

  it('a stored UTXO set that lost a coin is repaired from the blocks, reported, and written back', async () => {
    const run = await live('wallet', Infinity);
    // Corrupt the stored set: drop one coin, as the old store did with the genesis coinbase.
    const db = await openDB(run.name);
    const key = (await db.getAllKeys('utxo'))[0] as string;
    const coin = (await db.get('utxo', key)) as Coin;
    await db.delete('utxo', key);
    db.close();

    const node = await reload(run);
    const report = node.restoreReport!;
    expect(report.repaired).toEqual(['utxo']);
    expect(report.stored.count).toBe(report.replayed.count - 1);
    expect(report.replayed.total - report.stored.total).toBe(coin.value);
    expect(node.chain!.utxo.getCoin(key)).toEqual(coin);
    expect(node.chain!.utxo.commitment()).toEqual(run.subject.chain!.utxo.commitment());

    // The store writes the repaired set back: the next reload finds nothing to repair.
    const store = await NodeStore.open(run.name);
    store.attach(node);
    await store.flushed();
    store.close();
    const third = await reload(run);
    expect(third.restoreReport?.repaired).toEqual([]);
    expect(third.chain!.utxo.commitment()).toEqual(report.replayed);
  });
});
