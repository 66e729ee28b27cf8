import { legacySighash } from '../crypto/sighash';
import { verifyEcdsa } from '../crypto/keys';
import { hasLowS, isStrictDerWithHashType } from '../crypto/der';
import type { Tx } from '../primitives/tx';
import { FLAGS, ScriptFault } from './errors';
import { readOp, pushBytes } from './script';

/**
 * What the interpreter asks of the transaction it is verifying (Core's BaseSignatureChecker):
 * a signature check against the signature hash, and the lock-time checks of BIP65 and BIP112.
 */
export interface SignatureChecker {
  /** Core's CheckECDSASignature: `sig` is DER + hash type byte, `scriptCode` the script being signed. */
  checkSignature(sig: Uint8Array, pubkey: Uint8Array, scriptCode: Uint8Array): boolean;
  checkLockTime(lockTime: number): boolean;
  checkSequence(sequence: number): boolean;
}

/** A checker for scripts outside any transaction: every signature and lock time fails (Core's BaseSignatureChecker). */
export const NO_TX_CHECKER: SignatureChecker = {
  checkSignature: () => false,
  checkLockTime: () => false,
  checkSequence: () => false,
};

/** One signature check as it happened, for the debugger. */
export interface SignatureCheckRecord {
  signature: Uint8Array;
  pubkey: Uint8Array;
  scriptCode: Uint8Array;
  hashType: number;
  /** The 32-byte digest signed (null when the key or signature was rejected before hashing). */
  digest: Uint8Array | null;
  valid: boolean;
}

const LOCKTIME_THRESHOLD = 500_000_000;
const SEQUENCE_FINAL = 0xffffffff;
const SEQUENCE_DISABLE = 0x80000000;
const SEQUENCE_TYPE = 0x00400000;
const SEQUENCE_MASK = 0x0000ffff;

/** Core's CPubKey::IsValid: a length that matches the first byte (33 for 02/03, 65 for 04/06/07). */
export function pubkeySizeValid(pubkey: Uint8Array): boolean {
  const h = pubkey[0];
  if (h === 2 || h === 3) return pubkey.length === 33;
  if (h === 4 || h === 6 || h === 7) return pubkey.length === 65;
  return false;
}

/**
 * Core's TransactionSignatureChecker for legacy scripts: the signature hash of input `index`
 * of `tx`, verified with libsecp256k1; nLockTime and nSequence checks for CLTV and CSV.
 */
export class TxSignatureChecker implements SignatureChecker {
  constructor(
    readonly tx: Tx,
    readonly index: number,
    /** Receives every signature check (the debugger's sighash panel); absent in validation. */
    private readonly onCheck?: (r: SignatureCheckRecord) => void,
  ) {}

  checkSignature(sig: Uint8Array, pubkey: Uint8Array, scriptCode: Uint8Array): boolean {
    const hashType = sig.length ? sig[sig.length - 1]! : 0;
    if (!pubkeySizeValid(pubkey) || sig.length === 0) {
      this.onCheck?.({ signature: sig, pubkey, scriptCode, hashType, digest: null, valid: false });
      return false;
    }
    const digest = legacySighash(this.tx, this.index, scriptCode, hashType);
    const valid = verifyEcdsa(digest, sig.subarray(0, sig.length - 1), pubkey);
    this.onCheck?.({ signature: sig, pubkey, scriptCode, hashType, digest, valid });
    return valid;
  }

  checkLockTime(lockTime: number): boolean {
    const txLock = this.tx.locktime;
    // Heights and times cannot be compared with each other.
    if ((txLock < LOCKTIME_THRESHOLD) !== (lockTime < LOCKTIME_THRESHOLD)) return false;
    if (lockTime > txLock) return false;
    // A final input would make nLockTime itself ineffective (IsFinalTx), so CLTV demands a non-final one.
    return this.tx.inputs[this.index]!.sequence !== SEQUENCE_FINAL;
  }

  checkSequence(sequence: number): boolean {
    const txSeq = this.tx.inputs[this.index]!.sequence;
    // BIP68 relative lock times exist from version 2 (the version is compared unsigned, as in Core).
    if (this.tx.version >>> 0 < 2) return false;
    if (txSeq & SEQUENCE_DISABLE) return false;
    const mask = SEQUENCE_TYPE | SEQUENCE_MASK;
    const txMasked = (txSeq & mask) >>> 0;
    const masked = sequence % 0x100000000 & mask;
    if ((txMasked < SEQUENCE_TYPE) !== (masked < SEQUENCE_TYPE)) return false;
    return masked <= txMasked;
  }
}

/**
 * Core's CheckSignatureEncoding: with DERSIG, LOW_S or STRICTENC the signature must be strict
 * DER (SIG_DER); LOW_S demands S <= n/2 (SIG_HIGH_S); STRICTENC a defined hash type
 * (SIG_HASHTYPE). The empty signature always passes (it is the way to fail a check on purpose).
 */
export function checkSignatureEncoding(sig: Uint8Array, flags: number): void {
  if (sig.length === 0) return;
  if (flags & (FLAGS.DERSIG | FLAGS.LOW_S | FLAGS.STRICTENC) && !isStrictDerWithHashType(sig)) throw new ScriptFault('SIG_DER');
  if (flags & FLAGS.LOW_S && !hasLowS(sig.subarray(0, sig.length - 1))) throw new ScriptFault('SIG_HIGH_S');
  if (flags & FLAGS.STRICTENC) {
    const base = sig[sig.length - 1]! & ~0x80;
    if (base < 1 || base > 3) throw new ScriptFault('SIG_HASHTYPE');
  }
}

/** Core's CheckPubKeyEncoding for legacy scripts: with STRICTENC, 33 bytes 02/03 or 65 bytes 04 (PUBKEYTYPE). */
export function checkPubkeyEncoding(pubkey: Uint8Array, flags: number): void {
  if (!(flags & FLAGS.STRICTENC)) return;
  const ok = (pubkey.length === 33 && (pubkey[0] === 2 || pubkey[0] === 3)) || (pubkey.length === 65 && pubkey[0] === 4);
  if (!ok) throw new ScriptFault('PUBKEYTYPE');
}

/**
 * Core's FindAndDelete: removes every occurrence of `needle` that starts on an operation
 * boundary of `script` (a signature cannot sign itself in legacy scripts). Returns the script
 * (the same array when nothing was found) and how many were removed.
 */
export function findAndDelete(script: Uint8Array, needle: Uint8Array): { script: Uint8Array; found: number } {
  if (needle.length === 0) return { script, found: 0 };
  let found = 0;
  const keep: [number, number][] = [];
  let pc = 0;
  let copyFrom = 0;
  const matchesAt = (at: number) => {
    if (script.length - at < needle.length) return false;
    for (let i = 0; i < needle.length; i++) if (script[at + i] !== needle[i]) return false;
    return true;
  };
  for (;;) {
    keep.push([copyFrom, pc]);
    while (matchesAt(pc)) {
      pc += needle.length;
      found++;
    }
    copyFrom = pc;
    const o = readOp(script, pc);
    if (!o) break;
    pc = o.end;
  }
  if (found === 0) return { script, found };
  keep.push([copyFrom, script.length]);
  let size = 0;
  for (const [a, b] of keep) size += b - a;
  const out = new Uint8Array(size);
  let at = 0;
  for (const [a, b] of keep) {
    out.set(script.subarray(a, b), at);
    at += b - a;
  }
  return { script: out, found };
}

/** The push Core's FindAndDelete looks for: `CScript() << sig`. */
export function signaturePush(sig: Uint8Array): Uint8Array {
  return pushBytes(sig);
}
