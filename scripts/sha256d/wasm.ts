/**
 * The WebAssembly backends of the kernel generator (see scripts/gen-sha256d.ts): a minimal binary
 * module writer and the scalar (i32) and SIMD (i32x4) scan functions emitted from a traced plan.
 */
import { plan, traceSha256d, type GNode, type Plan } from './graph';

// ---------------------------------------------------------------------------------------------
// WebAssembly binary encoding (WebAssembly core spec §5; SIMD opcodes from the 128-bit SIMD spec).

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

const str = (s: string) => [...uleb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

const op = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, ret: 0x0f,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i32Store: 0x36, i32Const: 0x41,
  i32Eqz: 0x45, i32LtU: 0x49, i32LeU: 0x4d,
  i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrU: 0x76,
  i32Rotl: 0x77, i32Rotr: 0x78,
};
const simd = {
  load: 0x00, store: 0x0b, const: 0x0c, shuffle: 0x0d, i32x4Splat: 0x11,
  i32x4LeU: 0x3e, and: 0x4e, or: 0x50, xor: 0x51, anyTrue: 0x53,
  i32x4Shl: 0xab, i32x4ShrU: 0xad, i32x4Add: 0xae,
};

class Code {
  readonly b: number[] = [];
  emit(...bytes: number[]): this { this.b.push(...bytes); return this; }
  i32(n: number): this { return this.emit(op.i32Const, ...sleb(n)); }
  get(l: number): this { return this.emit(op.localGet, ...uleb(l)); }
  set(l: number): this { return this.emit(op.localSet, ...uleb(l)); }
  tee(l: number): this { return this.emit(op.localTee, ...uleb(l)); }
  v(opcode: number, ...imm: number[]): this { return this.emit(0xfd, ...uleb(opcode), ...imm); }
  /** memarg: alignment exponent, offset. */
  mem(align: number, offset: number): number[] { return [...uleb(align), ...uleb(offset)]; }
}

interface WasmFunc { name: string; params: number[]; results: number[]; locals: number[]; code: number[] }

function wasmModule(funcs: WasmFunc[]): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const body = (f: WasmFunc) => {
    const groups: [count: number, type: number][] = [];
    for (const t of f.locals) {
      const lastGroup = groups[groups.length - 1];
      if (lastGroup && lastGroup[1] === t) lastGroup[0]++; else groups.push([1, t]);
    }
    const inner = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...f.code, op.end];
    return [...uleb(inner.length), ...inner];
  };
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, 0x01]])), // one memory, min 1 page
    ...section(7, vec([[...str('memory'), 0x02, 0x00], ...funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(funcs.map(body))),
  ];
  return Uint8Array.from(bytes);
}

/** Byte offsets of the scan functions' memory contract. */
export const LAYOUT = { inputs: 0, threshold: 44, tops: 64, table: 256 } as const;

/** Emits the per-call prologue: level-1 values into i32 locals, returns node → local. */
function emitPrologue(c: Code, p: Plan, firstLocal: number): Map<number, number> {
  const { g } = p;
  const local = new Map<number, number>();
  let next = firstLocal;
  const operand = (id: number) => {
    const n = g.node(id);
    if (n.level === 0) c.i32(n.imm | 0); else c.get(local.get(id)!);
  };
  for (const id of p.prologue) {
    const n = g.node(id);
    if (n.op === 'in') c.i32(0).emit(op.i32Load, ...c.mem(2, LAYOUT.inputs + 4 * n.imm));
    else emitScalarOp(c, n, operand);
    local.set(id, next);
    c.set(next++);
  }
  return local;
}

/** Emits one scalar i32 operation whose operands are pushed by `operand`. */
function emitScalarOp(c: Code, n: GNode, operand: (id: number) => void): void {
  const [x, y] = n.args as [number, number]; // unary operations read only x
  const rot = (r: number) => { operand(x); c.i32(r).emit(op.i32Rotr); };
  switch (n.op) {
    case 'add': operand(x); operand(y); c.emit(op.i32Add); return;
    case 'xor': operand(x); operand(y); c.emit(op.i32Xor); return;
    case 'and': operand(x); operand(y); c.emit(op.i32And); return;
    case 'S0': rot(2); rot(13); c.emit(op.i32Xor); rot(22); c.emit(op.i32Xor); return;
    case 'S1': rot(6); rot(11); c.emit(op.i32Xor); rot(25); c.emit(op.i32Xor); return;
    case 's0': rot(7); rot(18); c.emit(op.i32Xor); operand(x); c.i32(3).emit(op.i32ShrU, op.i32Xor); return;
    case 's1': rot(17); rot(19); c.emit(op.i32Xor); operand(x); c.i32(10).emit(op.i32ShrU, op.i32Xor); return;
    case 'bswap': // (rotr 8 & 0xff00ff00) | (rotl 8 & 0x00ff00ff)
      rot(8); c.i32(0xff00ff00 | 0).emit(op.i32And);
      operand(x); c.i32(8).emit(op.i32Rotl).i32(0x00ff00ff).emit(op.i32And, op.i32Or);
      return;
    default: throw new Error(`no scalar lowering for ${n.op}`);
  }
}

