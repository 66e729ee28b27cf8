import { FLAGS, ScriptFault, type ScriptErrorName } from './errors';
import { OP, isDisabledOpcode } from './opcodes';
import { readOp, isMinimalPush, type ScriptOp } from './script';
import { castToBool, decodeNum, encodeNum } from './num';
import type { SignatureChecker } from './checker';
import { execStackOp, execNumericOp, execCryptoOp, execLockTimeOp } from './ops';

import { MAX_SCRIPT_SIZE } from '../primitives/tx';

/** Core's limits (script/script.h); scripts are at most MAX_SCRIPT_SIZE (10,000) bytes. */
export const MAX_SCRIPT_ELEMENT_SIZE = 520;
export const MAX_OPS_PER_SCRIPT = 201;
export const MAX_STACK_SIZE = 1000;
export const MAX_PUBKEYS_PER_MULTISIG = 20;

/** Small numbers pushed by OP_1NEGATE and OP_1..OP_16, shared (stack elements are never mutated). */
const SMALL_NUMS: Uint8Array[] = Array.from({ length: 18 }, (_, i) => encodeNum(i - 1));

/**
 * Core's EvalScript for legacy scripts (SigVersion::BASE), as a machine that can run one
 * operation at a time: the debugger steps it, validation runs it to the end. Stack elements are
 * byte arrays that are never modified in place (pushes are views into the script).
 */
export class ScriptMachine {
  readonly altstack: Uint8Array[] = [];
  /** OP_IF nesting: whether each open branch executes; `falses` counts the non-executing ones. */
  readonly exec: boolean[] = [];
  private falses = 0;
  /** Offset of the next operation; where the last OP_CODESEPARATOR left the signed script. */
  pc = 0;
  codeSeparator = 0;
  opCount = 0;
  /** The last operation read (what `step` just executed), for the debugger. */
  lastOp: ScriptOp | null = null;
  /** Set when the script failed; `done` when it failed or reached the end. */
  error: ScriptErrorName | null = null;
  done = false;
  private started = false;

  constructor(
    readonly script: Uint8Array,
    readonly flags: number,
    readonly checker: SignatureChecker,
    readonly stack: Uint8Array[] = [],
  ) {}

  /** Whether the operation about to run executes (false inside an untaken branch). */
  get executing(): boolean {
    return this.falses === 0;
  }

  /** Runs the whole script; returns the error, or null if it ran to the end. */
  run(): ScriptErrorName | null {
    try {
      this.begin();
      while (this.pc < this.script.length) this.execOne();
      this.end();
    } catch (e) {
      this.fail(e);
    }
    this.done = true;
    return this.error;
  }

  /**
   * Runs one operation; once the script is used up, the next call runs the end-of-script check
   * (an IF left open) and finishes. `lastOp` says which operation ran (null for the end check).
   */
  step(): void {
    if (this.done) return;
    this.lastOp = null;
    try {
      this.begin();
      if (this.pc < this.script.length) this.execOne();
      else {
        this.end();
        this.done = true;
      }
    } catch (e) {
      this.fail(e);
      this.done = true;
    }
  }

  private fail(e: unknown): void {
    if (!(e instanceof ScriptFault)) throw e;
    this.error = e.code;
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    if (this.script.length > MAX_SCRIPT_SIZE) throw new ScriptFault('SCRIPT_SIZE');
  }

  private end(): void {
    if (this.exec.length) throw new ScriptFault('UNBALANCED_CONDITIONAL');
  }

  /** The element `depth` from the top (1 = top); INVALID_STACK_OPERATION if the stack is shorter. */
  top(depth = 1): Uint8Array {
    const v = this.stack[this.stack.length - depth];
    if (v === undefined || depth < 1) throw new ScriptFault('INVALID_STACK_OPERATION');
    return v;
  }

  /** Fails with INVALID_STACK_OPERATION unless the stack holds at least `n` elements. */
  need(n: number): void {
    if (this.stack.length < n) throw new ScriptFault('INVALID_STACK_OPERATION');
  }

  pop(): Uint8Array {
    const v = this.stack.pop();
    if (v === undefined) throw new ScriptFault('INVALID_STACK_OPERATION');
    return v;
  }

  push(v: Uint8Array): void {
    this.stack.push(v);
  }

  /** Reads the top element as a number (MINIMALDATA decides whether non-minimal encodings fail). */
  num(depth = 1, maxSize = 4): number {
    return decodeNum(this.top(depth), (this.flags & FLAGS.MINIMALDATA) !== 0, maxSize);
  }

