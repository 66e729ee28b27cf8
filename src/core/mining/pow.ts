/**
 * Proof-of-work arithmetic the miner needs, self-contained (the consensus engine keeps its own):
 * compact `bits` → target, the hash-versus-target rule, and the numbers the miner view shows.
 *
 * Bitcoin reads a block hash — the 32 bytes of SHA-256d over the 80-byte header — as a
 * *little-endian* 256-bit integer; the usual hex display is that integer in big-endian, i.e. the
 * bytes reversed. A header is valid proof of work when that integer is <= the target.
 */

/** Byte offset of the header's `time` field (little-endian uint32), rolled when nonces run out. */
export const HEADER_TIME = 68;
/** Byte offset of the header's compact target `bits` (little-endian uint32). */
export const HEADER_BITS = 72;
/** Byte offset of the header's `nonce` (little-endian uint32), the field the miner searches. */
export const HEADER_NONCE = 76;
/** An 80-byte block header. */
export const HEADER_SIZE = 80;

const MAX_256 = (1n << 256n) - 1n;

/**
 * Decodes compact `bits` into the target, as Bitcoin Core's `arith_uint256::SetCompact`:
 * exponent = bits >>> 24, mantissa = bits & 0x007fffff, target = mantissa × 256^(exponent − 3).
 * Throws RangeError for a negative (sign bit 0x00800000 set, mantissa ≠ 0) or overflowing
 * encoding, which `CheckProofOfWork` rejects.
 */
export function bitsToTarget(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new RangeError(`bits must be a uint32: ${bits}`);
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  const negative = mantissa !== 0 && (bits & 0x00800000) !== 0;
  if (negative) throw new RangeError(`negative compact target 0x${bits.toString(16)}`);
  const target = exponent <= 3
    ? BigInt(mantissa >>> (8 * (3 - exponent)))
    : BigInt(mantissa) << BigInt(8 * (exponent - 3));
  if (target > MAX_256) throw new RangeError(`compact target 0x${bits.toString(16)} overflows 256 bits`);
  return target;
}

/** Reads a hash as Bitcoin does: a little-endian 256-bit unsigned integer. */
export function hashToBigInt(hash: Uint8Array): bigint {
  if (hash.length !== 32) throw new RangeError(`hash must be 32 bytes, got ${hash.length}`);
  let x = 0n;
  for (let i = 31; i >= 0; i--) x = (x << 8n) | BigInt(hash[i]);
  return x;
}

/** The proof-of-work rule (`CheckProofOfWork`): the hash, read little-endian, is <= target. */
export function hashMeetsTarget(hash: Uint8Array, target: bigint): boolean {
  return hashToBigInt(hash) <= target;
}

/** Leading zero bits of the displayed (byte-reversed) hash: the "how lucky" number shown while mining. */
export function leadingZeroBits(hash: Uint8Array): number {
  if (hash.length !== 32) throw new RangeError(`hash must be 32 bytes, got ${hash.length}`);
  for (let i = 31; i >= 0; i--) {
    if (hash[i] !== 0) return (31 - i) * 8 + Math.clz32(hash[i]) - 24;
  }
  return 256;
}

/** The displayed hex of a hash: bytes reversed, as block explorers and Bitcoin Core print it. */
export function displayHex(hash: Uint8Array): string {
  let s = '';
  for (let i = hash.length - 1; i >= 0; i--) s += hash[i].toString(16).padStart(2, '0');
  return s;
}

/** Expected number of hashes to find a block at this target: 2^256 / (target + 1) (Core's GetBlockProof). */
export function expectedHashes(target: bigint): number {
  if (target < 0n) throw new RangeError('target must be non-negative');
  return Number((1n << 256n) / (target + 1n));
}

/**
 * The top 32 bits of the target as a uint32 (target >> 224, saturated): what the kernels compare
 * each hash's top word with before checking the full 256 bits.
 */
export function targetTopWord(target: bigint): number {
  const top = target >> 224n;
  return top > 0xffffffffn ? 0xffffffff : Number(top);
}

/** Reads a little-endian uint32 header field. */
export function readU32LE(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

/** Writes a little-endian uint32 header field in place. */
export function writeU32LE(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/** Checks that `header` is an 80-byte Uint8Array (the boundary check every miner entry point makes). */
export function assertHeader(header: unknown): asserts header is Uint8Array {
  if (!(header instanceof Uint8Array)) throw new TypeError('header must be a Uint8Array');
  if (header.length !== HEADER_SIZE) throw new RangeError(`header must be ${HEADER_SIZE} bytes, got ${header.length}`);
}

/** SHA-256 round constants (FIPS 180-4 §4.2.2), as signed 32-bit words. Shared by the kernels and their generator (scripts/gen-sha256d.ts). */
export const SHA256_K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
].map((x) => x | 0));
