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
import type { ObsBlock, ObsEvent, ObsLessons, ObsSighting, Report } from '../../adapters/observer/protocol';
import { MILESTONES, milestoneOf, stepsFromMessage, withMilestone, type BlockStep, type Milestone, type Milestones } from '../../node/propagation';

/** One node as the dashboard knows it. */
/** A node no teacher command has touched. */
const NO_TEACHER = { paused: false, throttle: 100, group: 0 };

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
  /** What the teacher's commands have set there (paused, throttle %, partition group, 0 = none). */
  teacher: { paused: boolean; throttle: number; group: number };
  /** Lessons on the node: messages held, its private chain, its first address (null from an older node). */
  lessons: ObsLessons | null;
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

export interface BlockInfo {
  hash: string;
  height: number;
  prev: string | null;
  /** Per node id: its milestones in the propagation model (node/propagation.ts), on the dashboard's clock. */
  seen: Record<string, Milestones>;
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
  seenOn(b: BlockInfo, node: string, key: Milestone, time: number): void {
    b.seen[node] = withMilestone(b.seen[node] ?? {}, key, time);
  }
  /**
   * The milestone a propagation step marks (heard, received, mined, connected), on the block it is
   * about; a block heard of by inv before the dashboard knew it is a block waits in `heard`.
   */
  step(step: BlockStep & { hash: string }): void {
    const m = milestoneOf(step);
    if (!m) return;
    if (m.milestone === 'heard' && !this.block(step.hash)) {
      const heard = this.heardW();
      if (!heard[step.hash]?.[m.node]) heard[step.hash] = { ...heard[step.hash], [m.node]: step.time };
      return;
    }
    this.seenOn(this.blockW({ hash: step.hash, height: -1, prev: null }), m.node, m.milestone, step.time);
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
      if (base.length && fresh[0]!.time < base[base.length - 1]!.time) all.sort(byTime);
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
  for (const k of keys.slice(keys.length - max)) out[k] = r[k]!;
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
  for (const k of MILESTONES) {
    const t = s[k];
    if (t !== undefined) d.seenOn(b, node, k, t + offset);
  }
}

function applyEvent(d: Draft, n: DashNode, e: ObsEvent, reportingIds: Set<string>): DashNode {
  const at = e.time + n.offset;
  switch (e.t) {
    case 'msg': {
      // What the receiver did with a block (heard of it, received it), as the propagation model reads a message.
      if (e.dir === 'in' && e.hashes) {
        for (const step of stepsFromMessage(n.id, { dir: e.dir, peer: e.peer, command: e.cmd, hashes: e.hashes, reason: e.reason, time: at })) {
          if (milestoneOf(step)?.node === n.id) d.step(step);
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
      d.blockW(e);
      if (e.height > 0) d.step({ hash: e.hash, node: n.id, kind: 'connected', time: at }); // genesis comes with the parameters, it does not propagate
      const chain = n.chain.length && n.chain[n.chain.length - 1]!.hash !== e.prev ? [] : n.chain;
      return { ...n, chain: keepLast([...chain, { hash: e.hash, height: e.height, prev: e.prev }], LIMITS.chain) };
    }
    case 'disconnected':
      return n.chain.length && n.chain[n.chain.length - 1]!.hash === e.hash ? { ...n, chain: n.chain.slice(0, -1) } : n;
    case 'mined':
      d.blockW({ hash: e.hash, height: e.height, prev: d.block(e.hash)?.prev ?? null });
      d.step({ hash: e.hash, node: n.id, kind: 'mined', time: at });
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
        teacher: r.teacher ?? NO_TEACHER,
        lessons: r.lessons ?? null,
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
        const reporting = new Set(Object.keys(d.nodes).filter((id) => d.nodes[id]!.online));
        for (const e of r.messages) applyEvent(d, d.nodes[nodeId]!, e, reporting);
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
      : { id: nodeId, role: 'wallet', topology: 'star', online: true, height: r.height, tip: r.tip, peers: r.peers, known: [], mining: r.mining, cutOff: r.cutOff, teacher: r.teacher ?? NO_TEACHER, lessons: r.lessons ?? null, lastSeen: receivedAt, offset, chain: [], gaps: 0, seq: 0 };
    if (r.seq !== n.seq + 1) n.gaps++;
    n = { ...n, online: true, height: r.height, tip: r.tip, peers: r.peers, mining: r.mining, cutOff: r.cutOff, teacher: r.teacher ?? NO_TEACHER, lessons: r.lessons ?? null, lastSeen: receivedAt, offset, seq: r.seq, ...(r.names ? { names: r.names } : {}), ...(r.balances ? { balances: r.balances } : {}) };
    const reporting = new Set(Object.keys(d.nodes).filter((id) => d.nodes[id]!.online));
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
