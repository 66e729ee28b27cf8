/**
 * The observer channel: what a node tells the teacher dashboard about itself.
 *
 * This is *not* part of Bitcoin's P2P protocol and no node ever reads it. A node sends a
 * snapshot when the dashboard connection opens and then batches of compact event summaries;
 * the dashboard folds them into its picture of the whole network. Everything here is plain
 * JSON (sent as text over a separate PeerJS data channel), so it can be validated field by
 * field on arrival: a report that does not parse is dropped, never trusted.
 */
import type { Role, Topology } from '../../node/events';
import type { Milestones } from '../../node/propagation';

/** Bumped when the report format changes incompatibly; the dashboard ignores other versions. */
export const OBSERVER_PROTOCOL = 1;

/** PeerJS data-connection label of the observer channel (the node protocol uses none). */
export const OBSERVER_LABEL = 'observer';

/** A block as the dashboard needs it to draw branches: hash, height, parent. */
export interface ObsBlock {
  hash: string;
  height: number;
  prev: string | null;
}

/**
 * When this node first heard of a block (inv), received it (block message), mined it, connected it:
 * its milestones in the propagation model (node/propagation.ts).
 */
export interface ObsSighting extends Milestones {
  hash: string;
  height: number;
}

/** One summarised node event (times are the node's clock, in ms). */
export type ObsEvent =
  | { t: 'msg'; time: number; dir: 'in' | 'out'; peer: string; cmd: string; bytes: number; summary: string; hashes?: string[]; reason?: string }
  | { t: 'accepted'; time: number; hash: string; height: number; prev: string | null }
  | { t: 'connected'; time: number; hash: string; height: number; prev: string | null }
  | { t: 'disconnected'; time: number; hash: string; height: number }
  | { t: 'reorg'; time: number; fork: string; forkHeight: number; disconnected: number; connected: number }
  | { t: 'tip'; time: number; hash: string; height: number }
  | { t: 'invalid'; time: number; hash: string; reason: string }
  | { t: 'mined'; time: number; hash: string; height: number }
  | { t: 'rejected'; time: number; peer: string; cmd: string; reason: string }
  | { t: 'peer-up'; time: number; peer: string; outbound: boolean }
  | { t: 'peer-down'; time: number; peer: string; reason: string };

/** State every report carries, so a dashboard that missed events still shows the truth. */
export interface ObsState {
  /** Node clock when the report was made (the dashboard estimates clock offsets from it). */
  time: number;
  height: number;
  tip: string | null;
  /** Peers that completed the handshake. */
  peers: string[];
  mining: boolean;
  /** Cut off from the network on purpose (the node's "cut this node off" switch). */
  cutOff: boolean;
  /** What the teacher's commands have set on the node: mining paused, throttle %, its partition group (1-based; 0 = none). */
  teacher?: { paused: boolean; throttle: number; group: number };
  /** The names this node gave its own addresses (tutorial: WALLET_1 …), at most 16. */
  names?: { label: string; address: string }[];
  /** Confirmed balance (sat, decimal string) of every named address this node knows, from its own UTXO set; at most 32. */
  balances?: Record<string, string>;
  /** The lessons on the node (slow motion, private chain) and its wallet's first address. */
  lessons?: ObsLessons;
}

/** What a node tells the dashboard of the lessons. */
export interface ObsLessons {
  /** Messages waiting at its delivery gate, and when the oldest arrived (node clock). */
  held: number;
  oldest: number | null;
  /** Its delivery as it stands (the class's setting and its own combined). */
  delivery: 'live' | 'paused' | 'slow';
  /** Its private chain: lead over the public chain, blocks withheld. */
  private: { lead: number; withheld: number; strategy: 'withhold' | 'selfish' } | null;
  /** Its wallet's first address (what a teacher's lesson order may pay). */
  address: string;
}

