/**
 * The kernel generator's model (see scripts/gen-sha256d.ts): SHA-256d over an 80-byte header
 * traced into an expression graph whose nodes carry a level (0 constant, 1 per job, 2 per nonce),
 * and the schedule every backend emits from it (prologue, loop order, locals).
 */
import { SHA256_IV as IV, SHA256_K as K } from '../../src/core/mining/sha256Constants';

// ---------------------------------------------------------------------------------------------
// The expression graph.

export type Op = 'const' | 'in' | 'nonce' | 'add' | 'xor' | 'and' | 'S0' | 'S1' | 's0' | 's1' | 'bswap';
export type Level = 0 | 1 | 2;

export interface GNode {
  id: number;
  op: Op;
  args: number[];
  /** Constant value (op 'const'), input index (op 'in'), group (op 'nonce'). */
  imm: number;
  level: Level;
}

/** Σ/σ read their argument several times, so the argument must live in a local. */
export const MULTI_READ: ReadonlySet<Op> = new Set<Op>(['S0', 'S1', 's0', 's1', 'bswap']);

const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;
const bswap32 = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

function evalOp(op: Op, v: number[]): number {
  switch (op) {
    case 'add': return (v[0]! + v[1]!) >>> 0;
    case 'xor': return (v[0]! ^ v[1]!) >>> 0;
    case 'and': return (v[0]! & v[1]!) >>> 0;
    case 'S0': return (rotr(v[0]!, 2) ^ rotr(v[0]!, 13) ^ rotr(v[0]!, 22)) >>> 0;
    case 'S1': return (rotr(v[0]!, 6) ^ rotr(v[0]!, 11) ^ rotr(v[0]!, 25)) >>> 0;
    case 's0': return (rotr(v[0]!, 7) ^ rotr(v[0]!, 18) ^ (v[0]! >>> 3)) >>> 0;
    case 's1': return (rotr(v[0]!, 17) ^ rotr(v[0]!, 19) ^ (v[0]! >>> 10)) >>> 0;
    case 'bswap': return bswap32(v[0]!);
    default: throw new Error(`cannot fold ${op}`);
  }
}

export class Graph {
  readonly nodes: GNode[] = [];
  private readonly memo = new Map<string, number>();

