import { ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hash160, sha256d } from '../crypto/hash';
import { bytesEqual } from '../encoding';
import { FLAGS, ScriptFault } from './errors';
import { OP } from './opcodes';
import { castToBool, clampInt, encodeNum, FALSE_BYTES, TRUE_BYTES } from './num';
import { checkPubkeyEncoding, checkSignatureEncoding, findAndDelete, signaturePush } from './checker';
import type { ScriptMachine } from './interpreter';

/**
 * The opcodes of Core's EvalScript that work on the stack, numbers, hashes and signatures, each
 * group a function returning false for an opcode it does not know. Errors are Core's.
 */

const bool = (b: boolean) => (b ? TRUE_BYTES : FALSE_BYTES);

/** Stack manipulation, OP_SIZE, OP_EQUAL(VERIFY). */
export function execStackOp(m: ScriptMachine, op: number): boolean {
  const s = m.stack;
  switch (op) {
    case OP.OP_TOALTSTACK:
      m.altstack.push(m.pop());
      return true;
    case OP.OP_FROMALTSTACK: {
      const v = m.altstack.pop();
      if (v === undefined) throw new ScriptFault('INVALID_ALTSTACK_OPERATION');
      s.push(v);
      return true;
    }
    case OP.OP_2DROP:
      m.need(2);
      s.length -= 2;
      return true;
    case OP.OP_2DUP: {
      const a = m.top(2), b = m.top(1);
      s.push(a, b);
      return true;
    }
    case OP.OP_3DUP: {
      const a = m.top(3), b = m.top(2), c = m.top(1);
      s.push(a, b, c);
      return true;
    }
    case OP.OP_2OVER: {
      const a = m.top(4), b = m.top(3);
      s.push(a, b);
      return true;
    }
    case OP.OP_2ROT: {
      m.need(6);
      const moved = s.splice(s.length - 6, 2);
      s.push(...moved);
      return true;
    }
    case OP.OP_2SWAP: {
      m.need(4);
      const moved = s.splice(s.length - 4, 2);
      s.push(...moved);
      return true;
    }
    case OP.OP_IFDUP: {
      const v = m.top();
      if (castToBool(v)) s.push(v);
      return true;
    }
    case OP.OP_DEPTH:
      s.push(encodeNum(s.length));
      return true;
    case OP.OP_DROP:
      m.pop();
      return true;
    case OP.OP_DUP:
      s.push(m.top());
      return true;
    case OP.OP_NIP:
      m.need(2);
      s.splice(s.length - 2, 1);
      return true;
    case OP.OP_OVER:
      s.push(m.top(2));
      return true;
    case OP.OP_PICK:
    case OP.OP_ROLL: {
      m.need(2);
      const n = clampInt(m.num());
      m.pop();
      if (n < 0 || n >= s.length) throw new ScriptFault('INVALID_STACK_OPERATION');
      const v = m.top(n + 1);
      if (op === OP.OP_ROLL) s.splice(s.length - n - 1, 1);
      s.push(v);
      return true;
    }
    case OP.OP_ROT: {
      m.need(3);
      const [v] = s.splice(s.length - 3, 1);
      s.push(v!);
      return true;
    }
    case OP.OP_SWAP: {
      const a = m.top(2), b = m.top(1);
      s[s.length - 2] = b;
      s[s.length - 1] = a;
      return true;
    }
    case OP.OP_TUCK: {
      m.need(2);
      s.splice(s.length - 2, 0, m.top());
      return true;
    }
    case OP.OP_SIZE:
      s.push(encodeNum(m.top().length));
      return true;
    case OP.OP_EQUAL:
    case OP.OP_EQUALVERIFY: {
      const equal = bytesEqual(m.top(2), m.top(1));
      s.length -= 2;
      if (op === OP.OP_EQUALVERIFY) {
        if (!equal) throw new ScriptFault('EQUALVERIFY');
      } else s.push(bool(equal));
      return true;
    }
    default:
      return false;
  }
}

