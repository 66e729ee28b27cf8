import { bytesEqual, concatBytes, toHex } from '../encoding';

/**
 * Standard script templates, recognised by shape (no general interpreter):
 * P2PKH outputs, `<sig> <pubkey>` inputs, and BIP34 coinbase scripts.
 */

export const OP_0 = 0x00;
export const OP_PUSHDATA1 = 0x4c;
export const OP_PUSHDATA2 = 0x4d;
export const OP_1NEGATE = 0x4f;
export const OP_1 = 0x51;
export const OP_16 = 0x60;
export const OP_DUP = 0x76;
export const OP_EQUALVERIFY = 0x88;
export const OP_HASH160 = 0xa9;
export const OP_CHECKSIG = 0xac;

/** SIGHASH_ALL: the signature commits to every input and output. */
export const SIGHASH_ALL = 0x01;

/** The P2PKH locking script: OP_DUP OP_HASH160 <20-byte hash> OP_EQUALVERIFY OP_CHECKSIG. */
export function p2pkhScript(pubkeyHash: Uint8Array): Uint8Array {
  if (pubkeyHash.length !== 20) throw new RangeError('P2PKH needs a 20-byte hash');
  const s = new Uint8Array(25);
  s[0] = OP_DUP;
  s[1] = OP_HASH160;
  s[2] = 20;
  s.set(pubkeyHash, 3);
  s[23] = OP_EQUALVERIFY;
  s[24] = OP_CHECKSIG;
  return s;
}

/** The 20-byte hash of a P2PKH script, or null if the script has any other shape. */
export function parseP2PKH(script: Uint8Array): Uint8Array | null {
  if (
    script.length === 25 &&
    script[0] === OP_DUP &&
    script[1] === OP_HASH160 &&
    script[2] === 20 &&
    script[23] === OP_EQUALVERIFY &&
    script[24] === OP_CHECKSIG
  )
    return script.subarray(3, 23);
  return null;
}

/** Parses a script made only of data pushes; null if it contains any other opcode. */
export function parsePushes(script: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < script.length) {
    const op = script[i++]!;
    let n: number;
    if (op === OP_0) n = 0; // pushes the empty byte string
    else if (op >= 1 && op <= 75) n = op;
    else if (op === OP_PUSHDATA1) {
      if (i + 1 > script.length) return null;
      n = script[i]!;
      i += 1;
    } else if (op === OP_PUSHDATA2) {
      if (i + 2 > script.length) return null;
      n = script[i]! | (script[i + 1]! << 8);
      i += 2;
    } else return null;
    if (i + n > script.length) return null;
    out.push(script.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** The standard P2PKH spending script `<DER signature + hash type> <public key>`. */
export interface P2PKHInput {
  signature: Uint8Array; // DER, without the hash type byte
  hashType: number;
  pubkey: Uint8Array;
}

/** Recognises `<sig+hashtype> <pubkey>` (pubkey 33 or 65 bytes); null for any other shape. */
export function parseP2PKHInput(scriptSig: Uint8Array): P2PKHInput | null {
  const pushes = parsePushes(scriptSig);
  if (!pushes || pushes.length !== 2) return null;
  const sig = pushes[0]!, pubkey = pushes[1]!;
  if (sig.length < 9 || sig.length > 73) return null;
  if (!(pubkey.length === 33 && (pubkey[0] === 2 || pubkey[0] === 3)) && !(pubkey.length === 65 && pubkey[0] === 4))
    return null;
  return { signature: sig.subarray(0, sig.length - 1), hashType: sig[sig.length - 1]!, pubkey };
}

/** Minimal push of data (as a signer writes it). */
export function pushData(data: Uint8Array): Uint8Array {
  if (data.length <= 75) return concatBytes(Uint8Array.of(data.length), data);
  if (data.length <= 255) return concatBytes(Uint8Array.of(OP_PUSHDATA1, data.length), data);
  return concatBytes(Uint8Array.of(OP_PUSHDATA2, data.length & 0xff, data.length >> 8), data);
}

/** Builds `<DER signature + hash type> <pubkey>`. */
export function p2pkhInputScript(derSignature: Uint8Array, hashType: number, pubkey: Uint8Array): Uint8Array {
  return concatBytes(pushData(concatBytes(derSignature, Uint8Array.of(hashType))), pushData(pubkey));
}

/** CScriptNum serialization of an integer (minimal little-endian, sign bit in the top byte). */
export function scriptNum(n: number): Uint8Array {
  if (n === 0) return new Uint8Array(0);
  const neg = n < 0;
  let abs = Math.abs(n);
  const out: number[] = [];
  while (abs > 0) {
    out.push(abs & 0xff);
    abs = Math.floor(abs / 256);
  }
  if (out[out.length - 1]! & 0x80) out.push(neg ? 0x80 : 0);
  else if (neg) out[out.length - 1] = out[out.length - 1]! | 0x80;
  return Uint8Array.from(out);
}

/**
 * The script Core builds with `CScript() << nHeight` (BIP34): OP_0 for 0, OP_1..OP_16 for small
 * heights, otherwise a minimal push of the CScriptNum. A coinbase scriptSig must start with it.
 */
export function bip34HeightPrefix(height: number): Uint8Array {
  if (height === 0) return Uint8Array.of(OP_0);
  if (height === -1) return Uint8Array.of(OP_1NEGATE);
  if (height >= 1 && height <= 16) return Uint8Array.of(OP_1 + height - 1);
  return pushData(scriptNum(height));
}

/** Coinbase scriptSig: BIP34 height, then a free tag (e.g. the miner's name), at least 2 bytes. */
export function coinbaseScript(height: number, tag: Uint8Array = new Uint8Array(0)): Uint8Array {
  let s = concatBytes(bip34HeightPrefix(height), tag.length ? pushData(tag) : new Uint8Array(0));
  if (s.length < 2) s = concatBytes(s, Uint8Array.of(OP_0)); // Core requires 2..100 bytes
  return s;
}

/** True when a coinbase scriptSig starts with the BIP34 encoding of `height`. */
export function coinbaseHasHeight(scriptSig: Uint8Array, height: number): boolean {
  const expect = bip34HeightPrefix(height);
  return scriptSig.length >= expect.length && bytesEqual(scriptSig.subarray(0, expect.length), expect);
}

/** Human-readable form of a standard script, for the UI. */
export function describeScript(script: Uint8Array): string {
  const h = parseP2PKH(script);
  if (h) return `OP_DUP OP_HASH160 ${toHex(h)} OP_EQUALVERIFY OP_CHECKSIG`;
  const pushes = parsePushes(script);
  if (pushes) return pushes.map(toHex).join(' ');
  return `non-standard ${toHex(script)}`;
}