/** The scalar WebAssembly scan: one nonce per iteration. */
function wasmScalarFunc(name: string): WasmFunc {
  const trace = traceSha256d(1);
  const p = plan(trace, 1);
  const { g } = p;
  const c = new Code();
  // params: 0 start, 1 count; locals: 2 i (offset), 3 nonce, 4 threshold, then prologue, then slots.
  const L_I = 2, L_N = 3, L_THR = 4;
  const jobLocal = emitPrologue(c, p, 5);
  const base = 5 + p.prologue.length;
  c.i32(0).emit(op.i32Load, ...c.mem(2, LAYOUT.threshold)).set(L_THR);
  c.get(0).set(L_N);
  const operand = (id: number): void => {
    const n = g.node(id);
    if (n.level === 0) { c.i32(n.imm | 0); return; }
    if (n.level === 1) { c.get(jobLocal.get(id)!); return; }
    if (n.op === 'nonce') { c.get(L_N); return; }
    if (p.inline.has(id)) { emitScalarOp(c, n, operand); return; }
    c.get(base + p.slot.get(id)!);
  };
  const top = trace.tops[0]!;
  c.emit(op.block, 0x40, op.loop, 0x40);
  for (const id of p.loop) {
    if (g.node(id).op === 'nonce') continue;
    emitScalarOp(c, g.node(id), operand);
    c.set(base + p.slot.get(id)!);
  }
  // if (top <=u threshold) { store top; return i }
  operand(top); c.get(L_THR).emit(op.i32LeU, 0x04, 0x40);
  c.i32(0); operand(top); c.emit(op.i32Store, ...c.mem(2, LAYOUT.tops));
  c.get(L_I).emit(op.ret, op.end);
  c.get(L_N).i32(1).emit(op.i32Add).set(L_N);
  c.get(L_I).i32(1).emit(op.i32Add).tee(L_I).get(1).emit(op.i32LtU, op.brIf, 0);
  c.emit(op.end, op.end);
  c.i32(-1);
  const locals = [I32, I32, I32, ...p.prologue.map(() => I32), ...Array(p.slots).fill(I32)];
  return { name, params: [I32, I32], results: [I32], locals, code: c.b };
}

/** Code-generation choices for the SIMD scan, kept for measuring alternatives. */
export interface SimdOptions {
  /** Interleave the groups node by node (default) or emit them one after the other. */
  interleave?: boolean;
  /** Constants as v128.const immediates instead of loads from the broadcast table. */
  inlineConsts?: boolean;
}

const laneBytes = (v: number) => {
  const out: number[] = [];
  for (let l = 0; l < 4; l++) for (let b = 0; b < 4; b++) out.push((v >>> (8 * b)) & 0xff);
  return out;
};

/** A one-function SIMD module (`memory`, `scan`) with the given options, for benchmarks. */
export function buildSimdVariant(groups: number, opts: SimdOptions): Uint8Array {
  return wasmModule([wasmSimdFunc('scan', groups, opts)]);
}

