/**
 * The block-rule catalogue, after Bitcoin Core's feature_block.py and btcd's fullblocktests: one
 * scripted list of blocks, each expected accepted, orphaned or rejected with Core's exact reason
 * and punish flag, replayed in order on a fresh engine. Each rejected block is otherwise valid,
 * so the reason named is the only thing wrong with it.
 */
import { describe, expect, it } from 'vitest';
import {
  COIN,
  MAX_MONEY,
  OP,
  RuleError,
  hash160,
  p2shScript,
  pushBytes,
  txid,
  SIGHASH_ALL,
  blockHashHex,
  checkBlockSanity,
  coinbaseScript,
  concatBytes,
  legacySighash,
  makeCoinbase,
  p2pkhInputScript,
  signDigest,
  subsidyAt,
  type Block,
  type Tx,
} from '../../../src/core';
import { BlockScript, coinbaseWithHeight, type Spendable } from '../../helpers/blockScript';
import {
  CURVE_N,
  derEncode,
  editSignature,
  payTo,
  testKey,
  testParams,
  unsolve,
  utxoDigest,
  withScriptSig,
} from '../../helpers/chainBuilder';

const miner = testKey('MINER');
const alice = testKey('ALICE');
const bob = testKey('BOB');

/** Reasons decided by the context-free checks (Core's CheckBlock / CheckTransaction). */
const SANITY = new Set([
  'high-hash',
  'bad-txnmrklroot',
  'bad-txns-duplicate',
  'bad-blk-length',
  'bad-cb-missing',
  'bad-cb-multiple',
  'bad-cb-length',
  'bad-txns-vin-empty',
  'bad-txns-vout-empty',
  'bad-txns-vout-negative',
  'bad-txns-vout-toolarge',
  'bad-txns-txouttotal-toolarge',
  'bad-txns-inputs-duplicate',
  'bad-txns-prevout-null',
  'bad-blk-sigops',
]);

const SCRIPT = 'mandatory-script-verify-flag-failed';

/** A DER signature with the same (r, s) that BIP66 refuses: R with a superfluous zero, or R read as negative. */
function nonCanonicalDer(r: bigint, s: bigint): Uint8Array {
  const good = derEncode(r, s);
  if (good[4] === 0) {
    // R's top bit is set and carries its required leading zero: drop it (a negative R), same length - 1.
    const lenR = good[3];
    return Uint8Array.from([0x30, good[1] - 1, 0x02, lenR - 1, ...good.subarray(5, 4 + lenR), ...good.subarray(4 + lenR)]);
  }
  return derEncode(r, s, { padR: true });
}

