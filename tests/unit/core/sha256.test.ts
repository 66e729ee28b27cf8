/**
 * The engine's own SHA-256 (the hashing hot path) gives @noble/hashes' answer for every length
 * 0–300 (one, two and more blocks, every padding case), for a megabyte, and FIPS 180-4's examples.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha256Into } from '../../../src/core/crypto/sha256';
import { sha256d, toHex, utf8 } from '../../../src/core';

const ours = (b: Uint8Array) => {
  const out = new Uint8Array(32);
  sha256Into(b, out);
  return toHex(out);
};

describe('SHA-256', () => {
  it('FIPS 180-4 examples: "abc" and the 448-bit message', () => {
    expect(ours(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(ours(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(ours(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('equals @noble/hashes for every length 0–300 and for 1 MB (and sha256d is the hash of the hash)', () => {
    let seed = 7;
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    for (let n = 0; n <= 300; n++) {
      const b = bytes(n);
      expect(ours(b), `length ${n}`).toBe(toHex(sha256(b)));
      expect(toHex(sha256d(b)), `sha256d, length ${n}`).toBe(toHex(sha256(sha256(b))));
    }
    const big = bytes(1_000_003);
    expect(ours(big)).toBe(toHex(sha256(big)));
    expect(ours(big.subarray(5, 70_000))).toBe(toHex(sha256(big.subarray(5, 70_000))));
  });
});
