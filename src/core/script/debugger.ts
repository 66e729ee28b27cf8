import { FLAGS, type ScriptErrorName } from './errors';
import { ScriptMachine } from './interpreter';
import { OP } from './opcodes';
import { castToBool } from './num';
import { decodeOps, isP2SH, isPushOnly, type ScriptOp } from './script';
import { TxSignatureChecker, type SignatureCheckRecord } from './checker';
import type { Tx } from '../primitives/tx';

/**
 * A step-by-step record of one input's verification, for the Script debugger: the same
 * sequence as `verifyScript` (scriptSig, then scriptPubKey, then the P2SH redeem script), with
 * the stacks after every operation, every signature check, and where and why it failed.
 */

export type ScriptPhase = 'scriptSig' | 'scriptPubKey' | 'redeemScript';

/** One script of the run, decoded into operations. */
export interface TracePhase {
  phase: ScriptPhase;
  script: Uint8Array;
  ops: ScriptOp[];
  /** The script ends in a push that runs past its end (it fails with BAD_OPCODE there). */
  truncated: boolean;
}

/** The machine after one operation (or at the start of a phase, `opIndex` -1). */
export interface TraceStep {
  phase: ScriptPhase;
  opIndex: number;
  /** False for an operation skipped inside an untaken IF branch. */
  executed: boolean;
  stack: Uint8Array[];
  altstack: Uint8Array[];
  /** Signature checks this operation made (CHECKSIG: one; CHECKMULTISIG: one per key tried). */
  sigChecks: SignatureCheckRecord[];
  error: ScriptErrorName | null;
}

export interface ScriptTrace {
  flags: number;
  phases: TracePhase[];
  steps: TraceStep[];
  /** 'OK', or Core's error name. */
  result: ScriptErrorName;
  /** Where it failed: an operation, or (opIndex = ops.length) the check after a phase ended. */
  failedAt: { phase: ScriptPhase; opIndex: number } | null;
}

/**
 * Verifies input `index` of `tx` against the script it spends, recording every step. The result
 * is always the one `verifyScript` gives (tested on all of Core's script vectors).
 */
export function traceInput(tx: Tx, index: number, scriptPubKey: Uint8Array, flags: number): ScriptTrace {
  const pending: SignatureCheckRecord[] = [];
  const checker = new TxSignatureChecker(tx, index, (r) => pending.push(r));
  const scriptSig = tx.inputs[index]?.scriptSig ?? new Uint8Array(0);
  const trace: ScriptTrace = { flags, phases: [], steps: [], result: 'OK', failedAt: null };
  const fail = (phase: ScriptPhase, opIndex: number, error: ScriptErrorName): ScriptTrace => {
    trace.result = error;
    trace.failedAt = { phase, opIndex };
    return trace;
  };

  const run = (phase: ScriptPhase, script: Uint8Array, stack: Uint8Array[]): ScriptErrorName | null => {
    const { ops, truncated } = decodeOps(script);
    trace.phases.push({ phase, script, ops, truncated });
    const m = new ScriptMachine(script, flags, checker, stack);
    trace.steps.push({ phase, opIndex: -1, executed: true, stack: stack.slice(), altstack: [], sigChecks: [], error: null });
    while (!m.done) {
      const executing = m.executing;
      m.step();
      const op = m.lastOp;
      // No operation: the end-of-script check, a push running past the end, or an oversized script.
      const opIndex = op ? ops.findIndex((o) => o.start === op.start) : ops.length;
      if (op || m.error)
        trace.steps.push({
          phase, opIndex, executed: executing || (!!op && op.op >= OP.OP_IF && op.op <= OP.OP_ENDIF),
          stack: m.stack.slice(), altstack: m.altstack.slice(), sigChecks: pending.splice(0), error: m.error,
        });
      if (m.error) {
        fail(phase, opIndex, m.error);
        return m.error;
      }
    }
    return null;
  };

  if (flags & FLAGS.SIGPUSHONLY && !isPushOnly(scriptSig)) {
    trace.phases.push({ phase: 'scriptSig', script: scriptSig, ...decodeOps(scriptSig) });
    return fail('scriptSig', 0, 'SIG_PUSHONLY');
  }
  const stack: Uint8Array[] = [];
  if (run('scriptSig', scriptSig, stack)) return trace;
  const p2sh = (flags & FLAGS.P2SH) !== 0 && isP2SH(scriptPubKey);
  const copy = stack.slice();
  if (run('scriptPubKey', scriptPubKey, stack)) return trace;
  const pubOps = trace.phases[trace.phases.length - 1]!.ops.length;
  const top = stack[stack.length - 1];
  if (top === undefined || !castToBool(top)) return fail('scriptPubKey', pubOps, 'EVAL_FALSE');
  let final = stack;
  if (p2sh) {
    if (!isPushOnly(scriptSig)) return fail('scriptSig', 0, 'SIG_PUSHONLY');
    const redeem = copy.pop()!;
    if (run('redeemScript', redeem, copy)) return trace;
    const t = copy[copy.length - 1];
    const redeemOps = trace.phases[trace.phases.length - 1]!.ops.length;
    if (t === undefined || !castToBool(t)) return fail('redeemScript', redeemOps, 'EVAL_FALSE');
    final = copy;
  }
  if (flags & FLAGS.CLEANSTACK && final.length !== 1) {
    const last = trace.phases[trace.phases.length - 1]!;
    return fail(last.phase, last.ops.length, 'CLEANSTACK');
  }
  return trace;
}
