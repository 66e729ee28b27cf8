import { secp256k1 } from '@noble/curves/secp256k1.js';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import * as tiny from 'tiny-secp256k1';
import { hash160 } from './hash';
import { DecodeError, bytesEqual, concatBytes } from '../encoding';

/**
 * Keys and addresses: secp256k1 ECDSA, Base58Check P2PKH addresses with the test-network
 * version byte 0x6f (addresses start with m or n), WIF private keys (0xef, compressed).
 */

const b58c = createBase58check(sha256);

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
  // 0x30 [total-len] 0x02 [R-len] [R] 0x02 [S-len] [S]
  if (sig.length < 8 || sig.length > 72) return null;
  if (sig[0] !== 0x30 || sig[1] !== sig.length - 2) return null;
  const lenR = sig[3];
  if (sig[2] !== 0x02 || lenR === 0 || 5 + lenR >= sig.length) return null;
  const lenS = sig[5 + lenR];
  if (lenR + lenS + 6 !== sig.length || sig[4 + lenR] !== 0x02 || lenS === 0) return null;
  const r = sig.subarray(4, 4 + lenR);
  const s = sig.subarray(6 + lenR, 6 + lenR + lenS);
  if (r[0] & 0x80 || s[0] & 0x80) return null; // negative
  if ((lenR > 1 && r[0] === 0 && !(r[1] & 0x80)) || (lenS > 1 && s[0] === 0 && !(s[1] & 0x80))) return null;
  const r32 = to32(r);
  const s32 = to32(s);
  if (!r32 || !s32) return null;
  return { r: r32, s: s32 };
}

function to32(x: Uint8Array): Uint8Array | null {
  let i = 0;
  while (i < x.length - 1 && x[i] === 0) i++;
  const v = x.subarray(i);
  if (v.length > 32) return null;
  const out = new Uint8Array(32);
  out.set(v, 32 - v.length);
  return out;
}

/** n/2 as 32 big-endian bytes, for a byte-wise comparison (no BigInt in the hot path). */
const HALF_N_BYTES = (() => {
  const out = new Uint8Array(32);
  let v = HALF_N;
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
})();

function isHighS(s32: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (s32[i] !== HALF_N_BYTES[i]) return s32[i] > HALF_N_BYTES[i];
  return false;
}

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
  let rs = parseStrictDer(derSignature);
  if (!rs) {
    if (opts.strictDer) return 'der';
    try {
      const sig = secp256k1.Signature.fromBytes(derSignature, 'der');
      const compact = sig.toBytes('compact');
      rs = { r: compact.subarray(0, 32), s: compact.subarray(32) };
    } catch {
      return 'der';
    }
  }
  if (opts.lowS && isHighS(rs.s)) return 'high-s';
  // Only the shape is checked here: libsecp256k1 parses (decompresses) the key inside verify and
  // reports a key off the curve as "Expected Point"; a separate isPoint would do that work twice.
  if (!(pubkey.length === 33 && (pubkey[0] === 2 || pubkey[0] === 3)) && !(pubkey.length === 65 && pubkey[0] >= 4 && pubkey[0] <= 7))
    return 'bad-pubkey';
  const compact = concatBytes(rs.r, rs.s);
  try {
    // tiny-secp256k1 normalises S when strict is false, so historic high-S signatures verify;
    // when low-S was demanded and checked above, strict mode skips that needless step.
    return tiny.verify(digest, pubkey, compact, opts.lowS) ? null : 'invalid';
  } catch (e) {
    return e instanceof Error && e.message === 'Expected Point' ? 'bad-pubkey' : 'invalid';
  }
}

/** True when a public key hashes to the given 20-byte hash. */
export function pubkeyMatchesHash(pubkey: Uint8Array, pubkeyHash: Uint8Array): boolean {
  return bytesEqual(hash160(pubkey), pubkeyHash);
}
