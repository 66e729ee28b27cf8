import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { NodeStore, databaseName } from '../../../src/adapters/idb/nodeStore';
import { RELAY_WRITE_MS } from '../../../src/adapters/idb/chainWrites';
import { FullNode } from '../../../src/node/node';
import { COIN, type Chain } from '../../../src/core';
import { TestNetwork } from '../../helpers/testNetwork';
import { testKey } from '../../helpers/chainBuilder';

function utxoDigest(chain: Chain): string {
  return [...chain.utxo.entries()].map(([k, c]) => `${k}=${c.value}/${c.height}/${c.coinbase}`).sort().join(',');
}

/** Real time for fake-indexeddb to finish what was asked of it. */
const idle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** The saved tip, once the store has written `hash` (gives up after 2 s of real time). */
async function savedTip(store: NodeStore, hash: string | null): Promise<string | null> {
  let tip: string | null = null;
  for (let i = 0; i < 40 && tip !== hash; i++) {
    tip = (await store.load()).tip;
    if (tip !== hash) await idle();
  }
  return tip;
}

async function settleStore(tn: TestNetwork, store: NodeStore) {
  await tn.settle();
  await store.flushed();
}

describe('IndexedDB node store', () => {
  it('restores chain, UTXO set, mempool and wallet exactly, without re-downloading', async () => {
    const tn = new TestNetwork({ seed: 5 });
    const central = tn.add('3000', 'central');
    const W1 = testKey('WALLET_1');
    const name = databaseName('test', '3001');
    const wallet = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [W1] });
    const store = await NodeStore.open(name);
    store.attach(wallet);
    await tn.settle();
    central.send(tn.centralKey.address, W1.address, 5n * COIN, { mine: true });
    await tn.settle();
    central.mineOnce();
    await tn.settle();
    wallet.send(W1.address, tn.centralKey.address, 1n * COIN);
    await settleStore(tn, store);
    expect(wallet.height).toBe(2);
    expect(wallet.mempool!.size).toBe(1);

    const saved = await store.load();
    expect(saved.tip).toBe(wallet.tipHash);
    expect(saved.blocks.length).toBe(2); // genesis comes from params
    expect(saved.keys.map((k) => k.address)).toEqual(wallet.keys.map((k) => k.address));
    expect(saved.mempool.length).toBe(1);
    store.close();

    // "Reload": a new node object from the database alone.
    const reopened = await NodeStore.open(name);
    const s = await reopened.load();
    const again = new FullNode({
      id: '3001', role: 'wallet', network: 'test', transport: tn.net.transport('3001b'), clock: tn.clock, random: tn.net.random,
      params: s.params!, restore: { blocks: s.blocks, tip: s.tip!, utxo: s.utxo, undo: s.undo, mempool: s.mempool }, keys: s.keys,
    });
    expect(again.tipHash).toBe(wallet.tipHash);
    expect(utxoDigest(again.chain!)).toBe(utxoDigest(wallet.chain!));
    expect(again.mempool!.size).toBe(1);
    expect(again.keys[0].address).toBe(W1.address);
    reopened.close();
  });

  it('reports a full disk and stops writing, leaving the saved state intact', async () => {
    const tn = new TestNetwork({ seed: 6 });
    const central = tn.add('3000', 'central');
    const store = await NodeStore.open(databaseName('test', 'quota'));
    const problems: string[] = [];
    store.onproblem = (p) => problems.push(p.kind);
    store.attach(central);
    central.mineOnce();
    await settleStore(tn, store);
    const before = await store.load();
    expect(before.blocks.length).toBe(1);

    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      central.mineOnce();
      await settleStore(tn, store);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(problems).toContain('quota');
    expect(store.failed?.kind).toBe('quota');
    const after = await store.load();
    expect(after.tip).toBe(before.tip); // nothing half-written
    expect(after.utxo.length).toBe(before.utxo.length);
    store.close();
  });

  /** A central node and a wallet linked to it, the wallet's store attached, and a block the central mined on its way. */
  async function walletGetsABlock(seed: number, name: string) {
    const tn = new TestNetwork({ seed });
    const central = tn.add('3000', 'central');
    const wallet = tn.add('3001', 'wallet', { seeds: ['3000'] });
    const store = await NodeStore.open(databaseName('test', name));
    store.attach(wallet);
    await tn.settle();
    await store.flushed();
    const before = (await store.load()).tip;
    return { tn, central, wallet, store, before };
  }

  it('writes a block from a peer RELAY_WRITE_MS after it connects (after the relay), and a block it mined at once', async () => {
    const { tn, central, wallet, store, before } = await walletGetsABlock(7, 'relay-write');
    const centralStore = await NodeStore.open(databaseName('test', 'mined-write'));
    centralStore.attach(central);
    central.mineOnce();
    await tn.settle();
    expect(wallet.height).toBe(1);
    // The miner's own block: written without any time passing on the node's clock.
    expect(await savedTip(centralStore, central.tipHash)).toBe(central.tipHash);
    // The peer's block waits (nothing written yet, however long fake-indexeddb is given)…
    await idle(150);
    expect((await store.load()).tip).toBe(before);
    // …until RELAY_WRITE_MS have passed on the node's clock.
    await tn.advance(RELAY_WRITE_MS - 100);
    await idle(150);
    expect((await store.load()).tip).toBe(before);
    await tn.advance(100);
    expect(await savedTip(store, wallet.tipHash)).toBe(wallet.tipHash);
    store.close();
    centralStore.close();
  });

  it('flushed() writes a waiting block at once (a tab being hidden or closed does not wait for the timer)', async () => {
    const { tn, central, wallet, store, before } = await walletGetsABlock(8, 'flush-now');
    central.mineOnce();
    await tn.settle();
    await store.flushed();
    expect((await store.load()).tip).toBe(wallet.tipHash);
    expect(wallet.tipHash).not.toBe(before);
    store.close();
  });
});
