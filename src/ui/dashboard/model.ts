/**
 * The teacher dashboard's picture of a whole network, folded from the nodes' observer reports.
 * Pure functions over plain data (no React, no PeerJS, no clock of its own): the caller passes
 * the time each report arrived, so tests replay reports exactly.
 *
 * Times: every node stamps events with its own clock. The dashboard estimates each node's clock
 * offset as the smallest (arrival − report time) it has seen, an NTP-like lower bound that is the
 * true offset plus the smallest network delay (≈ 1 ms on a LAN), and shows every time on its own
 * clock, so propagation rows from tabs on different computers line up.
 */
import type { Role, Topology } from '../../node/events';
import type { ObsBlock, ObsEvent, ObsSighting, Report } from '../../adapters/observer/protocol';

/** One node as the dashboard knows it. */
export interface DashNode {
  id: string;
  role: Role;
  topology: Topology;
  /** Its observer channel is open right now. */
  online: boolean;
  height: number;
  tip: string | null;
  /** Peers that completed the handshake, as the node last reported them. */
  peers: string[];
  known: string[];
  mining: boolean;
  /** The node's own "cut this node off" switch is on (it has no peer links on purpose). */
  cutOff: boolean;
  /** Dashboard clock of the last report. */
  lastSeen: number;
  /** Dashboard clock − node clock, estimated (ms). */
  offset: number;
  /** The last blocks of its active chain, tip last. */
  chain: ObsBlock[];
  /** Reports that arrived out of sequence (lost or reordered). */
  gaps: number;
  seq: number;
  /** Names the node gave its own addresses, and the balances (sat) its UTXO set gives every named address it knows. */
  names?: { label: string; address: string }[];
  balances?: Record<string, string>;
}

/** When one node first heard of, received, mined and connected a block (dashboard clock). */
export interface BlockSeen {
  heard?: number;
  received?: number;
  mined?: number;
  connected?: number;
}

export interface BlockInfo {
  hash: string;
  height: number;
  prev: string | null;
  /** Per node id. */
  seen: Record<string, BlockSeen>;
  invalid?: string;
}

/** A message between two nodes (one record per message, from the sender's report). */
export interface MessageRecord {
  seq: number;
  time: number;
  from: string;
  to: string;
  cmd: string;
  bytes: number;
  summary: string;
  hashes?: string[];
  reason?: string;
}

/** Something a teacher may want to point at: a reorg, an invalid block, a refused message. */
export interface Activity {
  time: number;
  node: string;
  kind: 'reorg' | 'invalid' | 'rejected' | 'peer-up' | 'peer-down' | 'mined' | 'online' | 'offline';
  /** Structured details for the translated sentence. */
  detail: Record<string, string | number>;
}

export interface DashState {
  nodes: Record<string, DashNode>;
  blocks: Record<string, BlockInfo>;
  /** In time order (dashboard clock), the newest last; `seq` numbers them in arrival order. */
  messages: MessageRecord[];
  msgSeq: number;
  /** `from>to` → command → count, over every message seen (not only those kept). */
  pairs: Record<string, Record<string, number>>;
  /** inv hashes heard before the dashboard knew they were blocks: hash → node → time. */
  heard: Record<string, Record<string, number>>;
  activity: Activity[];
}

export const LIMITS = { messages: 3000, blocks: 300, heard: 1000, activity: 200, chain: 30 };

export function emptyDashState(): DashState {
  return { nodes: {}, blocks: {}, messages: [], msgSeq: 0, pairs: {}, heard: {}, activity: [] };
}

// ---------------------------------------------------------------- folding

type SeenKey = keyof BlockSeen;

