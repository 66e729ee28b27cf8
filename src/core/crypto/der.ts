/**
 * ECDSA signature encodings as Bitcoin's consensus reads them. Before BIP66 (2015) a signature
 * only had to survive OpenSSL's lenient DER parser, so Core verifies historic signatures with its
 * own lax parser (pubkey.cpp, ecdsa_signature_parse_der_lax); BIP66 (the DERSIG flag) and the
 * STRICTENC/LOW_S policies check the strict encoding separately (IsValidSignatureEncoding).
 */

/**
 * Core's ecdsa_signature_parse_der_lax: reads R and S out of a DER-like encoding into `out`
 * (r || s, 32 bytes each, big-endian). Accepts long-form lengths, padding, trailing garbage;
 * false only when the bytes cannot be read at all. A value over 32 bytes leaves r = s = 0 (a
 * parsed signature that never verifies), as Core does.
 */
export function parseDerLax(sig: Uint8Array, out: Uint8Array): boolean {
  const len = sig.length;
  let pos = 0;
  if (pos === len || sig[pos] !== 0x30) return false;
  pos++;
  if (pos === len) return false;
  let lenbyte = sig[pos++]!;
  if (lenbyte & 0x80) {
    lenbyte -= 0x80;
    if (lenbyte > len - pos) return false;
    pos += lenbyte;
  }
  const r = readInt(sig, pos);
  if (!r) return false;
  pos = r.pos + r.len;
  const s = readInt(sig, pos);
  if (!s) return false;
  out.fill(0);
  const okR = copyStripped(sig, r.pos, r.len, out, 0);
  const okS = copyStripped(sig, s.pos, s.len, out, 32);
  // Core: a value that does not fit, or is not below the curve order, leaves r = s = 0.
  if (!okR || !okS || !belowOrder(out, 0) || !belowOrder(out, 32)) out.fill(0);
  return true;
}

/** secp256k1's group order n, big-endian. */
const N = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
]);

function belowOrder(v: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) {
    const a = v[at + i]!, b = N[i]!;
    if (a !== b) return a < b;
  }
  return false;
}

/** One INTEGER of the lax parse: its tag, its (possibly long-form) length, bounds. */
function readInt(sig: Uint8Array, pos: number): { pos: number; len: number } | null {
  const len = sig.length;
  if (pos === len || sig[pos] !== 0x02) return null;
  pos++;
  if (pos === len) return null;
  let lenbyte = sig[pos++]!;
  let n: number;
  if (lenbyte & 0x80) {
    lenbyte -= 0x80;
    if (lenbyte > len - pos) return null;
    while (lenbyte > 0 && sig[pos] === 0) {
      pos++;
      lenbyte--;
    }
    if (lenbyte >= 4) return null;
    n = 0;
    while (lenbyte > 0) {
      n = n * 256 + sig[pos]!;
      pos++;
      lenbyte--;
    }
  } else n = lenbyte;
  if (n > len - pos) return null;
  return { pos, len: n };
}

/** Copies an integer without its leading zeros right-aligned into 32 bytes; false if longer. */
function copyStripped(src: Uint8Array, start: number, len: number, out: Uint8Array, at: number): boolean {
  while (len > 0 && src[start] === 0) {
    start++;
    len--;
  }
  if (len > 32) return false;
  out.set(src.subarray(start, start + len), at + 32 - len);
  return true;
}

/**
 * Core's IsValidSignatureEncoding (BIP66): strict DER plus the hash type byte, 9..73 bytes,
 * minimal non-negative R and S. `sig` includes the trailing hash type byte.
 */
export function isStrictDerWithHashType(sig: Uint8Array): boolean {
  const n = sig.length;
  if (n < 9 || n > 73) return false;
  if (sig[0] !== 0x30 || sig[1] !== n - 3) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= n) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== n) return false;
  if (sig[2] !== 0x02 || lenR === 0 || sig[4]! & 0x80) return false;
  if (lenR > 1 && sig[4] === 0 && !(sig[5]! & 0x80)) return false;
  if (sig[lenR + 4] !== 0x02 || lenS === 0 || sig[lenR + 6]! & 0x80) return false;
  if (lenS > 1 && sig[lenR + 6] === 0 && !(sig[lenR + 7]! & 0x80)) return false;
  return true;
}

/** n/2 for secp256k1, big-endian: signatures with S above it are "high-S" (BIP62/BIP146 LOW_S). */
const HALF_N = Uint8Array.from([
  0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

const scratch = new Uint8Array(64);

/** Core's CPubKey::CheckLowS on a DER signature (without hash type): S parses and is at most n/2. */
export function hasLowS(der: Uint8Array): boolean {
  if (!parseDerLax(der, scratch)) return false;
  for (let i = 0; i < 32; i++) {
    const a = scratch[32 + i]!, b = HALF_N[i]!;
    if (a !== b) return a < b;
  }
  return true;
}
