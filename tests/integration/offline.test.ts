/**
 * A node cut off on purpose (`setOffline`), the classroom's way to make a fork: it closes its links,
 * refuses new ones and dials nobody however long it waits, yet keeps mining and paying on its own;
 * back online it reconnects at once, the branch with the most work wins everywhere, and a payment
 * made while offline reaches the others and is mined.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { testKey, utxoDigest } from '../helpers/chainBuilder';
import { COIN, txidHex } from '../../src/core';

const W = testKey('OFF_W');
const SHOP = testKey('OFF_SHOP');

async function star(seed: number) {
  const tn = new TestNetwork({ seed });
  const C = tn.add('C', 'central');
  const M = tn.add('M', 'miner', { seeds: ['C'], mining: 'off', keys: [testKey('OFF_M')] });
  const Wn = tn.add('W', 'wallet', { seeds: ['C'], keys: [W] });
  await tn.settle();
  C.send(tn.centralKey.address, W.address, 5n * COIN, { mine: true });
  await tn.settle();
  for (const n of [C, M, Wn]) expect(n.height).toBe(1);
  return { tn, C, M, Wn };
}

describe('a node cut off from the network (setOffline)', () => {
  it('closes its links, refuses inbound ones and dials nobody while offline, however long it waits', async () => {
    const { tn, C, M } = await star(41);
    M.setOffline(true);
    expect(M.offline).toBe(true);
    await tn.settle();
    expect(M.peerIds()).toEqual([]);
    expect(C.peerIds()).toEqual(['W']);
    const events = tn.events.get('M')!;
    expect(events.some((e) => e.type === 'offline-changed' && e.offline)).toBe(true);
    expect(events.some((e) => e.type === 'peer-disconnected' && e.peer === 'C' && e.reason === 'went offline')).toBe(true);

    // A minute passes: no redial of its seed; a node that dials it is refused.
    await tn.advance(60_000, 1000);
    expect(M.peerIds()).toEqual([]);
    C.connect('M');
    await tn.settle();
    expect(C.peerIds()).toEqual(['W']);
    expect(events.some((e) => e.type === 'peer-disconnected' && e.peer === 'C' && e.reason === 'offline: refused')).toBe(true);
    // Dialling by hand is refused too while offline.
    M.connect('C');
    await tn.settle();
    expect(M.peerIds()).toEqual([]);

    // Online again: it redials its seed at once (not after the 5 s reconnect wait).
    M.setOffline(false);
    await tn.settle();
    expect(M.offline).toBe(false);
    expect(M.peerIds()).toEqual(['C']);
    expect(C.peerIds().sort()).toEqual(['M', 'W']);
  });

  it('a miner cut off makes a fork; back online, the longer branch wins on every node with the same UTXO set', async () => {
    const { tn, C, M, Wn } = await star(42);
    M.setOffline(true);
    await tn.settle();
    M.mineOnce();
    await tn.settle();
    C.mineOnce();
    await tn.settle();
    const a = M.tipHash!;
    const b = C.tipHash!;
    expect(a).not.toBe(b);
    expect([C.height, M.height, Wn.height]).toEqual([2, 2, 2]);
    expect(Wn.tipHash).toBe(b);
    M.mineOnce(); // the cut-off miner's branch grows to height 3
    await tn.settle();
    expect(M.height).toBe(3);
    expect(C.height).toBe(2);

    M.setOffline(false);
    await tn.settle();
    for (const n of [C, M, Wn]) expect(n.tipHash, n.id).toBe(M.tipHash);
    const digest = utxoDigest(M.chain!.utxo);
    for (const n of [C, Wn]) expect(utxoDigest(n.chain!.utxo), n.id).toBe(digest);
    expect(tn.events.get('C')!.some((e) => e.type === 'chain' && e.event.type === 'reorg')).toBe(true);
    expect(C.chain!.isActive(C.chain!.getEntry(b)!)).toBe(false);
    expect(C.chain!.isActive(C.chain!.getEntry(a)!)).toBe(true);
  });

  it('a payment made while offline waits in its mempool and reaches the miner when the wallet comes back', async () => {
    const { tn, C, M, Wn } = await star(43);
    Wn.setOffline(true);
    await tn.settle();
    const pay = Wn.send(W.address, SHOP.address, 2n * COIN);
    await tn.settle();
    const id = txidHex(pay);
    expect(Wn.mempool!.has(id)).toBe(true);
    expect(C.mempool!.has(id)).toBe(false);
    expect(M.mempool!.has(id)).toBe(false);

    Wn.setOffline(false);
    await tn.settle();
    // Announced after the handshake (inv of the mempool), fetched and relayed on to the miner.
    expect(C.mempool!.has(id)).toBe(true);
    expect(M.mempool!.has(id)).toBe(true);
    const inv = tn.events.get('W')!.find((e) => e.type === 'message' && e.dir === 'out' && e.command === 'inv' && e.hashes?.includes(id));
    expect(inv).toBeDefined();
    M.mineOnce();
    await tn.settle();
    for (const n of [C, M, Wn]) {
      expect(n.mempool!.size, n.id).toBe(0);
      expect(tn.balance(n.id, SHOP), n.id).toBe(2);
    }
  });

  it('going offline twice or online twice changes nothing; a stopped node stays stopped', async () => {
    const { tn, M } = await star(44);
    M.setOffline(false);
    M.setOffline(true);
    M.setOffline(true);
    await tn.settle();
    expect(tn.events.get('M')!.filter((e) => e.type === 'offline-changed').length).toBe(1);
    M.stop();
    M.setOffline(false);
    await tn.advance(10_000, 1000);
    expect(M.peerIds()).toEqual([]);
  });
});
