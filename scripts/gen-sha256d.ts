/**
 * Generator of tabchain's proof-of-work kernels: `node --import tsx scripts/gen-sha256d.ts`.
 *
 * One description of SHA-256d over an 80-byte block header (FIPS 180-4 §6.2, applied twice as
 * Bitcoin does) is traced into a small expression graph. Every value in the graph has a *level*:
 *   0  known when this script runs (round constants K, the padding words, the IV),
 *   1  known once per job (the midstate of the header's first 64 bytes, the merkle-root tail,
 *      time, bits, and everything that depends only on them: the first three rounds of block 2,
 *      the nonce-independent schedule words and partial sums),
 *   2  different for every nonce.
 * Constants are folded while tracing, level-1 work is emitted once per call (outside the nonce
 * loop) and only level-2 work is emitted in the loop. Dead code is dropped from the one output the
 * loop needs — the top 32 bits of the hash read as a little-endian number — so the second SHA-256
 * stops after round 60 (h after round 63 is e after round 60) without anyone writing that by hand.
 *
 * Three backends read the same graph:
 *   - WebAssembly SIMD (i32x4): 4 nonces per group, G groups per loop iteration (G = 1 ships);
 *   - WebAssembly scalar (i32, native rotates), for engines without SIMD;
 *   - plain JavaScript (int32 arithmetic), for engines without WebAssembly.
 * The outputs are checked in (`src/core/mining/sha256dWasm.ts`, `src/core/mining/sha256d.scan.ts`)
 * and a unit test regenerates them and compares byte for byte.
 *
 * Contract of every generated `scan(start, count)`:
 *   memory/io words 0..7  midstate, 8..10 header words 16..18 (big-endian reads of bytes 64..75),
 *   word 11  threshold (uint32), compared with top = bswap(H7) of each nonce's hash;
 *   nonces start, start+1, ... (wrapping mod 2^32) are tried in groups of `lanes`;
 *   returns the offset (from start) of the first group where some lane has top <= threshold,
 *   after storing that group's tops at word 16 onwards; or -1 when ceil(count/lanes) groups pass.
 */
import { writeFileSync } from 'node:fs';
import { SHA256_K as K } from '../src/core/mining/pow';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// SHA-256 constants (FIPS 180-4 §4.2.2 and §5.3.3).

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

// ---------------------------------------------------------------------------------------------
// The expression graph.

type Op = 'const' | 'in' | 'nonce' | 'add' | 'xor' | 'and' | 'S0' | 'S1' | 's0' | 's1' | 'bswap';
type Level = 0 | 1 | 2;

interface GNode {
  id: number;
  op: Op;
  args: number[];
  /** Constant value (op 'const'), input index (op 'in'), group (op 'nonce'). */
  imm: number;
  level: Level;
}

/** Σ/σ read their argument several times, so the argument must live in a local. */
const MULTI_READ: ReadonlySet<Op> = new Set<Op>(['S0', 'S1', 's0', 's1', 'bswap']);

const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;
const bswap32 = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

function evalOp(op: Op, v: number[]): number {
  switch (op) {
    case 'add': return (v[0] + v[1]) >>> 0;
    case 'xor': return (v[0] ^ v[1]) >>> 0;
    case 'and': return (v[0] & v[1]) >>> 0;
    case 'S0': return (rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)) >>> 0;
    case 'S1': return (rotr(v[0], 6) ^ rotr(v[0], 11) ^ rotr(v[0], 25)) >>> 0;
    case 's0': return (rotr(v[0], 7) ^ rotr(v[0], 18) ^ (v[0] >>> 3)) >>> 0;
    case 's1': return (rotr(v[0], 17) ^ rotr(v[0], 19) ^ (v[0] >>> 10)) >>> 0;
    case 'bswap': return bswap32(v[0]);
    default: throw new Error(`cannot fold ${op}`);
  }
}

class Graph {
  readonly nodes: GNode[] = [];
  private readonly memo = new Map<string, number>();

