/**
 * The engine's sha256d and hash160 reuse one scratch hasher each (no per-call allocation). They
 * must equal @noble/hashes' one-shot functions on every length, across interleaved calls, and on
 * known answers.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { hash160, sha256d, toHex, utf8 } from '../../../src/core';

describe('sha256d and hash160 (scratch hashers)', () => {
  it('equal the one-shot noble composition for random messages of 0–300 bytes, interleaved', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.uint8Array({ minLength: 0, maxLength: 300 }), (a, b) => {
        const d1 = sha256d(a);
        const h1 = hash160(b);
        const d2 = sha256d(b);
        expect(toHex(d1)).toBe(toHex(sha256(sha256(a))));
        expect(toHex(h1)).toBe(toHex(ripemd160(sha256(b))));
        expect(toHex(d2)).toBe(toHex(sha256(sha256(b))));
        // Results are fresh arrays, not views of the scratch state.
        expect(d1).not.toBe(d2);
        expect(toHex(d1)).toBe(toHex(sha256(sha256(a))));
      }),
      { numRuns: 500 },
    );
  });

  it('known answers: SHA-256d("hello") and HASH160 of the generator point (compressed)', () => {
    expect(toHex(sha256d(utf8('hello')))).toBe('9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50');
    const g = Uint8Array.from(Buffer.from('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex'));
    expect(toHex(hash160(g))).toBe('751e76e8199196d454941c45d1b3a323f1433bd6');
  });
});
