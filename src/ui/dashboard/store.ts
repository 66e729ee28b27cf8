import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { DashboardReceiver, type ReceiverStatus } from '../../adapters/peerjs/dashboardReceiver';
import { signalConfigFromLocation } from '../../adapters/peerjs/transport';
import { emptyDashState, foldReports, nodeWentAway, type Arrival, type DashState } from './model';
import { ClassRecorder, type ClassRecord } from '../../adapters/files/classFile';
import { ReplayFolder } from './replay';

/** A saved class being replayed instead of the live picture. */
export interface ReplayView {
  network: string;
  start: number;
  end: number;
  /** The moment shown (recorded dashboard clock). */
  position: number;
  playing: boolean;
  /** Recorded milliseconds per real millisecond. */
  speed: number;
  arrivals: number;
  truncatedBefore: number | null;
}

/** The dashboard tab's store: the folded network picture plus the receiver's status and a clock tick. */
export interface DashboardView {
  network: string;
  receiver: ReceiverStatus;
  /** Dashboard clock, ticking once a second (for "last seen"); the replayed moment during a replay. */
  now: number;
  data: DashState;
  /** Set while a saved class is replayed (the live class keeps being recorded meanwhile). */
  replay: ReplayView | null;
}

/** One vanilla store for the dashboard tab (separate from a node tab's view store). */
export const dashboardStore = createStore<DashboardView>(() => ({ network: '', receiver: { state: 'connecting' }, now: Date.now(), data: emptyDashState(), replay: null }));

/** The live class: its folded picture and its recording (kept while a replay is shown). */
let live: DashState = emptyDashState();
let recorder: ClassRecorder | null = null;

/** Narrow selector over the dashboard store. */
export function useDash<T>(selector: (s: DashboardView) => T): T {
  return useStore(dashboardStore, selector);
}

/** Selector returning an object/array compared shallowly. */
export function useDashShallow<T>(selector: (s: DashboardView) => T): T {
  return useStore(dashboardStore, useShallow(selector));
}

/**
 * Listens for a network's node reports and folds them into the store, at most every
 * `intervalMs` (reports from 30 tabs every 200 ms cost a few renders a second, not 150).
 */
function connectDashboard(network: string, intervalMs: number): () => void {
  live = emptyDashState();
  recorder = new ClassRecorder(network);
  dashboardStore.setState({ network, data: live, now: Date.now() });
  const rx = new DashboardReceiver(network, signalConfigFromLocation(location));
  receiver = rx;
  const show = () => {
    if (!dashboardStore.getState().replay) dashboardStore.setState({ data: live });
  };
  let pending: Arrival[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    live = foldReports(live, batch);
    show();
  };
  rx.onreport = (nodeId, report, receivedAt) => {
    pending.push({ nodeId, report, receivedAt });
    recorder?.report(nodeId, report, receivedAt);
    timer ??= setTimeout(flush, intervalMs);
  };
  rx.onclose = (nodeId) => {
    flush();
    const at = Date.now();
    recorder?.gone(nodeId, at);
    live = nodeWentAway(live, nodeId, at);
    show();
  };
  rx.onstatus = (receiver) => dashboardStore.setState({ receiver });
  dashboardStore.setState({ receiver: rx.status });
  const tick = setInterval(() => {
    if (!dashboardStore.getState().replay) dashboardStore.setState({ now: Date.now() });
  }, 1000);
  (window as unknown as { tabchainDashboard?: unknown }).tabchainDashboard = { store: dashboardStore, receiver: rx }; // for tests
  return () => {
    clearInterval(tick);
    if (timer) clearTimeout(timer);
    rx.close();
    recorder = null;
  };
}

/** The live class recorded so far (what "Save the class" writes), or null on a replay-only page. */
export function classRecord(): ClassRecord | null {
  return recorder?.record() ?? null;
}

// ---------------------------------------------------------------- replay

let folder: ReplayFolder | null = null;
let playTimer: ReturnType<typeof setInterval> | null = null;
const PLAY_TICK_MS = 200;

/** Shows a saved class instead of the live one, at its start. */
export function openReplay(record: ClassRecord): void {
  stopPlaying();
  folder = new ReplayFolder(record);
  const replay: ReplayView = { network: record.network, start: record.start, end: record.end, position: record.start, playing: false, speed: 1, arrivals: record.arrivals.length, truncatedBefore: record.truncatedBefore };
  dashboardStore.setState({ replay, data: folder.stateAt(record.start), now: record.start });
}

/** Shows the moment `t` of the replay. */
export function seekReplay(t: number): void {
  const r = dashboardStore.getState().replay;
  if (!r || !folder) return;
  const position = Math.min(r.end, Math.max(r.start, t));
  dashboardStore.setState({ replay: { ...r, position }, data: folder.stateAt(position), now: position });
}

/** Plays (recorded time runs at `speed`) or pauses the replay. */
export function playReplay(playing: boolean): void {
  const r = dashboardStore.getState().replay;
  if (!r) return;
  stopPlaying();
  if (playing && r.position >= r.end) seekReplay(r.start);
  dashboardStore.setState((s) => (s.replay ? { replay: { ...s.replay, playing } } : {}));
  if (!playing) return;
  playTimer = setInterval(() => {
    const cur = dashboardStore.getState().replay;
    if (!cur) return stopPlaying();
    seekReplay(cur.position + PLAY_TICK_MS * cur.speed);
    if (cur.position + PLAY_TICK_MS * cur.speed >= cur.end) playReplay(false);
  }, PLAY_TICK_MS);
}

export function setReplaySpeed(speed: number): void {
  dashboardStore.setState((s) => (s.replay ? { replay: { ...s.replay, speed } } : {}));
}

/** Back to the live class (it was recorded all along). */
export function closeReplay(): void {
  stopPlaying();
  folder = null;
  dashboardStore.setState({ replay: null, data: live, now: Date.now() });
}

function stopPlaying(): void {
  if (playTimer) clearInterval(playTimer);
  playTimer = null;
}

let active: { network: string; refs: number; close: () => void; timer: ReturnType<typeof setTimeout> | null } | null = null;
let receiver: DashboardReceiver | null = null;

/** Hands a signed teacher command to every node this dashboard hears from; how many it went to. */
export function sendTeacherCommand(bytes: Uint8Array): number {
  return receiver?.sendTeacherCommand(bytes) ?? 0;
}

/**
 * Starts listening for `network` (once per tab, however often React mounts the page): the
 * returned release closes the receiver a moment later unless the page mounts again, so React's
 * development double mount does not give up and re-register the well-known id.
 */
export function acquireDashboard(network: string, intervalMs = 250): () => void {
  if (active && active.network !== network) {
    active.close();
    active = null;
  }
  if (!active) active = { network, refs: 0, close: connectDashboard(network, intervalMs), timer: null };
  const a = active;
  a.refs++;
  if (a.timer) clearTimeout(a.timer);
  a.timer = null;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--a.refs > 0) return;
    a.timer = setTimeout(() => {
      if (a.refs > 0) return;
      a.close();
      if (active === a) active = null;
    }, 500);
  };
}
