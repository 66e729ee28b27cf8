/**
 * The engine host: owns one Simulation, runs it in short slices (flat out, or at a multiple of
 * real time), answers the page's commands between slices, and sends frames — the network's state
 * and metrics a few times a second, and the selected node's view as the node tab's store patches.
 * The same class runs in the Web Worker (sim.worker.ts) and, where workers are missing, on the
 * page itself; either way a slice never runs longer than SLICE_MS.
 */
import { txidHex, type Coin } from '../../core';
import { Simulation, type StopReason } from '../../sim/engine';
import { PRESETS } from '../../sim/links';
import { edges } from '../../sim/topology';
import type { NodeEvent } from '../../node/events';
import { ViewBatch } from '../runtime/bindNode';
import { initialViewState, type ViewState } from '../runtime/viewState';
import { APPEND_KEYS, type AppendKey, type Frame, type FromEngine, type RunSpec, type Speed, type ToEngine, type ViewPatch } from './protocol';

/** Longest stretch of simulation between two looks at the page's commands (wall ms). */
export const SLICE_MS = 25;
/** Wall ms between two frames while running. */
export const FRAME_MS = 250;
/**
 * Wall ms between two updates of the selected node's views while running: at many times real
 * time a node sees hundreds of messages a second, and its message table need not redraw more often.
 */
export const VIEW_MS = 600;

type Target = { kind: 'message'; seen: number } | { kind: 'block'; seen: number } | { kind: 'time'; to: number };

export interface HostClock {
  now(): number;
  later(ms: number, fn: () => void): void;
}

const defaultClock: HostClock = { now: () => performance.now(), later: (ms, fn) => void setTimeout(fn, ms) };

export class SimHost {
  private sim: Simulation | null = null;
  private speed: Speed = 0;
  private playing = false;
  private target: Target | null = null;
  private busy = false;
  private scheduled = false;
  private anchor = { wall: 0, virtual: 0 };
  private lastFrame = { wall: -Infinity, virtual: 0 };
  private lastView = -Infinity;
  private rate = 0;
  private node = 0;
  private batch: ViewBatch | null = null;
  private off: (() => void) | null = null;
  private view: ViewState = initialViewState();
  private staleSeries: [number, number][] = [];

  constructor(private readonly post: (m: FromEngine) => void, private readonly clock: HostClock = defaultClock) {}

  handle(m: ToEngine): void {
    try {
      this.command(m);
    } catch (e) {
      this.post({ type: 'error', reason: (e as Error).message });
    }
  }

  private command(m: ToEngine): void {
    if (m.type === 'start') {
      this.speed = m.speed;
      this.playing = !m.paused;
      this.build(m.run, m.node);
      return this.kick();
    }
    const sim = this.sim;
    if (!sim) throw new Error('no simulation is running');
    switch (m.type) {
      case 'play':
        this.playing = true;
        this.target = null;
        return this.kick();
      case 'pause':
        this.playing = false;
        this.target = null;
        return this.send(true);
      case 'speed':
        this.speed = m.speed;
        return this.kick();
      case 'step':
        this.target = m.what === 'message' ? { kind: 'message', seen: sim.delivered } : { kind: 'block', seen: sim.metrics.found };
        this.playing = false;
        return this.kick();
      case 'seek':
        if (m.to < sim.now) {
          // Back in time: the run is replayed from its start (seed, settings, every action so far).
          this.build({ seed: sim.seed, settings: sim.settings, actions: sim.actions }, this.node);
        }
        this.target = { kind: 'time', to: m.to };
        this.playing = false;
        return this.kick();
      case 'act':
        sim.act(m.action);
        return this.send(true);
      case 'select':
        this.select(m.node);
        return this.send(true);
      case 'block': {
        const q = sim.nodes[this.node]!.query;
        const block = q.block(m.hash) ?? null;
        const unspent: [string, Coin][] = [];
        for (const tx of block?.txs ?? [])
          for (let v = 0; v < tx.outputs.length; v++) {
            const key = `${txidHex(tx)}:${v}`;
            const coin = q.coin(key);
            if (coin) unspent.push([key, coin]);
          }
        this.post({ type: 'block', hash: m.hash, block, undo: q.undo(m.hash) ? [...q.undo(m.hash)!] : null, unspent });
        return;
      }
    }
  }

