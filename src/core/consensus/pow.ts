/**
 * Proof of work as Bitcoin defines it, for consensus and the miner alike: compact `bits` ↔ 256-bit
 * target, the work a target represents, and the hash ≤ target rule.
 *
 * Bitcoin reads a block hash — the 32 bytes of SHA-256d over the 80-byte header — as a
 * *little-endian* 256-bit integer; the usual hex display is that integer in big-endian, i.e. the
 * bytes reversed. A header is valid proof of work when that integer is <= the target.
 */

/**
 * Decodes compact bits (Core's `arith_uint256::SetCompact`): exponent = bits >>> 24, mantissa =
 * bits & 0x007fffff, target = mantissa × 256^(exponent − 3). Negative (sign bit 0x00800000 with a
 * non-zero value) and overflowing (over 256 bits) encodings are flagged; `CheckProofOfWork` rejects them.
 */
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

/**
 * The target of valid compact bits, for the miner's boundary: throws RangeError for a value that is
 * not a uint32, or a negative or overflowing encoding (no header with such bits can be valid).
 */
export function targetFromBits(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new RangeError(`bits must be a uint32: ${bits}`);
  const { target, negative, overflow } = bitsToTarget(bits);
  if (negative) throw new RangeError(`negative compact target 0x${bits.toString(16)}`);
  if (overflow) throw new RangeError(`compact target 0x${bits.toString(16)} overflows 256 bits`);
  return target;
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
  for (let i = hash.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]!);
  return v;
}

/** The proof-of-work rule (`CheckProofOfWork`): the hash, read little-endian, is <= target. */
export function hashMeetsTarget(hash: Uint8Array, target: bigint): boolean {
  return hashToBigInt(hash) <= target;
}

/** Compares two hashes as Bitcoin does (little-endian 256-bit numbers): negative when a < b. */
export function compareHashes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 31; i >= 0; i--) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Work a target represents: 2^256 / (target + 1) (Core's GetBlockProof). */
export function workFromBits(bits: number): bigint {
  const { target, negative, overflow } = bitsToTarget(bits);
  if (negative || overflow || target === 0n) return 0n;
  return (1n << 256n) / (target + 1n);
}

/** Expected number of hashes to find a block at this target: 2^256 / (target + 1), as a float. */
export function expectedHashes(target: bigint): number {
  if (target < 0n) throw new RangeError('target must be non-negative');
  return Number((1n << 256n) / (target + 1n));
}

/** Leading zero bits of a hash as displayed (reversed), the "how lucky" number a class can watch grow. */
export function leadingZeroBits(hash: Uint8Array): number {
  let n = 0;
  for (let i = hash.length - 1; i >= 0; i--) {
    const b = hash[i]!;
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}
