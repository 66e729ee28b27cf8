/**
 * Messages between the Simulator page and the engine host (a Web Worker, or the same code on the
 * main thread where workers are missing). Plain structured-clone data both ways.
 */
import type { Block, Coin } from '../../core';
import type { MessageEvent } from '../../node/events';
import type { Summary } from '../../sim/metrics';
import type { ActionBody, SimAction } from '../../sim/runFile';
import type { DoubleSpendRecord, PaymentStatus, TamperRecord } from '../../sim/lessons';
import type { SimSettings } from '../../sim/settings';
import type { ViewState } from '../runtime/viewState';

/** Virtual seconds per wall second; 0: as fast as the machine allows. */
export type Speed = number;

/** A run: seed, settings and the teacher's actions so far. */
export interface RunSpec {
  seed: number;
  settings: SimSettings;
  actions: SimAction[];
}

export type ToEngine =
  | { type: 'start'; run: RunSpec; speed: Speed; node: number; paused?: boolean }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'speed'; speed: Speed }
  | { type: 'step'; what: 'message' | 'block' }
  /** Virtual ms since the start; earlier than now replays the run from the start up to it. */
  | { type: 'seek'; to: number }
  | { type: 'act'; action: ActionBody }
  | { type: 'select'; node: number }
  /** A block of the selected node (for the block detail), with its undo data. */
  | { type: 'block'; hash: string };

/** What does not change during a run: who is where and who is linked to whom. */
export interface GraphInfo {
  seed: number;
  settings: SimSettings;
  regions: number[];
  regionNames: string[];
  edges: [number, number][];
  miners: number[];
}

/** The network as of one moment, sent a few times a second. */
export interface Frame {
  /** Virtual ms since the start. */
  now: number;
  steps: number;
  delivered: number;
  running: boolean;
  /** What the run is doing: playing, paused, or working towards a step or a seek. */
  mode: 'playing' | 'paused' | 'stepping' | 'seeking';
  speed: Speed;
  /** Virtual seconds per wall second over the last few frames. */
  rate: number;
  heights: number[];
  /** Per node: index into `tips` of the tip it follows. */
  tipOf: number[];
  tips: { hash: string; height: number; nodes: number }[];
  offline: number[];
  partition: number[][] | null;
  summary: Summary;
  /** Stale-block rate as blocks were found: [blocks found, stale fraction]. */
  staleSeries: [number, number][];
  payments: { made: number; skipped: number; refused: number };
  shares: number[];
  txRate: number;
  actions: SimAction[];
  /** JS heap of the engine, when the browser tells (Chromium). */
  heapMB: number | null;
  /** The lessons' attacks so far and how the network answered. */
  lessons: {
    tampered: (TamperRecord & { refusedBy: number })[];
    doubleSpends: (Omit<DoubleSpendRecord, 'pay' | 'back'> & { pay: PaymentStatus; back: PaymentStatus })[];
  };
}

export type FromEngine =
  /** The worker's code has loaded (messages sent earlier could be lost: the page waits for this). */
  | { type: 'ready' }
  | { type: 'built'; graph: GraphInfo }
  /** The network now, and (when due) the selected node's view, applied together in one render. */
  | { type: 'frame'; frame: Frame; view?: ViewPatch }
  | ({ type: 'view' } & ViewPatch)
  /** A block of the shown node, its undo data, and those of its outputs the node has unspent. */
  | { type: 'block'; hash: string; block: Block | null; undo: Coin[] | null; unspent: [string, Coin][] }
  | { type: 'error'; reason: string };

/**
 * The selected node's view: a store patch with only what changed. Growing lists (`append`) carry
 * only what is new; `reset` starts the view over (another node was selected, or the run restarted).
 */
export interface ViewPatch {
  node: number;
  reset: boolean;
  patch: Partial<ViewState>;
  append: Partial<Record<AppendKey, unknown[]>>;
}

/** View lists that only grow at the end (bounded), sent as their new tail. */
export const APPEND_KEYS = ['messages', 'propagation', 'log', 'reorgs', 'hashRates'] as const;
export type AppendKey = (typeof APPEND_KEYS)[number];

export type { MessageEvent };
