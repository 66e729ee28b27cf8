/**
 * Views derived from the dashboard's state (`model.ts`): the network graph, tip groups, the recent
 * block tree, block propagation rows and the message matrix. Pure functions of a `DashState`.
 */
import type { Role } from '../../node/events';
import { MILESTONES, firstMilestone, type Milestones } from '../../node/propagation';
import type { BlockInfo, DashState, MessageRecord } from './model';

/** Sorts node ids numerically where they are numbers (3000, 3001, … 3010). */
export function byNodeId(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}

/** A node to draw: a reporting node, or a peer that does not report (shown as unknown). */
export interface GraphNode {
  id: string;
  role: Role | null;
  height: number | null;
  online: boolean;
}

export interface GraphEdge {
  a: string;
  b: string;
  /** Both ends report the link (false while a handshake or a close is half seen). */
  both: boolean;
}

/** Nodes and live links for the network graph. */
export function graphOf(s: DashState): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>();
  for (const n of Object.values(s.nodes)) nodes.set(n.id, { id: n.id, role: n.role, height: n.height, online: n.online });
  const seen = new Map<string, GraphEdge>();
  for (const n of Object.values(s.nodes)) {
    if (!n.online) continue;
    for (const p of n.peers) {
      if (!nodes.has(p)) nodes.set(p, { id: p, role: null, height: null, online: true });
      const [a, b] = byNodeId(n.id, p) <= 0 ? [n.id, p] : [p, n.id];
      const key = `${a}|${b}`;
      const e = seen.get(key);
      if (e) e.both = true;
      else seen.set(key, { a, b, both: !s.nodes[p]?.online });
    }
  }
  return { nodes: [...nodes.values()].sort((x, y) => byNodeId(x.id, y.id)), edges: [...seen.values()] };
}

/** Online nodes grouped by the tip they are on, most work (height) first. */
export interface TipGroup {
  tip: string | null;
  height: number;
  nodes: string[];
}

export function tipGroups(s: DashState): TipGroup[] {
  const groups = new Map<string, TipGroup>();
  for (const n of Object.values(s.nodes)) {
    if (!n.online) continue;
    const k = n.tip ?? '';
    const g = groups.get(k) ?? { tip: n.tip, height: n.height, nodes: [] };
    g.nodes.push(n.id);
    groups.set(k, g);
  }
  for (const g of groups.values()) g.nodes.sort(byNodeId);
  return [...groups.values()].sort((a, b) => b.height - a.height || b.nodes.length - a.nodes.length);
}

/** One block in the recent block tree: which nodes have it on their active chain, which as tip. */
export interface TreeBlock {
  hash: string;
  height: number;
  prev: string | null;
  onChainOf: string[];
  tipOf: string[];
  /** Off every online node's active chain (a side branch, or stale). */
  side: boolean;
  invalid?: string;
}

/** The last `depth` heights of every branch the dashboard knows, highest first; forks show as heights with 2+ blocks. */
export function blockTree(s: DashState, depth = 8): { height: number; blocks: TreeBlock[] }[] {
  const online = Object.values(s.nodes).filter((n) => n.online);
  const top = Math.max(-1, ...Object.values(s.blocks).map((b) => b.height), ...online.map((n) => n.height));
  if (top < 0) return [];
  const onChain = new Map<string, string[]>();
  for (const n of online) for (const b of n.chain) onChain.set(b.hash, [...(onChain.get(b.hash) ?? []), n.id]);
  const rows = new Map<number, TreeBlock[]>();
  for (const b of Object.values(s.blocks)) {
    if (b.height < 0 || b.height <= top - depth) continue;
    const on = (onChain.get(b.hash) ?? []).sort(byNodeId);
    const tipOf = online.filter((n) => n.tip === b.hash).map((n) => n.id).sort(byNodeId);
    const row = rows.get(b.height) ?? [];
    row.push({ hash: b.hash, height: b.height, prev: b.prev, onChainOf: on, tipOf, side: on.length === 0 && tipOf.length === 0, ...(b.invalid ? { invalid: b.invalid } : {}) });
    rows.set(b.height, row);
  }
  return [...rows.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([height, blocks]) => ({ height, blocks: blocks.sort((x, y) => y.onChainOf.length - x.onChainOf.length || x.hash.localeCompare(y.hash)) }));
}

