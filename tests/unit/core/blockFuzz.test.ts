/**
 * Fuzzing the validator (fast-check, seeded): structural edits of a valid block — values, scripts,
 * inputs, order, duplicates, header fields — re-solved so they reach the deeper checks. Whatever
 * the edit, processBlock never throws: the block is accepted, held as an orphan, or refused with a
 * RuleError whose reason is one of the engine's documented reasons; a refused block leaves the UTXO
 * set untouched. And the same holds for corrupted wire bytes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REASONS, RuleError, decodeBlock, DecodeError, encodeBlock, type Block, type Tx } from '../../../src/core';
import { TestChain, payTo, resolve, spendTx, outKey, testKey, testParams, utxoDigest } from '../../helpers/chainBuilder';

const central = testKey('CENTRAL');
const alice = testKey('ALICE');
const bob = testKey('BOB');
const miner = testKey('MINER');

/** A chain at height 2 and a valid block 3 with three payments (one spending another's output). */
function setup() {
  const tc = new TestChain(testParams(central, { maxBlockSize: 20_000 }));
  tc.mineAndAdd(miner, [tc.pay(central, alice, 6)]);
  tc.mineAndAdd(miner);
  const aliceCoin = tc.chain.utxo.coinsForScript(alice.script).map(([key, coin]) => ({ key, coin }));
  const t1 = spendTx(alice, aliceCoin, [payTo(bob, 2n * 100_000_000n), payTo(alice, 4n * 100_000_000n - 500n)]);
  const t2 = spendTx(bob, [{ key: outKey(t1, 0), coin: t1.outputs[0] }], [payTo(central, 1n * 100_000_000n), payTo(bob, 1n * 100_000_000n)]);
  const minerCoin = tc.chain.utxo.coinsForScript(miner.script).map(([key, coin]) => ({ key, coin }))[0];
  const t3 = spendTx(miner, [minerCoin], [payTo(alice, minerCoin.coin.value)]);
  const mined = tc.mine(miner, [t1, t2, t3]);
  // The coinbase claims the 500 sat fee too: exactly subsidy + fees, so any increase is bad-cb-amount.
  const cb = mined.txs[0];
  const block = resolve({ header: mined.header, txs: [{ ...cb, outputs: [{ ...cb.outputs[0], value: cb.outputs[0].value + 500n }] }, t1, t2, t3] });
  return { tc, block };
}

type Edit = { kind: number; i: number; j: number; v: number };

function applyEdit(b: Block, e: Edit): Block {
  const txs = b.txs.slice();
  const pick = (n: number) => (txs.length ? n % txs.length : 0);
  const t = txs[pick(e.i)];
  const withTx = (tx: Tx) => {
    txs[pick(e.i)] = tx;
  };
  switch (e.kind % 14) {
    case 0: // output value
      if (t.outputs.length) withTx({ ...t, outputs: t.outputs.map((o, k) => (k === e.j % t.outputs.length ? { ...o, value: o.value + BigInt((e.j & 2 ? 1 : -1) * (e.v + 1)) } : o)) });
      break;
    case 1: // output script byte
      if (t.outputs.length) withTx({ ...t, outputs: t.outputs.map((o, k) => (k === e.j % t.outputs.length ? { ...o, script: flip(o.script, e.v) } : o)) });
      break;
    case 2: // scriptSig byte
      if (t.inputs.length) withTx({ ...t, inputs: t.inputs.map((x, k) => (k === e.j % t.inputs.length ? { ...x, scriptSig: flip(x.scriptSig, e.v) } : x)) });
      break;
    case 3: // prevout index
      if (t.inputs.length) withTx({ ...t, inputs: t.inputs.map((x, k) => (k === e.j % t.inputs.length ? { ...x, prevout: { ...x.prevout, vout: e.v % 3 } } : x)) });
      break;
    case 4: // drop a transaction
      txs.splice(pick(e.i), 1);
      break;
    case 5: // duplicate a transaction
      txs.splice(pick(e.j), 0, t);
      break;
    case 6: // swap two transactions
      [txs[pick(e.i)], txs[pick(e.j)]] = [txs[pick(e.j)], txs[pick(e.i)]];
      break;
    case 7: // drop an input / output
      if (e.v & 1) withTx({ ...t, inputs: t.inputs.filter((_, k) => k !== e.j % Math.max(1, t.inputs.length)) });
      else withTx({ ...t, outputs: t.outputs.filter((_, k) => k !== e.j % Math.max(1, t.outputs.length)) });
      break;
    case 8: // locktime and sequence
      withTx({ ...t, locktime: e.v * 7, inputs: t.inputs.map((x) => ({ ...x, sequence: e.j & 1 ? 0 : x.sequence })) });
      break;
    case 9: // version
      withTx({ ...t, version: e.v - 128 });
      break;
    case 10: // header time
      return { header: { ...b.header, time: b.header.time + (e.v - 128) * 600 }, txs };
    case 11: // header bits
      return { header: { ...b.header, bits: [0x207fffff, 0x207ffffe, 0x1d00ffff, 0x2100ffff, 0][e.v % 5] }, txs };
    case 12: // coinbase script byte
      withTx({ ...txs[0], inputs: [{ ...txs[0].inputs[0], scriptSig: flip(txs[0].inputs[0].scriptSig, e.v) }] });
      break;
    case 13: // copy an input from another transaction (double spend)
      if (t.inputs.length && txs[pick(e.j)].inputs.length) withTx({ ...t, inputs: [...t.inputs, txs[pick(e.j)].inputs[0]] });
      break;
  }
  return { header: b.header, txs };
}