/** Sent first on every (re)connection: who the node is and what it has seen lately. */
export interface SnapshotReport extends ObsState {
  kind: 'snapshot';
  v: number;
  node: string;
  role: Role;
  topology: Topology;
  /** Every node id this node has heard of (peers and addr book). */
  known: string[];
  /** The last blocks of the active chain, oldest first (tip last). */
  chain: ObsBlock[];
  /** Tips of side branches (valid blocks off the active chain with no child). */
  leaves: ObsBlock[];
  /** Recent block sightings, so a late dashboard can still draw propagation rows. */
  blocks: ObsSighting[];
  /** The last messages this node sent, from before the dashboard connected (oldest first). */
  messages?: ObsEvent[];
}

/** Sent every ~200 ms while connected: state plus the events since the last report. */
export interface BatchReport extends ObsState {
  kind: 'events';
  v: number;
  node: string;
  /** Report sequence number on this connection (gaps mean lost reports). */
  seq: number;
  events: ObsEvent[];
}

export type Report = SnapshotReport | BatchReport;

// ---------------------------------------------------------------- validation

const MAX_STR = 200;
const MAX_LIST = 2000;
const HASH = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9_-]{1,40}$/;

function str(v: unknown, max = MAX_STR): string | null {
  return typeof v === 'string' ? v.slice(0, max) : null;
}
function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
function hash(v: unknown): string | null {
  return typeof v === 'string' && HASH.test(v) ? v : null;
}
function id(v: unknown): string | null {
  return typeof v === 'string' && ID.test(v) ? v : null;
}
function list<T>(v: unknown, f: (x: unknown) => T | null, max = MAX_LIST): T[] {
  if (!Array.isArray(v)) return [];
  const out: T[] = [];
  for (const x of v.slice(0, max)) {
    const y = f(x);
    if (y !== null) out.push(y);
  }
  return out;
}
function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function parseBlock(v: unknown): ObsBlock | null {
  const o = obj(v);
  const h = o && hash(o.hash);
  const height = o && num(o.height);
  if (!o || !h || height === null) return null;
  return { hash: h, height, prev: hash(o.prev) };
}

function parseSighting(v: unknown): ObsSighting | null {
  const o = obj(v);
  const h = o && hash(o.hash);
  const height = o && num(o.height);
  if (!o || !h || height === null) return null;
  const s: ObsSighting = { hash: h, height };
  for (const k of ['heard', 'received', 'mined', 'connected'] as const) {
    const n = num(o[k]);
    if (n !== null) s[k] = n;
  }
  return s;
}

function parseEvent(v: unknown): ObsEvent | null {
  const o = obj(v);
  if (!o) return null;
  const time = num(o.time);
  if (time === null) return null;
  switch (o.t) {
    case 'msg': {
      const peer = id(o.peer);
      const cmd = str(o.cmd, 12);
      const bytes = num(o.bytes);
      if (!peer || !cmd || bytes === null || (o.dir !== 'in' && o.dir !== 'out')) return null;
      const e: ObsEvent = { t: 'msg', time, dir: o.dir, peer, cmd, bytes, summary: str(o.summary) ?? '' };
      const hashes = list(o.hashes, hash, 64);
      if (hashes.length) e.hashes = hashes;
      const reason = str(o.reason);
      if (reason) e.reason = reason;
      return e;
    }
    case 'accepted':
    case 'connected': {
      const b = parseBlock(o);
      return b ? { t: o.t, time, ...b } : null;
    }
    case 'disconnected':
    case 'tip':
    case 'mined': {
      const h = hash(o.hash);
      const height = num(o.height);
      return h && height !== null ? { t: o.t, time, hash: h, height } : null;
    }
    case 'reorg': {
      const fork = hash(o.fork);
      const forkHeight = num(o.forkHeight);
      const d = num(o.disconnected);
      const c = num(o.connected);
      return fork && forkHeight !== null && d !== null && c !== null ? { t: 'reorg', time, fork, forkHeight, disconnected: d, connected: c } : null;
    }
    case 'invalid': {
      const h = hash(o.hash);
      return h ? { t: 'invalid', time, hash: h, reason: str(o.reason) ?? '' } : null;
    }
    case 'rejected': {
      const peer = id(o.peer);
      const cmd = str(o.cmd, 12);
      return peer && cmd ? { t: 'rejected', time, peer, cmd, reason: str(o.reason) ?? '' } : null;
    }
    case 'peer-up': {
      const peer = id(o.peer);
      return peer ? { t: 'peer-up', time, peer, outbound: o.outbound === true } : null;
    }
    case 'peer-down': {
      const peer = id(o.peer);
      return peer ? { t: 'peer-down', time, peer, reason: str(o.reason) ?? '' } : null;
    }
    default:
      return null;
  }
}

