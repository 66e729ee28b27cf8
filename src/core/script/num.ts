import { ScriptFault } from './errors';

/**
 * Script numbers (Core's CScriptNum): little-endian magnitude with the sign in the top bit of the
 * last byte. Arithmetic opcodes take operands of at most 4 bytes ([-2^31+1, 2^31-1]) but may
 * produce 5-byte results; CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY read up to 5 bytes. Every
 * value involved fits a JavaScript number exactly (|n| < 2^40).
 */

/** The default operand size limit (Core's nDefaultMaxNumSize). */
export const MAX_NUM_SIZE = 4;

/** Whether a number's encoding is minimal: no needless zero byte at the end (negative zero included). */
export function isMinimalNum(v: Uint8Array): boolean {
  const n = v.length;
  if (n === 0) return true;
  const last = v[n - 1]!;
  // The last byte may only be 0x00/0x80 when the byte before needs its top bit for the magnitude.
  if ((last & 0x7f) === 0) return n > 1 && (v[n - 2]! & 0x80) !== 0;
  return true;
}

/**
 * Reads a stack element as a number (Core's CScriptNum constructor): fails with SCRIPTNUM when
 * longer than `maxSize` bytes or, with MINIMALDATA, not minimally encoded.
 */
export function decodeNum(v: Uint8Array, requireMinimal: boolean, maxSize = MAX_NUM_SIZE): number {
  if (v.length > maxSize) throw new ScriptFault('SCRIPTNUM');
  if (requireMinimal && !isMinimalNum(v)) throw new ScriptFault('SCRIPTNUM');
  return numValue(v);
}

/** The value of a number encoding, with no size or minimality checks (for display too). */
export function numValue(v: Uint8Array): number {
  const n = v.length;
  if (n === 0) return 0;
  let result = 0;
  for (let i = 0; i < n; i++) result += v[i]! * 2 ** (8 * i);
  const last = v[n - 1]!;
  if (last & 0x80) return -(result - 0x80 * 2 ** (8 * (n - 1)));
  return result;
}

/** Minimal encoding of an integer (Core's CScriptNum::serialize); 0 is the empty array. */
export function encodeNum(value: number): Uint8Array {
  if (value === 0) return EMPTY;
  const neg = value < 0;
  let abs = Math.abs(value);
  const out: number[] = [];
  while (abs > 0) {
    out.push(abs % 256);
    abs = Math.floor(abs / 256);
  }
  const top = out[out.length - 1]!;
  if (top & 0x80) out.push(neg ? 0x80 : 0);
  else if (neg) out[out.length - 1] = top | 0x80;
  return Uint8Array.from(out);
}

/** Core's CastToBool: false for empty, all zeros, or all zeros with a sign bit (negative zero). */
export function castToBool(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0) return !(i === v.length - 1 && v[i] === 0x80);
  }
  return false;
}

/** Clamps like CScriptNum::getint (used for counts and PICK/ROLL depths). */
export function clampInt(n: number): number {
  return n > 0x7fffffff ? 0x7fffffff : n < -0x80000000 ? -0x80000000 : n;
}

const EMPTY = new Uint8Array(0);
/** The empty array (false, zero) and [1] (true), shared: stack elements are never mutated. */
export const FALSE_BYTES = EMPTY;
export const TRUE_BYTES = Uint8Array.of(1);
