/**
 * Keys, addresses and the wallet: known vectors (private key 1), WIF, low-S signing, balances
 * confirmed and pending, payments with change and fee, and the errors a student can hit.
 */
import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  COIN,
  DecodeError,
  PaymentError,
  addressFromPublicKey,
  balanceOf,
  buildPayment,
  hashFromAddress,
  isValidAddress,
  publicKeyOf,
  signDigest,
  sha256,
  spendableCoins,
  toHex,
  txidHex,
  utf8,
  verifySignature,
  walletKeyFromSecret,
  exportWif,
  wifToPrivateKey,
  privateKeyToWif,
  hash160,
} from '../../../src/core';
import { CURVE_N, TestChain, derDecode, derEncode, testKey, testParams } from '../../helpers/chainBuilder';

const ONE = new Uint8Array(32);
ONE[31] = 1;

describe('keys and addresses: known vectors', () => {
  it('private key 1 → compressed pubkey 0279be66… → testnet address mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', () => {
    const pub = publicKeyOf(ONE);
    expect(toHex(pub)).toBe('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    expect(toHex(hash160(pub))).toBe('751e76e8199196d454941c45d1b3a323f1433bd6');
    expect(addressFromPublicKey(pub)).toBe('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r');
    const key = walletKeyFromSecret(ONE);
    expect(key.address).toBe('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r');
    expect(toHex(key.script)).toBe('76a914751e76e8199196d454941c45d1b3a323f1433bd688ac');
  });

  it('private key 1 compressed testnet WIF is cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA, and back', () => {
    expect(privateKeyToWif(ONE)).toBe('cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA');
    expect(exportWif(walletKeyFromSecret(ONE))).toBe('cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA');
    expect(wifToPrivateKey('  cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA\n')).toEqual(ONE);
  });

  it('refuses other networks, uncompressed keys, bad checksums and out-of-range keys with readable DecodeErrors', () => {
    const cases: [string, RegExp][] = [
      ['KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn', /not a test-network key/], // mainnet WIF of key 1
      ['91avARGdfge8E4tZfYLoxeJ5sGBdNJQH4kvjJoQFacbgwmaKkrx', /compressed/], // uncompressed testnet WIF of key 1
      ['cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcB', /checksum/],
      ['', /invalid WIF/],
    ];
    for (const [wif, msg] of cases) {
      expect(() => wifToPrivateKey(wif), wif).toThrow(msg);
      expect(() => wifToPrivateKey(wif), wif).toThrow(DecodeError);
    }
    expect(() => hashFromAddress('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH')).toThrow(/not a tabchain/); // mainnet address of key 1
    expect(() => hashFromAddress('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8s')).toThrow(/checksum/);
    expect(() => hashFromAddress('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8s')).toThrow(DecodeError);
    expect(isValidAddress('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r')).toBe(true);
    expect(isValidAddress('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r0')).toBe(false);
    expect(() => walletKeyFromSecret(new Uint8Array(32))).toThrow(RangeError);
    const n = new Uint8Array(32);
    let v = CURVE_N;
    for (let i = 31; i >= 0; i--, v >>= 8n) n[i] = Number(v & 0xffn);
    expect(() => walletKeyFromSecret(n)).toThrow(RangeError);
  });
});

describe('signatures: low-S on our chain, high-S only for history', () => {
  it('signDigest always produces strict-DER low-S signatures that verify', () => {
    for (let i = 0; i < 64; i++) {
      const digest = sha256(utf8(`digest ${i}`));
      const key = sha256(utf8(`key ${i}`));
      const sig = signDigest(digest, key);
      const { s } = derDecode(sig);
      expect(s <= CURVE_N / 2n).toBe(true);
      expect(verifySignature(digest, sig, publicKeyOf(key), { lowS: true, strictDer: true })).toBeNull();
    }
  });

  it('the high-S twin of a valid signature is refused when lowS is required and accepted for history', () => {
    const digest = sha256(utf8('pay bob'));
    const sig = signDigest(digest, ONE);
    const { r, s } = derDecode(sig);
    const high = derEncode(r, CURVE_N - s);
    expect(verifySignature(digest, high, publicKeyOf(ONE), { lowS: true, strictDer: true })).toBe('high-s');
    expect(verifySignature(digest, high, publicKeyOf(ONE), { lowS: false, strictDer: true })).toBeNull();
    expect(verifySignature(digest, sig, publicKeyOf(sha256(utf8('other'))), { lowS: true, strictDer: true })).toBe('invalid');
    expect(verifySignature(digest, sig, Uint8Array.of(2, ...new Uint8Array(32)), { lowS: true, strictDer: true })).toBe('bad-pubkey');
    expect(verifySignature(digest, derEncode(r, s, { padR: true }), publicKeyOf(ONE), { lowS: true, strictDer: true })).toBe('der');
  });

  it('gives the same answers the second time a key is seen (decompressed keys are remembered)', () => {
    const pub = publicKeyOf(sha256(utf8('cached key')));
    const priv = sha256(utf8('cached key'));
    const offCurve = Uint8Array.of(3, ...new Uint8Array(32).fill(0xff));
    for (let round = 0; round < 3; round++) {
      const digest = sha256(utf8(`message ${round}`));
      const sig = signDigest(digest, priv);
      expect(verifySignature(digest, sig, pub, { lowS: true, strictDer: true })).toBeNull();
      expect(verifySignature(sha256(utf8('other message')), sig, pub, { lowS: true, strictDer: true })).toBe('invalid');
      expect(verifySignature(digest, sig, offCurve, { lowS: true, strictDer: true })).toBe('bad-pubkey');
      // The uncompressed form of the same key verifies the same signature.
      expect(verifySignature(digest, sig, secp256k1.Point.fromBytes(pub).toBytes(false), { lowS: true, strictDer: true })).toBeNull();
    }
  });
});

describe('wallet', () => {
  const central = testKey('CENTRAL');
  const alice = testKey('ALICE');
  const bob = testKey('BOB');
  const miner = testKey('MINER');

  it('balance confirmed and pending, payment with change and fee', () => {
    const tc = new TestChain(testParams(central));
    const b = () => balanceOf(alice.script, tc.chain.utxo, tc.mempool);
    tc.mineAndAdd(miner, [tc.pay(central, alice, 10)]);
    expect(b()).toEqual({ confirmed: 10n * COIN, pendingOut: 0n, pendingIn: 0n, total: 10n * COIN });

    const pay = buildPayment({ from: alice, to: bob.address, amount: 3n * COIN, fee: 1000n, coins: spendableCoins(alice.script, tc.chain.utxo, tc.mempool) });
    expect(pay.outputs.map((o) => [o.value, toHex(o.script)])).toEqual([
      [3n * COIN, toHex(bob.script)],
      [7n * COIN - 1000n, toHex(alice.script)],
    ]);
    tc.mempool.accept(pay, tc.now);
    expect(tc.mempool.get(txidHex(pay))!.fee).toBe(1000n);
    // Alice's 10 are being spent; 7 - fee come back as unconfirmed change.
    expect(b()).toEqual({ confirmed: 10n * COIN, pendingOut: 10n * COIN, pendingIn: 7n * COIN - 1000n, total: 7n * COIN - 1000n });
    expect(balanceOf(bob.script, tc.chain.utxo, tc.mempool)).toMatchObject({ confirmed: 0n, pendingIn: 3n * COIN, total: 3n * COIN });
    // She can spend her unconfirmed change right away.
    const again = buildPayment({ from: alice, to: bob.address, amount: 2n * COIN, coins: spendableCoins(alice.script, tc.chain.utxo, tc.mempool) });
    tc.mempool.accept(again, tc.now);
    // Mined (fees unclaimed by this test miner): the pending figures become confirmed.
    tc.mineAndAdd(miner);
    expect(b()).toEqual({ confirmed: 5n * COIN - 1000n, pendingOut: 0n, pendingIn: 0n, total: 5n * COIN - 1000n });
    expect(tc.balance(bob)).toBe(5);
  });

  it('exact amount: no change output', () => {
    const tc = new TestChain(testParams(central));
    const coins = spendableCoins(central.script, tc.chain.utxo);
    const tx = buildPayment({ from: central, to: alice.address, amount: 9n * COIN, fee: 1n * COIN, coins });
    expect(tx.outputs.length).toBe(1);
    tc.mempool.accept(tx, tc.now);
  });

  it('insufficient funds, bad amounts and bad addresses are PaymentErrors a student can read', () => {
    const tc = new TestChain(testParams(central));
    const coins = spendableCoins(central.script, tc.chain.utxo);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PaymentError);
        return [(e as PaymentError).reason, (e as Error).message];
      }
      throw new Error('no error');
    };
    const [reason, message] = err(() => buildPayment({ from: central, to: alice.address, amount: 10n * COIN, fee: 1n, coins }));
    expect(reason).toBe('insufficient-funds');
    expect(message).toMatch(/not enough funds/);
    expect(err(() => buildPayment({ from: central, to: alice.address, amount: 0n, coins }))[0]).toBe('bad-amount');
    expect(err(() => buildPayment({ from: central, to: alice.address, amount: 1n, fee: -1n, coins }))[0]).toBe('bad-amount');
    expect(err(() => buildPayment({ from: central, to: 'not-an-address', amount: 1n, coins }))[0]).toBe('bad-address');
    expect(err(() => buildPayment({ from: alice, to: bob.address, amount: 1n, coins: [] }))[0]).toBe('insufficient-funds');
  });

  it('does not offer immature coinbase outputs', () => {
    const tc = new TestChain(testParams(central, {}, 'bitcoin-like'));
    tc.mineAndAdd(miner);
    const opts = { height: tc.chain.height, maturity: tc.chain.params.coinbaseMaturity };
    expect(spendableCoins(miner.script, tc.chain.utxo, undefined, opts)).toEqual([]);
    // The genesis coinbase (height 0) is mature once the next block is height 100.
    for (let h = 2; h <= 99; h++) tc.mineAndAdd(miner);
    const c = spendableCoins(central.script, tc.chain.utxo, undefined, { height: tc.chain.height, maturity: 100 });
    expect(c.length).toBe(1);
    expect(spendableCoins(miner.script, tc.chain.utxo, undefined, { height: tc.chain.height, maturity: 100 })).toEqual([]);
  });
});
