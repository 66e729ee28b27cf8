import { concatBytes, fromHex, toHex, utf8 } from '../encoding';
import { OP, OPCODES_BY_NAME, opcodeName } from './opcodes';
import { encodeNum, numValue } from './num';

/**
 * Reading and writing scripts as a sequence of operations: Core's GetScriptOp, IsPushOnly,
 * ScriptToAsmStr (the disassembly students read) and ParseScript (the assembly of Core's test
 * vectors, also what the debugger lets a teacher type).
 */

/** One decoded operation: the opcode byte, its push data (pushes only) and where it sits. */
export interface ScriptOp {
  op: number;
  /** The pushed bytes (a view into the script) for OP_0 and the push opcodes; null otherwise. */
  data: Uint8Array | null;
  /** Offset of the opcode byte, and of the first byte after the operation. */
  start: number;
  end: number;
}

/**
 * Decodes the operation at `pc` (Core's GetScriptOp); null when nothing is left or a push runs
 * past the end of the script. `failAt` then says how far the reader got (Core's iterator moves
 * past the opcode and length bytes before it notices), which the signature hash depends on.
 */
export function readOp(script: Uint8Array, pc: number): ScriptOp | null {
  const r = readOpEnd(script, pc);
  return r.op === null ? null : r.op;
}

/** readOp plus where a failed read stopped. */
export function readOpEnd(script: Uint8Array, pc: number): { op: ScriptOp | null; failAt: number } {
  const len = script.length;
  if (pc >= len) return { op: null, failAt: pc };
  const start = pc;
  const op = script[pc++]!;
  if (op > OP.OP_PUSHDATA4) return { op: { op, data: null, start, end: pc }, failAt: pc };
  let size: number;
  if (op < OP.OP_PUSHDATA1) size = op;
  else if (op === OP.OP_PUSHDATA1) {
    if (len - pc < 1) return { op: null, failAt: pc };
    size = script[pc++]!;
  } else if (op === OP.OP_PUSHDATA2) {
    if (len - pc < 2) return { op: null, failAt: pc };
    size = script[pc]! | (script[pc + 1]! << 8);
    pc += 2;
  } else {
    if (len - pc < 4) return { op: null, failAt: pc };
    size = (script[pc]! | (script[pc + 1]! << 8) | (script[pc + 2]! << 16)) + script[pc + 3]! * 0x1000000;
    pc += 4;
  }
  if (len - pc < size) return { op: null, failAt: pc };
  return { op: { op, data: script.subarray(pc, pc + size), start, end: pc + size }, failAt: pc + size };
}

/** Every operation of a script, and whether it ended in a truncated push. */
export function decodeOps(script: Uint8Array): { ops: ScriptOp[]; truncated: boolean } {
  const ops: ScriptOp[] = [];
  let pc = 0;
  while (pc < script.length) {
    const o = readOp(script, pc);
    if (!o) return { ops, truncated: true };
    ops.push(o);
    pc = o.end;
  }
  return { ops, truncated: false };
}

/** Core's IsPushOnly: only opcodes up to OP_16 (OP_RESERVED counts as a push here, as in Core). */
export function isPushOnly(script: Uint8Array, from = 0): boolean {
  let pc = from;
  while (pc < script.length) {
    const o = readOp(script, pc);
    if (!o || o.op > OP.OP_16) return false;
    pc = o.end;
  }
  return true;
}

/**
 * Core's CScript::IsUnspendable: an OP_RETURN output, or a script over 10,000 bytes, can never be
 * spent, so it never enters the UTXO set.
 */
export function isUnspendable(script: Uint8Array): boolean {
  return (script.length > 0 && script[0] === OP.OP_RETURN) || script.length > 10_000;
}

/** Core's IsPayToScriptHash: OP_HASH160 <20 bytes> OP_EQUAL, exactly 23 bytes. */
export function isP2SH(script: Uint8Array): boolean {
  return script.length === 23 && script[0] === OP.OP_HASH160 && script[1] === 0x14 && script[22] === OP.OP_EQUAL;
}

