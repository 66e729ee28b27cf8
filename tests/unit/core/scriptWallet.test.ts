/**
 * The wallet lessons, as a class would play them: three students share a 2-of-3 multisig address
 * and spend from it with two signatures passed around as a transaction; a time-locked payment
 * that cannot move before its block; a payment with an OP_RETURN note. Everything goes through
 * the real mempool and blocks.
 */
import { describe, expect, it } from 'vitest';
import {
  COIN,
  RuleError,
  addSignature,
  buildPayment,
  buildScriptSpend,
  decodeTx,
  disassemble,
  encodeTx,
  inputSigners,
  legacySighash,
  multisigAddress,
  nullDataScript,
  scriptSpendDigest,
  signDigest,
  spendableCoins,
  timeLockAddress,
  txidHex,
  utf8,
  concatBytes,
  type Tx,
  type WalletKey,
} from '../../../src/core';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

const central = testKey('CENTRAL');
const alice = testKey('ALICE');
const bob = testKey('BOB');
const carol = testKey('CAROL');
const miner = testKey('MINER');

function reason(f: () => unknown): { reason: string; punish: boolean } | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof RuleError) return { reason: e.reason, punish: e.punish };
    throw e;
  }
}

/** A student's wallet signing input `i` of a script spend (what NodeApi.signInput does in the node). */
function sign(tx: Tx, i: number, key: WalletKey): Tx {
  const sig = concatBytes(signDigest(scriptSpendDigest(tx, i), key.privateKey), Uint8Array.of(1));
  return addSignature(tx, i, sig, key.publicKey);
}

/** central pays 5 coins to `address`; the payment is mined. */
function fund(tc: TestChain, address: string): void {
  const tx = buildPayment({ from: central, to: address, amount: 5n * COIN, coins: spendableCoins(central.script, tc.chain.utxo, tc.mempool) });
  tc.mempool.accept(tx, tc.now);
  tc.mineAndAdd(miner);
}