function flip(b: Uint8Array, v: number): Uint8Array {
  if (!b.length) return Uint8Array.of(v);
  const out = b.slice();
  out[v % out.length] ^= 1 + (v % 255);
  return out;
}

const edit = fc.record({ kind: fc.nat(13), i: fc.nat(), j: fc.nat(), v: fc.nat(255) });

function isKnownReason(reason: string): boolean {
  return (REASONS as readonly string[]).includes(reason) || reason.startsWith('mandatory-script-verify-flag-failed (');
}

describe('validator fuzzing', () => {
  const { tc, block } = setup();
  const before = utxoDigest(tc.chain.utxo);
  const tip = tc.chain.tip.hash;

  it('the unedited block is valid', () => {
    const fresh = setup();
    expect(fresh.tc.add(fresh.block).status).toBe('accepted');
  });

  it('structural edits (re-solved): accepted, or refused with a documented reason; never a crash', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.nat(4), (edits, stale) => {
        const keepMerkle = stale === 0; // one in five keeps the old merkle root
        let b = block;
        for (const e of edits) b = applyEdit(b, e);
        // Re-solve only at the regtest difficulty; harder bits cannot be solved here (and fail anyway).
        const solved = b.header.bits === 0x207fffff ? resolve(b, {}, { keepMerkle }) : b;
        // A fresh engine at the same state each time (blocks are never shared between runs).
        const { tc: node } = cached();
        const r = node.chain.processBlock(decodeBlock(encodeBlock(solved)), node.now);
        if (r.status === 'invalid') {
          expect(r.error).toBeInstanceOf(RuleError);
          expect(isKnownReason(r.error!.reason), r.error!.reason).toBe(true);
          expect(typeof r.error!.punish).toBe('boolean');
          expect(node.chain.tip.hash).toBe(tip);
          expect(utxoDigest(node.chain.utxo)).toBe(before);
          seen.add(r.error!.reason.split(' (')[0]);
        } else {
          expect(['accepted', 'orphan']).toContain(r.status);
        }
        reset();
      }),
      { seed: 99, numRuns: 600 },
    );
    // The edits reach deep checks, not just the merkle root.
    for (const r of ['bad-txnmrklroot', 'bad-txns-inputs-missingorspent', 'mandatory-script-verify-flag-failed', 'bad-cb-amount', 'bad-txns-duplicate'])
      expect(seen, r).toContain(r);
  });

  it('corrupted wire bytes: DecodeError, or a processBlock result; never a crash', () => {
    const bytes = encodeBlock(block);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }), (flips) => {
        const b = bytes.slice();
        for (const [p, v] of flips) b[p % b.length] ^= v || 1;
        let decoded: Block;
        try {
          decoded = decodeBlock(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          return;
        }
        const { tc: node } = cached();
        const r = node.chain.processBlock(decoded, node.now);
        if (r.error) expect(isKnownReason(r.error.reason), r.error.reason).toBe(true);
        reset();
      }),
      { seed: 100, numRuns: 300 },
    );
  });

  // One engine per property, rebuilt only after a block was accepted or stored.
  let current: ReturnType<typeof setup> | null = null;
  function cached() {
    if (!current) current = setup();
    return current;
  }
  function reset() {
    if (current && (current.tc.chain.tip.hash !== tip || current.tc.chain.entries().length > 3 || current.tc.chain.orphanHashes().length)) current = null;
  }
});
