import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { DashboardReceiver, type ReceiverStatus } from '../../adapters/peerjs/dashboardReceiver';
import { signalConfigFromLocation } from '../../adapters/peerjs/transport';
import { emptyDashState, foldReports, nodeWentAway, type Arrival, type DashState } from './model';

/** The dashboard tab's store: the folded network picture plus the receiver's status and a clock tick. */
export interface DashboardView {
  network: string;
  receiver: ReceiverStatus;
  /** Dashboard clock, ticking once a second (for "last seen"). */
  now: number;
  data: DashState;
}

/** One vanilla store for the dashboard tab (separate from a node tab's view store). */
export const dashboardStore = createStore<DashboardView>(() => ({ network: '', receiver: { state: 'connecting' }, now: Date.now(), data: emptyDashState() }));

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
  dashboardStore.setState({ network, data: emptyDashState(), now: Date.now() });
  const rx = new DashboardReceiver(network, signalConfigFromLocation(location));
  receiver = rx;
  let pending: Arrival[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    dashboardStore.setState((s) => ({ data: foldReports(s.data, batch) }));
  };
  rx.onreport = (nodeId, report, receivedAt) => {
    pending.push({ nodeId, report, receivedAt });
    timer ??= setTimeout(flush, intervalMs);
  };
  rx.onclose = (nodeId) => {
    flush();
    dashboardStore.setState((s) => ({ data: nodeWentAway(s.data, nodeId, Date.now()) }));
  };
  rx.onstatus = (receiver) => dashboardStore.setState({ receiver });
  dashboardStore.setState({ receiver: rx.status });
  const tick = setInterval(() => dashboardStore.setState({ now: Date.now() }), 1000);
  (window as unknown as { tabchainDashboard?: unknown }).tabchainDashboard = { store: dashboardStore, receiver: rx }; // for tests
  return () => {
    clearInterval(tick);
    if (timer) clearTimeout(timer);
    rx.close();
  };
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
