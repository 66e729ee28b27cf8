/**
 * Fees as a class is taught them: a payment pays a rate in sat per byte of itself (the wallet
 * builds, measures and rebuilds), a payment that cannot cover amount + fee says so in numbers, and
 * a miner fills its block by fee rate — the highest first, a parent always before its child, a
 * child's high fee pulling its parent in with it.
 */
import { describe, expect, it } from 'vitest';
import { COIN, PaymentError, buildPaymentAtRate, compareFeeRate, selectByFeeRate, spendableCoins, txSize, txidHex } from '../../../src/core';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

const central = testKey('FEE_CENTRAL');
const alice = testKey('FEE_ALICE');
const bob = testKey('FEE_BOB');
const carol = testKey('FEE_CAROL');

/** alice and bob each get 5 coins (blocks 1 and 2). */
function setup() {
  const tc = new TestChain(testParams(central));
  tc.mineAndAdd(central, [tc.pay(central, alice, 5)]);
  tc.mineAndAdd(central, [tc.pay(central, bob, 5)]);
  return tc;
}

describe('payments at a fee rate', () => {
  it('pays at least rate × its own size (a signature a byte shorter than the last round leaves ≤ 2 bytes’ worth over)', () => {
    const tc = setup();
    for (const feeRate of [0, 1, 2.5, 20]) {
      const p = buildPaymentAtRate({ from: alice, to: bob.address, amount: 1n * COIN, feeRate, coins: spendableCoins(alice.script, tc.chain.utxo, tc.mempool) });
      expect(p.size).toBe(txSize(p.tx));
      expect(p.fee).toBeGreaterThanOrEqual(BigInt(Math.ceil(feeRate * p.size)));
      expect(p.fee).toBeLessThanOrEqual(BigInt(Math.ceil(feeRate * (p.size + 2))));
      const out = p.tx.outputs.reduce((s, o) => s + o.value, 0n);
      expect(5n * COIN - out).toBe(p.fee); // inputs - outputs is the fee the miner takes
    }
  });

  it('insufficient-funds counts the fee: sending everything at 1 sat/byte needs more than everything', () => {
    const tc = setup();
    try {
      buildPaymentAtRate({ from: alice, to: bob.address, amount: 5n * COIN, feeRate: 1, coins: spendableCoins(alice.script, tc.chain.utxo, tc.mempool) });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(PaymentError);
      const f = (e as PaymentError).funds!;
      expect(f.have).toBe(5n * COIN);
      expect(f.need).toBeGreaterThan(5n * COIN);
    }
  });
});

describe('block template order (the miner picks by fee rate)', () => {
  it('the highest fee rate first; equal rates keep arrival order', () => {
    const tc = setup();
    const cheap = tc.pay(alice, carol, 1, 100n);
    const rich = tc.pay(bob, carol, 1, 10_000n);
    tc.mempool.accept(cheap, tc.now);
    tc.mempool.accept(rich, tc.now);
    expect(tc.mempool.selectForBlock(1_000_000).map((e) => e.txid)).toEqual([txidHex(rich), txidHex(cheap)]);
    const [a, b] = tc.mempool.all();
    expect(compareFeeRate(b!, a!)).toBe(1);
  });

  it('a child paying well pulls its unconfirmed parent in before it (parents always first)', () => {
    const tc = setup();
    const parent = tc.pay(alice, carol, 1, 0n); // no fee; alice's change is unconfirmed
    tc.mempool.accept(parent, tc.now);
    const middle = tc.pay(bob, carol, 1, 500n);
    tc.mempool.accept(middle, tc.now);
    const child = tc.pay(alice, carol, 1, 50_000n); // spends the parent's change
    tc.mempool.accept(child, tc.now);
    const order = tc.mempool.selectForBlock(1_000_000).map((e) => e.txid);
    expect(order).toEqual([txidHex(parent), txidHex(child), txidHex(middle)]);
  });

  it('a package that does not fit is skipped, a smaller one behind it still goes in', () => {
    const tc = setup();
    const big = tc.pay(alice, carol, 1, 10_000n);
    const small = tc.pay(bob, carol, 1, 1_000n);
    tc.mempool.accept(big, tc.now);
    tc.mempool.accept(small, tc.now);
    const entries = tc.mempool.all();
    const room = entries[1]!.size; // room for one
    expect(selectByFeeRate(entries, room).map((e) => e.txid)).toEqual([txidHex(big)]);
    expect(selectByFeeRate([{ ...entries[0]!, size: room + 1 }, entries[1]!], room).map((e) => e.txid)).toEqual([txidHex(small)]);
  });
});