/** A block's propagation: per node, its milestones relative to the first time any node saw it. */
export interface PropagationRow extends Milestones {
  node: string;
  role: Role;
}

export interface Propagation {
  hash: string;
  height: number;
  /** Dashboard clock of the first sighting anywhere. */
  first: number;
  rows: PropagationRow[];
  /** Nodes (of those known) that have connected it. */
  reached: number;
}

function firstTime(b: BlockInfo): number {
  let t = Infinity;
  for (const s of Object.values(b.seen)) t = Math.min(t, firstMilestone(s));
  return t;
}

/** Blocks with any sighting, newest first (for the propagation view's block picker). */
export function recentBlocks(s: DashState, max = 20): { hash: string; height: number; first: number }[] {
  return Object.values(s.blocks)
    .map((b) => ({ hash: b.hash, height: b.height, first: firstTime(b) }))
    .filter((b) => b.first !== Infinity)
    .sort((a, b) => b.first - a.first || b.height - a.height)
    .slice(0, max);
}

/** The propagation timeline of one block: a row for every known node (waiting rows have no times). */
export function propagationOf(s: DashState, hash: string): Propagation | null {
  const b = s.blocks[hash];
  if (!b) return null;
  const first = firstTime(b);
  if (first === Infinity) return null;
  const rel = (v: number | undefined) => (v === undefined ? undefined : v - first);
  const rows: PropagationRow[] = Object.values(s.nodes)
    .map((n) => {
      const seen = b.seen[n.id] ?? {};
      const row: PropagationRow = { node: n.id, role: n.role };
      for (const k of MILESTONES) {
        const v = rel(seen[k]);
        if (v !== undefined) row[k] = v;
      }
      return row;
    })
    .sort((x, y) => (x.connected ?? x.mined ?? Infinity) - (y.connected ?? y.mined ?? Infinity) || byNodeId(x.node, y.node));
  return { hash, height: b.height, first, rows, reached: rows.filter((r) => r.connected !== undefined || r.mined !== undefined).length };
}

/** Message counts between every ordered pair of nodes, optionally for one command. */
export function messageMatrix(s: DashState, cmd: string | null, hide: string[] = []): { ids: string[]; count(from: string, to: string): number; max: number } {
  const ids = new Set<string>(Object.keys(s.nodes));
  for (const k of Object.keys(s.pairs)) for (const id of k.split('>')) ids.add(id);
  let max = 0;
  const cell = (from: string, to: string) => {
    const c = s.pairs[`${from}>${to}`];
    if (!c) return 0;
    if (cmd) return hide.includes(cmd) ? 0 : c[cmd] ?? 0;
    let n = 0;
    for (const [k, v] of Object.entries(c)) if (!hide.includes(k)) n += v;
    return n;
  };
  const sorted = [...ids].sort(byNodeId);
  for (const a of sorted) for (const b of sorted) max = Math.max(max, cell(a, b));
  return { ids: sorted, count: cell, max };
}

/** Every command seen so far, sorted. */
export function commandsSeen(s: DashState): string[] {
  const set = new Set<string>();
  for (const c of Object.values(s.pairs)) for (const k of Object.keys(c)) set.add(k);
  return [...set].sort();
}

/** Messages matching a filter (either end may be '' for any; cmd '' for any; `hide` commands left out), newest last. */
export function filterMessages(s: DashState, f: { from: string; to: string; cmd: string; either?: boolean; hide?: string[] }, max = 200): MessageRecord[] {
  const out: MessageRecord[] = [];
  for (let i = s.messages.length - 1; i >= 0 && out.length < max; i--) {
    const m = s.messages[i]!;
    if (f.cmd && m.cmd !== f.cmd) continue;
    if (f.hide?.includes(m.cmd)) continue;
    const direct = (!f.from || m.from === f.from) && (!f.to || m.to === f.to);
    const reverse = f.either && (!f.from || m.to === f.from) && (!f.to || m.from === f.to);
    if (direct || reverse) out.push(m);
  }
  return out.reverse();
}