  private make(op: Op, args: number[], imm = 0): number {
    const key = `${op}:${imm}:${args.join(',')}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    let level: Level = op === 'const' ? 0 : op === 'in' ? 1 : op === 'nonce' ? 2 : 0;
    for (const a of args) level = Math.max(level, this.nodes[a].level) as Level;
    if (level === 0 && op !== 'const') return this.c(evalOp(op, args.map((a) => this.nodes[a].imm)));
    const id = this.nodes.length;
    this.nodes.push({ id, op, args, imm, level });
    this.memo.set(key, id);
    return id;
  }

  c(v: number): number { return this.make('const', [], v >>> 0); }
  input(i: number): number { return this.make('in', [], i); }
  nonce(group: number): number { return this.make('nonce', [], group); }
  private isConst(a: number, v: number): boolean { const n = this.nodes[a]; return n.op === 'const' && n.imm === v >>> 0; }

  xor(a: number, b: number): number {
    if (this.isConst(a, 0)) return b;
    if (this.isConst(b, 0)) return a;
    if (a === b) return this.c(0);
    return this.make('xor', [a, b]);
  }
  and(a: number, b: number): number {
    if (this.isConst(a, 0) || this.isConst(b, 0)) return this.c(0);
    if (this.isConst(a, 0xffffffff)) return b;
    if (this.isConst(b, 0xffffffff)) return a;
    return this.make('and', [a, b]);
  }
  private add2(a: number, b: number): number {
    if (this.isConst(a, 0)) return b;
    if (this.isConst(b, 0)) return a;
    return this.make('add', [a, b]);
  }
  /**
   * Sum modulo 2^32, regrouped by level: constants fold into one, per-job terms are summed once
   * per job, and the per-nonce terms are added to that in the order given (callers list the terms
   * that are ready earliest first, keeping the late ones off the dependency chain).
   */
  add(...terms: number[]): number {
    let k = 0;
    const job: number[] = [];
    const lane: number[] = [];
    for (const t of terms) {
      const n = this.nodes[t];
      if (n.level === 0) k = (k + n.imm) >>> 0;
      else if (n.level === 1) job.push(t);
      else lane.push(t);
    }
    let fixed = job.length ? job.reduce((x, y) => this.add2(x, y)) : -1;
    if (k !== 0 || fixed < 0) fixed = fixed < 0 ? this.c(k) : this.add2(fixed, this.c(k));
    if (!lane.length) return fixed;
    let acc = this.add2(lane[0], fixed);
    for (let i = 1; i < lane.length; i++) acc = this.add2(acc, lane[i]);
    return acc;
  }
  S0(x: number): number { return this.make('S0', [x]); }
  S1(x: number): number { return this.make('S1', [x]); }
  s0(x: number): number { return this.make('s0', [x]); }
  s1(x: number): number { return this.make('s1', [x]); }
  bswap(x: number): number { return this.make('bswap', [x]); }
}

/** One SHA-256 compression (FIPS 180-4 §6.2.2) traced into the graph. */
function compress(g: Graph, state: number[], block: number[]): number[] {
  let [a, b, c, d, e, f, gg, h] = state;
  const w = block.slice();
  for (let t = 0; t < 64; t++) {
    if (t >= 16) w[t] = g.add(w[t - 16], w[t - 7], g.s0(w[t - 15]), g.s1(w[t - 2]));
    // Ch(e,f,g) = g ^ (e & (f ^ g)); Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), where b ^ c is the
    // previous round's a ^ b (the graph shares it).
    const ch = g.xor(gg, g.and(e, g.xor(f, gg)));
    const maj = g.xor(b, g.and(g.xor(a, b), g.xor(b, c)));
    const t1 = g.add(h, g.c(K[t]), w[t], ch, g.S1(e));
    const t2 = g.add(maj, g.S0(a));
    h = gg; gg = f; f = e; e = g.add(d, t1);
    d = c; c = b; b = a; a = g.add(t1, t2);
  }
  return [a, b, c, d, e, f, gg, h];
}

/** The traced kernel: per-group outputs (top = bswap(H7) of SHA-256d) and first-hash digests. */
export interface Trace { g: Graph; tops: number[]; h1: number[][] }

/** Traces SHA-256d of an 80-byte header for `groups` independent nonce groups. */
export function traceSha256d(groups: number): Trace {
  const g = new Graph();
  const mid = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => g.input(i));
  const tail = [8, 9, 10].map((i) => g.input(i));
  const tops: number[] = [];
  const firsts: number[][] = [];
  for (let grp = 0; grp < groups; grp++) {
    // Block 2 of the first hash: header bytes 64..79 then padding for an 80-byte (640-bit) message.
    const w3 = g.bswap(g.nonce(grp)); // the nonce is little-endian in the header, SHA reads big-endian
    const block2 = [...tail, w3, g.c(0x80000000), ...Array(10).fill(g.c(0)), g.c(640)];
    const s1 = compress(g, mid, block2);
    const h1 = s1.map((x, i) => g.add(mid[i], x));
    firsts.push(h1);
    // Second hash: one block, the 32-byte digest then padding for a 256-bit message.
    const block = [...h1, g.c(0x80000000), ...Array(6).fill(g.c(0)), g.c(256)];
    const s2 = compress(g, IV.map((v) => g.c(v)), block);
    const h7 = g.add(s2[7], g.c(IV[7]));
    // Digest bytes 28..31 are H7 big-endian; read as the top of a little-endian number: bswap.
    tops.push(g.bswap(h7));
  }
  return { g, tops, h1: firsts };
}

// ---------------------------------------------------------------------------------------------
// Scheduling shared by the backends: which nodes run where, which get a local, in what order.

interface Plan {
  g: Graph;
  tops: number[];
  /** Level-1 nodes in dependency order (the per-call prologue). */
  prologue: number[];
  /** Level-0/1 nodes read by level-2 nodes (broadcast tables in SIMD). */
  invariants: number[];
  /** Level-2 nodes that get a local, in emission order (groups interleaved). */
  loop: number[];
  /** Local slot of each materialised level-2 node. */
  slot: Map<number, number>;
  slots: number;
  /** Level-2 nodes emitted inline at their single use. */
  inline: Set<number>;
}

/** Every node the `tops` depend on (their transitive arguments), not looking past `cut` nodes. */
export function liveNodes(g: Graph, tops: number[], cut: Set<number> = new Set()): Set<number> {
  const live = new Set<number>();
  const stack = [...tops];
  while (stack.length) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    if (!cut.has(id)) stack.push(...g.nodes[id].args);
  }
  return live;
}

/**
 * Plans the code computing `roots` (default: the tops). Nodes in `cut` are provided from outside
 * (function parameters), like the nonce: the JS backend uses this to split the work in two.
 */
function plan(trace: Trace, groups: number, interleave = true, roots = trace.tops, cut = new Set<number>()): Plan {
  const { g } = trace;
  const tops = roots;
  const provided = (id: number) => g.nodes[id].op === 'nonce' || cut.has(id);
  const live = liveNodes(g, tops, cut);
  const uses = new Map<number, number>();
  const multiRead = new Set<number>();
  for (const id of live) {
    if (cut.has(id)) continue;
    for (const a of g.nodes[id].args) {
      uses.set(a, (uses.get(a) ?? 0) + 1);
      if (MULTI_READ.has(g.nodes[id].op)) multiRead.add(a);
    }
  }
  for (const t of tops) uses.set(t, (uses.get(t) ?? 0) + 2); // stored and compared
  const ids = [...live].sort((x, y) => x - y);
  const prologue = ids.filter((id) => g.nodes[id].level === 1);
  const invSet = new Set<number>();
  for (const id of ids) {
    if (g.nodes[id].level === 2) for (const a of g.nodes[id].args) if (g.nodes[a].level < 2) invSet.add(a);
  }
  const invariants = ids.filter((id) => invSet.has(id));
  const lane = ids.filter((id) => g.nodes[id].level === 2);
  const inline = new Set(lane.filter((id) => (uses.get(id) ?? 0) === 1 && !multiRead.has(id) && !provided(id)));
  const mat = lane.filter((id) => !inline.has(id));
  // Interleave the groups: the k-th materialised node of each group, then the (k+1)-th...
  const groupOf = new Map<number, number>();
  for (const id of lane) {
    const n = g.nodes[id];
    groupOf.set(id, n.op === 'nonce' ? n.imm : cut.has(id) ? 0 : Math.max(...n.args.map((a) => groupOf.get(a) ?? -1)));
  }
  const perGroup: number[][] = Array.from({ length: groups }, () => []);
  for (const id of mat) perGroup[groupOf.get(id)!].push(id);
  const loop: number[] = [];
  if (interleave) {
    for (let k = 0; k < Math.max(...perGroup.map((p) => p.length)); k++) {
      for (const p of perGroup) if (k < p.length) loop.push(p[k]);
    }
  } else {
    for (const p of perGroup) loop.push(...p);
  }
  // Liveness: the last loop position reading each materialised node (through inline trees).
  const reads = (id: number, out: Set<number>) => {
    if (cut.has(id)) return;
    for (const a of g.nodes[id].args) {
      if (g.nodes[a].level < 2) continue;
      if (inline.has(a)) reads(a, out); else out.add(a);
    }
  };
  const last = new Map<number, number>();
  loop.forEach((id, pos) => {
    const r = new Set<number>();
    reads(id, r);
    for (const a of r) last.set(a, pos);
  });
  for (const t of tops) last.set(t, loop.length); // read after the body
  const slot = new Map<number, number>();
  const free: number[] = [];
  let slots = 0;
  const dies = new Map<number, number[]>();
  for (const [id, pos] of last) dies.set(pos, [...(dies.get(pos) ?? []), id]);
  loop.forEach((id, pos) => {
    for (const d of dies.get(pos) ?? []) if (!provided(d)) free.push(slot.get(d)!);
    if (provided(id)) return; // the nonce (from the loop) or a parameter
    slot.set(id, free.length ? free.pop()! : slots++);
  });
  return { g, tops, prologue, invariants, loop, slot, slots, inline };
}

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
    const groups: number[][] = [];
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
    const n = g.nodes[id];
    if (n.level === 0) c.i32(n.imm | 0); else c.get(local.get(id)!);
  };
  for (const id of p.prologue) {
    const n = g.nodes[id];
    if (n.op === 'in') c.i32(0).emit(op.i32Load, ...c.mem(2, LAYOUT.inputs + 4 * n.imm));
    else emitScalarOp(c, n, operand);
    local.set(id, next);
    c.set(next++);
  }
  return local;
}

/** Emits one scalar i32 operation whose operands are pushed by `operand`. */
function emitScalarOp(c: Code, n: GNode, operand: (id: number) => void): void {
  const [x, y] = n.args;
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
    const n = g.nodes[id];
    if (n.level === 0) { c.i32(n.imm | 0); return; }
    if (n.level === 1) { c.get(jobLocal.get(id)!); return; }
    if (n.op === 'nonce') { c.get(L_N); return; }
    if (p.inline.has(id)) { emitScalarOp(c, n, operand); return; }
    c.get(base + p.slot.get(id)!);
  };
  const top = trace.tops[0];
  c.emit(op.block, 0x40, op.loop, 0x40);
  for (const id of p.loop) {
    if (g.nodes[id].op === 'nonce') continue;
    emitScalarOp(c, g.nodes[id], operand);
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
    const n = g.nodes[id];
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
    const [x, y] = n.args;
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
    const n = g.nodes[id];
    if (n.level === 0 && opts.inlineConsts) { c.v(simd.const, ...laneBytes(n.imm)); return; }
    if (n.level < 2) { c.i32(0).v(simd.load, ...c.mem(4, table.get(id)!)); return; }
    if (n.op === 'nonce') { c.get(L_NV + n.imm); return; }
    if (p.inline.has(id)) { emitOp(n); return; }
    c.get(sbase + p.slot.get(id)!);
  };
  c.emit(op.block, 0x40, op.loop, 0x40);
  for (const id of p.loop) {
    if (g.nodes[id].op === 'nonce') continue;
    emitOp(g.nodes[id]);
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

// ---------------------------------------------------------------------------------------------
// JavaScript backend.

/**
 * Emits the JS kernel: `scanJs` runs the prologue and, per nonce, the second block of the first
 * hash, then calls `sha256dTail` (the second hash, which needs no per-job values) with the eight
 * first-hash words. Two functions keep each well under V8's ~60 KB bytecode limit for optimisation.
 */
export function buildJsScan(): string {
  const trace = traceSha256d(1);
  const h1 = trace.h1[0];
  const head = plan(trace, 1, true, h1);
  const tail = plan(trace, 1, true, trace.tops, new Set(h1));
  if (tail.prologue.length) throw new Error('the second hash should need no per-job values');
  const { g } = trace;
  const lit = (v: number) => { const s = v | 0; return s < 0 ? `(${s})` : String(s); };
  const jname = (id: number) => `j${id}`;
  const headExpr = (id: number): string => {
    const n = g.nodes[id];
    if (n.level === 0) return lit(n.imm);
    if (n.level === 1) return jname(id);
    if (n.op === 'nonce') return 'n';
    if (!head.inline.has(id)) return `r${head.slot.get(id)}`;
    return opExpr(n, headExpr);
  };
  const tailExpr = (id: number): string => {
    const n = g.nodes[id];
    if (n.level === 0) return lit(n.imm);
    if (n.level === 1) throw new Error('per-job value in the second hash');
    const k = h1.indexOf(id);
    if (k >= 0) return `p${k}`;
    if (!tail.inline.has(id)) return `r${tail.slot.get(id)}`;
    return opExpr(n, tailExpr);
  };
  const prologueExpr = (id: number): string => {
    const n = g.nodes[id];
    return n.level === 0 ? lit(n.imm) : jname(id);
  };
  const regs = (p: Plan) => `  let ${Array.from({ length: p.slots }, (_, i) => `r${i} = 0`).join(', ')};`;
  const lines: string[] = [];
  lines.push('/** The second SHA-256 of the header, from the first digest (p0..p7), up to the top word. */');
  lines.push(`function sha256dTail(${h1.map((_, k) => `p${k}: number`).join(', ')}): number {`);
  lines.push(regs(tail));
  for (const id of tail.loop) {
    if (h1.includes(id)) continue;
    lines.push(`  r${tail.slot.get(id)} = ${opExpr(g.nodes[id], tailExpr)};`);
  }
  lines.push(`  return ${tailExpr(trace.tops[0])};`);
  lines.push('}');
  lines.push('');
  lines.push(`/**
 * Tries nonces start, start+1, ... (count of them) on the job in \`io\` (words 0..7 midstate,
 * 8..10 header words 16..18, 11 threshold) and returns the offset of the first nonce whose
 * top hash word (bswap(H7) of SHA-256d) is <= the threshold, storing that word in io[16]; else -1.
 */`);
  lines.push('export function scanJs(io: Int32Array, start: number, count: number): number {');
  for (const id of head.prologue) {
    const n = g.nodes[id];
    const rhs = n.op === 'in' ? `io[${n.imm}] | 0` : opExpr(n, prologueExpr);
    lines.push(`  const ${jname(id)} = ${rhs};`);
  }
  lines.push(`  const thr = io[11] ^ -2147483648;`);
  lines.push(regs(head));
  lines.push(`  for (let i = 0, n = start | 0; i < count; i++, n = (n + 1) | 0) {`);
  for (const id of head.loop) {
    if (g.nodes[id].op === 'nonce') continue;
    lines.push(`    r${head.slot.get(id)} = ${opExpr(g.nodes[id], headExpr)};`);
  }
  lines.push(`    const top = sha256dTail(${h1.map(headExpr).join(', ')});`);
  lines.push(`    if ((top ^ -2147483648) <= thr) { io[16] = top; return i; }`);
  lines.push('  }');
  lines.push('  return -1;');
  lines.push('}');
  return lines.join('\n');
}

function opExpr(n: GNode, e: (id: number) => string): string {
  const [x, y] = n.args.map(e);
  const rot = (r: number) => `(${x} >>> ${r} | ${x} << ${32 - r})`;
  switch (n.op) {
    case 'add': return `((${x} + ${y}) | 0)`;
    case 'xor': return `(${x} ^ ${y})`;
    case 'and': return `(${x} & ${y})`;
    case 'S0': return `(${rot(2)} ^ ${rot(13)} ^ ${rot(22)})`;
    case 'S1': return `(${rot(6)} ^ ${rot(11)} ^ ${rot(25)})`;
    case 's0': return `(${rot(7)} ^ ${rot(18)} ^ ${x} >>> 3)`;
    case 's1': return `(${rot(17)} ^ ${rot(19)} ^ ${x} >>> 10)`;
    case 'bswap': return `(${x} << 24 | (${x} & 0xff00) << 8 | (${x} >>> 8) & 0xff00 | ${x} >>> 24)`;
    default: throw new Error(`no JS lowering for ${n.op}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The checked-in outputs.

const HEADER = '// GENERATED by scripts/gen-sha256d.ts — do not edit; regenerate with\n'
  + '//   node --import tsx scripts/gen-sha256d.ts\n// A unit test checks that this file equals the generator\'s output.\n';

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function wrap(s: string, width = 100): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += width) out.push(`  '${s.slice(i, i + width)}'`);
  return out.join(' +\n');
}

/** Source of `src/core/mining/sha256dWasm.ts`. */
export function wasmSource(): string {
  return `${HEADER}
/** SHA-256d scan kernel for WebAssembly with 128-bit SIMD (exports memory, scan4), base64. */
export const SHA256D_SIMD_WASM =
${wrap(base64(buildSimdWasm()))};

/** The same kernel for WebAssembly without SIMD (exports memory, scan1), base64. */
export const SHA256D_SCALAR_WASM =
${wrap(base64(buildScalarWasm()))};
`;
}

/** Source of `src/core/mining/sha256d.scan.ts`. */
export function jsSource(): string {
  return `${HEADER}
/* eslint-disable */
${buildJsScan()}
`;
}

/** Where the generated files live, relative to the repository root. */
export const OUTPUTS = {
  wasm: 'src/core/mining/sha256dWasm.ts',
  js: 'src/core/mining/sha256d.scan.ts',
} as const;

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  writeFileSync(path.join(root, OUTPUTS.wasm), wasmSource());
  writeFileSync(path.join(root, OUTPUTS.js), jsSource());
  const simd = buildSimdWasm().length;
  const scalar = buildScalarWasm().length;
  console.log(`wrote ${OUTPUTS.wasm} (simd ${simd} bytes, scalar ${scalar} bytes) and ${OUTPUTS.js}`);
}
