import { ByteWriter } from '../encoding';
import { sha256d } from './hash';
import { txSize, type Tx } from '../primitives/tx';

/** Hash types: the low 5 bits choose the outputs signed, 0x80 signs only this input. */
export const SIGHASH = { ALL: 0x01, NONE: 0x02, SINGLE: 0x03, ANYONECANPAY: 0x80 } as const;

/**
 * The value Core signs when there is nothing to sign: an input index past the inputs, or
 * SIGHASH_SINGLE without an output at the same index (the "SIGHASH_SINGLE bug", consensus since
 * 2009): uint256 one, i.e. byte 0 = 1 in internal order.
 */
export const SIGHASH_ONE: Uint8Array = (() => {
  const one = new Uint8Array(32);
  one[0] = 1;
  return one;
})();

/** One field of the signed message, for the debugger's field-by-field explanation. */
export interface SighashField {
  /** What the field is, in a fixed vocabulary the UI translates (e.g. `input.prevout`). */
  field: string;
  /** Input or output index the field belongs to, if any. */
  index?: number;
  bytes: Uint8Array;
  /** Why the field holds what it holds when the hash type changed it (e.g. `blanked`). */
  note?: 'this-input' | 'blanked' | 'zeroed' | 'null-output' | 'code-separators-removed';
}

/**
 * Core's legacy SignatureHash (SigVersion::BASE): the transaction serialized with each input's
 * script emptied except the one being signed, which carries `scriptCode` without its
 * OP_CODESEPARATORs; inputs, sequences and outputs blanked as the hash type says
 * (NONE, SINGLE, ANYONECANPAY); then the 4-byte hash type; SHA-256d of all that.
 * `fields`, when given, receives the message field by field.
 */
export function legacySighash(tx: Tx, inputIndex: number, scriptCode: Uint8Array, hashType: number, fields?: SighashField[]): Uint8Array {
  if (inputIndex >= tx.inputs.length) return SIGHASH_ONE;
  const base = hashType & 0x1f;
  if (base === SIGHASH.SINGLE && inputIndex >= tx.outputs.length) return SIGHASH_ONE;
  return sha256d(sighashPreimage(tx, inputIndex, scriptCode, hashType, fields));
}

/** The bytes legacySighash hashes (for the debugger; callers check the SIGHASH_ONE cases first). */
export function sighashPreimage(tx: Tx, inputIndex: number, scriptCode: Uint8Array, hashType: number, fields?: SighashField[]): Uint8Array {
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SIGHASH.ANYONECANPAY) !== 0;
  const none = base === SIGHASH.NONE;
  const single = base === SIGHASH.SINGLE;
  // Sized once: the message is at most the transaction plus the script signed (no regrowth for big transactions).
  const w = new ByteWriter(txSize(tx) + scriptCode.length + 16);
  let mark = 0;
  const note = (field: string, extra: Omit<SighashField, 'field' | 'bytes'> = {}) => {
    if (fields) fields.push({ field, bytes: w.finish().subarray(mark), ...extra });
    mark = w.pos;
  };
  w.i32(tx.version);
  note('version');
  const inputs = anyoneCanPay ? [inputIndex] : tx.inputs.map((_, i) => i);
  w.compactSize(inputs.length);
  note('input-count');
  for (const i of inputs) {
    const input = tx.inputs[i]!;
    w.bytes(input.prevout.txid).u32(input.prevout.vout);
    note('input.prevout', { index: i });
    if (i === inputIndex) {
      const stripped = writeScriptCode(w, scriptCode);
      note('input.script', { index: i, note: stripped ? 'code-separators-removed' : 'this-input' });
    } else {
      w.compactSize(0);
      note('input.script', { index: i, note: 'blanked' });
    }
    const zeroSeq = i !== inputIndex && (none || single);
    w.u32(zeroSeq ? 0 : input.sequence);
    note('input.sequence', { index: i, ...(zeroSeq ? { note: 'zeroed' as const } : {}) });
  }
  const nOut = none ? 0 : single ? inputIndex + 1 : tx.outputs.length;
  w.compactSize(nOut);
  note('output-count');
  for (let o = 0; o < nOut; o++) {
    if (single && o !== inputIndex) {
      w.i64(-1n).compactSize(0);
      note('output', { index: o, note: 'null-output' });
    } else {
      const out = tx.outputs[o]!;
      w.i64(out.value).varBytes(out.script);
      note('output', { index: o });
    }
  }
  w.u32(tx.locktime);
  note('locktime');
  w.i32(hashType | 0);
  note('hashtype');
  return w.finish();
}

/**
 * Writes the script being signed as Core's CTransactionSignatureSerializer does: every
 * OP_CODESEPARATOR left out, and the length counting the script minus the separators. Core's
 * reader stops at a push that runs past the end, and the bytes after the point it stopped are
 * not written (their length still counted): consensus behaviour, kept. Returns whether any
 * separator was removed.
 */
function writeScriptCode(w: ByteWriter, script: Uint8Array): boolean {
  let segments: [number, number][] | null = null;
  let separators = 0;
  let pc = 0;
  let segStart = 0;
  let stop = 0;
  for (;;) {
    const next = nextOp(script, pc);
    if (next.op < 0) {
      stop = next.at;
      break;
    }
    if (next.op === OP_CODESEPARATOR) {
      separators++;
      (segments ??= []).push([segStart, next.at - 1]);
      segStart = next.at;
    }
    pc = next.at;
  }
  if (!segments && stop === script.length) {
    w.varBytes(script); // the usual case: nothing removed, nothing cut
    return false;
  }
  w.compactSize(script.length - separators);
  for (const [a, b] of segments ?? []) w.bytes(script.subarray(a, b));
  if (segStart !== script.length) w.bytes(script.subarray(segStart, stop));
  return separators > 0;
}

const OP_CODESEPARATOR = 0xab;

/** The opcode at `pc` and where the reader ends up (op -1 when it fails, as GetScriptOp returns false). */
function nextOp(s: Uint8Array, pc: number): { op: number; at: number } {
  if (pc >= s.length) return { op: -1, at: pc };
  const op = s[pc++]!;
  if (op > 0x4e) return { op, at: pc };
  let size = op;
  const width = op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0;
  if (width) {
    if (s.length - pc < width) return { op: -1, at: pc };
    size = 0;
    for (let i = width - 1; i >= 0; i--) size = size * 256 + s[pc + i]!;
    pc += width;
  }
  if (s.length - pc < size) return { op: -1, at: pc };
  return { op, at: pc + size };
}
