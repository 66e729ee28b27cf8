import { secp256k1 } from '@noble/curves/secp256k1.js';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
// libsecp256k1 compiled to WebAssembly (Bitauth's emscripten build): 1.3× the verifies/s of
// tiny-secp256k1's build on this machine (see bench/core.bench.ts). The deep import instantiates
// only this module, not libauth's other WebAssembly hashes; it is awaited once, at load.
import { instantiateSecp256k1 } from '@bitauth/libauth/build/lib/crypto/secp256k1.js';
import { hash160 } from './hash';
import { parseDerLax } from './der';
import { DecodeError, bytesEqual, concatBytes } from '../encoding';
import { BoundedMap } from '../util/bounded';

/**
 * Keys and addresses: secp256k1 ECDSA, Base58Check P2PKH addresses with the test-network
 * version byte 0x6f (addresses start with m or n), WIF private keys (0xef, compressed).
 */

const b58c = createBase58check(sha256);

const libsecp256k1 = await instantiateSecp256k1();

export const ADDRESS_VERSION = 0x6f;
export const WIF_VERSION = 0xef;

/** Curve order n and n/2 (signatures with S above n/2 are "high-S"). */
const N = secp256k1.Point.CURVE().n;
const HALF_N = N >> 1n;

/** A private key is 32 bytes in [1, n-1]. Entropy comes from the caller: core has no randomness. */
export function isValidPrivateKey(key: Uint8Array): boolean {
  if (key.length !== 32) return false;
  let v = 0n;
  for (const b of key) v = (v << 8n) | BigInt(b);
  return v > 0n && v < N;
}

/** Compressed (33-byte) public key of a private key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(privateKey, true);
}

/** Address of a public-key hash: Base58Check(0x6f || hash160). */
export function addressFromHash(pubkeyHash: Uint8Array): string {
  return b58c.encode(concatBytes(Uint8Array.of(ADDRESS_VERSION), pubkeyHash));
}

/** Address of a public key. */
export function addressFromPublicKey(pubkey: Uint8Array): string {
  return addressFromHash(hash160(pubkey));
}

/** The 20-byte hash in a test-network P2PKH address; throws a readable DecodeError if invalid. */
export function hashFromAddress(address: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = b58c.decode(address);
  } catch {
    throw new DecodeError(`invalid address: checksum or characters wrong (${address})`);
  }
  if (raw.length !== 21 || raw[0] !== ADDRESS_VERSION)
    throw new DecodeError(`invalid address: not a tabchain (test-network P2PKH) address (${address})`);
  return raw.subarray(1);
}

/** True when the string is a valid test-network P2PKH address. */
export function isValidAddress(address: string): boolean {
  try {
    hashFromAddress(address);
    return true;
  } catch {
    return false;
  }
}

/** WIF export of a private key (compressed public key flag set). */
export function privateKeyToWif(key: Uint8Array): string {
  return b58c.encode(concatBytes(Uint8Array.of(WIF_VERSION), key, Uint8Array.of(1)));
}

/** WIF import; throws a readable DecodeError for anything that is not a test-network compressed key. */
export function wifToPrivateKey(wif: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = b58c.decode(wif.trim());
  } catch {
    throw new DecodeError('invalid WIF: checksum or characters wrong');
  }
  if (raw[0] !== WIF_VERSION) throw new DecodeError('invalid WIF: not a test-network key (version byte 0xef)');
  if (raw.length !== 34 || raw[33] !== 1) throw new DecodeError('invalid WIF: expected a compressed key');
  const key = raw.slice(1, 33);
  if (!isValidPrivateKey(key)) throw new DecodeError('invalid WIF: key out of range');
  return key;
}

/** DER-encoded low-S ECDSA signature of a 32-byte digest (RFC 6979 deterministic nonce). */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'der' });
}

/**
 * Strict DER (BIP66) parse of an ECDSA signature into r and s as 32-byte big-endian values.
 * Returns null for any non-canonical encoding.
 */
export function parseStrictDer(sig: Uint8Array): { r: Uint8Array; s: Uint8Array } | null {
  const out = new Uint8Array(64);
  if (!strictDerInto(sig, out)) return null;
  return { r: out.subarray(0, 32), s: out.subarray(32) };
}

/**
 * The strict DER (BIP66) check and parse, writing r || s (32 bytes each, big-endian) into `out`
 * without allocating; false for any non-canonical encoding.
 */
function strictDerInto(sig: Uint8Array, out: Uint8Array): boolean {
  // 0x30 [total-len] 0x02 [R-len] [R] 0x02 [S-len] [S]
  if (sig.length < 8 || sig.length > 72) return false;
  if (sig[0] !== 0x30 || sig[1] !== sig.length - 2) return false;
  const lenR = sig[3]!;
  if (sig[2] !== 0x02 || lenR === 0 || 5 + lenR >= sig.length) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 6 !== sig.length || sig[4 + lenR] !== 0x02 || lenS === 0) return false;
  const r = 4;
  const s = 6 + lenR;
  if (sig[r]! & 0x80 || sig[s]! & 0x80) return false; // negative
  if ((lenR > 1 && sig[r] === 0 && !(sig[r + 1]! & 0x80)) || (lenS > 1 && sig[s] === 0 && !(sig[s + 1]! & 0x80))) return false;
  return into32(sig, r, lenR, out, 0) && into32(sig, s, lenS, out, 32);
}