/** The SIMD WebAssembly scan: `groups` × 4 nonces per iteration, i32x4 lanes. */
function wasmSimdFunc(name: string, groups: number, opts: SimdOptions = {}): WasmFunc {
  const trace = traceSha256d(groups);
  const p = plan(trace, groups, opts.interleave ?? true);
  const { g } = p;
  const c = new Code();
  // params 0 start, 1 count; i32 locals: 2 i; v128 locals: nonce vector per group, threshold, slots.
  const L_I = 2;
  const jobLocal = emitPrologue(c, p, 3);
  const vbase = 3 + p.prologue.length;
  const L_NV = vbase; // groups of them
  const L_THR = vbase + groups;
  const sbase = L_THR + 1;
  // Broadcast tables: every invariant read by the loop, splatted once per call.
  const table = new Map<number, number>();
  p.invariants.forEach((id, k) => {
    const off = LAYOUT.table + 16 * k;
    table.set(id, off);
    const n = g.node(id);
    c.i32(0);
    if (n.level === 0) c.i32(n.imm | 0); else c.get(jobLocal.get(id)!);
    c.v(simd.i32x4Splat).v(simd.store, ...c.mem(4, off));
  });
  if (LAYOUT.table + 16 * p.invariants.length > 65536) throw new Error('table exceeds one page');
  c.i32(0).emit(op.i32Load, ...c.mem(2, LAYOUT.threshold)).v(simd.i32x4Splat).set(L_THR);
  const laneConst = (k: number) => {
    const bytes: number[] = [];
    for (let l = 0; l < 4; l++) for (let b = 0; b < 4; b++) bytes.push(((4 * k + l) >>> (8 * b)) & 0xff);
    return bytes;
  };
  for (let grp = 0; grp < groups; grp++) {
    c.get(0).v(simd.i32x4Splat).v(simd.const, ...laneConst(grp)).v(simd.i32x4Add).set(L_NV + grp);
  }
  const BSWAP = [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12];
  const shifts = (x: () => void, rots: number[], shr: number) => {
    let k = 0;
    for (const r of rots) {
      x(); c.i32(r).v(simd.i32x4ShrU);
      x(); c.i32(32 - r).v(simd.i32x4Shl);
      c.v(simd.xor);
      if (k++) c.v(simd.xor);
    }
    if (shr) { x(); c.i32(shr).v(simd.i32x4ShrU).v(simd.xor); }
  };
  const emitOp = (n: GNode): void => {
    const [x, y] = n.args as [number, number]; // unary operations read only x
    const X = () => operand(x);
    switch (n.op) {
      case 'add': operand(x); operand(y); c.v(simd.i32x4Add); return;
      case 'xor': operand(x); operand(y); c.v(simd.xor); return;
      case 'and': operand(x); operand(y); c.v(simd.and); return;
      case 'S0': shifts(X, [2, 13, 22], 0); return;
      case 'S1': shifts(X, [6, 11, 25], 0); return;
      case 's0': shifts(X, [7, 18], 3); return;
      case 's1': shifts(X, [17, 19], 10); return;
      case 'bswap': X(); X(); c.v(simd.shuffle, ...BSWAP); return;
      default: throw new Error(`no SIMD lowering for ${n.op}`);
    }
  };
  const operand = (id: number): void => {
    const n = g.node(id);
    if (n.level === 0 && opts.inlineConsts) { c.v(simd.const, ...laneBytes(n.imm)); return; }
    if (n.level < 2) { c.i32(0).v(simd.load, ...c.mem(4, table.get(id)!)); return; }
    if (n.op === 'nonce') { c.get(L_NV + n.imm); return; }
    if (p.inline.has(id)) { emitOp(n); return; }
    c.get(sbase + p.slot.get(id)!);
  };
  c.emit(op.block, 0x40, op.loop, 0x40);
  for (const id of p.loop) {
    if (g.node(id).op === 'nonce') continue;
    emitOp(g.node(id));
    c.set(sbase + p.slot.get(id)!);
  }
  // any = OR over groups of (top <=u threshold); tops stored for the caller.
  p.tops.forEach((t, grp) => {
    c.i32(0); operand(t); c.v(simd.store, ...c.mem(4, LAYOUT.tops + 16 * grp));
    operand(t); c.get(L_THR).v(simd.i32x4LeU);
    if (grp) c.v(simd.or);
  });
  c.v(simd.anyTrue).emit(0x04, 0x40).get(L_I).emit(op.ret, op.end);
  for (let grp = 0; grp < groups; grp++) {
    c.get(L_NV + grp).i32(4 * groups).v(simd.i32x4Splat).v(simd.i32x4Add).set(L_NV + grp);
  }
  c.get(L_I).i32(4 * groups).emit(op.i32Add).tee(L_I).get(1).emit(op.i32LtU, op.brIf, 0);
  c.emit(op.end, op.end);
  c.i32(-1);
  const locals = [I32, ...p.prologue.map(() => I32), ...Array(groups + 1 + p.slots).fill(V128)];
  return { name, params: [I32, I32], results: [I32], locals, code: c.b };
}

/**
 * The WebAssembly module using SIMD: exports `memory` and `scan4` (one i32x4 group per iteration).
 * Two groups per iteration measured slower when interleaved (register spills) and equal when not
 * (the vector ports are already saturated), so one group ships; see docs/MINING.md.
 */
export function buildSimdWasm(): Uint8Array {
  return wasmModule([wasmSimdFunc('scan4', 1)]);
}

/** The WebAssembly module without SIMD (MVP only): exports `memory` and `scan1`. */
export function buildScalarWasm(): Uint8Array {
  return wasmModule([wasmScalarFunc('scan1')]);
}

