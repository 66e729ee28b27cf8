/**
 * The JavaScript backend of the kernel generator (see scripts/gen-sha256d.ts): int32 arithmetic
 * for engines without WebAssembly, split in two functions to stay optimisable.
 */
import { plan, traceSha256d, type GNode, type Plan } from './graph';

// ---------------------------------------------------------------------------------------------
// JavaScript backend.

/**
 * Emits the JS kernel: `scanJs` runs the prologue and, per nonce, the second block of the first
 * hash, then calls `sha256dTail` (the second hash, which needs no per-job values) with the eight
 * first-hash words. Two functions keep each well under V8's ~60 KB bytecode limit for optimisation.
 */
export function buildJsScan(): string {
  const trace = traceSha256d(1);
  const h1 = trace.h1[0]!;
  const head = plan(trace, 1, true, h1);
  const tail = plan(trace, 1, true, trace.tops, new Set(h1));
  if (tail.prologue.length) throw new Error('the second hash should need no per-job values');
  const { g } = trace;
  const lit = (v: number) => { const s = v | 0; return s < 0 ? `(${s})` : String(s); };
  const jname = (id: number) => `j${id}`;
  const headExpr = (id: number): string => {
    const n = g.node(id);
    if (n.level === 0) return lit(n.imm);
    if (n.level === 1) return jname(id);
    if (n.op === 'nonce') return 'n';
    if (!head.inline.has(id)) return `r${head.slot.get(id)}`;
    return opExpr(n, headExpr);
  };
  const tailExpr = (id: number): string => {
    const n = g.node(id);
    if (n.level === 0) return lit(n.imm);
    if (n.level === 1) throw new Error('per-job value in the second hash');
    const k = h1.indexOf(id);
    if (k >= 0) return `p${k}`;
    if (!tail.inline.has(id)) return `r${tail.slot.get(id)}`;
    return opExpr(n, tailExpr);
  };
  const prologueExpr = (id: number): string => {
    const n = g.node(id);
    return n.level === 0 ? lit(n.imm) : jname(id);
  };
  const regs = (p: Plan) => `  let ${Array.from({ length: p.slots }, (_, i) => `r${i} = 0`).join(', ')};`;
  const lines: string[] = [];
  lines.push('/** The second SHA-256 of the header, from the first digest (p0..p7), up to the top word. */');
  lines.push(`function sha256dTail(${h1.map((_, k) => `p${k}: number`).join(', ')}): number {`);
  lines.push(regs(tail));
  for (const id of tail.loop) {
    if (h1.includes(id)) continue;
    lines.push(`  r${tail.slot.get(id)} = ${opExpr(g.node(id), tailExpr)};`);
  }
  lines.push(`  return ${tailExpr(trace.tops[0]!)};`);
  lines.push('}');
  lines.push('');
  lines.push(`/**
 * Tries nonces start, start+1, ... (count of them) on the job in \`io\` (words 0..7 midstate,
 * 8..10 header words 16..18, 11 threshold) and returns the offset of the first nonce whose
 * top hash word (bswap(H7) of SHA-256d) is <= the threshold, storing that word in io[16]; else -1.
 */`);
  lines.push('export function scanJs(io: Int32Array, start: number, count: number): number {');
  for (const id of head.prologue) {
    const n = g.node(id);
    // `!`: the io words exist (a fixed-size view); TypeScript's noUncheckedIndexedAccess cannot know.
    const rhs = n.op === 'in' ? `io[${n.imm}]! | 0` : opExpr(n, prologueExpr);
    lines.push(`  const ${jname(id)} = ${rhs};`);
  }
  lines.push(`  const thr = io[11]! ^ -2147483648;`);
  lines.push(regs(head));
  lines.push(`  for (let i = 0, n = start | 0; i < count; i++, n = (n + 1) | 0) {`);
  for (const id of head.loop) {
    if (g.node(id).op === 'nonce') continue;
    lines.push(`    r${head.slot.get(id)} = ${opExpr(g.node(id), headExpr)};`);
  }
  lines.push(`    const top = sha256dTail(${h1.map(headExpr).join(', ')});`);
  lines.push(`    if ((top ^ -2147483648) <= thr) { io[16] = top; return i; }`);
  lines.push('  }');
  lines.push('  return -1;');
  lines.push('}');
  return lines.join('\n');
}

function opExpr(n: GNode, e: (id: number) => string): string {
  const [x, y] = n.args.map(e) as [string, string]; // unary operations read only x
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

