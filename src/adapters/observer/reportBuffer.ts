/**
 * The node side of the observer channel, free of any transport: it listens to a node's
 * events, keeps a bounded queue of compact summaries and a short memory of block sightings,
 * and hands out reports (a snapshot on connect, then batches). The PeerJS reporter
 * (`../peerjs/observer.ts`) only decides *when* to send them; tests call it by hand.
 *
 * It reads the node through its public getters and its event stream only, and swallows its own
 * errors: the node behaves the same whether a dashboard listens or not.
 */
import { BoundedMap, hashToHex, scriptForAddress } from '../../core';
import type { NodeApi } from '../../node/api';
import { partitionGroup } from '../../core';
import type { NodeEvent, Topology } from '../../node/events';
import { milestoneOf, stepFromChainEvent, stepsFromMessage, type PropagationStep } from '../../node/propagation';
import { OBSERVER_PROTOCOL, type BatchReport, type ObsBlock, type ObsEvent, type ObsSighting, type ObsState, type Report, type SnapshotReport } from './protocol';

/** Limits that keep the reporter's cost and the report sizes bounded. */
export interface ReportLimits {
  /** Events queued between reports; beyond it the queue is dropped and a snapshot sent instead. */
  maxQueued: number;
  /** Events per report (keeps one report well under the 256 KiB data-channel message limit). */
  maxPerReport: number;
  /** Hashes kept per message summary (an inv may carry hundreds). */
  maxHashes: number;
  /** Blocks whose sighting times are remembered for late dashboards. */
  recentBlocks: number;
  /** Blocks of the active chain sent in a snapshot. */
  chainDepth: number;
}

export const DEFAULT_LIMITS: ReportLimits = { maxQueued: 2000, maxPerReport: 200, maxHashes: 8, recentBlocks: 64, chainDepth: 30 };

const MAX_SUMMARY = 120;
/** Messages a node remembers sending, for a dashboard that opens later (its snapshot carries them). */
const RECENT_MESSAGES = 100;
const MAX_HEARD = 512;

/**
 * Collects what a node reports to the teacher dashboard. `open()` starts a connection (returns
 * the snapshot); `next()` returns the next report to send; `close()` stops queueing.
 */
export class ReportBuffer {
  private queue: ObsEvent[] = [];
  /** The state changed without an event to report (messages held, a private block): report it soon. */
  private stateChanged = false;
  private collecting = false;
  private overflowed = false;
  private seq = 0;
  private readonly sightings: BoundedMap<string, ObsSighting>;
  private readonly heard = new BoundedMap<string, number>(MAX_HEARD);
  /** The last messages sent, kept whether or not a dashboard listens (compact, no bytes). */
  private recentSent: ObsEvent[] = [];
  private readonly off: () => void;
  readonly limits: ReportLimits;

  constructor(
    private readonly node: NodeApi,
    private readonly topology: Topology,
    limits: Partial<ReportLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.sightings = new BoundedMap(this.limits.recentBlocks);
    this.off = node.on((e) => {
      try {
        this.onEvent(e);
      } catch {
        // Never let the observer disturb the node.
      }
    });
  }

  /** Events waiting to be reported. */
  get pending(): number {
    return this.queue.length;
  }

  /** A dashboard connection opened: start queueing, and return the snapshot to send first. */
  open(): SnapshotReport {
    this.queue = [];
    this.overflowed = false;
    this.seq = 0;
    this.collecting = true;
    return this.snapshot();
  }

  /** The dashboard connection closed: stop queueing (a new connection starts with a snapshot). */
  close(): void {
    this.collecting = false;
    this.queue = [];
  }

  /** Stops listening to the node. */
  dispose(): void {
    this.close();
    this.off();
  }

  /**
   * The next report: a snapshot if events were dropped since the last one, else a batch of up to
   * `maxPerReport` queued events, else (only if `heartbeat`) an empty batch carrying the state.
   */
  next(heartbeat = false): Report | null {
    if (!this.collecting) return null;
    if (this.overflowed) {
      this.overflowed = false;
      this.queue = [];
      return this.snapshot();
    }
    if (this.queue.length === 0 && !heartbeat && !this.stateChanged) return null;
    this.stateChanged = false;
    const events = this.queue.splice(0, this.limits.maxPerReport);
    const r: BatchReport = { kind: 'events', v: OBSERVER_PROTOCOL, node: this.node.id, seq: ++this.seq, ...this.state(), events };
    return r;
  }

