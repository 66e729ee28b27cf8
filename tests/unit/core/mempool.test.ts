/**
 * The mempool: Core's AcceptToMemoryPool reasons with their punish flags, chains of unconfirmed
 * transactions, and keeping the pool consistent when blocks connect and disconnect.
 */
import { describe, expect, it } from 'vitest';
import { COIN, RuleError, blockHashHex, hexToHash, makeCoinbase, txidHex, type MempoolEvent, type Tx } from '../../../src/core';
import { TestChain, editSignature, derEncode, CURVE_N, outKey, payTo, spendTx, testKey, testParams } from '../../helpers/chainBuilder';

const central = testKey('CENTRAL');
const alice = testKey('ALICE');
const bob = testKey('BOB');
const miner = testKey('MINER');

function rejection(f: () => unknown): { reason: string; punish: boolean } {
  try {
    f();
  } catch (e) {
    if (e instanceof RuleError) return { reason: e.reason, punish: e.punish };
    throw e;
  }
  throw new Error('expected a RuleError');
}

/** central has the genesis 10 coins; alice gets 10 in block 1 (central mined it). */
function setup(overrides = {}) {
  const tc = new TestChain(testParams(central, overrides));
  tc.mineAndAdd(central, [tc.pay(central, alice, 10)]);
  return tc;
}