  private make(op: Op, args: number[], imm = 0): number {
    const key = `${op}:${imm}:${args.join(',')}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    let level: Level = op === 'const' ? 0 : op === 'in' ? 1 : op === 'nonce' ? 2 : 0;
    for (const a of args) level = Math.max(level, this.node(a).level) as Level;
    if (level === 0 && op !== 'const') return this.c(evalOp(op, args.map((a) => this.node(a).imm)));
    const id = this.nodes.length;
    this.nodes.push({ id, op, args, imm, level });
    this.memo.set(key, id);
    return id;
  }

  /** The node with this id (ids come from the graph itself, so it exists). */
  node(id: number): GNode {
    const n = this.nodes[id];
    if (!n) throw new Error(`no graph node ${id}`);
    return n;
  }
  c(v: number): number { return this.make('const', [], v >>> 0); }
  input(i: number): number { return this.make('in', [], i); }
  nonce(group: number): number { return this.make('nonce', [], group); }
  private isConst(a: number, v: number): boolean { const n = this.node(a); return n.op === 'const' && n.imm === v >>> 0; }

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
      const n = this.node(t);
      if (n.level === 0) k = (k + n.imm) >>> 0;
      else if (n.level === 1) job.push(t);
      else lane.push(t);
    }
    let fixed = job.length ? job.reduce((x, y) => this.add2(x, y)) : -1;
    if (k !== 0 || fixed < 0) fixed = fixed < 0 ? this.c(k) : this.add2(fixed, this.c(k));
    if (!lane.length) return fixed;
    let acc = this.add2(lane[0]!, fixed);
    for (let i = 1; i < lane.length; i++) acc = this.add2(acc, lane[i]!);
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
  // Eight state words and sixteen block words, by SHA-256's definition.
  let [a, b, c, d, e, f, gg, h] = state as [number, number, number, number, number, number, number, number];
  const w = block.slice();
  for (let t = 0; t < 64; t++) {
    if (t >= 16) w[t] = g.add(w[t - 16]!, w[t - 7]!, g.s0(w[t - 15]!), g.s1(w[t - 2]!));
    // Ch(e,f,g) = g ^ (e & (f ^ g)); Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), where b ^ c is the
    // previous round's a ^ b (the graph shares it).
    const ch = g.xor(gg, g.and(e, g.xor(f, gg)));
    const maj = g.xor(b, g.and(g.xor(a, b), g.xor(b, c)));
    const t1 = g.add(h, g.c(K[t]!), w[t]!, ch, g.S1(e));
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
    const h1 = s1.map((x, i) => g.add(mid[i]!, x));
    firsts.push(h1);
    // Second hash: one block, the 32-byte digest then padding for a 256-bit message.
    const block = [...h1, g.c(0x80000000), ...Array(6).fill(g.c(0)), g.c(256)];
    const s2 = compress(g, Array.from(IV, (v) => g.c(v)), block);
    const h7 = g.add(s2[7]!, g.c(IV[7]!));
    // Digest bytes 28..31 are H7 big-endian; read as the top of a little-endian number: bswap.
    tops.push(g.bswap(h7));
  }
  return { g, tops, h1: firsts };
}

// ---------------------------------------------------------------------------------------------
// Scheduling shared by the backends: which nodes run where, which get a local, in what order.

export interface Plan {
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
    if (!cut.has(id)) stack.push(...g.node(id).args);
  }
  return live;
}

/**
 * Plans the code computing `roots` (default: the tops). Nodes in `cut` are provided from outside
 * (function parameters), like the nonce: the JS backend uses this to split the work in two.
 */
export function plan(trace: Trace, groups: number, interleave = true, roots = trace.tops, cut = new Set<number>()): Plan {
  const { g } = trace;
  const tops = roots;
  const provided = (id: number) => g.node(id).op === 'nonce' || cut.has(id);
  const live = liveNodes(g, tops, cut);
  const uses = new Map<number, number>();
  const multiRead = new Set<number>();
  for (const id of live) {
    if (cut.has(id)) continue;
    for (const a of g.node(id).args) {
      uses.set(a, (uses.get(a) ?? 0) + 1);
      if (MULTI_READ.has(g.node(id).op)) multiRead.add(a);
    }
  }
  for (const t of tops) uses.set(t, (uses.get(t) ?? 0) + 2); // stored and compared
  const ids = [...live].sort((x, y) => x - y);
  const prologue = ids.filter((id) => g.node(id).level === 1);
  const invSet = new Set<number>();
  for (const id of ids) {
    if (g.node(id).level === 2) for (const a of g.node(id).args) if (g.node(a).level < 2) invSet.add(a);
  }
  const invariants = ids.filter((id) => invSet.has(id));
  const lane = ids.filter((id) => g.node(id).level === 2);
  const inline = new Set(lane.filter((id) => (uses.get(id) ?? 0) === 1 && !multiRead.has(id) && !provided(id)));
  const mat = lane.filter((id) => !inline.has(id));
  // Interleave the groups: the k-th materialised node of each group, then the (k+1)-th...
  const groupOf = new Map<number, number>();
  for (const id of lane) {
    const n = g.node(id);
    groupOf.set(id, n.op === 'nonce' ? n.imm : cut.has(id) ? 0 : Math.max(...n.args.map((a) => groupOf.get(a) ?? -1)));
  }
  const perGroup: number[][] = Array.from({ length: groups }, () => []);
  for (const id of mat) perGroup[groupOf.get(id)!]!.push(id);
  const loop: number[] = [];
  if (interleave) {
    for (let k = 0; k < Math.max(...perGroup.map((p) => p.length)); k++) {
      for (const p of perGroup) if (k < p.length) loop.push(p[k]!);
    }
  } else {
    for (const p of perGroup) loop.push(...p);
  }
  // Liveness: the last loop position reading each materialised node (through inline trees).
  const reads = (id: number, out: Set<number>) => {
    if (cut.has(id)) return;
    for (const a of g.node(id).args) {
      if (g.node(a).level < 2) continue;
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

