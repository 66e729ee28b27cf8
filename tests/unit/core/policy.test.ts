/**
 * Mempool policy is not consensus: which scripts Core's IsStandard recognises, the dust line,
 * and each IsStandardTx reason on a transaction that is otherwise fine — and a block that carries
 * the same transaction is valid. Then BIP68 relative lock times (CHECKSEQUENCEVERIFY's partner).
 */
import { describe, expect, it } from 'vitest';
import {
  COIN,
  RuleError,
  checkStandardTx,
  concatBytes,
  dustThreshold,
  blockTemplate,
  solveBlockSync,
  hexToHash,
  signTx,
  isStandardOutput,
  multisigScript,
  nullDataScript,
  p2pkScript,
  p2shFor,
  parseAsm,
  pushBytes,
  solve,
  spendableCoins,
  type Tx,
  type TxOut,
} from '../../../src/core';
import { TestChain, outKey, payTo, spendTx, testKey, testParams } from '../../helpers/chainBuilder';

const central = testKey('CENTRAL');
const alice = testKey('ALICE');
const bob = testKey('BOB');
const carol = testKey('CAROL');
const d = testKey('D');
const miner = testKey('MINER');

describe('standard output scripts (Core\'s Solver and IsStandard)', () => {
  const cases: { what: string; script: Uint8Array; type: string; standard: boolean }[] = [
    { what: 'P2PKH', script: alice.script, type: 'pubkeyhash', standard: true },
    { what: 'P2SH', script: p2shFor(parseAsm('1')), type: 'scripthash', standard: true },
    { what: 'P2PK (compressed key)', script: p2pkScript(alice.publicKey), type: 'pubkey', standard: true },
    { what: '1-of-1 bare multisig', script: multisigScript(1, [alice.publicKey]), type: 'multisig', standard: true },
    { what: '2-of-3 bare multisig', script: multisigScript(2, [alice.publicKey, bob.publicKey, carol.publicKey]), type: 'multisig', standard: true },
    { what: '1-of-4 bare multisig (too many keys to relay)', script: multisigScript(1, [alice.publicKey, bob.publicKey, carol.publicKey, d.publicKey]), type: 'multisig', standard: false },
    { what: 'OP_RETURN with 80 bytes of data', script: nullDataScript(new Uint8Array(80)), type: 'nulldata', standard: true },
    { what: 'OP_RETURN with 81 bytes of data', script: nullDataScript(new Uint8Array(81)), type: 'nulldata', standard: false },
    { what: 'a SegWit v0 program (not implemented)', script: concatBytes(Uint8Array.of(0), pushBytes(new Uint8Array(20))), type: 'witness', standard: false },
    { what: 'OP_TRUE', script: parseAsm('1'), type: 'nonstandard', standard: false },
  ];
  for (const c of cases)
    it(`${c.what}: ${c.type}, ${c.standard ? 'relayed' : 'not relayed'}`, () => {
      expect(solve(c.script).type).toBe(c.type);
      expect(isStandardOutput(c.script)).toBe(c.standard);
    });

  it('dust: 546 sat for P2PKH, 540 for P2SH (3 sat per byte of output + the input that would spend it); OP_RETURN never', () => {
    expect(dustThreshold(payTo(alice, 0n))).toBe(546n);
    expect(dustThreshold({ value: 0n, script: p2shFor(parseAsm('1')) })).toBe(540n);
    expect(dustThreshold({ value: 0n, script: nullDataScript('hi') })).toBe(0n);
  });
});

describe('IsStandardTx reasons: refused by the mempool, valid in a block', () => {
  function setup() {
    const tc = new TestChain(testParams(central));
    const coins = spendableCoins(central.script, tc.chain.utxo, tc.mempool);
    return { tc, coins };
  }
  const reasonOf = (tx: Tx) => {
    try {
      checkStandardTx(tx);
      return null;
    } catch (e) {
      return (e as RuleError).reason;
    }
  };
  const edits: { reason: string; build: (coins: ReturnType<typeof setup>['coins']) => Tx }[] = [
    { reason: 'version', build: (c) => spendTx(central, c, [payTo(bob, COIN)], { version: 3 }) },
    { reason: 'scriptpubkey', build: (c) => spendTx(central, c, [payTo(bob, COIN), { value: COIN, script: parseAsm('1') }]) },
    { reason: 'dust', build: (c) => spendTx(central, c, [payTo(bob, 545n)]) },
    { reason: 'multi-op-return', build: (c) => spendTx(central, c, [payTo(bob, COIN), { value: 0n, script: nullDataScript('a') }, { value: 0n, script: nullDataScript('b') }]) },
  ];
  for (const e of edits)
    it(`${e.reason}`, () => {
      const { tc, coins } = setup();
      const tx = e.build(coins);
      expect(reasonOf(tx)).toBe(e.reason);
      let refused: RuleError | null = null;
      try {
        tc.mempool.accept(tx, tc.now);
      } catch (err) {
        refused = err as RuleError;
      }
      expect({ reason: refused?.reason, punish: refused?.punish }).toEqual({ reason: e.reason, punish: false });
      tc.mineAndAdd(miner, [tx]); // consensus has no objection
    });

  it('scriptsig-not-pushonly: an input doing work in its scriptSig (valid in a block)', () => {
    const { tc, coins } = setup();
    const good = spendTx(central, coins, [payTo(bob, COIN)]);
    // OP_NOP before the pushes: the script still verifies, but only pushes are relayed.
    const tx: Tx = { ...good, inputs: [{ ...good.inputs[0]!, scriptSig: concatBytes(Uint8Array.of(0x61), good.inputs[0]!.scriptSig) }] };
    expect(reasonOf(tx)).toBe('scriptsig-not-pushonly');
    tc.mineAndAdd(miner, [tx]);
  });
});

