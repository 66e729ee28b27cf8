/**
 * The tamper lab's engine: one edited output, checked by the same consensus code in Core's order.
 * Edited → bad-txnmrklroot; merkle root recomputed → high-hash; re-mined → the signature no longer
 * covers the output (or, for a coinbase paying more, bad-cb-amount); the next block still names
 * the old hash. A node that already has the block still checks an edited copy (Core's
 * ProcessNewBlock runs CheckBlock first) instead of waving it through as a duplicate.
 */
import { describe, expect, it } from 'vitest';
import { COIN, blockHashHex, checkInPlace, childLink, editBlock, merkleMatches, solveBlockSync, txidChange, withMerkleRoot, type Block } from '../../../src/core';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

const central = testKey('TAMPER_CENTRAL');
const alice = testKey('TAMPER_ALICE');
const mallory = testKey('TAMPER_MALLORY');

function setup() {
  // A target 2^16 times harder than regtest's, so a recomputed header almost surely misses it.
  const tc = new TestChain(testParams(central, { genesisBits: 0x1f00ffff }));
  const pay = tc.pay(central, alice, 4);
  const block = tc.mineAndAdd(central, [pay]);
  const child = tc.mineAndAdd(central, []);
  const entry = tc.chain.getEntry(blockHashHex(block.header))!;
  const ctx = { params: tc.params, height: entry.height, medianTimePast: tc.chain.medianTimePast(entry.parent), spent: tc.chain.getUndo(entry.hash)! };
  return { tc, block, child, ctx };
}

const stages = (b: Block) => ({ edited: b, merkle: withMerkleRoot(b), mined: solveBlockSync(withMerkleRoot(b))! });

describe('tamper lab', () => {
  it('the original block passes every check in its place', () => {
    const { block, ctx } = setup();
    expect(checkInPlace(block, ctx)).toBeNull();
  });

  it('a payment sent to someone else: bad-txnmrklroot, then high-hash, then the signature; the child no longer links', () => {
    const { block, child, ctx } = setup();
    const s = stages(editBlock(block, { tx: 1, output: 0, script: mallory.script }));
    expect(txidChange(block, s.edited, 1).before).not.toBe(txidChange(block, s.edited, 1).after);
    expect(merkleMatches(s.edited)).toBe(false);
    expect(checkInPlace(s.edited, ctx)?.reason).toBe('bad-txnmrklroot');
    expect(checkInPlace(s.merkle, ctx)?.reason).toBe('high-hash');
    expect(checkInPlace(s.mined, ctx)?.reason).toBe('mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)');
    expect(childLink(child, block).links).toBe(true);
    expect(childLink(child, s.mined)).toMatchObject({ links: false, names: blockHashHex(block.header), is: blockHashHex(s.mined.header) });
  });

  it('an amount changed: the signature again, or more out than in; a coinbase paying more: bad-cb-amount; paid to someone else: valid', () => {
    const { block, ctx } = setup();
    expect(checkInPlace(stages(editBlock(block, { tx: 1, output: 0, value: 3n * COIN })).mined, ctx)?.reason).toMatch(/^mandatory-script-verify-flag-failed/);
    // 9 coins out of a 10-coin input that also pays 6 back: the outputs exceed the inputs first.
    expect(checkInPlace(stages(editBlock(block, { tx: 1, output: 0, value: 9n * COIN })).mined, ctx)?.reason).toBe('bad-txns-in-belowout');
    const more = block.txs[0]!.outputs[0]!.value + COIN;
    expect(checkInPlace(stages(editBlock(block, { tx: 0, output: 0, value: more })).mined, ctx)?.reason).toBe('bad-cb-amount');
    // The coinbase has no signature: whoever re-mines the block may pay the reward to anyone. It is a
    // different, valid block — which is why the chain after it, not the block alone, is the proof.
    expect(checkInPlace(stages(editBlock(block, { tx: 0, output: 0, script: mallory.script })).mined, ctx)).toBeNull();
  });

  it('a node that has the block still refuses an edited copy as mutated, and keeps the real one', () => {
    const { tc, block } = setup();
    const copy = editBlock(block, { tx: 1, output: 0, script: mallory.script });
    const r = tc.chain.processBlock(copy, tc.now);
    expect(r).toMatchObject({ status: 'invalid', error: { reason: 'bad-txnmrklroot', kind: 'mutated' } });
    expect(tc.chain.getEntry(blockHashHex(block.header))?.status).toBe('valid');
    expect(tc.chain.processBlock(block, tc.now).status).toBe('duplicate');
  });

  it('refuses an edit of an output that does not exist', () => {
    const { block } = setup();
    expect(() => editBlock(block, { tx: 5, output: 0 })).toThrow(RangeError);
  });
});
