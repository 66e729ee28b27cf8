/**
 * A network split in two: each side mines its own block(s); when the split heals every node
 * reorganizes onto the chain with the most work, the losing branch's payments go back to the
 * mempool, and no coin is lost or created (the UTXO set sums to the subsidy of the active chain
 * on every node, and every node holds the very same UTXO set).
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { testKey, utxoDigest } from '../helpers/chainBuilder';
import { utxoTotal } from './support/longChain';
import { COIN, subsidyAt, txidHex, type Chain } from '../../src/core';
import type { FullNode } from '../../src/node/node';

const W1 = testKey('PART_W1');
const W2 = testKey('PART_W2');
const SHOP = testKey('PART_SHOP');

function subsidyTotal(c: Chain): bigint {
  let s = 0n;
  for (let h = 0; h <= c.height; h++) s += subsidyAt(c.params, h);
  return s;
}

/** A five-node mesh: central C, miners M1 and M2, wallets W1 (key W1) and W2 (key W2), W1 funded with 5 coins. */
async function mesh(seed: number) {
  const tn = new TestNetwork({ seed });
  const opts = { seeds: ['C'], topology: 'mesh' as const, mining: 'off' as const };
  const C = tn.add('C', 'central', { topology: 'mesh' });
  const M1 = tn.add('M1', 'miner', { ...opts, keys: [testKey('PART_M1')] });
  const W1n = tn.add('W1', 'wallet', { ...opts, keys: [W1] });
  const M2 = tn.add('M2', 'miner', { ...opts, keys: [testKey('PART_M2')] });
  const W2n = tn.add('W2', 'wallet', { ...opts, keys: [W2] });
  await tn.settle();
  C.send(tn.centralKey.address, W1.address, 5n * COIN, { mine: true });
  await tn.settle();
  const all = [C, M1, W1n, M2, W2n];
  for (const n of all) expect(n.peerIds().length).toBe(4); // everyone knows everyone
  for (const n of all) expect(n.height).toBe(1);
  return { tn, C, M1, W1n, M2, W2n, all };
}

function expectConverged(all: FullNode[], tip: string): void {
  const digest = utxoDigest(all[0].chain!.utxo);
  for (const n of all) {
    expect(n.tipHash, n.id).toBe(tip);
    expect(utxoDigest(n.chain!.utxo), n.id).toBe(digest);
    expect(utxoTotal(n.chain!.utxo), n.id).toBe(subsidyTotal(n.chain!));
  }
}

describe('partition and heal', () => {
  it('long split (links time out): the side with more work wins, the loser’s payment returns to the mempool', async () => {
    const { tn, C, M1, W1n, M2, W2n, all } = await mesh(31);
    tn.net.partition(['C', 'M1', 'W1'], ['M2', 'W2']);

    // Side A: the wallet pays the shop, and M1 mines it into block A1.
    const pay = W1n.send(W1.address, SHOP.address, 2n * COIN);
    await tn.settle();
    expect(C.mempool!.has(txidHex(pay))).toBe(true);
    expect(M2.mempool!.has(txidHex(pay))).toBe(false); // the split holds
    M1.mineOnce();
    await tn.settle();
    const a1 = M1.tipHash!;
    // Side B: M2 mines two blocks (more work).
    M2.mineOnce();
    await tn.settle();
    M2.mineOnce();
    await tn.settle();
    expect([C, M1, W1n].map((n) => n.height)).toEqual([2, 2, 2]);
    expect([M2, W2n].map((n) => n.height)).toEqual([3, 3]);
    expect(tn.balance('W1', SHOP)).toBe(2);

    // A minute of silence across the split: pings go unanswered and cross links are dropped.
    await tn.advance(60_000, 1000);
    expect(C.peerIds().sort()).toEqual(['M1', 'W1']);
    expect(M2.peerIds()).toEqual(['W2']);

    tn.net.heal();
    await tn.advance(20_000, 1000);
    expectConverged(all, M2.tipHash!);
    expect(all.every((n) => n.height === 3)).toBe(true);
    // Side A disconnected A1: its payment is back in their mempools, not lost.
    for (const n of [C, M1, W1n]) {
      expect(n.chain!.getEntry(a1)).toBeDefined();
      expect(n.chain!.isActive(n.chain!.getEntry(a1)!)).toBe(false);
      expect(n.mempool!.has(txidHex(pay)), n.id).toBe(true);
    }
    expect(tn.events.get('C')!.some((e) => e.type === 'chain' && e.event.type === 'reorg')).toBe(true);
    expect(tn.balance('W1', SHOP)).toBe(0);
    expect(tn.balance('W1', W1)).toBe(5);

    // The next block anywhere confirms it for everyone.
    M1.mineOnce();
    await tn.settle();
    expectConverged(all, M1.tipHash!);
    for (const n of all) expect(n.mempool!.size, n.id).toBe(0);
    expect(all.map((n) => tn.balance(n.id, SHOP))).toEqual([2, 2, 2, 2, 2]);
  });

  it('short split (links survive): the next announcement pulls the missing branch in through its headers', async () => {
    const { tn, M1, W1n, M2, all } = await mesh(32);
    tn.net.partition(['C', 'M1', 'W1'], ['M2', 'W2']);
    const pay = W1n.send(W1.address, SHOP.address, 1n * COIN);
    M1.mineOnce();
    await tn.settle();
    M2.mineOnce();
    await tn.settle();
    // Equal work: each side keeps its own tip (first seen wins).
    expect(M1.tipHash).not.toBe(M2.tipHash);
    tn.net.heal();
    await tn.settle();
    expect(M1.tipHash).not.toBe(M2.tipHash); // nothing new was said yet
    M2.mineOnce(); // B2 breaks the tie; side A sees its parent B1 is unknown and asks for it
    await tn.settle();
    expectConverged(all, M2.tipHash!);
    expect(M1.mempool!.has(txidHex(pay))).toBe(true);
    // B2's announcement does not connect on side A: it asks for the headers in between (Core),
    // learns B1 and B2, and fetches both; nobody is punished for being on the other side.
    const log = tn.events.get('M1')!;
    const asked = log.filter((e) => e.type === 'message' && e.dir === 'out' && e.command === 'getheaders' && e.time >= 0);
    expect(asked.length).toBeGreaterThan(0);
    for (const [id, l] of tn.events) expect(l.filter((e) => e.type === 'rejected' && e.punished), id).toEqual([]);
  });

  it('a double spend across the split: only the winning spend survives, the other is dropped as a conflict', async () => {
    const { tn, C, W1n, M1, M2, W2n, all } = await mesh(33);
    // Give W2 the same coins as W1 so both sides can spend W1's coin: W1's key in both wallets.
    W2n.addKey(W1);
    tn.net.partition(['C', 'M1', 'W1'], ['M2', 'W2']);
    const toShop = W1n.send(W1.address, SHOP.address, 5n * COIN);
    const toW2 = W2n.send(W1.address, W2.address, 5n * COIN);
    M1.mineOnce();
    await tn.settle();
    M2.mineOnce();
    await tn.settle();
    M2.mineOnce();
    await tn.settle();
    tn.net.heal();
    M2.mineOnce();
    await tn.settle();
    expectConverged(all, M2.tipHash!);
    for (const n of all) {
      expect(n.mempool!.has(txidHex(toShop)), n.id).toBe(false); // conflicts with the confirmed spend
      expect(tn.balance(n.id, W2)).toBe(5);
      expect(tn.balance(n.id, SHOP)).toBe(0);
    }
    expect(C.height).toBe(4);
    void toW2;
  });
});