function parseState(o: Record<string, unknown>): ObsState | null {
  const time = num(o.time);
  const height = num(o.height);
  if (time === null || height === null) return null;
  const t = typeof o.teacher === 'object' && o.teacher !== null ? (o.teacher as Record<string, unknown>) : {};
  const small = (v: unknown, max: number, dflt: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : dflt);
  const teacher = { paused: t.paused === true, throttle: small(t.throttle, 100, 100), group: small(t.group, 8, 0) };
  const s: ObsState = { time, height, tip: hash(o.tip), peers: list(o.peers, id, 200), mining: o.mining === true, cutOff: o.cutOff === true, teacher };
  const names = list(o.names, parseName, 16);
  if (names.length) s.names = names;
  const b = obj(o.balances);
  if (b) {
    const balances: Record<string, string> = {};
    for (const [k, v] of Object.entries(b).slice(0, 32)) if (ADDRESS.test(k) && typeof v === 'string' && /^\d{1,20}$/.test(v)) balances[k] = v;
    s.balances = balances;
  }
  const lessons = parseLessons(o.lessons);
  if (lessons) s.lessons = lessons;
  return s;
}

function parseName(v: unknown): { label: string; address: string } | null {
  const o = obj(v);
  const label = o && str(o.label, 32);
  const address = o && typeof o.address === 'string' && ADDRESS.test(o.address) ? o.address : null;
  return label && address ? { label, address } : null;
}

const ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{25,40}$/;

function parseLessons(v: unknown): ObsLessons | null {
  const o = obj(v);
  if (!o) return null;
  const held = num(o.held);
  const delivery = o.delivery === 'paused' || o.delivery === 'slow' ? o.delivery : 'live';
  const p = obj(o.private);
  const lead = p && num(p.lead);
  const withheld = p && num(p.withheld);
  return {
    held: held !== null && held >= 0 ? Math.floor(held) : 0,
    oldest: num(o.oldest),
    delivery,
    private: p && lead !== null && withheld !== null ? { lead, withheld, strategy: p.strategy === 'selfish' ? 'selfish' : 'withhold' } : null,
    address: typeof o.address === 'string' && ADDRESS.test(o.address) ? o.address : '',
  };
}

/**
 * Checks a report received from the network field by field and returns a clean copy, or null if
 * it is not a report of this protocol version. Strings are capped, lists bounded, unknown events
 * skipped: a broken or hostile tab cannot break the dashboard.
 */
export function parseReport(data: unknown): Report | null {
  let v = data;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  const o = obj(v);
  if (!o || o.v !== OBSERVER_PROTOCOL) return null;
  const node = id(o.node);
  const state = parseState(o);
  if (!node || !state) return null;
  if (o.kind === 'snapshot') {
    const role = o.role === 'central' || o.role === 'miner' || o.role === 'wallet' ? o.role : null;
    if (!role) return null;
    return {
      kind: 'snapshot',
      v: OBSERVER_PROTOCOL,
      node,
      role,
      topology: o.topology === 'mesh' ? 'mesh' : 'star',
      ...state,
      known: list(o.known, id, 500),
      chain: list(o.chain, parseBlock, 200),
      leaves: list(o.leaves, parseBlock, 100),
      blocks: list(o.blocks, parseSighting, 200),
      messages: list(o.messages, parseEvent, 100).filter((e) => e.t === 'msg'),
    };
  }
  if (o.kind === 'events') {
    const seq = num(o.seq);
    if (seq === null) return null;
    return { kind: 'events', v: OBSERVER_PROTOCOL, node, seq, ...state, events: list(o.events, parseEvent) };
  }
  return null;
}
