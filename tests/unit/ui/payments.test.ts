import { describe, expect, it } from 'vitest';
import { buildPayment, COIN, spendableCoins, txidHex } from '../../../src/core';
import { describePayment } from '../../../src/ui/views/wallet/payments';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

// Central holds the genesis reward (10 coins) and pays a wallet 3; the wallet view explains it.
describe('a payment as the wallet view explains it', () => {
  const central = testKey('central');
  const wallet = testKey('wallet');
  const tc = new TestChain(testParams(central));
  const coins = spendableCoins(central.script, tc.chain.utxo);
  const tx = buildPayment({ from: central, to: wallet.address, amount: 3n * COIN, fee: 1000n, coins });
  const spent = coins.map((c) => c.coin);

  it('central: spends its 10-coin output, creates 3 to the wallet and change to itself; net −3 minus the fee', () => {
    const p = describePayment(tx, spent, new Set([central.address]))!;
    expect(p.txid).toBe(txidHex(tx));
    expect(p.coinbase).toBe(false);
    expect(p.inputs).toEqual([{ outpoint: coins[0].key, address: central.address, value: 10n * COIN, mine: true }]);
    expect(p.outputs.map((o) => [o.address, o.value, o.mine])).toEqual([[wallet.address, 3n * COIN, false], [central.address, 7n * COIN - 1000n, true]]);
    expect(p.outputs[1].outpoint).toBe(`${p.txid}:1`);
    expect(p.net).toBe(-(3n * COIN) - 1000n);
    expect(p.fee).toBe(1000n);
  });

  it('wallet: receives 3; a stranger sees nothing; an unknown input makes net and fee unknown', () => {
    expect(describePayment(tx, spent, new Set([wallet.address]))!.net).toBe(3n * COIN);
    expect(describePayment(tx, spent, new Set([testKey('stranger').address]))).toBeNull();
    const unknown = describePayment(tx, [null], new Set([wallet.address]))!;
    expect(unknown.inputs[0]).toEqual({ outpoint: coins[0].key, address: null, value: null, mine: false });
    expect(unknown.net).toBeNull();
    expect(unknown.fee).toBeNull();
  });

  it('a block reward is a coinbase with no inputs and no fee', () => {
    const block = tc.mineAndAdd(central, []);
    const p = describePayment(block.txs[0], [], new Set([central.address]))!;
    expect(p.coinbase).toBe(true);
    expect(p.inputs).toEqual([]);
    expect(p.net).toBe(10n * COIN);
    expect(p.fee).toBeNull();
  });
});
