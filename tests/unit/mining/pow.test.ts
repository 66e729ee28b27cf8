import { describe, expect, it } from 'vitest';
import { expectedHashes, hashMeetsTarget, hashToBigInt, leadingZeroBits, targetFromBits } from '../../../src/core/consensus/pow';
import { hashToHex, readU32LE, writeU32LE } from '../../../src/core/encoding';
import { targetTopWord } from '../../../src/core/mining/kernel';
import { mainnetHeaders, nobleHash } from './helpers';

describe('compact bits (arith_uint256::SetCompact)', () => {
  it('decodes the genesis difficulty-1 target 0x1d00ffff', () => {
    expect(targetFromBits(0x1d00ffff)).toBe(0xffffn << 208n);
  });
  it('decodes regtest 0x207fffff and a mainnet 0x1b0404cb', () => {
    expect(targetFromBits(0x207fffff)).toBe(0x7fffffn << 232n);
    expect(targetFromBits(0x1b0404cb)).toBe(0x0404cbn << 192n);
  });
  it('shifts the mantissa right when the exponent is below 3', () => {
    expect(targetFromBits(0x01123456)).toBe(0x12n);
    expect(targetFromBits(0x02123456)).toBe(0x1234n);
    expect(targetFromBits(0x03123456)).toBe(0x123456n);
    expect(targetFromBits(0x00000000)).toBe(0n);
  });
  it('rejects negative and overflowing encodings, as CheckProofOfWork does', () => {
    expect(() => targetFromBits(0x04923456)).toThrow(RangeError);
    expect(() => targetFromBits(0xff123456)).toThrow(RangeError);
    expect(() => targetFromBits(0x2101ffff)).toThrow(RangeError);
    expect(targetFromBits(0x2100ffff)).toBe(0xffffn << 240n); // exactly 256 bits: allowed
    expect(targetFromBits(0x04800000)).toBe(0n); // sign bit with a zero mantissa is just zero
  });
});

describe('hash versus target', () => {
  const blocks = mainnetHeaders();
  it('reads hashes little-endian and every mainnet header meets its own target', () => {
    for (const b of blocks) {
      const hash = nobleHash(b.header);
      expect(hashToHex(hash)).toBe(b.hash);
      const target = targetFromBits(readU32LE(b.header, 72));
      expect(hashMeetsTarget(hash, target)).toBe(true);
      expect(hashToBigInt(hash)).toBe(BigInt('0x' + b.hash));
      // One nonce off and the same header no longer meets the target.
      expect(hashMeetsTarget(nobleHash(b.header, b.nonce + 1), target)).toBe(false);
    }
  });
  it('counts leading zero bits of the displayed hash', () => {
    const genesis = nobleHash(blocks[0].header);
    expect(leadingZeroBits(genesis)).toBe(43); // 000000000019d6... = 40 zero bits, then 0x1 → 3 more
    expect(leadingZeroBits(new Uint8Array(32))).toBe(256);
    const h = new Uint8Array(32);
    h[31] = 0x80;
    expect(leadingZeroBits(h)).toBe(0);
  });
  it('gives the expected work and the top word of a target', () => {
    expect(expectedHashes(targetFromBits(0x1d00ffff))).toBeCloseTo(2 ** 32 * (1 + 1 / 0xffff), -3);
    expect(targetTopWord(targetFromBits(0x1d00ffff))).toBe(0);
    expect(targetTopWord(targetFromBits(0x207fffff))).toBe(0x7fffff00);
    expect(targetTopWord((1n << 256n) - 1n)).toBe(0xffffffff);
  });
  it('reads and writes little-endian header fields', () => {
    const b = new Uint8Array(8);
    writeU32LE(b, 2, 0xdeadbeef);
    expect([...b]).toEqual([0, 0, 0xef, 0xbe, 0xad, 0xde, 0, 0]);
    expect(readU32LE(b, 2)).toBe(0xdeadbeef);
  });
});