/** Arithmetic on 4-byte script numbers (results may be 5 bytes). */
export function execNumericOp(m: ScriptMachine, op: number): boolean {
  const s = m.stack;
  switch (op) {
    case OP.OP_1ADD: case OP.OP_1SUB: case OP.OP_NEGATE: case OP.OP_ABS: case OP.OP_NOT: case OP.OP_0NOTEQUAL: {
      m.need(1);
      const a = m.num();
      const r =
        op === OP.OP_1ADD ? a + 1 : op === OP.OP_1SUB ? a - 1 : op === OP.OP_NEGATE ? -a : op === OP.OP_ABS ? Math.abs(a)
        : op === OP.OP_NOT ? Number(a === 0) : Number(a !== 0);
      s[s.length - 1] = encodeNum(r);
      return true;
    }
    case OP.OP_ADD: case OP.OP_SUB: case OP.OP_BOOLAND: case OP.OP_BOOLOR: case OP.OP_NUMEQUAL: case OP.OP_NUMEQUALVERIFY:
    case OP.OP_NUMNOTEQUAL: case OP.OP_LESSTHAN: case OP.OP_GREATERTHAN: case OP.OP_LESSTHANOREQUAL:
    case OP.OP_GREATERTHANOREQUAL: case OP.OP_MIN: case OP.OP_MAX: {
      m.need(2);
      const a = m.num(2), b = m.num(1);
      let r: number;
      switch (op) {
        case OP.OP_ADD: r = a + b; break;
        case OP.OP_SUB: r = a - b; break;
        case OP.OP_BOOLAND: r = Number(a !== 0 && b !== 0); break;
        case OP.OP_BOOLOR: r = Number(a !== 0 || b !== 0); break;
        case OP.OP_NUMEQUAL: case OP.OP_NUMEQUALVERIFY: r = Number(a === b); break;
        case OP.OP_NUMNOTEQUAL: r = Number(a !== b); break;
        case OP.OP_LESSTHAN: r = Number(a < b); break;
        case OP.OP_GREATERTHAN: r = Number(a > b); break;
        case OP.OP_LESSTHANOREQUAL: r = Number(a <= b); break;
        case OP.OP_GREATERTHANOREQUAL: r = Number(a >= b); break;
        case OP.OP_MIN: r = Math.min(a, b); break;
        default: r = Math.max(a, b);
      }
      s.length -= 2;
      if (op === OP.OP_NUMEQUALVERIFY) {
        if (!r) throw new ScriptFault('NUMEQUALVERIFY');
      } else s.push(encodeNum(r));
      return true;
    }
    case OP.OP_WITHIN: {
      m.need(3);
      const x = m.num(3), min = m.num(2), max = m.num(1);
      s.length -= 3;
      s.push(bool(min <= x && x < max));
      return true;
    }
    default:
      return false;
  }
}

/** Hashes, OP_CODESEPARATOR and the signature checks. */
export function execCryptoOp(m: ScriptMachine, op: number): boolean {
  const s = m.stack;
  switch (op) {
    case OP.OP_RIPEMD160: case OP.OP_SHA1: case OP.OP_SHA256: case OP.OP_HASH160: case OP.OP_HASH256: {
      const v = m.top();
      s[s.length - 1] =
        op === OP.OP_RIPEMD160 ? ripemd160(v) : op === OP.OP_SHA1 ? sha1(v) : op === OP.OP_SHA256 ? sha256(v)
        : op === OP.OP_HASH160 ? hash160(v) : sha256d(v);
      return true;
    }
    case OP.OP_CODESEPARATOR:
      m.codeSeparator = m.pc;
      return true;
    case OP.OP_CHECKSIG:
    case OP.OP_CHECKSIGVERIFY: {
      const sig = m.top(2), pubkey = m.top(1);
      const ok = checkSig(m, sig, pubkey, dropSignatures(m, [sig]));
      s.length -= 2;
      if (op === OP.OP_CHECKSIGVERIFY) {
        if (!ok) throw new ScriptFault('CHECKSIGVERIFY');
      } else s.push(bool(ok));
      return true;
    }
    case OP.OP_CHECKMULTISIG:
    case OP.OP_CHECKMULTISIGVERIFY:
      checkMultisig(m, op === OP.OP_CHECKMULTISIGVERIFY);
      return true;
    default:
      return false;
  }
}

/**
 * The script a signature signs: from the last OP_CODESEPARATOR to the end, with the signatures
 * themselves removed (FindAndDelete; forbidden outright under CONST_SCRIPTCODE).
 */
function dropSignatures(m: ScriptMachine, sigs: Uint8Array[]): Uint8Array {
  let code = m.script.subarray(m.codeSeparator);
  for (const sig of sigs) {
    const r = findAndDelete(code, signaturePush(sig));
    if (r.found > 0 && m.flags & FLAGS.CONST_SCRIPTCODE) throw new ScriptFault('SIG_FINDANDDELETE');
    code = r.script;
  }
  return code;
}