/** A mutable working copy of the parts of the state a report touches (copied on first write). */
class Draft {
  nodes: Record<string, DashNode>;
  blocks: Record<string, BlockInfo> | null = null;
  messages: MessageRecord[] = [];
  pairs: Record<string, Record<string, number>> | null = null;
  heard: Record<string, Record<string, number>> | null = null;
  activity: Activity[] = [];
  msgSeq: number;
  constructor(readonly base: DashState) {
    this.nodes = { ...base.nodes };
    this.msgSeq = base.msgSeq;
  }
  blocksW(): Record<string, BlockInfo> {
    return (this.blocks ??= { ...this.base.blocks });
  }
  pairsW(): Record<string, Record<string, number>> {
    return (this.pairs ??= { ...this.base.pairs });
  }
  heardW(): Record<string, Record<string, number>> {
    return (this.heard ??= { ...this.base.heard });
  }
  block(hash: string): BlockInfo | undefined {
    return (this.blocks ?? this.base.blocks)[hash];
  }
  /** Ensures a block exists (copying it for writing) and returns the writable copy. */
  blockW(b: { hash: string; height: number; prev: string | null }): BlockInfo {
    const blocks = this.blocksW();
    const old = blocks[b.hash];
    const copy: BlockInfo = old ? { ...old, seen: { ...old.seen } } : { hash: b.hash, height: b.height, prev: b.prev, seen: {} };
    if (copy.height < 0 && b.height >= 0) copy.height = b.height;
    if (copy.prev === null && b.prev) copy.prev = b.prev;
    blocks[b.hash] = copy;
    // A block announced by inv before it was known to be a block.
    const heard = (this.heard ?? this.base.heard)[b.hash];
    if (heard) {
      for (const [node, t] of Object.entries(heard)) this.seenOn(copy, node, 'heard', t);
      delete this.heardW()[b.hash];
    }
    return copy;
  }
  seenOn(b: BlockInfo, node: string, key: SeenKey, time: number): void {
    const s = { ...b.seen[node] };
    if (s[key] === undefined || time < s[key]!) s[key] = time;
    b.seen[node] = s;
  }
  finish(): DashState {
    const s: DashState = { ...this.base, nodes: this.nodes, msgSeq: this.msgSeq };
    if (this.blocks) s.blocks = pruneBlocks(this.blocks);
    if (this.pairs) s.pairs = this.pairs;
    if (this.heard) s.heard = pruneRecord(this.heard, LIMITS.heard);
    if (this.messages.length) {
      // Reports from different nodes arrive interleaved: keep the log in time order.
      const byTime = (a: MessageRecord, b: MessageRecord) => a.time - b.time || a.seq - b.seq;
      const fresh = this.messages.sort(byTime);
      const base = this.base.messages;
      const all = base.concat(fresh);
      if (base.length && fresh[0].time < base[base.length - 1].time) all.sort(byTime);
      s.messages = keepLast(all, LIMITS.messages);
    }
    if (this.activity.length) s.activity = keepLast(this.base.activity.concat(this.activity), LIMITS.activity);
    return s;
  }
}

function keepLast<T>(a: T[], n: number): T[] {
  return a.length > n ? a.slice(a.length - n) : a;
}

function pruneRecord<T>(r: Record<string, T>, max: number): Record<string, T> {
  const keys = Object.keys(r);
  if (keys.length <= max) return r;
  const out: Record<string, T> = {};
  for (const k of keys.slice(keys.length - max)) out[k] = r[k];
  return out;
}

/** Keeps the highest `LIMITS.blocks` blocks. */
function pruneBlocks(blocks: Record<string, BlockInfo>): Record<string, BlockInfo> {
  const all = Object.values(blocks);
  if (all.length <= LIMITS.blocks) return blocks;
  all.sort((a, b) => b.height - a.height);
  const out: Record<string, BlockInfo> = {};
  for (const b of all.slice(0, LIMITS.blocks)) out[b.hash] = b;
  return out;
}

function applySighting(d: Draft, node: string, s: ObsSighting, offset: number): void {
  const b = d.blockW({ hash: s.hash, height: s.height, prev: d.block(s.hash)?.prev ?? null });
  for (const k of ['heard', 'received', 'mined', 'connected'] as const) if (s[k] !== undefined) d.seenOn(b, node, k, s[k]! + offset);
}

