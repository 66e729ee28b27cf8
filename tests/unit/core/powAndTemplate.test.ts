/**
 * Compact difficulty bits (Core's SetCompact/GetCompact, vectors from Core's arith_uint256
 * tests), the proof-of-work check on odd bits, halving, and block templates: a template built
 * from the mempool is a valid block paying exactly subsidy + fees.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  COIN,
  RuleError,
  bitsToTarget,
  blockTemplate,
  checkProofOfWork,
  solveBlockSync,
  subsidyAt,
  targetToBits,
  txidHex,
  workFromBits,
  type BlockHeader,
} from '../../../src/core';
import { TestChain, resolve, testKey, testParams } from '../../helpers/chainBuilder';

describe('compact bits (Core arith_uint256 vectors)', () => {
  const vectors: [number, bigint, boolean, boolean][] = [
    // bits, target, negative, overflow
    [0x00000000, 0n, false, false],
    [0x00123456, 0n, false, false],
    [0x01003456, 0n, false, false],
    [0x02000056, 0n, false, false],
    [0x03000000, 0n, false, false],
    [0x04000000, 0n, false, false],
    [0x00923456, 0n, false, false],
    [0x01803456, 0n, false, false],
    [0x02800056, 0n, false, false],
    [0x03800000, 0n, false, false],
    [0x04800000, 0n, false, false],
    [0x01123456, 0x12n, false, false],
    [0x01fedcba, 0x7en, true, false],
    [0x02123456, 0x1234n, false, false],
    [0x03123456, 0x123456n, false, false],
    [0x04123456, 0x12345600n, false, false],
    [0x04923456, 0x12345600n, true, false],
    [0x05009234, 0x92340000n, false, false],
    [0x20123456, 0x123456n << 232n, false, false],
    [0x1d00ffff, 0xffffn << 208n, false, false],
  ];
  for (const [bits, target, negative, overflow] of vectors)
    it(`0x${bits.toString(16).padStart(8, '0')}`, () => {
      expect(bitsToTarget(bits)).toEqual({ target, negative, overflow });
    });

  it('overflow and GetCompact vectors', () => {
    expect(bitsToTarget(0xff123456).overflow).toBe(true);
    expect(targetToBits(0x12n)).toBe(0x01120000);
    expect(targetToBits(0x80n)).toBe(0x02008000); // never sets the sign bit
    expect(targetToBits(0x1234n)).toBe(0x02123400);
    expect(targetToBits(0x12345600n)).toBe(0x04123456);
    expect(targetToBits(0x92340000n)).toBe(0x05009234);
    expect(targetToBits(0x123456n << 232n)).toBe(0x20123456);
    expect(targetToBits(0n)).toBe(0);
  });

  it('GetCompact then SetCompact keeps the top 3 significant bytes, never rounds up', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 255n) - 1n }), (t) => {
        const bits = targetToBits(t);
        const back = bitsToTarget(bits);
        expect(back.negative || back.overflow).toBe(false);
        expect(back.target <= t).toBe(true);
        // 3 bytes of mantissa, byte-aligned; 2 when the top one would set the sign bit.
        const size = Math.ceil(t.toString(2).length / 8);
        let shift = BigInt(Math.max(0, size - 3) * 8);
        if ((t >> shift) & 0x800000n) shift += 8n;
        expect(back.target).toBe((t >> shift) << shift);
        expect(targetToBits(back.target)).toBe(bits);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('work = 2^256 / (target + 1): halving the target doubles the work', () => {
    expect(workFromBits(0x207fffff)).toBe(2n);
    expect(workFromBits(0x1d00ffff)).toBe(0x100010001n);
    expect(workFromBits(0x04923456)).toBe(0n); // negative: no work
  });

  it('negative, overflowing or zero bits fail the proof-of-work check as bad-diffbits', () => {
    const params = testParams(testKey('CENTRAL'));
    const header: BlockHeader = { version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: 0, bits: 0, nonce: 0 };
    for (const bits of [0x00000000, 0x04923456, 0xff123456, 0x21010000]) {
      try {
        checkProofOfWork({ ...header, bits }, params);
        throw new Error('accepted');
      } catch (e) {
        expect([bits, (e as RuleError).reason]).toEqual([bits, 'bad-diffbits']);
      }
    }
  });
});

describe('halving and block templates', () => {
  const central = testKey('CENTRAL');
  const alice = testKey('ALICE');
  const miner = testKey('MINER');

  it('the subsidy halves every halvingInterval blocks and the coinbase limit follows', () => {
    const params = testParams(central, { halvingInterval: 3 });
    expect([0, 2, 3, 5, 6, 9].map((h) => subsidyAt(params, h))).toEqual([1_000_000_000n, 1_000_000_000n, 500_000_000n, 500_000_000n, 250_000_000n, 125_000_000n]);
    expect(subsidyAt(params, 3 * 64)).toBe(0n);
    const tc = new TestChain(params);
    tc.mineAndAdd(miner);
    tc.mineAndAdd(miner);
    // Height 3: a coinbase of the old 10 coins is too much.
    const b = tc.mine(miner);
    const overpaid = { ...b, txs: [{ ...b.txs[0], outputs: [{ ...b.txs[0].outputs[0], value: 10n * COIN }] }] };
    const r = tc.add(resolve(overpaid));
    expect(r.error?.reason).toBe('bad-cb-amount');
    expect(tc.add(b).status).toBe('accepted');
  });

  it('a template from the mempool is a valid block paying subsidy + fees, parents before children', () => {
    const tc = new TestChain(testParams(central));
    const p1 = tc.pay(central, alice, 4, 1000n);
    tc.mempool.accept(p1, tc.now);
    const p2 = tc.pay(central, alice, 3, 2345n); // spends p1's unconfirmed change
    tc.mempool.accept(p2, tc.now);
    const template = blockTemplate(tc.chain, tc.mempool, miner.pubkeyHash, tc.now, 'class');
    expect(template.txs.slice(1).map(txidHex)).toEqual([txidHex(p1), txidHex(p2)]);
    expect(template.txs[0].outputs[0].value).toBe(10n * COIN + 3345n);
    expect(template.header.bits).toBe(tc.chain.nextBits(tc.chain.tip));
    const r = tc.add(solveBlockSync(template)!);
    expect(r.status).toBe('accepted');
    expect(tc.mempool.size).toBe(0);
    expect(tc.balance(miner)).toBe(10.00003345);
  });
});
