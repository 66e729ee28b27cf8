/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): the keyed 64-bit hash BIP 152 uses for compact
 * blocks' short transaction ids. JavaScript has no 64-bit integers that are fast, so each 64-bit
 * word is a pair of 32-bit halves (hi, lo) and every operation of the paper's SipRound — add
 * modulo 2^64, rotate left, xor — is done on the halves. Reference vectors: the paper's appendix
 * and its reference implementation's `vectors.h` (tests/unit/core/siphash.test.ts).
 */

/** A SipHash key as its two 64-bit little-endian words k0, k1, each split into 32-bit halves. */
export interface SipKey {
  k0hi: number;
  k0lo: number;
  k1hi: number;
  k1lo: number;
}

/** The key of 16 bytes (k0 = bytes 0..7, k1 = bytes 8..15, little-endian), as the paper reads it. */
export function sipKeyFromBytes(key: Uint8Array): SipKey {
  if (key.length < 16) throw new RangeError(`a SipHash key is 16 bytes, got ${key.length}`);
  const v = new DataView(key.buffer, key.byteOffset, 16);
  return { k0lo: v.getUint32(0, true), k0hi: v.getUint32(4, true), k1lo: v.getUint32(8, true), k1hi: v.getUint32(12, true) };
}

// The state v0..v3 as eight 32-bit halves, module-level scratch (synchronous, never re-entered).
let v0h = 0, v0l = 0, v1h = 0, v1l = 0, v2h = 0, v2l = 0, v3h = 0, v3l = 0;

/** One SipRound (paper §2): ARX on the four words. */
function sipRound(): void {
  let lo: number;
  // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
  lo = (v0l + v1l) >>> 0;
  v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0;
  v0l = lo;
  let h = v1h, l = v1l;
  v1h = ((h << 13) | (l >>> 19)) >>> 0;
  v1l = ((l << 13) | (h >>> 19)) >>> 0;
  v1h = (v1h ^ v0h) >>> 0;
  v1l = (v1l ^ v0l) >>> 0;
  h = v0h;
  v0h = v0l;
  v0l = h;
  // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
  lo = (v2l + v3l) >>> 0;
  v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0;
  v2l = lo;
  h = v3h;
  l = v3l;
  v3h = ((h << 16) | (l >>> 16)) >>> 0;
  v3l = ((l << 16) | (h >>> 16)) >>> 0;
  v3h = (v3h ^ v2h) >>> 0;
  v3l = (v3l ^ v2l) >>> 0;
  // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
  lo = (v0l + v3l) >>> 0;
  v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0;
  v0l = lo;
  h = v3h;
  l = v3l;
  v3h = ((h << 21) | (l >>> 11)) >>> 0;
  v3l = ((l << 21) | (h >>> 11)) >>> 0;
  v3h = (v3h ^ v0h) >>> 0;
  v3l = (v3l ^ v0l) >>> 0;
  // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  lo = (v2l + v1l) >>> 0;
  v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0;
  v2l = lo;
  h = v1h;
  l = v1l;
  v1h = ((h << 17) | (l >>> 15)) >>> 0;
  v1l = ((l << 17) | (h >>> 15)) >>> 0;
  v1h = (v1h ^ v2h) >>> 0;
  v1l = (v1l ^ v2l) >>> 0;
  h = v2h;
  v2h = v2l;
  v2l = h;
}

/** Absorbs one 64-bit message word m (c = 2 compression rounds). */
function compress(mh: number, ml: number): void {
  v3h = (v3h ^ mh) >>> 0;
  v3l = (v3l ^ ml) >>> 0;
  sipRound();
  sipRound();
  v0h = (v0h ^ mh) >>> 0;
  v0l = (v0l ^ ml) >>> 0;
}

/**
 * SipHash-2-4 of `data` under `key`, as [hi, lo] 32-bit halves of the 64-bit result (the paper's
 * output read as a little-endian integer). The initialisation constants are "somepseudorandomlygeneratedbytes".
 */
export function sipHash24(key: SipKey, data: Uint8Array): [hi: number, lo: number] {
  v0h = (key.k0hi ^ 0x736f6d65) >>> 0;
  v0l = (key.k0lo ^ 0x70736575) >>> 0;
  v1h = (key.k1hi ^ 0x646f7261) >>> 0;
  v1l = (key.k1lo ^ 0x6e646f6d) >>> 0;
  v2h = (key.k0hi ^ 0x6c796765) >>> 0;
  v2l = (key.k0lo ^ 0x6e657261) >>> 0;
  v3h = (key.k1hi ^ 0x74656462) >>> 0;
  v3l = (key.k1lo ^ 0x79746573) >>> 0;
  const n = data.length;
  const whole = n - (n % 8);
  for (let i = 0; i < whole; i += 8) {
    const ml = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    const mh = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
    compress(mh, ml);
  }
  // The last word: the remaining bytes, zero padded, with the length mod 256 in the top byte.
  let ml = 0;
  let mh = ((n & 0xff) << 24) >>> 0;
  for (let i = whole; i < n; i++) {
    const shift = (i - whole) * 8;
    if (shift < 32) ml = (ml | (data[i]! << shift)) >>> 0;
    else mh = (mh | (data[i]! << (shift - 32))) >>> 0;
  }
  compress(mh, ml);
  // Finalisation: v2 ^= 0xff, d = 4 rounds, v0 ^ v1 ^ v2 ^ v3.
  v2l = (v2l ^ 0xff) >>> 0;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  return [(v0h ^ v1h ^ v2h ^ v3h) >>> 0, (v0l ^ v1l ^ v2l ^ v3l) >>> 0];
}
