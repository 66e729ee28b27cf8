/**
 * Propagation timeline layout: turns the steps of one block (the propagation model's `BlockStep`,
 * "node X did K at time T", see node/propagation.ts) into rows of a horizontal timeline (one row
 * per node, ms offsets from the first sight of the block), with labels stacked on levels so close
 * steps never overlap. Pure.
 */
import type { BlockStep } from '../../../node/propagation';

/** An event placed on the timeline: offset from the start, x in [0, 1], its label level. */
export interface PlacedEvent extends BlockStep {
  offset: number;
  x: number;
  level: number;
  /** Labels near the right edge grow leftwards from their marker. */
  anchor: 'start' | 'end';
}

/** One node's row. */
export interface TimelineRow {
  node: string;
  events: PlacedEvent[];
  levels: number;
}

/** A whole timeline: `start` is the first sight (ms), `span` the time to the last step. */
export interface AssembledTimeline {
  start: number;
  span: number;
  rows: TimelineRow[];
}

/** Order in which a block's steps happen at one node, for ties in time. */
const KIND_ORDER = ['mined', 'sent', 'announced', 'requested', 'received', 'orphaned', 'accepted', 'connected', 'disconnected'];

/**
 * Places events on rows. `labelWidth` is a label's width as a fraction of the track: a label
 * goes on the first level where it does not overlap the previous label. `self` (this node) is
 * the first row; other nodes follow in order of their first step.
 */
export function assembleTimeline(events: readonly BlockStep[], opts: { self?: string; labelWidth?: number } = {}): AssembledTimeline {
  if (!events.length) return { start: 0, span: 0, rows: [] };
  const w = opts.labelWidth ?? 0.18;
  const start = Math.min(...events.map((e) => e.time));
  const span = Math.max(...events.map((e) => e.time)) - start;
  const byNode = new Map<string, BlockStep[]>();
  for (const e of events) {
    let list = byNode.get(e.node);
    if (!list) byNode.set(e.node, (list = []));
    list.push(e);
  }
  const order = (k: string) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
  const rows: TimelineRow[] = [...byNode].map(([node, list]) => {
    list.sort((a, b) => a.time - b.time || order(a.kind) - order(b.kind));
    const ends: number[] = [];
    const placed = list.map((e) => {
      const offset = e.time - start;
      const x = span > 0 ? offset / span : 0;
      const anchor: PlacedEvent['anchor'] = x + w > 1 && x > 0.5 ? 'end' : 'start';
      const [lo, hi] = anchor === 'start' ? [x, x + w] : [x - w, x];
      let level = ends.findIndex((end) => end <= lo);
      if (level < 0) level = ends.length;
      ends[level] = hi;
      return { ...e, offset, x, level, anchor };
    });
    return { node, events: placed, levels: Math.max(1, ends.length) };
  });
  const firstTime = (r: TimelineRow) => r.events[0]?.time ?? Infinity;
  rows.sort((a, b) => Number(b.node === opts.self) - Number(a.node === opts.self) || firstTime(a) - firstTime(b) || (a.node < b.node ? -1 : 1));
  return { start, span, rows };
}

/** Round tick offsets (ms) for an axis of `span` ms: 0 and about `count` steps of 1, 2 or 5 × 10ⁿ. */
export function axisTicks(span: number, count = 5): number[] {
  if (span <= 0) return [0];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return ticks;
}