/** Copies a DER integer (minimal, non-negative) right-aligned into out[at..at+32]; false if > 32 bytes. */
function into32(src: Uint8Array, start: number, len: number, out: Uint8Array, at: number): boolean {
  while (len > 1 && src[start] === 0) {
    start++;
    len--;
  }
  if (len > 32) return false;
  out.fill(0, at, at + 32 - len);
  out.set(src.subarray(start, start + len), at + 32 - len);
  return true;
}

/** n/2 as 32 big-endian bytes, for a byte-wise comparison (no BigInt in the hot path). */
const HALF_N_BYTES = (() => {
  const out = new Uint8Array(32);
  let v = HALF_N;
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
})();

/** True when the S half of r || s (bytes 32..63 of `rs`) is above n/2. */
function isHighS(rs: Uint8Array, at = 32): boolean {
  for (let i = 0; i < 32; i++) if (rs[at + i] !== HALF_N_BYTES[i]) return rs[at + i]! > HALF_N_BYTES[i]!;
  return false;
}

/** Scratch r || s for verifySignature (synchronous, never re-entered; libsecp256k1 copies it in). */
const compactScratch = new Uint8Array(64);

/** Why a signature was refused, as Bitcoin Core's script errors name it. */
export type SignatureFault = 'der' | 'high-s' | 'bad-pubkey' | 'invalid';

/**
 * Verifies an ECDSA signature over a 32-byte digest with libsecp256k1 (WebAssembly).
 * `lowS` demands S <= n/2 (tabchain's own chain); historic mainnet signatures need lowS false.
 * `strictDer` demands BIP66 DER; otherwise a lax DER parse is used (pre-2015 signatures).
 */
export function verifySignature(
  digest: Uint8Array,
  derSignature: Uint8Array,
  pubkey: Uint8Array,
  opts: { lowS: boolean; strictDer: boolean },
): SignatureFault | null {
  let compact = compactScratch;
  if (!strictDerInto(derSignature, compact)) {
    if (opts.strictDer) return 'der';
    try {
      compact = secp256k1.Signature.fromBytes(derSignature, 'der').toBytes('compact');
    } catch {
      return 'der';
    }
  }
  if (opts.lowS && isHighS(compact)) return 'high-s';
  let key = pubkey;
  if (pubkey.length === 33 && (pubkey[0] === 2 || pubkey[0] === 3)) {
    const full = uncompressed(pubkey);
    if (!full) return 'bad-pubkey';
    key = full;
  } else if (!(pubkey.length === 65 && pubkey[0]! >= 4 && pubkey[0]! <= 7)) return 'bad-pubkey';
  // The non-low-S variant normalises S first, so historic high-S signatures verify; when low-S was
  // demanded and checked above, the low-S variant skips that needless step.
  const ok = opts.lowS ? libsecp256k1.verifySignatureCompactLowS(compact, key, digest) : libsecp256k1.verifySignatureCompact(compact, key, digest);
  if (ok) return null;
  // Only when verify fails is the key parsed again, to tell a key off the curve from a wrong signature.
  return libsecp256k1.validatePublicKey(key) ? 'invalid' : 'bad-pubkey';
}

/**
 * Bitcoin's consensus signature check (Core's CPubKey::Verify): the DER signature read with
 * Core's lax parser, S normalised (high-S signatures verify; LOW_S is a separate policy check),
 * then libsecp256k1 (WebAssembly) verifies it against a 33- or 65-byte public key (compressed,
 * uncompressed or hybrid, as libsecp256k1 parses them). The script interpreter's only path to ECDSA.
 */
export function verifyEcdsa(digest: Uint8Array, derSignature: Uint8Array, pubkey: Uint8Array): boolean {
  if (!parseDerLax(derSignature, compactScratch)) return false;
  let key = pubkey;
  if (pubkey.length === 33) {
    const full = uncompressed(pubkey);
    if (!full) return false;
    key = full;
  } else if (pubkey.length !== 65) return false;
  return libsecp256k1.verifySignatureCompact(compactScratch, key, digest);
}

/**
 * Compressed keys decompressed once and remembered: libsecp256k1 otherwise recomputes y (a
 * square root) on every verify, ≈5 % of it, and a classroom's wallets reuse a few keys for every
 * payment. Bounded: the oldest is forgotten when full. Null for an x that is not on the curve.
 */
const MAX_DECOMPRESSED = 10_000;
const decompressed = new BoundedMap<string, Uint8Array | null>(MAX_DECOMPRESSED);

/** Forgets every remembered decompressed key (benchmarks measure verification without the cache). */
export function forgetDecompressedKeys(): void {
  decompressed.clear();
}

function uncompressed(pubkey: Uint8Array): Uint8Array | null {
  const k = String.fromCharCode.apply(null, pubkey as unknown as number[]);
  let full = decompressed.get(k);
  if (full === undefined) {
    const r = libsecp256k1.uncompressPublicKey(pubkey);
    full = typeof r === 'string' ? null : r;
    decompressed.set(k, full);
  }
  return full;
}

/** The libsecp256k1 instance behind `verifySignature` (benchmarks compare against it raw). */
export const secp256k1Wasm = libsecp256k1;

/** True when a public key hashes to the given 20-byte hash. */
export function pubkeyMatchesHash(pubkey: Uint8Array, pubkeyHash: Uint8Array): boolean {
  return bytesEqual(hash160(pubkey), pubkeyHash);
}
