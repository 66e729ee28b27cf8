/**
 * A Clock whose timers run in a dedicated Web Worker. Browsers throttle a background tab's own
 * timers — to one wake-up a second at once, and (Chrome's intensive wake-up throttling, after a few
 * minutes hidden) to one a minute for chained timers — which would stretch a node's pings, stall
 * checks and dashboard reports; a worker's timers are not throttled that way, and their callbacks
 * come back as messages, which run promptly. Where workers are missing the page's timers are used.
 */
import { systemClock, type Clock } from '../../node/transport';

const WORKER_SOURCE = `const t = new Map();
onmessage = (e) => {
  const d = e.data;
  if (d.clear !== undefined) { clearTimeout(t.get(d.clear)); t.delete(d.clear); return; }
  t.set(d.id, setTimeout(() => { t.delete(d.id); postMessage(d.id); }, d.ms));
};`;

/** What the clock needs of a worker (a real one, or a test's stand-in). */
export interface TimerWorker {
  postMessage(m: { id: number; ms: number } | { clear: number }): void;
  onmessage: ((e: { data: number }) => void) | null;
}

/** A clock over a timer worker; `now` stays the wall clock. */
export function clockOverWorker(worker: TimerWorker, now: () => number = Date.now): Clock {
  let next = 1;
  const callbacks = new Map<number, () => void>();
  worker.onmessage = (e) => {
    const fn = callbacks.get(e.data);
    callbacks.delete(e.data);
    fn?.();
  };
  return {
    now,
    setTimer(ms, fn) {
      const id = next++;
      callbacks.set(id, fn);
      worker.postMessage({ id, ms: Math.max(0, ms) });
      return id;
    },
    clearTimer(id) {
      if (callbacks.delete(id)) worker.postMessage({ clear: id });
    },
  };
}

/** The tab's clock: timers in a worker when the browser allows one, else the page's timers. */
export function workerClock(): Clock {
  try {
    if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') return systemClock;
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    return clockOverWorker(worker as unknown as TimerWorker);
  } catch {
    // A content-security policy without blob: workers, or no Worker at all.
    return systemClock;
  }
}