function buildScript(): BlockScript {
  // maxBlockSize 4000 so bad-blk-length needs only ~20 payments.
  const params = testParams(miner, { maxBlockSize: 4000 });
  const s = new BlockScript(params, miner, [alice, bob]);
  const reward = subsidyAt(params, 1);

  // ---- A chain of 12 blocks, so the median-time window is full. b2 pays alice and bob.
  s.accept('b1', s.block());
  const fund = s.pay(s.coinbaseOut('b1'), { outputs: [payTo(alice, 4n * COIN), payTo(bob, 3n * COIN), payTo(miner, 3n * COIN)] });
  s.accept('b2', s.block({ txs: [fund] }));
  for (let h = 3; h <= 12; h++) s.accept(`b${h}`, s.block());
  const aliceCoin = s.out(fund, 0);
  const bobCoin = s.out(fund, 1);
  const minerCoin = s.coinbaseOut('b3');

  // ---- Header: proof of work and difficulty.
  s.reject('high-hash', unsolve(s.block()), 'high-hash');
  s.reject('bits-above-limit', s.block({ header: { bits: 0x2100ffff } }), 'bad-diffbits');
  s.reject('bits-not-expected', s.block({ header: { bits: 0x207ffffe } }), 'bad-diffbits');

  // ---- Header: time. Median time past of the last 11 blocks, and at most 2 h ahead of the clock.
  const mtp = s.medianTimePast('b12');
  expect(mtp).toBe(s.get('b7').header.time);
  s.reject('time-eq-mtp', s.block({ header: { time: mtp } }), 'time-too-old');
  s.reject('time-below-mtp', s.block({ header: { time: mtp - 1000 } }), 'time-too-old');
  // One second after the median is fine, even though it is earlier than the parent's time.
  s.accept('b13', s.block({ header: { time: mtp + 1 } }));
  const future = s.block();
  const t = future.header.time;
  s.reject('future', future, 'time-too-new', { punish: false, now: t - 2 * 3600 - 1 });
  // Not remembered as invalid: the same block is accepted once the clock has caught up.
  s.accept('b14', future, { now: t - 2 * 3600 });

  // ---- Orphans: a child arriving before its parent waits, and connects when the parent comes.
  const b15 = s.define('b15', s.block());
  s.orphan('b16', s.block({ parent: 'b15' }));
  s.accept('b15', b15, {
    tip: 'b16',
    after: (chain, r) => {
      expect(r.events.filter((e) => e.type === 'block-connected').length).toBe(2);
      expect(chain.orphanHashes()).toEqual([]);
    },
  });
  s.tip = 'b16';

  // ---- Merkle root and CVE-2012-2459.
  s.reject('bad-merkle', s.block({ header: { merkleRoot: new Uint8Array(32).fill(7) } }), 'bad-txnmrklroot');
  const t1 = s.pay(minerCoin, { to: alice, amount: 1n * COIN });
  const t2 = s.pay(s.coinbaseOut('b4'), { to: bob, amount: 1n * COIN });
  const honest = s.block({ txs: [t1, t2] });
  // [cb, t1, t2, t2] has the same merkle root (and so the same hash) as [cb, t1, t2].
  const mutated: Block = { header: honest.header, txs: [...honest.txs, t2] };
  expect(blockHashHex(mutated.header)).toBe(blockHashHex(honest.header));
  s.reject('mutated', mutated, 'bad-txns-duplicate');
  // The mutation must not poison the honest block with the same hash.
  s.accept('b17', honest);

  // ---- Size and coinbase placement.
  const chained: Tx[] = [];
  let coin: Spendable = s.coinbaseOut('b5');
  for (let i = 0; i < 20; i++) {
    const tx = s.pay(coin, { to: miner, amount: 1000n });
    chained.push(tx);
    coin = s.out(tx, 1);
  }
  s.reject('too-big', s.block({ txs: chained }), 'bad-blk-length');
  s.reject('no-txs', s.block({ coinbase: null }), 'bad-blk-length');
  s.reject('no-coinbase', s.block({ coinbase: null, txs: [s.pay(s.coinbaseOut('b6'))] }), 'bad-cb-missing');
  const secondCb = makeCoinbase(s.heightOf('b17') + 1, miner.pubkeyHash, 1n, 'second');
  s.reject('two-coinbases', s.block({ txs: [secondCb] }), 'bad-cb-multiple');
  const h18 = s.heightOf('b17') + 1;
  s.reject('cb-height', s.block({ coinbase: coinbaseWithHeight(h18 + 1, miner.pubkeyHash, reward) }), 'bad-cb-height');
  // A block on an invalid parent is refused without looking further.
  s.reject('on-bad-height', s.block({ parent: 'cb-height' }), 'bad-prevblk');
  const longCb: Tx = { ...makeCoinbase(h18, miner.pubkeyHash, reward), inputs: [{ prevout: { txid: new Uint8Array(32), vout: 0xffffffff }, scriptSig: concatBytes(coinbaseScript(h18), new Uint8Array(100)), sequence: 0xffffffff }] };
  s.reject('cb-long', s.block({ coinbase: longCb }), 'bad-cb-length');

  // ---- Coinbase amount: subsidy + fees exactly is fine, one satoshi more is not.
  const feeTx = s.pay(s.coinbaseOut('b6'), { to: bob, amount: 2n * COIN, fee: 12_345n });
  s.reject('cb-amount', s.block({ txs: [feeTx], cbValue: reward + 12_345n + 1n }), 'bad-cb-amount', {
    // The student sees the numbers: what the coinbase paid and the limit.
    after: (_, r) => expect(r.error?.debug).toBe(`coinbase pays ${reward + 12_346n} sat; the limit is subsidy + fees = ${reward + 12_345n} sat`),
  });
  s.reject('on-bad-amount', s.block({ parent: 'cb-amount' }), 'bad-prevblk');
  s.reject('cb-amount-again', s.get('cb-amount'), 'duplicate-invalid');
  s.accept('b18', s.block({ txs: [feeTx], cbValue: reward + 12_345n }));

  // ---- Transaction sanity (Core's CheckTransaction).
  const spend = (outputs: { value: bigint; script: Uint8Array }[]) => s.pay(bobCoin, { outputs });
  s.reject('vin-empty', s.block({ txs: [{ version: 1, inputs: [], outputs: [payTo(bob, 1n)], locktime: 0 }] }), 'bad-txns-vin-empty');
  s.reject('vout-empty', s.block({ txs: [spend([])] }), 'bad-txns-vout-empty');
  s.reject('vout-negative', s.block({ txs: [spend([payTo(bob, -1n)])] }), 'bad-txns-vout-negative');
  s.reject('vout-toolarge', s.block({ txs: [spend([payTo(bob, MAX_MONEY + 1n)])] }), 'bad-txns-vout-toolarge');
  s.reject('outtotal-toolarge', s.block({ txs: [spend([payTo(bob, MAX_MONEY), payTo(bob, 1n)])] }), 'bad-txns-txouttotal-toolarge');
  s.reject('inputs-duplicate', s.block({ txs: [s.pay([bobCoin, bobCoin], { to: bob, amount: 1n * COIN })] }), 'bad-txns-inputs-duplicate');
  const nullIn = s.pay(bobCoin, { to: bob, amount: 1n * COIN });
  const withNull: Tx = { ...nullIn, inputs: [...nullIn.inputs, { prevout: { txid: new Uint8Array(32), vout: 0xffffffff }, scriptSig: nullIn.inputs[0].scriptSig, sequence: 0xffffffff }] };
  s.reject('prevout-null', s.block({ txs: [withNull] }), 'bad-txns-prevout-null');
  // The block's scripts may hold at most maxBlockSize / 50 = 80 signature operations (counted without the coins).
  s.reject('sigops', s.block({ txs: [spend([{ value: 1n * COIN, script: new Uint8Array(81).fill(OP.OP_CHECKSIG) }])] }), 'bad-blk-sigops');
  // A scriptSig that is not only pushes is valid consensus if it executes; this one cannot (OP_DUP on an empty stack).
  const notPushes = withScriptSig(s.pay(bobCoin), 0, concatBytes(Uint8Array.of(OP.OP_DUP), s.pay(bobCoin).inputs[0].scriptSig));
  s.reject('scriptsig-fails', s.block({ txs: [notPushes] }), `${SCRIPT} (Operation not valid with the current stack size)`);

  // ---- Inputs against the UTXO set (Core's CheckTxInputs).
  s.reject('in-belowout', s.block({ txs: [spend([payTo(bob, 3n * COIN + 1n)])] }), 'bad-txns-in-belowout');
  const ghost: Spendable = { key: `${'ab'.repeat(32)}:0`, coin: { value: COIN, script: bob.script }, owner: bob };
  s.reject('missing', s.block({ txs: [s.pay(ghost)] }), 'bad-txns-inputs-missingorspent');
  const parentTx = s.pay(aliceCoin, { to: bob, amount: 1n * COIN });
  const childTx = s.pay(s.out(parentTx, 0), { to: alice });
  s.reject('spends-later-output', s.block({ txs: [childTx, parentTx] }), 'bad-txns-inputs-missingorspent');
  const doubleA = s.pay(aliceCoin, { to: bob, amount: 1n * COIN });
  const doubleB = s.pay(aliceCoin, { to: miner, amount: 1n * COIN });
  s.reject('double-spend-in-block', s.block({ txs: [doubleA, doubleB] }), 'bad-txns-inputs-missingorspent');
  s.reject('spent-in-earlier-block', s.block({ txs: [s.pay(s.coinbaseOut('b6'))] }), 'bad-txns-inputs-missingorspent');
  // Spending an output created earlier in the same block is valid.
  s.accept('b19', s.block({ txs: [parentTx, childTx] }));

  // ---- Signatures: the script check of every input (P2PKH: key hash, then ECDSA).
  const bobSpend = s.pay(bobCoin, { to: alice, amount: 1n * COIN });
  const wrongKey = s.pay({ ...bobCoin, owner: alice }, { to: alice, amount: 1n * COIN }); // alice signs bob's coin
  s.reject('wrong-pubkey', s.block({ txs: [wrongKey] }), `${SCRIPT} (Script failed an OP_EQUALVERIFY operation)`);
  const digest = legacySighash(bobSpend, 0, bob.script, SIGHASH_ALL);
  const forged = withScriptSig(bobSpend, 0, p2pkhInputScript(signDigest(digest, alice.privateKey), SIGHASH_ALL, bob.publicKey));
  const FALSE = `${SCRIPT} (Script evaluated without error but finished with a false/empty top stack element)`;
  s.reject('wrong-signer', s.block({ txs: [forged] }), FALSE);
  // A relay redirects the payment to itself: the signature no longer matches the outputs.
  const tampered: Tx = { ...bobSpend, outputs: [payTo(miner, 1n * COIN), ...bobSpend.outputs.slice(1)] };
  s.reject('tampered-output', s.block({ txs: [tampered] }), FALSE);
  // Strict DER is consensus (BIP66, the DERSIG flag); low S is only policy (see b20).
  s.reject('non-der', s.block({ txs: [editSignature(bobSpend, 0, nonCanonicalDer)] }), `${SCRIPT} (Non-canonical DER signature)`);
  // The hash type byte is signed too: turning SIGHASH_ALL into SIGHASH_NONE breaks the signature.
  s.reject('hashtype-edited', s.block({ txs: [editSignature(bobSpend, 0, (r, sv) => derEncode(r, sv), 0x02)] }), FALSE);
  // Non-final: locktime in the future with a non-final sequence.
  const nonFinal = s.pay(bobCoin, { to: alice, amount: 1n * COIN });
  const lockedRaw: Tx = { ...nonFinal, locktime: 1000, inputs: nonFinal.inputs.map((i) => ({ ...i, sequence: 0 })) };
  s.reject('non-final', s.block({ txs: [lockedRaw] }), 'bad-txns-nonfinal');
  // The same signature with S replaced by n - S also verifies: valid in a block (a mempool refuses it).
  const highS = editSignature(bobSpend, 0, (r, sv) => derEncode(r, CURVE_N - sv));
  s.accept('b20', s.block({ txs: [highS] }));

  // ---- Policy is not consensus: a block may pay a non-standard script (here OP_1, "true"), and anyone may spend it.
  const anyone = s.pay(s.out(parentTx, 1), { outputs: [{ value: 1n * COIN, script: Uint8Array.of(OP.OP_1) }] });
  s.accept('b21', s.block({ txs: [anyone] }));
  const taken: Tx = { version: 1, inputs: [{ prevout: { txid: txid(anyone), vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xffffffff }], outputs: [payTo(miner, 1n * COIN)], locktime: 0 };
  s.noteOutputs(taken);
  // Redeem-script sigops are counted when the coins are known: 81 CHECKSIGs behind a P2SH hash.
  const heavy = new Uint8Array(81).fill(OP.OP_CHECKSIG);
  const toP2sh = s.pay(s.out(taken), { outputs: [{ value: 1n * COIN, script: p2shScript(hash160(heavy)) }] });
  s.accept('b22', s.block({ txs: [taken, toP2sh] }));
  const spendHeavy: Tx = { version: 1, inputs: [{ prevout: { txid: txid(toP2sh), vout: 0 }, scriptSig: pushBytes(heavy), sequence: 0xffffffff }], outputs: [payTo(miner, 1n * COIN)], locktime: 0 };
  s.reject('p2sh-sigops', s.block({ txs: [spendHeavy] }), 'bad-blk-sigops');

  // ---- A child of a block rejected by the context-free checks is an orphan: that block was never stored.
  s.orphan('child-of-unstored-block', s.block({ parent: 'too-big' }));
  return s;
}

describe('block rules (feature_block-style script, replayed on a fresh engine)', () => {
  const s = buildScript();

  it('the whole script, in order: every step has the expected outcome, reason and punish flag', () => {
    const chain = s.replay();
    expect(chain.tip.hash).toBe(s.hashOf('b22'));
    expect(chain.height).toBe(22);
  });

  // One test per step (each on a fresh engine fed the steps before it).
  s.steps.forEach((st, i) => {
    const what = st.expect.kind === 'rejected' ? `${st.expect.reason}${st.expect.punish ? '' : ' (not punished)'}` : st.expect.kind;
    it(`${st.name}: ${what}`, () => {
      s.replayStep(i);
    });
  });

  it('covers every reason of the issue', () => {
    const reasons = new Set(s.steps.map((st) => (st.expect.kind === 'rejected' ? st.expect.reason.split(' (')[0] : st.expect.kind)));
    for (const r of [
      'high-hash', 'bad-diffbits', 'time-too-old', 'time-too-new', 'orphan', 'bad-prevblk', 'bad-txnmrklroot',
      'bad-txns-duplicate', 'bad-blk-length', 'bad-cb-missing', 'bad-cb-multiple', 'bad-cb-height', 'bad-cb-amount',
      'bad-txns-vin-empty', 'bad-txns-vout-empty', 'bad-txns-vout-negative', 'bad-txns-vout-toolarge',
      'bad-txns-txouttotal-toolarge', 'bad-txns-inputs-duplicate', 'bad-txns-prevout-null', 'bad-txns-in-belowout',
      'bad-txns-inputs-missingorspent', SCRIPT, 'bad-blk-sigops',
    ])
      expect(reasons, r).toContain(r);
  });

  it('context-free checks decide exactly the sanity reasons, without any chain', () => {
    for (const st of s.steps) {
      let thrown: RuleError | null = null;
      try {
        checkBlockSanity(st.block, s.params);
      } catch (e) {
        thrown = e as RuleError;
      }
      // Redeem-script sigops need the spent coins: only ConnectBlock can count them.
      const sanity = st.expect.kind === 'rejected' && (SANITY.has(st.expect.reason) || st.name === 'bits-above-limit') && st.name !== 'p2sh-sigops';
      const expected = sanity && st.expect.kind === 'rejected' ? st.expect.reason : null;
      expect({ step: st.name, reason: thrown?.reason ?? null }).toEqual({ step: st.name, reason: expected });
    }
  });

  it('a rejected block never changes the UTXO set', () => {
    // Replaying only the accepted steps gives the same engine state as the full script.
    const full = s.replay();
    const accepted = s.steps.filter((st) => st.expect.kind === 'accepted' || st.name === 'b16');
    const lean = new BlockScript(s.params, miner);
    for (const st of accepted) lean.steps.push({ ...st, expect: st.name === 'b16' ? { kind: 'orphan' } : { kind: 'accepted' } });
    const again = lean.replay();
    expect(again.tip.hash).toBe(full.tip.hash);
    expect(utxoDigest(again.utxo)).toBe(utxoDigest(full.utxo));
  });
});

describe('coinbase maturity (bitcoin-like preset: 100 confirmations)', () => {
  it('refuses a spend at 99 confirmations and accepts one at exactly 100', () => {
    const params = testParams(miner, {}, 'bitcoin-like');
    expect(params.coinbaseMaturity).toBe(100);
    const s = new BlockScript(params, miner);
    for (let h = 1; h <= 99; h++) s.accept(`b${h}`, s.block());
    // Block 100 spending b1's coinbase (height 1): 99 confirmations behind it — too early.
    s.reject('premature', s.block({ txs: [s.pay(s.coinbaseOut('b1'))] }), 'bad-txns-premature-spend-of-coinbase');
    // Block 100 spending the genesis coinbase (height 0): exactly 100 — fine.
    s.accept('b100', s.block({ txs: [s.pay(s.coinbaseOut('genesis'))] }));
    // And at block 101, b1's coinbase has matured.
    s.accept('b101', s.block({ txs: [s.pay(s.coinbaseOut('b1'))] }));
    const chain = s.replay();
    expect(chain.height).toBe(101);
  });
});

describe('parallel script checks (Core’s -par check queue) on the same catalogue', () => {
  it('a pool of workers checking each block’s signatures first changes no verdict, reason, punishment or coin', async () => {
    // Dynamic import: the pool lives outside the engine (src/workers, src/node), this file tests the engine.
    const { parallelReplay } = await import('../../helpers/parallelReplay');
    const s = buildScript();
    const r = await parallelReplay(s.params, s.steps, 2);
    expect(r.parallel).toEqual(r.single);
    expect(r.utxo.parallel).toBe(r.utxo.single);
    expect(r.tips.parallel).toBe(r.tips.single);
    // The pool did the work: it passed the good signatures and failed the catalogue's bad ones
    // (which the engine then found again, with Core's reasons, above).
    expect(r.verdicts.passed).toBeGreaterThan(10);
    expect(r.verdicts.failed).toBeGreaterThanOrEqual(s.steps.filter((st) => st.expect.kind === 'rejected' && st.expect.reason.startsWith(SCRIPT)).length);
    expect(r.perWorker.every((n) => n > 0)).toBe(true);
  });
});