function applyEvent(d: Draft, n: DashNode, e: ObsEvent, reportingIds: Set<string>): DashNode {
  const at = e.time + n.offset;
  switch (e.t) {
    case 'msg': {
      if (e.dir === 'in' && e.hashes) {
        if (e.cmd === 'block' && !e.reason) {
          const known = d.block(e.hashes[0]);
          const b = d.blockW({ hash: e.hashes[0], height: known?.height ?? -1, prev: known?.prev ?? null });
          d.seenOn(b, n.id, 'received', at);
        } else if (e.cmd === 'inv') {
          for (const h of e.hashes) {
            if (d.block(h)) d.seenOn(d.blockW({ hash: h, height: -1, prev: null }), n.id, 'heard', at);
            else {
              const heard = d.heardW();
              if (!heard[h]?.[n.id]) heard[h] = { ...heard[h], [n.id]: at };
            }
          }
        }
      }
      // One record per message: the sender's 'out'; an 'in' only when the sender does not report.
      if (e.dir === 'in' && reportingIds.has(e.peer)) return n;
      const from = e.dir === 'out' ? n.id : e.peer;
      const to = e.dir === 'out' ? e.peer : n.id;
      const rec: MessageRecord = { seq: ++d.msgSeq, time: at, from, to, cmd: e.cmd, bytes: e.bytes, summary: e.summary };
      if (e.hashes) rec.hashes = e.hashes;
      if (e.reason) rec.reason = e.reason;
      d.messages.push(rec);
      const pairs = d.pairsW();
      const key = `${from}>${to}`;
      const counts = { ...pairs[key] };
      counts[e.cmd] = (counts[e.cmd] ?? 0) + 1;
      pairs[key] = counts;
      return n;
    }
    case 'accepted':
      d.blockW(e);
      return n;
    case 'connected': {
      const b = d.blockW(e);
      if (e.height > 0) d.seenOn(b, n.id, 'connected', at); // genesis comes with the parameters, it does not propagate
      const chain = n.chain.length && n.chain[n.chain.length - 1].hash !== e.prev ? [] : n.chain;
      return { ...n, chain: keepLast([...chain, { hash: e.hash, height: e.height, prev: e.prev }], LIMITS.chain) };
    }
    case 'disconnected':
      return n.chain.length && n.chain[n.chain.length - 1].hash === e.hash ? { ...n, chain: n.chain.slice(0, -1) } : n;
    case 'mined':
      d.seenOn(d.blockW({ hash: e.hash, height: e.height, prev: d.block(e.hash)?.prev ?? null }), n.id, 'mined', at);
      d.activity.push({ time: at, node: n.id, kind: 'mined', detail: { hash: e.hash, height: e.height } });
      return n;
    case 'reorg':
      d.activity.push({ time: at, node: n.id, kind: 'reorg', detail: { fork: e.fork, forkHeight: e.forkHeight, disconnected: e.disconnected, connected: e.connected } });
      return n;
    case 'invalid': {
      const b = d.block(e.hash);
      if (b) d.blockW(b).invalid = e.reason;
      d.activity.push({ time: at, node: n.id, kind: 'invalid', detail: { hash: e.hash, reason: e.reason } });
      return n;
    }
    case 'rejected':
      d.activity.push({ time: at, node: n.id, kind: 'rejected', detail: { peer: e.peer, cmd: e.cmd, reason: e.reason } });
      return n;
    case 'peer-up':
      d.activity.push({ time: at, node: n.id, kind: 'peer-up', detail: { peer: e.peer, dir: e.outbound ? 'out' : 'in' } });
      return n;
    case 'peer-down':
      d.activity.push({ time: at, node: n.id, kind: 'peer-down', detail: { peer: e.peer, reason: e.reason } });
      return n;
    case 'tip':
      return n;
  }
}

/** Folds one report from `nodeId`, received at `receivedAt` (dashboard clock), into the state. */
export function foldReport(state: DashState, nodeId: string, report: Report, receivedAt: number): DashState {
  return foldReports(state, [{ nodeId, report, receivedAt }]);
}

/** A report as it arrived. */
export interface Arrival {
  nodeId: string;
  report: Report;
  receivedAt: number;
}