describe('a 2-of-3 multisig shared by three students', () => {
  it('every student entering the three public keys, in any order, gets the same address (BIP67 sorting)', () => {
    const a = multisigAddress(2, [alice.publicKey, bob.publicKey, carol.publicKey]);
    const b = multisigAddress(2, [carol.publicKey, alice.publicKey, bob.publicKey]);
    expect(a.address).toBe(b.address);
    expect(a.address[0]).toBe('2'); // a test-network P2SH address
    expect(disassemble(a.redeemScript)).toMatch(/^2 [0-9a-f]{66} [0-9a-f]{66} [0-9a-f]{66} 3 OP_CHECKMULTISIG$/);
    expect(disassemble(a.script)).toMatch(/^OP_HASH160 [0-9a-f]{40} OP_EQUAL$/);
  });

  it('is funded like any address, then spent with alice\'s and carol\'s signatures passed along as hex', () => {
    const tc = new TestChain(testParams(central));
    const shared = multisigAddress(2, [alice.publicKey, bob.publicKey, carol.publicKey]);
    fund(tc, shared.address);
    const coins = spendableCoins(shared.script, tc.chain.utxo, tc.mempool);
    expect(coins.map((c) => c.coin.value)).toEqual([5n * COIN]);

    // Alice proposes: 2 coins to bob, the rest back to the shared address; she signs first.
    let tx = buildScriptSpend({ from: shared, coins, to: bob.address, amount: 2n * COIN });
    tx = sign(tx, 0, alice);
    expect(inputSigners(tx, 0)).toMatchObject({ signers: [alice.publicKey], complete: false });
    // One signature is not enough: CHECKMULTISIG finds too few items on the stack.
    expect(reason(() => tc.mempool.accept(tx, tc.now))).toEqual({ reason: 'mandatory-script-verify-flag-failed (Operation not valid with the current stack size)', punish: true });

    // The hex goes to carol, who adds hers; the order of signatures follows the order of the keys.
    const atCarol = decodeTx(encodeTx(tx));
    const done = sign(atCarol, 0, carol);
    expect(inputSigners(done, 0)!.complete).toBe(true);
    tc.mempool.accept(done, tc.now);
    tc.mineAndAdd(miner);
    expect(tc.balance(bob)).toBe(2);
    expect(spendableCoins(shared.script, tc.chain.utxo).map((c) => c.coin.value)).toEqual([3n * COIN]);
  });

  it('signatures from outsiders do not count, and a signature made for another transaction fails', () => {
    const tc = new TestChain(testParams(central));
    const shared = multisigAddress(2, [alice.publicKey, bob.publicKey, carol.publicKey]);
    fund(tc, shared.address);
    const coins = spendableCoins(shared.script, tc.chain.utxo, tc.mempool);
    const tx = buildScriptSpend({ from: shared, coins, to: bob.address, amount: 2n * COIN });
    expect(() => sign(tx, 0, miner)).toThrow(/not one of the script's keys/);
    // Bob signed a different proposal (1 coin to him): his signature does not fit this one.
    const other = sign(buildScriptSpend({ from: shared, coins, to: bob.address, amount: 1n * COIN }), 0, bob);
    const bobsSig = other.inputs[0]!.scriptSig.subarray(2, 2 + other.inputs[0]!.scriptSig[1]!);
    const mixed = addSignature(sign(tx, 0, alice), 0, bobsSig, bob.publicKey);
    expect(reason(() => tc.mempool.accept(mixed, tc.now))?.reason).toBe('mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)');
  });
});

describe('a time-locked payment (OP_CHECKLOCKTIMEVERIFY)', () => {
  it('cannot be spent before its block: first not final, then a lying lock time fails the script; from the block on it goes through', () => {
    const tc = new TestChain(testParams(central));
    tc.mineAndAdd(miner);
    const unlockAt = tc.chain.height + 4;
    const locked = timeLockAddress(unlockAt, alice.publicKey);
    expect(disassemble(locked.redeemScript)).toBe(`${unlockAt} OP_CHECKLOCKTIMEVERIFY OP_DROP ${Buffer.from(alice.publicKey).toString('hex')} OP_CHECKSIG`);
    fund(tc, locked.address);
    const coins = spendableCoins(locked.script, tc.chain.utxo, tc.mempool);

    // The honest spend carries nLockTime = the unlock height: not final until then (policy, waits).
    const honest = sign(buildScriptSpend({ from: locked, coins, to: alice.address, amount: 5n * COIN }), 0, alice);
    expect(honest.locktime).toBe(unlockAt);
    expect(reason(() => tc.mempool.accept(honest, tc.now))).toEqual({ reason: 'bad-txns-nonfinal', punish: false });
    // A spend claiming an earlier lock time is final, but the script refuses it (consensus).
    const early = sign(buildScriptSpend({ from: locked, coins, to: alice.address, amount: 5n * COIN, lockTime: tc.chain.height }), 0, alice);
    expect(reason(() => tc.mempool.accept(early, tc.now))).toEqual({ reason: 'mandatory-script-verify-flag-failed (Locktime requirement not satisfied)', punish: true });

    while (tc.chain.height + 1 < unlockAt) tc.mineAndAdd(miner);
    expect(reason(() => tc.mempool.accept(honest, tc.now))).toEqual({ reason: 'bad-txns-nonfinal', punish: false });
    tc.mineAndAdd(miner);
    tc.mempool.accept(honest, tc.now); // the next block is the unlock height
    tc.mineAndAdd(miner);
    expect(tc.balance(alice)).toBe(5);
  });
});

describe('a note in an OP_RETURN output', () => {
  it('is mined with the payment, never enters the UTXO set, and may carry at most 80 bytes to be relayed', () => {
    const tc = new TestChain(testParams(central));
    const note = nullDataScript('thanks for lunch');
    const tx = buildPayment({ from: central, to: alice.address, amount: COIN, coins: spendableCoins(central.script, tc.chain.utxo, tc.mempool), extraOutputs: [{ value: 0n, script: note }] });
    expect(disassemble(tx.outputs[1]!.script)).toBe(`OP_RETURN ${Buffer.from(utf8('thanks for lunch')).toString('hex')}`);
    tc.mempool.accept(tx, tc.now);
    tc.mineAndAdd(miner);
    expect(tc.chain.utxo.has(`${txidHex(tx)}:1`)).toBe(false);
    expect(tc.chain.utxo.has(`${txidHex(tx)}:0`)).toBe(true);

    const long = buildPayment({ from: alice, to: bob.address, amount: COIN / 2n, coins: spendableCoins(alice.script, tc.chain.utxo, tc.mempool), extraOutputs: [{ value: 0n, script: nullDataScript('x'.repeat(81)) }] });
    expect(reason(() => tc.mempool.accept(long, tc.now))).toEqual({ reason: 'scriptpubkey', punish: false });
  });
});

// BIP16: the signature hash of a P2SH input uses the redeem script as the script being signed.
it('a script spend is signed over the redeem script, not the P2SH script', () => {
  const shared = multisigAddress(1, [alice.publicKey]);
  const tx = buildScriptSpend({ from: shared, coins: [{ key: `${'11'.repeat(32)}:0`, coin: { value: COIN, script: shared.script, height: 1, coinbase: false } }], to: bob.address, amount: COIN });
  expect(scriptSpendDigest(tx, 0)).toEqual(legacySighash(tx, 0, shared.redeemScript, 1));
});