/** A push of `data` with the smallest opcode that can carry it (Core's `CScript() << data`). */
export function pushBytes(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n < OP.OP_PUSHDATA1) return concatBytes(Uint8Array.of(n), data);
  if (n <= 0xff) return concatBytes(Uint8Array.of(OP.OP_PUSHDATA1, n), data);
  if (n <= 0xffff) return concatBytes(Uint8Array.of(OP.OP_PUSHDATA2, n & 0xff, n >> 8), data);
  return concatBytes(Uint8Array.of(OP.OP_PUSHDATA4, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24), data);
}

/** A push of an integer as Core writes `CScript() << n`: OP_0, OP_1NEGATE, OP_1..OP_16, else a number push. */
export function pushInt(n: number): Uint8Array {
  if (n === 0) return Uint8Array.of(OP.OP_0);
  if (n === -1 || (n >= 1 && n <= 16)) return Uint8Array.of(n === -1 ? OP.OP_1NEGATE : OP.OP_1 + n - 1);
  return pushBytes(encodeNum(n));
}

/** Core's CheckMinimalPush: whether `op` is the smallest way to push `data` (MINIMALDATA). */
export function isMinimalPush(data: Uint8Array, op: number): boolean {
  const n = data.length;
  if (n === 0) return op === OP.OP_0;
  if (n === 1 && data[0]! >= 1 && data[0]! <= 16) return op === OP.OP_1 + data[0]! - 1;
  if (n === 1 && data[0] === 0x81) return op === OP.OP_1NEGATE;
  if (n <= 75) return op === n;
  if (n <= 255) return op === OP.OP_PUSHDATA1;
  if (n <= 65535) return op === OP.OP_PUSHDATA2;
  return true;
}

/**
 * Disassembly like Core's ScriptToAsmStr: pushes of up to 4 bytes as numbers, longer pushes as
 * hex, opcodes by name; "[error]" where a push runs past the end.
 */
export function disassemble(script: Uint8Array): string {
  const out: string[] = [];
  let pc = 0;
  while (pc < script.length) {
    const o = readOp(script, pc);
    if (!o) {
      out.push('[error]');
      break;
    }
    out.push(o.data ? (o.data.length <= 4 ? String(numValue(o.data)) : toHex(o.data)) : opcodeName(o.op));
    pc = o.end;
  }
  return out.join(' ');
}

/** Thrown by parseAsm for text it cannot read. */
export class AsmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsmError';
  }
}

/**
 * Core's ParseScript (the assembly of script_tests.json and tx_valid.json): decimal numbers are
 * pushed as script numbers (OP_1NEGATE/OP_0..OP_16 when small), `0x…` inserts raw bytes,
 * `'text'` pushes the text, and opcode names may drop their "OP_" prefix.
 */
export function parseAsm(text: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const word of text.split(/[ \t\n]+/)) {
    if (word === '') continue;
    if (/^-?\d+$/.test(word)) {
      const n = Number(word);
      if (!Number.isSafeInteger(n) || n > 0xffffffff || n < -0xffffffff)
        throw new AsmError(`decimal number out of range: ${word}`);
      parts.push(pushInt(n));
    } else if (word.startsWith('0x') && word.length > 2 && /^[0-9a-fA-F]+$/.test(word.slice(2)) && word.length % 2 === 0) {
      parts.push(fromHex(word.slice(2)));
    } else if (word.length >= 2 && word.startsWith("'") && word.endsWith("'")) {
      parts.push(pushBytes(utf8(word.slice(1, -1))));
    } else {
      const op = OPCODES_BY_NAME.get(word);
      if (op === undefined) throw new AsmError(`unknown opcode or token: ${word}`);
      parts.push(Uint8Array.of(op));
    }
  }
  return concatBytes(...parts);
}