/** One signature check with Core's encoding rules first and NULLFAIL after. */
function checkSig(m: ScriptMachine, sig: Uint8Array, pubkey: Uint8Array, scriptCode: Uint8Array): boolean {
  checkSignatureEncoding(sig, m.flags);
  checkPubkeyEncoding(pubkey, m.flags);
  const ok = m.checker.checkSignature(sig, pubkey, scriptCode);
  if (!ok && m.flags & FLAGS.NULLFAIL && sig.length) throw new ScriptFault('NULLFAIL');
  return ok;
}

/**
 * OP_CHECKMULTISIG: `<dummy> <sig>… m <key>… n`. Signatures must match keys in order; each key
 * is tried once. The extra dummy element (Satoshi's off-by-one) must be empty under NULLDUMMY.
 */
function checkMultisig(m: ScriptMachine, verify: boolean): void {
  const s = m.stack;
  const flags = m.flags;
  let i = 1;
  m.need(i);
  const keys = clampInt(m.num(i));
  if (keys < 0 || keys > 20) throw new ScriptFault('PUBKEY_COUNT');
  m.opCount += keys;
  if (m.opCount > 201) throw new ScriptFault('OP_COUNT');
  let ikey = ++i;
  // The position of the last key, so NULLFAIL can tell keys from signatures when cleaning up.
  let ikey2 = keys + 2;
  i += keys;
  m.need(i);
  const sigCount = clampInt(m.num(i));
  if (sigCount < 0 || sigCount > keys) throw new ScriptFault('SIG_COUNT');
  let isig = ++i;
  i += sigCount;
  m.need(i);
  const sigs: Uint8Array[] = [];
  for (let k = 0; k < sigCount; k++) sigs.push(m.top(isig + k));
  const scriptCode = dropSignatures(m, sigs);
  let success = true;
  let sigsLeft = sigCount;
  let keysLeft = keys;
  while (success && sigsLeft > 0) {
    const sig = m.top(isig);
    const key = m.top(ikey);
    checkSignatureEncoding(sig, flags);
    checkPubkeyEncoding(key, flags);
    if (m.checker.checkSignature(sig, key, scriptCode)) {
      isig++;
      sigsLeft--;
    }
    ikey++;
    keysLeft--;
    // More signatures left than keys: the rest cannot all match.
    if (sigsLeft > keysLeft) success = false;
  }
  // Clean up the arguments; under NULLFAIL a failed check demands every signature be empty.
  while (i-- > 1) {
    if (!success && flags & FLAGS.NULLFAIL && !ikey2 && m.top().length) throw new ScriptFault('NULLFAIL');
    if (ikey2 > 0) ikey2--;
    m.pop();
  }
  // The dummy element (popped by Satoshi's implementation by mistake, now consensus).
  if (s.length < 1) throw new ScriptFault('INVALID_STACK_OPERATION');
  if (flags & FLAGS.NULLDUMMY && m.top().length) throw new ScriptFault('SIG_NULLDUMMY');
  m.pop();
  if (verify) {
    if (!success) throw new ScriptFault('CHECKMULTISIGVERIFY');
  } else s.push(bool(success));
}

/**
 * OP_CHECKLOCKTIMEVERIFY (BIP65) and OP_CHECKSEQUENCEVERIFY (BIP112). Without their flag they are
 * plain NOP2/NOP3, not discouraged, so that removing a flag never invalidates a script (Core #10699).
 */
export function execLockTimeOp(m: ScriptMachine, op: number): void {
  const cltv = op === OP.OP_CHECKLOCKTIMEVERIFY;
  if (!(m.flags & (cltv ? FLAGS.CHECKLOCKTIMEVERIFY : FLAGS.CHECKSEQUENCEVERIFY))) return;
  m.need(1);
  // 5-byte operands: lock times are uint32, beyond the 4-byte range of other numbers.
  const n = m.num(1, 5);
  if (n < 0) throw new ScriptFault('NEGATIVE_LOCKTIME');
  if (cltv) {
    if (!m.checker.checkLockTime(n)) throw new ScriptFault('UNSATISFIED_LOCKTIME');
    return;
  }
  // With the disable bit (1 << 31) set, CSV is a NOP, reserved for future soft forks.
  if (Math.floor(n / 0x80000000) % 2 === 1) return;
  if (!m.checker.checkSequence(n)) throw new ScriptFault('UNSATISFIED_LOCKTIME');
}
