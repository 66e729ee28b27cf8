/**
 * The page's end of the simulator: starts the engine host in a Web Worker (or, where workers are
 * missing, on the page), keeps what it reports in a small store, folds the selected node's view
 * into the node tab's view store, and answers the node views' questions about blocks
 * (`SimNodeView` is the shown node as those views see it).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Block, Coin } from '../../core';
import type { ActionBody } from '../../sim/runFile';
import { capRawBytes } from '../runtime/bindNode';
import { viewStore } from '../runtime/viewStore';
import { MAX_HASH_RATES, MAX_MESSAGES, MAX_PROPAGATION, MAX_REORGS, initialViewState, type ViewState } from '../runtime/viewState';
import type { AppendKey, Frame, FromEngine, GraphInfo, RunSpec, Speed, ToEngine, ViewPatch } from './protocol';
import { SimHost } from './host';

export interface SimState {
  graph: GraphInfo | null;
  frame: Frame | null;
  /** The node the node views show. */
  node: number;
  error: string | null;
  /** Bumped when a block the views asked for arrives (the block detail reads it again). */
  blocksVersion: number;
  /** True when the engine runs on the page (no Web Worker). */
  onPage: boolean;
}

const CAPS: Record<AppendKey, number> = { messages: MAX_MESSAGES, propagation: MAX_PROPAGATION, log: 300, reorgs: MAX_REORGS, hashRates: MAX_HASH_RATES };

interface Port {
  post(m: ToEngine): void;
  close(): void;
}

export class SimConnection {
  readonly store: StoreApi<SimState>;
  private readonly port: Port;
  private readonly blocks = new Map<string, { block: Block | null; undo: Coin[] | null }>();
  /** Unspent outputs of the blocks that arrived, as the shown node's UTXO set holds them. */
  private readonly coins = new Map<string, Coin>();
  private readonly asked = new Set<string>();

  constructor(makeWorker: () => Worker | null = defaultWorker) {
    this.store = createStore<SimState>(() => ({ graph: null, frame: null, node: 0, error: null, blocksVersion: 0, onPage: false }));
    const onMessage = (m: FromEngine) => this.receive(m);
    const worker = makeWorker();
    if (worker) {
      // Until the worker says it is ready (its modules, WebAssembly included, have loaded), commands wait here.
      let waiting: ToEngine[] | null = [];
      worker.onmessage = (e: MessageEvent<FromEngine>) => {
        if (e.data.type === 'ready') {
          const queued = waiting ?? [];
          waiting = null;
          queued.forEach((m) => worker.postMessage(m));
        } else onMessage(e.data);
      };
      worker.onerror = (e) => this.store.setState({ error: e.message || 'the simulation stopped with an error' });
      this.port = { post: (m) => (waiting ? waiting.push(m) : worker.postMessage(m)), close: () => worker.terminate() };
    } else {
      // No worker: the same host on the page, its replies delivered on a later task like a worker's.
      let closed = false;
      const host = new SimHost((m) => setTimeout(() => !closed && onMessage(m), 0));
      this.port = {
        post: (m) => setTimeout(() => !closed && host.handle(m), 0),
        close: () => {
          closed = true;
          host.handle({ type: 'pause' }); // the page is leaving: the run stops with it
        },
      };
      this.store.setState({ onPage: true });
    }
  }

  start(run: RunSpec, speed: Speed, node = 0, paused = false): void {
    this.blocks.clear();
    this.asked.clear();
    this.store.setState({ error: null, node });
    this.port.post({ type: 'start', run, speed, node, paused });
  }
  play(): void {
    this.port.post({ type: 'play' });
  }
  pause(): void {
    this.port.post({ type: 'pause' });
  }
  setSpeed(speed: Speed): void {
    this.port.post({ type: 'speed', speed });
  }
  step(what: 'message' | 'block'): void {
    this.port.post({ type: 'step', what });
  }
  seek(ms: number): void {
    this.port.post({ type: 'seek', to: ms });
  }
  act(action: ActionBody): void {
    this.store.setState({ error: null });
    this.port.post({ type: 'act', action });
  }
  select(node: number): void {
    this.blocks.clear();
    this.coins.clear();
    this.asked.clear();
    this.store.setState({ node });
    this.port.post({ type: 'select', node });
  }
  close(): void {
    this.port.close();
  }

  /** An output of a block that arrived, if the shown node still has it unspent. */
  coin(outpoint: string): Coin | undefined {
    return this.coins.get(outpoint);
  }

  /** A block of the shown node, if it arrived; asks for it otherwise (the views then read it again). */
  block(hash: string): { block: Block | null; undo: Coin[] | null } | undefined {
    const got = this.blocks.get(hash);
    if (!got && !this.asked.has(hash)) {
      this.asked.add(hash);
      this.port.post({ type: 'block', hash });
    }
    return got;
  }

  private receive(m: FromEngine): void {
    switch (m.type) {
      case 'ready':
        return;
      case 'built':
        this.store.setState({ graph: m.graph });
        return;
      case 'frame':
        this.store.setState({ frame: m.frame });
        if (m.view) this.applyView(m.view);
        return;
      case 'error':
        this.store.setState({ error: m.reason });
        return;
      case 'block':
        this.blocks.set(m.hash, { block: m.block, undo: m.undo });
        for (const [k, c] of m.unspent) this.coins.set(k, c);
        this.store.setState((s) => ({ blocksVersion: s.blocksVersion + 1 }));
        return;
      case 'view':
        return this.applyView(m);
    }
  }

  private applyView(v: ViewPatch): void {
    if (v.node !== this.store.getState().node) return;
    viewStore.setState(v.reset ? { ...initialViewState(), ...v.patch } : { ...v.patch, ...appended(viewStore.getState(), v.append) });
  }
}

/** The view's growing lists with the new tail added, each within its cap. */
function appended(s: ViewState, append: Partial<Record<AppendKey, unknown[]>>): Partial<ViewState> {
  const out: Record<string, unknown> = {};
  for (const [k, tail] of Object.entries(append) as [AppendKey, unknown[]][]) {
    if (!tail.length) continue;
    const all = (s[k] as unknown[]).concat(tail);
    const kept = all.length > CAPS[k] ? all.slice(all.length - CAPS[k]) : all;
    out[k] = k === 'messages' ? capRawBytes(kept as ViewState['messages']) : kept;
  }
  return out as Partial<ViewState>;
}

function defaultWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  return new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module' });
}
