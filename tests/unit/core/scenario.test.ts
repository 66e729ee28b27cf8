import { describe, expect, it } from 'vitest';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

// The seed tutorial ("Building Blockchain in Go", part 7) at engine level.
describe('seed tutorial scenario on one engine', () => {
  it('ends with balances 9, 9, 1, 1, miner 10, central 10', () => {
    const central = testKey('CENTRAL');
    const [w1, w2, w3, w4] = ['WALLET_1', 'WALLET_2', 'WALLET_3', 'WALLET_4'].map(testKey);
    const miner = testKey('MINER');
    const tc = new TestChain(testParams(central));
    expect(tc.balance(central)).toBe(10); // genesis coinbase

    // send -from CENTRAL -to WALLET_1 -amount 10 -mine (the sending node mines, reward to itself)
    tc.mineAndAdd(central, [tc.pay(central, w1, 10)]);
    tc.mineAndAdd(central, [tc.pay(central, w2, 10)]);
    expect([tc.balance(central), tc.balance(w1), tc.balance(w2)]).toEqual([10, 10, 10]);

    // Two payments enter the mempool; the miner mines them together.
    tc.mempool.accept(tc.pay(w1, w3, 1), tc.now);
    tc.mempool.accept(tc.pay(w2, w4, 1), tc.now);
    expect(tc.mempool.size).toBe(2);
    tc.mineAndAdd(miner);
    expect(tc.mempool.size).toBe(0);

    expect([w1, w2, w3, w4, miner, central].map((k) => tc.balance(k))).toEqual([9, 9, 1, 1, 10, 10]);
    expect(tc.chain.height).toBe(3);
  });
});