/** Folds several reports at once (the store applies whatever arrived in the last ~250 ms). */
export function foldReports(state: DashState, arrivals: Arrival[]): DashState {
  if (arrivals.length === 0) return state;
  const d = new Draft(state);
  for (const { nodeId, report: r, receivedAt } of arrivals) {
    if (r.node !== nodeId) continue;
    const old = d.nodes[nodeId];
    const sample = receivedAt - r.time;
    const offset = old ? Math.min(old.offset, sample) : sample;
    if (r.kind === 'snapshot') {
      const fresh = !old || !old.online;
      d.nodes[nodeId] = {
        id: nodeId,
        role: r.role,
        topology: r.topology,
        online: true,
        height: r.height,
        tip: r.tip,
        peers: r.peers,
        known: r.known,
        mining: r.mining,
        cutOff: r.cutOff,
        lastSeen: receivedAt,
        offset,
        chain: keepLast(r.chain, LIMITS.chain),
        gaps: old?.gaps ?? 0,
        seq: 0,
        ...(r.names ? { names: r.names } : {}),
        ...(r.balances ? { balances: r.balances } : {}),
      };
      // A node met for the first time brings the messages it sent before the dashboard opened.
      if (!old && r.messages?.length) {
        const reporting = new Set(Object.keys(d.nodes).filter((id) => d.nodes[id].online));
        for (const e of r.messages) applyEvent(d, d.nodes[nodeId], e, reporting);
      }
      if (fresh) d.activity.push({ time: receivedAt, node: nodeId, kind: 'online', detail: {} });
      for (const b of [...r.chain, ...r.leaves]) d.blockW(b);
      for (const s of r.blocks) applySighting(d, nodeId, s, offset);
      continue;
    }
    // A batch from a node we have no snapshot of (the dashboard restarted mid-connection) is
    // still useful for its state; its role stays unknown until the next snapshot.
    let n: DashNode = old
      ? { ...old }
      : { id: nodeId, role: 'wallet', topology: 'star', online: true, height: r.height, tip: r.tip, peers: r.peers, known: [], mining: r.mining, cutOff: r.cutOff, lastSeen: receivedAt, offset, chain: [], gaps: 0, seq: 0 };
    if (r.seq !== n.seq + 1) n.gaps++;
    n = { ...n, online: true, height: r.height, tip: r.tip, peers: r.peers, mining: r.mining, cutOff: r.cutOff, lastSeen: receivedAt, offset, seq: r.seq, ...(r.names ? { names: r.names } : {}), ...(r.balances ? { balances: r.balances } : {}) };
    const reporting = new Set(Object.keys(d.nodes).filter((id) => d.nodes[id].online));
    for (const e of r.events) n = applyEvent(d, n, e, reporting);
    d.nodes[nodeId] = n;
  }
  return d.finish();
}

/** The node's observer channel closed (tab closed, reloaded or offline). */
export function nodeWentAway(state: DashState, nodeId: string, at: number): DashState {
  const n = state.nodes[nodeId];
  if (!n || !n.online) return state;
  return {
    ...state,
    nodes: { ...state.nodes, [nodeId]: { ...n, online: false, peers: [], mining: false, cutOff: false } },
    activity: keepLast([...state.activity, { time: at, node: nodeId, kind: 'offline', detail: {} }], LIMITS.activity),
  };
}

// ---------------------------------------------------------------- derived views

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

/** A block's propagation: per node, times relative to the first time any node saw it. */
export interface PropagationRow {
  node: string;
  role: Role;
  heard?: number;
  received?: number;
  mined?: number;
  connected?: number;
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
  for (const s of Object.values(b.seen)) for (const v of [s.heard, s.received, s.mined, s.connected]) if (v !== undefined && v < t) t = v;
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
      for (const k of ['heard', 'received', 'mined', 'connected'] as const) {
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
    const m = s.messages[i];
    if (f.cmd && m.cmd !== f.cmd) continue;
    if (f.hide?.includes(m.cmd)) continue;
    const direct = (!f.from || m.from === f.from) && (!f.to || m.to === f.to);
    const reverse = f.either && (!f.from || m.to === f.from) && (!f.to || m.from === f.to);
    if (direct || reverse) out.push(m);
  }
  return out.reverse();
}
