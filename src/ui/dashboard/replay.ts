/**
 * Replaying a saved class: the dashboard's picture at a moment is the record's arrivals up to that
 * moment folded in order (model.ts), so play is folding forward and seeking is folding from the
 * nearest checkpoint. Checkpoints (every CHECKPOINT arrivals) are the model's own immutable states,
 * which share what did not change, so keeping them is cheap.
 */
import type { ClassRecord, RecordedArrival } from '../../adapters/files/classFile';
import { emptyDashState, foldReports, nodeWentAway, type Arrival, type DashState } from './model';

const CHECKPOINT = 2_000;

/** Folds arrivals into a state in order: runs of reports at once, a closed channel as the node going away. */
export function foldArrivals(state: DashState, arrivals: readonly RecordedArrival[]): DashState {
  let s = state;
  let run: Arrival[] = [];
  const flush = () => {
    if (run.length) s = foldReports(s, run);
    run = [];
  };
  for (const a of arrivals) {
    if ('gone' in a) {
      flush();
      s = nodeWentAway(s, a.node, a.at);
    } else run.push({ nodeId: a.node, report: a.report, receivedAt: a.at });
  }
  flush();
  return s;
}

export class ReplayFolder {
  private readonly checkpoints: { index: number; state: DashState }[] = [{ index: 0, state: emptyDashState() }];

  constructor(readonly record: ClassRecord) {}

  /** How many arrivals came at or before `t`. */
  countAt(t: number): number {
    const a = this.record.arrivals;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]!.at <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The dashboard's picture at time `t` (dashboard clock of the recorded class). */
  stateAt(t: number): DashState {
    const end = this.countAt(t);
    let cp = this.checkpoints[0]!;
    for (const c of this.checkpoints) if (c.index <= end && c.index > cp.index) cp = c;
    let state = cp.state;
    let i = cp.index;
    const arrivals = this.record.arrivals;
    while (i < end) {
      const next = Math.min(end, (Math.floor(i / CHECKPOINT) + 1) * CHECKPOINT);
      state = foldArrivals(state, arrivals.slice(i, next));
      i = next;
      if (i % CHECKPOINT === 0 && !this.checkpoints.some((c) => c.index === i)) this.checkpoints.push({ index: i, state });
    }
    return state;
  }
}