  private execOne(): void {
    const o = readOp(this.script, this.pc);
    if (!o) {
      this.lastOp = null;
      throw new ScriptFault('BAD_OPCODE');
    }
    this.lastOp = o;
    this.pc = o.end;
    const op = o.op;
    const executing = this.falses === 0;
    if (o.data && o.data.length > MAX_SCRIPT_ELEMENT_SIZE) throw new ScriptFault('PUSH_SIZE');
    // Counted in untaken branches too; pushes and OP_RESERVED are free.
    if (op > OP.OP_16 && ++this.opCount > MAX_OPS_PER_SCRIPT) throw new ScriptFault('OP_COUNT');
    if (isDisabledOpcode(op)) throw new ScriptFault('DISABLED_OPCODE');
    if (op === OP.OP_CODESEPARATOR && this.flags & FLAGS.CONST_SCRIPTCODE) throw new ScriptFault('OP_CODESEPARATOR');

    if (o.data) {
      if (!executing) return;
      if (this.flags & FLAGS.MINIMALDATA && !isMinimalPush(o.data, op)) throw new ScriptFault('MINIMALDATA');
      this.stack.push(o.data);
    } else if (executing || (op >= OP.OP_IF && op <= OP.OP_ENDIF)) {
      this.execOpcode(op);
    }
    if (this.stack.length + this.altstack.length > MAX_STACK_SIZE) throw new ScriptFault('STACK_SIZE');
  }

  private execOpcode(op: number): void {
    if (op === OP.OP_1NEGATE || (op >= OP.OP_1 && op <= OP.OP_16)) {
      this.stack.push(SMALL_NUMS[op === OP.OP_1NEGATE ? 0 : op - OP.OP_1 + 2]!);
      return;
    }
    switch (op) {
      case OP.OP_NOP:
        return;
      case OP.OP_NOP1: case OP.OP_NOP4: case OP.OP_NOP5: case OP.OP_NOP6: case OP.OP_NOP7:
      case OP.OP_NOP8: case OP.OP_NOP9: case OP.OP_NOP10:
        if (this.flags & FLAGS.DISCOURAGE_UPGRADABLE_NOPS) throw new ScriptFault('DISCOURAGE_UPGRADABLE_NOPS');
        return;
      case OP.OP_CHECKLOCKTIMEVERIFY:
      case OP.OP_CHECKSEQUENCEVERIFY:
        execLockTimeOp(this, op);
        return;
      case OP.OP_IF:
      case OP.OP_NOTIF: {
        let value = false;
        if (this.falses === 0) {
          if (this.stack.length < 1) throw new ScriptFault('INVALID_STACK_OPERATION');
          // MINIMALIF applies to SegWit v0 scripts only; legacy scripts may use any true value.
          value = castToBool(this.pop());
          if (op === OP.OP_NOTIF) value = !value;
        }
        this.exec.push(value);
        if (!value) this.falses++;
        return;
      }
      case OP.OP_ELSE: {
        const last = this.exec.length - 1;
        if (last < 0) throw new ScriptFault('UNBALANCED_CONDITIONAL');
        const was = this.exec[last]!;
        this.exec[last] = !was;
        this.falses += was ? 1 : -1;
        return;
      }
      case OP.OP_ENDIF: {
        const was = this.exec.pop();
        if (was === undefined) throw new ScriptFault('UNBALANCED_CONDITIONAL');
        if (!was) this.falses--;
        return;
      }
      case OP.OP_VERIFY:
        this.need(1);
        if (!castToBool(this.top())) throw new ScriptFault('VERIFY');
        this.pop();
        return;
      case OP.OP_RETURN:
        throw new ScriptFault('OP_RETURN');
      default:
        if (execStackOp(this, op) || execNumericOp(this, op) || execCryptoOp(this, op)) return;
        // OP_RESERVED, OP_VER, OP_VERIF, OP_VERNOTIF, OP_RESERVED1/2, 0xba..0xff.
        throw new ScriptFault('BAD_OPCODE');
    }
  }
}

/** Core's EvalScript: runs `script` on `stack` (modified in place); returns the error or null. */
export function evalScript(stack: Uint8Array[], script: Uint8Array, flags: number, checker: SignatureChecker): ScriptErrorName | null {
  return new ScriptMachine(script, flags, checker, stack).run();
}
