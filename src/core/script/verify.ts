import { FLAGS, type ScriptErrorName } from './errors';
import { evalScript } from './interpreter';
import { castToBool } from './num';
import { isP2SH, isPushOnly } from './script';
import { TxSignatureChecker, type SignatureChecker } from './checker';
import type { Tx } from '../primitives/tx';

/**
 * Core's VerifyScript for legacy inputs: run the scriptSig, then the scriptPubKey on the stack
 * it left; it must end with a true top element. For a P2SH output (with the P2SH flag) the
 * scriptSig must be push-only and its last push, the redeem script, runs on the rest of the
 * stack. SIGPUSHONLY and CLEANSTACK are checked as Core checks them. SegWit is not implemented:
 * a witness program is an ordinary script here (see docs/PROTOCOL.md).
 * Returns 'OK' or Core's error name.
 */
export function verifyScript(scriptSig: Uint8Array, scriptPubKey: Uint8Array, flags: number, checker: SignatureChecker): ScriptErrorName {
  if (flags & FLAGS.SIGPUSHONLY && !isPushOnly(scriptSig)) return 'SIG_PUSHONLY';
  const stack: Uint8Array[] = [];
  let err = evalScript(stack, scriptSig, flags, checker);
  if (err) return err;
  const p2sh = (flags & FLAGS.P2SH) !== 0 && isP2SH(scriptPubKey);
  const copy = p2sh ? stack.slice() : null;
  err = evalScript(stack, scriptPubKey, flags, checker);
  if (err) return err;
  const top = stack[stack.length - 1];
  if (top === undefined || !castToBool(top)) return 'EVAL_FALSE';
  let final = stack;
  if (p2sh && copy) {
    if (!isPushOnly(scriptSig)) return 'SIG_PUSHONLY';
    // The scriptPubKey (a hash check) succeeded, so the scriptSig pushed at least the redeem script.
    const redeem = copy.pop()!;
    err = evalScript(copy, redeem, flags, checker);
    if (err) return err;
    const t = copy[copy.length - 1];
    if (t === undefined || !castToBool(t)) return 'EVAL_FALSE';
    final = copy;
  }
  // CLEANSTACK: one element left, so a scriptSig cannot carry extra (malleable) data.
  if (flags & FLAGS.CLEANSTACK && final.length !== 1) return 'CLEANSTACK';
  return 'OK';
}

/** Verifies input `index` of `tx` spending an output locked by `scriptPubKey`. */
export function verifyInput(tx: Tx, index: number, scriptPubKey: Uint8Array, flags: number): ScriptErrorName {
  return verifyScript(tx.inputs[index]!.scriptSig, scriptPubKey, flags, new TxSignatureChecker(tx, index));
}