describe('mempool acceptance (Core reasons)', () => {
  it('accepts a valid payment and a child spending its unconfirmed change', () => {
    const tc = setup();
    const p1 = tc.pay(alice, bob, 3);
    tc.mempool.accept(p1, tc.now);
    const p2 = tc.pay(alice, bob, 2); // spends p1's change (unconfirmed)
    expect(p2.inputs[0].prevout.txid).toEqual(hexToHash(txidHex(p1)));
    tc.mempool.accept(p2, tc.now);
    expect(tc.mempool.all().map((e) => e.txid)).toEqual([txidHex(p1), txidHex(p2)]);
  });

  it('txn-already-in-mempool: the same transaction twice (not punished)', () => {
    const tc = setup();
    const p = tc.pay(alice, bob, 3);
    tc.mempool.accept(p, tc.now);
    expect(rejection(() => tc.mempool.accept(p, tc.now))).toEqual({ reason: 'txn-already-in-mempool', punish: false });
  });

  it('txn-mempool-conflict: a second spend of an output the mempool already spends (not punished)', () => {
    const tc = setup();
    const coins = tc.chain.utxo.coinsForScript(alice.script).map(([key, coin]) => ({ key, coin }));
    tc.mempool.accept(spendTx(alice, coins, [payTo(bob, 10n * COIN)]), tc.now);
    const rival = spendTx(alice, coins, [payTo(miner, 10n * COIN)]);
    expect(rejection(() => tc.mempool.accept(rival, tc.now))).toEqual({ reason: 'txn-mempool-conflict', punish: false });
  });

  it('txn-already-known: a transaction already confirmed (not punished)', () => {
    const tc = setup();
    const p = tc.pay(alice, bob, 3);
    tc.mineAndAdd(miner, [p]);
    expect(rejection(() => tc.mempool.accept(p, tc.now))).toEqual({ reason: 'txn-already-known', punish: false });
  });

  it('coinbase: a coinbase cannot enter the mempool (punished, as in Core)', () => {
    const tc = setup();
    const cb = makeCoinbase(tc.chain.height + 1, miner.pubkeyHash, 10n * COIN);
    expect(rejection(() => tc.mempool.accept(cb, tc.now))).toEqual({ reason: 'coinbase', punish: true });
  });

  it('bad-txns-inputs-missingorspent: unknown parent is not punished (it may be an orphan)', () => {
    const tc = setup();
    const ghost = { key: `${'cd'.repeat(32)}:1`, coin: { script: alice.script } };
    const tx = spendTx(alice, [ghost], [payTo(bob, COIN)]);
    expect(rejection(() => tc.mempool.accept(tx, tc.now))).toEqual({ reason: 'bad-txns-inputs-missingorspent', punish: false });
  });

  it('bad-txns-in-belowout and script failures are consensus failures (punished); a high-S signature is only policy', () => {
    const tc = setup();
    const coins = tc.chain.utxo.coinsForScript(alice.script).map(([key, coin]) => ({ key, coin }));
    const over = spendTx(alice, coins, [payTo(bob, 10n * COIN + 1n)]);
    expect(rejection(() => tc.mempool.accept(over, tc.now))).toEqual({ reason: 'bad-txns-in-belowout', punish: true });
    const good = spendTx(alice, coins, [payTo(bob, 10n * COIN)]);
    // The same (r, s) with S above n/2 still verifies: valid in a block, but not relayed (LOW_S is policy).
    const highS = editSignature(good, 0, (r, s) => derEncode(r, CURVE_N - s));
    expect(rejection(() => tc.mempool.accept(highS, tc.now))).toEqual({
      reason: 'non-mandatory-script-verify-flag (Non-canonical signature: S value is unnecessarily high)',
      punish: false,
    });
    const stolen = spendTx(bob, coins, [payTo(bob, 10n * COIN)]);
    expect(rejection(() => tc.mempool.accept(stolen, tc.now))).toEqual({
      reason: 'mandatory-script-verify-flag-failed (Script failed an OP_EQUALVERIFY operation)',
      punish: true,
    });
    expect(tc.mempool.size).toBe(0);
    tc.mempool.accept(good, tc.now);
  });

  it('scriptpubkey: a non-standard output is refused (policy: a block may still carry it)', () => {
    const tc = setup();
    const coins = tc.chain.utxo.coinsForScript(alice.script).map(([key, coin]) => ({ key, coin }));
    const tx = spendTx(alice, coins, [{ value: COIN, script: Uint8Array.of(0x51) }]);
    expect(rejection(() => tc.mempool.accept(tx, tc.now))).toEqual({ reason: 'scriptpubkey', punish: false });
    tc.mineAndAdd(miner, [tx]);
    expect(tc.chain.utxo.getCoin(`${txidHex(tx)}:0`)?.script).toEqual(Uint8Array.of(0x51));
  });

  it('bad-txns-nonfinal: a time-locked transaction waits (not punished)', () => {
    const tc = setup();
    const coins = tc.chain.utxo.coinsForScript(alice.script).map(([key, coin]) => ({ key, coin }));
    const unsignedLock = { locktime: tc.chain.height + 5 };
    const tx = spendTx(alice, coins, [payTo(bob, COIN)], unsignedLock);
    const locked: Tx = { ...tx, inputs: tx.inputs.map((i) => ({ ...i, sequence: 0 })) };
    expect(rejection(() => tc.mempool.accept(locked, tc.now))).toEqual({ reason: 'bad-txns-nonfinal', punish: false });
  });

  it('bad-txns-premature-spend-of-coinbase: refused until mature, and not punished (the next block may make it valid)', () => {
    const tc = new TestChain(testParams(central, {}, 'bitcoin-like'));
    const b1 = tc.mineAndAdd(miner, []);
    for (let i = 2; i <= 99; i++) tc.mineAndAdd(central, []);
    const spend = spendTx(miner, [{ key: outKey(b1.txs[0]), coin: b1.txs[0].outputs[0] }], [payTo(bob, 10n * COIN)]);
    // Next block is 100: 99 confirmations behind the coinbase of block 1.
    expect(rejection(() => tc.mempool.accept(spend, tc.now))).toEqual({ reason: 'bad-txns-premature-spend-of-coinbase', punish: false });
    tc.mineAndAdd(central, []);
    tc.mempool.accept(spend, tc.now);
    expect(tc.mempool.size).toBe(1);
  });
});

