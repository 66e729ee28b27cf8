import { describe, expect, it } from 'vitest';
import { COIN } from '../../src/core';
import { TestNetwork } from '../helpers/testNetwork';
import { testKey } from '../helpers/chainBuilder';

// The peers table shows each peer's height as this node knows it. It must follow the blocks a
// peer announces, asks for, is sent and sends — not stay at the height of its version message.
describe('known peer heights', () => {
  it('follow the chain in a star, on the central node and on the leaves', async () => {
    const tn = new TestNetwork({ seed: 21 });
    const central = tn.add('3000', 'central');
    const wallet = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [testKey('W')] });
    const miner = tn.add('3002', 'miner', { seeds: ['3000'], keys: [testKey('M')] });
    await tn.settle();
    const heightOf = (n: typeof central, peer: string) => n.peerInfo().find((p) => p.id === peer)!.height;
    expect(heightOf(central, '3001')).toBe(0);

    central.send(tn.centralKey.address, testKey('W').address, 5n * COIN, { mine: true });
    await tn.settle();
    central.mineOnce();
    await tn.settle();
    expect(central.height).toBe(2);
    // The central node sent both blocks to each leaf: it knows they are at 2.
    expect(heightOf(central, '3001')).toBe(2);
    expect(heightOf(central, '3002')).toBe(2);
    // Each leaf saw the central node announce and send them.
    expect(heightOf(wallet, '3000')).toBe(2);

    miner.mineOnce();
    await tn.settle();
    expect(heightOf(central, '3002')).toBe(3); // it announced and sent its block
    expect(heightOf(central, '3001')).toBe(3); // it was given the block
    expect(heightOf(miner, '3000')).toBe(3); // central asked for it with getdata
  });
});
