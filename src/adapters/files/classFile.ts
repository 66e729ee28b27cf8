/**
 * A class saved to a file (`tabchain-class`, version 1; docs/PROTOCOL.md): the teacher dashboard's
 * whole record of a session — every report every node sent it (snapshots and event batches, with
 * their messages, blocks, reorgs and refusals), each with the dashboard time it arrived, and each
 * node's observer channel closing. The dashboard's picture at any moment is these arrivals folded
 * in order (ui/dashboard/model.ts), so replaying the file rebuilds the class exactly, and seeking
 * is folding up to a time. Every report is checked by the observer protocol's own parser on the
 * way in; one bad report and the file is refused.
 */
import { parseReport, type Report } from '../observer/protocol';
import { BodyError, arr, int, obj, readEnvelope, refuse, str, writeEnvelope, type FileResult } from './envelope';

/** The most arrivals a record (and a file) holds; a longer class keeps its most recent part. */
export const MAX_ARRIVALS = 150_000;

/** One thing that reached the dashboard: a node's report, or its channel closing. */
export type RecordedArrival = { at: number; node: string; report: Report } | { at: number; node: string; gone: true };

export interface ClassRecord {
  network: string;
  /** Dashboard clock of the first and last arrival kept. */
  start: number;
  end: number;
  /** Set when older arrivals were dropped to stay within MAX_ARRIVALS: the time of the first kept. */
  truncatedBefore: number | null;
  arrivals: RecordedArrival[];
}

/** Writes a class record to a file's text. */
export function writeClassFile(r: ClassRecord, now = Date.now()): string {
  return writeEnvelope('tabchain-class', { app: 'tabchain 0.1.0', exported: now, ...r });
}

const ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Reads a class file's text: the envelope, then every arrival (each report through `parseReport`), in time order. */
export function readClassFile(text: string): FileResult<ClassRecord> {
  const env = readEnvelope(text, 'tabchain-class');
  if (!env.ok) return env;
  try {
    const b = obj(env.value.body, 'the body');
    const network = str(b.network, 'network', 40);
    if (!ID.test(network)) throw new BodyError('network is not a network name');
    let last = -Infinity;
    const arrivals = arr(b.arrivals, 'arrivals', MAX_ARRIVALS).map((a, i): RecordedArrival => {
      const o = obj(a, `arrival ${i}`);
      const at = int(o.at, `arrival ${i} time`);
      if (at < last) throw new BodyError(`arrival ${i} is earlier than the one before it`);
      last = at;
      const node = str(o.node, `arrival ${i} node`, 40);
      if (!ID.test(node)) throw new BodyError(`arrival ${i} names no node`);
      if (o.gone === true) return { at, node, gone: true };
      const report = parseReport(o.report);
      if (!report) throw new BodyError(`arrival ${i} is not a report this dashboard reads`);
      if (report.node !== node) throw new BodyError(`arrival ${i} is a report of ${report.node} filed under ${node}`);
      return { at, node, report };
    });
    const first = arrivals[0]?.at ?? 0;
    const start = int(b.start, 'start');
    const end = int(b.end, 'end');
    if (arrivals.length && (start > first || end < last)) throw new BodyError('start and end do not cover the arrivals');
    const truncatedBefore = b.truncatedBefore === null || b.truncatedBefore === undefined ? null : int(b.truncatedBefore, 'truncatedBefore');
    return { ok: true, value: { network, start, end, truncatedBefore, arrivals } };
  } catch (e) {
    if (e instanceof BodyError) return refuse('invalid', e.message);
    throw e;
  }
}

/**
 * The dashboard's recording of a live class: every arrival, except a report that changes nothing
 * (a keepalive batch with no events and the same state as that node's previous report), bounded by
 * MAX_ARRIVALS (the oldest are dropped).
 */
export class ClassRecorder {
  private arrivals: RecordedArrival[] = [];
  private readonly lastState = new Map<string, string>();
  private truncatedBefore: number | null = null;

  constructor(readonly network: string) {}

  get size(): number {
    return this.arrivals.length;
  }

  report(node: string, report: Report, at: number): void {
    if (report.kind === 'events' && report.events.length === 0) {
      const { time: _time, seq: _seq, ...state } = report;
      const key = JSON.stringify(state);
      if (this.lastState.get(node) === key) return;
      this.lastState.set(node, key);
    } else this.lastState.delete(node);
    this.push({ at, node, report });
  }

  gone(node: string, at: number): void {
    this.lastState.delete(node);
    this.push({ at, node, gone: true });
  }

  private push(a: RecordedArrival): void {
    // Arrivals are in dashboard-clock order; a clock step back keeps the order of arrival.
    const prev = this.arrivals[this.arrivals.length - 1];
    if (prev && a.at < prev.at) a = { ...a, at: prev.at };
    this.arrivals.push(a);
    if (this.arrivals.length > MAX_ARRIVALS) {
      this.arrivals = this.arrivals.slice(this.arrivals.length - Math.floor(MAX_ARRIVALS * 0.9));
      this.truncatedBefore = this.arrivals[0]!.at;
    }
  }

  /** The record as it stands (arrivals shared, not copied: they are never changed). */
  record(): ClassRecord {
    const a = this.arrivals;
    return { network: this.network, start: a[0]?.at ?? 0, end: a[a.length - 1]?.at ?? 0, truncatedBefore: this.truncatedBefore, arrivals: a.slice() };
  }
}
