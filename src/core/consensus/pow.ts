/**
 * Proof of work arithmetic as Bitcoin defines it: compact `bits` ↔ 256-bit target, the work a
 * target represents, and the hash ≤ target check (hash read as a little-endian number).
 */

/** Decodes compact bits (Core's SetCompact). Negative or overflowing encodings are invalid. */
export function bitsToTarget(bits: number): { target: bigint; negative: boolean; overflow: boolean } {
  const exponent = bits >>> 24;
  let mantissa = bits & 0x007fffff;
  let target: bigint;
  if (exponent <= 3) {
    mantissa >>>= 8 * (3 - exponent);
    target = BigInt(mantissa);
  } else {
    target = BigInt(mantissa) << BigInt(8 * (exponent - 3));
  }
  const negative = mantissa !== 0 && (bits & 0x00800000) !== 0;
  const overflow =
    mantissa !== 0 && (exponent > 34 || (mantissa > 0xff && exponent > 33) || (mantissa > 0xffff && exponent > 32));
  return { target, negative, overflow };
}

/** Encodes a target as compact bits (Core's GetCompact). */
export function targetToBits(target: bigint): number {
  let size = 0;
  for (let t = target; t > 0n; t >>= 8n) size++;
  let compact: number;
  if (size <= 3) compact = Number(target << BigInt(8 * (3 - size)));
  else compact = Number(target >> BigInt(8 * (size - 3)));
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return ((size << 24) | compact) >>> 0;
}

/** The hash as a number: Bitcoin compares the internal (little-endian) bytes as a uint256. */
export function hashToBigInt(hash: Uint8Array): bigint {
  let v = 0n;
  for (let i = hash.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]);
  return v;
}

/** Work a target represents: 2^256 / (target + 1) (Core's GetBlockProof). */
export function workFromBits(bits: number): bigint {
  const { target, negative, overflow } = bitsToTarget(bits);
  if (negative || overflow || target === 0n) return 0n;
  return (1n << 256n) / (target + 1n);
}

/** Leading zero bits of a hash as displayed (reversed), the number a class can watch grow. */
export function leadingZeroBits(hash: Uint8Array): number {
  let n = 0;
  for (let i = hash.length - 1; i >= 0; i--) {
    const b = hash[i];
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

/** Expected number of hashes to find a block at these bits. */
export function expectedHashes(bits: number): number {
  return Number(workFromBits(bits));
}