  /** Everything a dashboard needs to draw this node from scratch. */
  snapshot(): SnapshotReport {
    const node = this.node;
    const q = node.query;
    const recent: ObsBlock[] = [];
    const leaves: ObsBlock[] = [];
    const blocks: ObsSighting[] = [];
    if (node.height >= 0) {
      for (let h = Math.max(0, node.height - this.limits.chainDepth + 1); h <= node.height; h++) {
        const e = q.entryAt(h);
        if (e) recent.push({ hash: e.hash, height: e.height, prev: e.parent ? e.parent.hash : null });
      }
      const floor = node.height - this.limits.chainDepth;
      for (const e of q.leaves())
        if (!q.isActive(e.hash) && e.status === 'valid' && e.height > floor) leaves.push({ hash: e.hash, height: e.height, prev: e.parent ? e.parent.hash : null });
      leaves.splice(20);
      for (const s of this.sightings.values()) {
        const height = s.height >= 0 ? s.height : q.entry(s.hash)?.height ?? -1;
        if (height < 0) continue;
        const heard = s.heard ?? this.heard.get(s.hash);
        blocks.push({ ...s, height, ...(heard !== undefined ? { heard } : {}) });
      }
    }
    return {
      kind: 'snapshot',
      v: OBSERVER_PROTOCOL,
      node: node.id,
      role: node.role,
      topology: this.topology,
      ...this.state(),
      known: node.knownNodes().slice(0, 500),
      chain: recent,
      leaves,
      blocks,
      messages: this.recentSent.slice(),
    };
  }

  private state(): ObsState {
    const n = this.node;
    const t = n.teacherState();
    const teacher = { paused: t.miningPaused, throttle: t.throttle, group: t.partition.length ? partitionGroup(t.partition, n.id) + 1 : 0 };
    const d = n.lessons.delivery();
    const p = n.lessons.privateChain();
    const lessons = {
      held: d.held,
      oldest: d.oldest,
      delivery: d.effective.mode,
      private: p ? { lead: p.lead, withheld: p.withheld.length, strategy: p.strategy } : null,
      address: n.query.walletKeys()[0]?.address ?? '',
    };
    return { time: n.clock.now(), height: n.height, tip: n.tipHash, peers: n.peerIds(), mining: n.isMining, cutOff: n.offline, teacher, lessons, ...this.names() };
  }

  /** This node's own names and what its UTXO set says every named address holds (the dashboard's balance table). */
  private names(): Pick<ObsState, 'names' | 'balances'> {
    const named = this.node.namedAddresses();
    if (!named.length) return {};
    const names = named.filter((x) => x.own).slice(0, 16).map((x) => ({ label: x.label, address: x.address }));
    const balances: Record<string, string> = {};
    for (const x of named.slice(0, 32)) {
      let sum = 0n;
      for (const [, c] of this.node.query.coinsFor(scriptForAddress(x.address))) sum += c.value;
      balances[x.address] = sum.toString();
    }
    return { names, balances };
  }

  private push(e: ObsEvent): void {
    if (!this.collecting) return;
    if (this.queue.length >= this.limits.maxQueued) {
      // The dashboard is not keeping up: forget the details, send the truth (a snapshot) next.
      this.overflowed = true;
      this.queue = [];
      return;
    }
    if (!this.overflowed) this.queue.push(e);
  }

  private sighting(hash: string, height = -1): ObsSighting {
    let s = this.sightings.get(hash);
    if (!s) {
      s = { hash, height };
      this.sightings.set(hash, s);
    } else if (height >= 0) s.height = height;
    return s;
  }