  private build(spec: RunSpec, node: number): void {
    this.off?.();
    this.sim = new Simulation(spec.seed, spec.settings, { actions: spec.actions });
    this.target = null;
    this.staleSeries = [];
    const sim = this.sim;
    this.post({
      type: 'built',
      graph: {
        seed: sim.seed, settings: sim.settings, regions: sim.regions, regionNames: PRESETS[sim.settings.links].regions.map((r) => r.id),
        edges: edges(sim.topology), miners: sim.minerAt,
      },
    });
    this.select(Math.min(node, sim.nodes.length - 1));
    this.anchor = { wall: this.clock.now(), virtual: 0 };
    this.lastFrame = { wall: this.clock.now(), virtual: 0 };
    this.send(true);
  }

  /** Points the node views at node `i`: a fresh view binding, and the whole view sent. */
  private select(i: number): void {
    const sim = this.sim!;
    this.off?.();
    this.node = i;
    const node = sim.nodes[i]!;
    this.batch = new ViewBatch(node);
    const batch = this.batch;
    // Mempool and wallet rows are not shown here and would be rebuilt at every payment: not folded.
    this.off = node.on((e: NodeEvent) => {
      if ((e.type === 'mempool' && e.event.type !== 'tx-returned') || e.type === 'wallet-changed') return;
      batch.fold(e);
    });
    this.view = { ...initialViewState(), phase: 'running', nodeId: node.id, role: node.role, network: node.network, topology: node.topology };
    this.sendView(true);
  }

  private kick(): void {
    this.anchor = { wall: this.clock.now(), virtual: this.sim?.now ?? 0 };
    this.schedule(0);
    this.send(true);
  }

  private schedule(ms: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.clock.later(ms, () => {
      this.scheduled = false;
      void this.slice();
    });
  }

  private get active(): boolean {
    return this.playing || this.target !== null;
  }

  /** One slice of simulation, then a frame if one is due, then the next slice. */
  private async slice(): Promise<void> {
    const sim = this.sim;
    if (!sim || this.busy || !this.active) return;
    this.busy = true;
    let wait = 0;
    let reason: StopReason = 'budget';
    try {
      const budget = { wallMs: SLICE_MS };
      const t = this.target;
      if (t?.kind === 'message') reason = await sim.run(() => sim.delivered > t.seen, budget);
      else if (t?.kind === 'block') reason = await sim.run(() => sim.metrics.found > t.seen, budget);
      else if (t?.kind === 'time') reason = await sim.runTo(t.to, budget);
      else if (this.speed <= 0) reason = await sim.run(() => false, budget);
      else {
        const goal = this.anchor.virtual + (this.clock.now() - this.anchor.wall) * this.speed;
        if (goal > sim.now) reason = await sim.runTo(goal, budget);
        else wait = 16;
        // Too far behind (the machine cannot keep this pace): do not try to catch up in a burst.
        if (goal - sim.now > 2_000 * this.speed) this.anchor = { wall: this.clock.now(), virtual: sim.now };
      }
      if (t && reason !== 'budget') this.target = null;
      if (reason === 'idle') this.playing = false;
    } catch (e) {
      this.playing = false;
      this.target = null;
      this.post({ type: 'error', reason: (e as Error).message });
    } finally {
      this.busy = false;
    }
    this.noteStale();
    this.send(!this.active);
    if (this.active) this.schedule(wait);
  }

  private noteStale(): void {
    const m = this.sim!.metrics;
    const last = this.staleSeries.at(-1);
    if (m.found > 0 && (!last || last[0] !== m.found)) {
      const s = m.summary(0);
      this.staleSeries.push([m.found, s.staleRate]);
    }
  }