describe('BIP68 relative lock time (version 2, sequence = blocks to wait)', () => {
  it('a spend that asks its coin to be 3 blocks deep waits: non-BIP68-final in the mempool, bad-txns-nonfinal in a block', () => {
    const tc = new TestChain(testParams(central));
    const fund = tc.pay(central, alice, 5);
    tc.mineAndAdd(miner, [fund]); // alice's coin is at height 1
    const tx = withSequence(alice, outKey(fund, 0), 3, [payTo(bob, 5n * COIN)]);
    const reason = () => {
      try {
        tc.mempool.accept(tx, tc.now);
        return null;
      } catch (e) {
        return (e as RuleError).reason;
      }
    };
    expect(reason()).toBe('non-BIP68-final'); // next block is 2: the coin would be 1 deep
    const early = tc.mine(miner, [tx]);
    expect(tc.chain.processBlock(early, tc.now).error?.reason).toBe('bad-txns-nonfinal');
    tc.mineAndAdd(miner, []); // height 2
    expect(reason()).toBe('non-BIP68-final'); // next block is 3: still one short
    tc.mineAndAdd(miner, []); // height 3
    expect(reason()).toBeNull(); // next block is 4 = 1 + 3
    tc.mineAndAdd(miner);
    expect(tc.balance(bob)).toBe(5);
  });
});

/** A signed version-2 spend of one coin with the given sequence (BIP68: the low 16 bits are blocks to wait). */
function withSequence(key: ReturnType<typeof testKey>, outpoint: string, sequence: number, outputs: TxOut[]): Tx {
  const [txid, vout] = outpoint.split(':');
  const unsigned: Tx = { version: 2, inputs: [{ prevout: { txid: hexToHash(txid!), vout: Number(vout) }, scriptSig: new Uint8Array(0), sequence }], outputs, locktime: 0 };
  return signTx(unsigned, [key.script], key);
}

describe('block templates stay under the sigop limit', () => {
  it('with bare multisig outputs (20 sigops each, counted the legacy way) the miner leaves what does not fit for the next block', () => {
    // maxBlockSize 20,000: at most 400 sigops per block.
    const tc = new TestChain(testParams(central, { maxBlockSize: 20_000 }));
    const bare = multisigScript(1, [alice.publicKey, bob.publicKey]);
    let coin = { key: outKey(tc.chain.getBlock(tc.chain.genesis.hash)!.txs[0]!, 0), coin: { script: central.script }, value: 10n * COIN };
    for (let i = 0; i < 5; i++) {
      // Each payment: 4 bare multisig outputs (80 sigops) and change.
      const outs = [...Array.from({ length: 4 }, () => ({ value: 1000n, script: bare })), payTo(central, coin.value - 4000n)];
      const tx = spendTx(central, [coin], outs);
      tc.mempool.accept(tx, tc.now);
      coin = { key: outKey(tx, 4), coin: { script: central.script }, value: coin.value - 4000n };
    }
    expect(tc.mempool.all().map((e) => e.sigops)).toEqual([81, 81, 81, 81, 81]);
    // All five in one block would be 5 × 81 + the coinbase's 1 = 406 sigops: invalid.
    expect(tc.chain.processBlock(tc.mine(miner), tc.now).error?.reason).toBe('bad-blk-sigops');
    // The miner's template takes four (325) and leaves the fifth for the next block.
    const template = blockTemplate(tc.chain, tc.mempool, miner.pubkeyHash, tc.now);
    expect(template.txs.length).toBe(1 + 4);
    tc.add(solveBlockSync(template)!, true);
    expect(tc.mempool.size).toBe(1);
  });
});