describe('mempool follows the chain', () => {
  it('removes mined transactions and conflicts (with their descendants) when a block connects', () => {
    const tc = setup();
    const events: MempoolEvent[] = [];
    tc.mempool.on((e) => events.push(e));
    const coins = tc.chain.utxo.coinsForScript(alice.script).map(([key, coin]) => ({ key, coin }));
    const toBob = spendTx(alice, coins, [payTo(bob, 4n * COIN), payTo(alice, 6n * COIN)]);
    const bobOn = spendTx(bob, [{ key: outKey(toBob, 0), coin: toBob.outputs[0] }], [payTo(miner, 4n * COIN)]);
    tc.mempool.accept(toBob, tc.now);
    tc.mempool.accept(bobOn, tc.now);
    const centralPay = tc.pay(central, bob, 5);
    tc.mempool.accept(centralPay, tc.now);
    expect(tc.mempool.size).toBe(3);
    // A block (from elsewhere) with centralPay and a rival spend of alice's coin.
    const rival = spendTx(alice, coins, [payTo(miner, 10n * COIN)]);
    tc.mineAndAdd(miner, [centralPay, rival]);
    expect(tc.mempool.size).toBe(0);
    const removed = events.filter((e) => e.type === 'tx-removed').map((e) => e.type === 'tx-removed' && [e.txid, e.why]);
    expect(removed).toEqual(
      expect.arrayContaining([
        [txidHex(centralPay), 'mined'],
        [txidHex(toBob), 'conflict'],
        [txidHex(bobOn), 'conflict'],
      ]),
    );
  });

  it('keeps children of a mined parent', () => {
    const tc = setup();
    const p1 = tc.pay(alice, bob, 3);
    tc.mempool.accept(p1, tc.now);
    const p2 = tc.pay(alice, bob, 2);
    tc.mempool.accept(p2, tc.now);
    tc.mineAndAdd(miner, [p1]);
    expect(tc.mempool.all().map((e) => e.txid)).toEqual([txidHex(p2)]);
    tc.mineAndAdd(miner);
    expect(tc.balance(bob)).toBe(5);
  });

  it('re-admits transactions of disconnected blocks and drops those the new chain conflicts with', () => {
    const tc = setup();
    const fork = tc.chain.tip.hash;
    // Branch A: block with alice→bob 3 and central→bob 5.
    const a1 = tc.pay(alice, bob, 3);
    const a2 = tc.pay(central, bob, 5);
    const blockA = tc.mineAndAdd(miner, [a1, a2]);
    // A mempool transaction built on A (bob spends what a1 gave him).
    const onA = tc.pay(bob, miner, 1);
    tc.mempool.accept(onA, tc.now);
    expect(tc.chain.tip.hash).toBe(blockHashHex(blockA.header));
    // Branch B from the fork: double-spends central's coin differently, two blocks (more work).
    const coinsC = tc.chain.getUndo(tc.chain.tip.hash)!; // coins block A spent, in input order
    expect(coinsC.length).toBe(2);
    const centralCoin = { key: outKey(tc.chain.getBlock(fork)!.txs[0]), coin: tc.chain.getBlock(fork)!.txs[0].outputs[0] };
    const doubleSpend = spendTx(central, [centralCoin], [payTo(miner, 10n * COIN)]);
    const events: MempoolEvent[] = [];
    tc.mempool.on((e) => events.push(e));
    const b1 = tc.mine(miner, [doubleSpend], { parent: fork });
    expect(tc.add(b1).active).toBe(false);
    const b2 = tc.mine(miner, [], { parent: blockHashHex(b1.header) });
    const r = tc.add(b2);
    expect(r.active).toBe(true);
    expect(r.events.map((e) => e.type)).toEqual(['block-accepted', 'block-disconnected', 'block-connected', 'block-connected', 'reorg', 'tip-changed']);
    // a1 (alice→bob) is back; a2 conflicts with the double spend on B and is gone; onA is kept (a1 is back).
    const ids = tc.mempool.all().map((e) => e.txid);
    expect(ids).toEqual([txidHex(a1), txidHex(onA)]);
    expect(events.filter((e) => e.type === 'tx-returned').map((e) => e.type === 'tx-returned' && e.entry.txid)).toEqual([txidHex(a1)]);
    // Whatever is left in the mempool is minable on the new tip.
    tc.mineAndAdd(miner);
    expect(tc.mempool.size).toBe(0);
    expect([tc.balance(alice), tc.balance(bob)]).toEqual([7, 2]);
  });
});