  /**
   * This node's milestones among propagation steps (the shared model, node/propagation.ts): an
   * inv heard is remembered by hash until the hash turns out to be a block we receive.
   */
  private noteSteps(steps: readonly PropagationStep[]): void {
    for (const step of steps) {
      const m = milestoneOf(step);
      if (!m || m.node !== this.node.id) continue;
      if (m.milestone === 'heard') {
        if (!this.heard.has(step.hash)) this.heard.set(step.hash, step.time);
        continue;
      }
      const s = this.sighting(step.hash);
      s[m.milestone] ??= step.time;
      s.heard ??= this.heard.get(s.hash);
    }
  }

  private onEvent(e: NodeEvent): void {
    switch (e.type) {
      case 'message': {
        if (e.dir === 'in' && e.hashes && (e.command === 'inv' || e.command === 'block' || e.command === 'headers' || e.command === 'cmpctblock'))
          this.noteSteps(stepsFromMessage(this.node.id, e.command === 'inv' ? { ...e, hashes: e.hashes.slice(0, 64) } : e));
        const m: ObsEvent = { t: 'msg', time: e.time, dir: e.dir, peer: e.peer, cmd: e.command, bytes: e.bytes, summary: e.summary.slice(0, MAX_SUMMARY) };
        if (e.hashes?.length) m.hashes = e.hashes.slice(0, this.limits.maxHashes);
        if (e.reason) m.reason = e.reason.slice(0, MAX_SUMMARY);
        if (e.dir === 'out' && e.command !== 'ping' && e.command !== 'pong') {
          this.recentSent.push(m);
          if (this.recentSent.length > RECENT_MESSAGES) this.recentSent.shift();
        }
        if (!this.collecting) return;
        this.push(m);
        return;
      }
      case 'chain': {
        const c = e.event;
        switch (c.type) {
          case 'block-accepted':
            this.sighting(c.entry.hash, c.entry.height);
            return this.push({ t: 'accepted', time: e.time, hash: c.entry.hash, height: c.entry.height, prev: c.entry.height > 0 ? hashToHex(c.entry.header.prevHash) : null });
          case 'block-connected': {
            this.sighting(c.entry.hash, c.entry.height);
            const step = stepFromChainEvent(this.node.id, c, e.time);
            if (step) this.noteSteps([step]);
            return this.push({ t: 'connected', time: e.time, hash: c.entry.hash, height: c.entry.height, prev: c.entry.height > 0 ? hashToHex(c.entry.header.prevHash) : null });
          }
          case 'block-disconnected':
            return this.push({ t: 'disconnected', time: e.time, hash: c.entry.hash, height: c.entry.height });
          case 'reorg':
            return this.push({ t: 'reorg', time: e.time, fork: c.fork.hash, forkHeight: c.fork.height, disconnected: c.disconnected.length, connected: c.connected.length });
          case 'tip-changed':
            return this.push({ t: 'tip', time: e.time, hash: c.entry.hash, height: c.entry.height });
          case 'block-invalid':
            return this.push({ t: 'invalid', time: e.time, hash: c.hash, reason: c.reason.slice(0, MAX_SUMMARY) });
          default:
            return;
        }
      }
      case 'chain-ready': {
        // The node now has a chain: block 0 is connected (genesis never gets a block-connected).
        const g = this.node.query.entryAt(0);
        if (g) this.push({ t: 'connected', time: e.time, hash: g.hash, height: 0, prev: null });
        return;
      }
      case 'block-mined': {
        this.sighting(e.hash, e.height);
        this.noteSteps([{ hash: e.hash, node: this.node.id, kind: 'mined', time: e.time }]);
        return this.push({ t: 'mined', time: e.time, hash: e.hash, height: e.height });
      }
      case 'delivery':
      case 'lesson':
        this.stateChanged = true;
        return;
      case 'rejected':
        return this.push({ t: 'rejected', time: e.time, peer: e.peer, cmd: e.command, reason: e.reason.slice(0, MAX_SUMMARY) });
      case 'peer-connected':
        return this.push({ t: 'peer-up', time: e.time, peer: e.peer, outbound: e.outbound });
      case 'peer-disconnected':
        return this.push({ t: 'peer-down', time: e.time, peer: e.peer, reason: e.reason.slice(0, MAX_SUMMARY) });
      default:
        return;
    }
  }
}