  /** Sends a frame (and the selected node's view) if one is due, or now if `force`. */
  private send(force: boolean): void {
    const sim = this.sim;
    if (!sim) return;
    const wall = this.clock.now();
    if (!force && wall - this.lastFrame.wall < FRAME_MS) return;
    const dt = wall - this.lastFrame.wall;
    if (dt > 0 && Number.isFinite(dt)) this.rate = (sim.now - this.lastFrame.virtual) / dt;
    this.lastFrame = { wall, virtual: sim.now };
    let view: ViewPatch | null = null;
    if (force || wall - this.lastView >= VIEW_MS) {
      this.lastView = wall;
      view = this.viewPatch(false);
    }
    this.post({ type: 'frame', frame: this.frame(), ...(view ? { view } : {}) });
  }

  private frame(): Frame {
    const sim = this.sim!;
    const tips = new Map<string, { hash: string; height: number; nodes: number }>();
    const tipOf: number[] = [];
    const order: string[] = [];
    for (const n of sim.nodes) {
      const h = n.tipHash ?? '';
      let t = tips.get(h);
      if (!t) {
        t = { hash: h, height: n.height, nodes: 0 };
        tips.set(h, t);
        order.push(h);
      }
      t.nodes++;
    }
    // The tip most nodes follow first, then the others by height.
    const ranked = [...tips.values()].sort((a, b) => b.nodes - a.nodes || b.height - a.height);
    const rank = new Map(ranked.map((t, i) => [t.hash, i]));
    for (const n of sim.nodes) tipOf.push(rank.get(n.tipHash ?? '') ?? 0);
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return {
      now: sim.now, steps: sim.steps, delivered: sim.delivered, running: this.active,
      mode: this.target ? (this.target.kind === 'time' ? 'seeking' : 'stepping') : this.playing ? 'playing' : 'paused',
      speed: this.speed, rate: this.rate,
      heights: sim.nodes.map((n) => n.height), tipOf, tips: ranked.slice(0, 12),
      offline: sim.nodes.flatMap((n, i) => (n.offline ? [i] : [])),
      partition: sim.partition(),
      summary: sim.metrics.summary(100), staleSeries: this.staleSeries.slice(-500),
      payments: { made: sim.wallets.made, skipped: sim.wallets.skipped, refused: sim.wallets.refused },
      shares: sim.shares(), txRate: sim.paymentRate, actions: sim.actions.slice(0, 1000),
      heapMB: memory ? memory.usedJSHeapSize / 1e6 : null,
      lessons: {
        tampered: sim.tampered.map((t) => ({ ...t, refusedBy: t.sentTo.filter((p) => sim.nodes[p]?.isDiscouraged(`n${t.node}`)).length })),
        // Seen from a node on the tip most nodes follow.
        doubleSpends: ((st) => sim.doubleSpends.map((d, i) => ({ ...d, ...st[i]! })))(sim.doubleSpends.length ? sim.doubleSpendStatus(Math.max(0, tipOf.indexOf(0))) : []),
      },
    };
  }

  private sendView(reset: boolean): void {
    const v = this.viewPatch(reset);
    if (v) this.post({ type: 'view', ...v });
  }

  /** The selected node's view patch: what changed only, growing lists as their new tail. */
  private viewPatch(reset: boolean): ViewPatch | null {
    const sim = this.sim;
    if (!sim || !this.batch) return null;
    const before = this.view;
    const patch = this.batch.patch(before, sim.clock.now());
    this.view = { ...before, ...patch };
    const append: Partial<Record<AppendKey, unknown[]>> = {};
    const rest: Partial<ViewState> = { ...patch };
    for (const k of APPEND_KEYS) {
      const next = patch[k] as unknown[] | undefined;
      if (!next || reset) continue;
      const prev = before[k] as unknown[];
      const last = prev.length ? next.lastIndexOf(prev[prev.length - 1]) : -1;
      append[k] = next.slice(last + 1);
      delete rest[k];
    }
    delete rest.mempool;
    delete rest.wallet;
    // The binding keeps unchanged parts as the same objects: those need not cross to the page.
    for (const k of Object.keys(rest) as (keyof ViewState)[]) if (rest[k] === before[k]) delete rest[k];
    for (const k of Object.keys(append) as AppendKey[]) if (!append[k]!.length) delete append[k];
    if (!reset && !Object.keys(rest).length && !Object.keys(append).length) return null;
    return { node: this.node, reset, patch: reset ? { ...this.view, mempool: [], wallet: [] } : rest, append };
  }
}
