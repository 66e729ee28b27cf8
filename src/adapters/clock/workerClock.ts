/**
 * A Clock whose timers run in a dedicated Web Worker. Browsers throttle a background tab's own
 * timers — to one wake-up a second at once, and (Chrome's intensive wake-up throttling, after a few
 * minutes hidden) to one a minute for chained timers — which would stretch a node's pings, stall
 * checks and dashboard reports; a worker's timers are not throttled that way, and their callbacks
 * come back as messages, which run promptly. Where workers are missing the page's timers are used.
 * A timer of 0 ms (a task yielding to the event loop: a syncing tab's block queue between slices,
 * a long headers message in pieces) needs no worker: it goes through a MessageChannel, which is
 * not throttled either and costs no trip to another thread, whose scheduling on a busy machine
 * delayed every slice.
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

/** Runs a callback in a task of its own, soon (a MessageChannel in a page). */
export type Soon = (run: () => void) => void;

/** Zero-delay tasks over a MessageChannel, in order (null where there is none). */
export function channelSoon(): Soon | null {
  if (typeof MessageChannel === 'undefined') return null;
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  (channel.port1 as { unref?: () => void }).unref?.(); // in Node (tests), it must not keep the process alive
  return (run) => {
    queue.push(run);
    channel.port2.postMessage(null);
  };
}

/**
 * A clock over a timer worker; `now` stays the wall clock. With `soon`, timers of 0 ms run there
 * instead of going to the worker and back.
 */
export function clockOverWorker(worker: TimerWorker, now: () => number = Date.now, soon: Soon | null = null): Clock {
  let next = 1;
  const callbacks = new Map<number, () => void>();
  /** Ids of pending timers that went to `soon` (nothing to tell the worker when they are cleared). */
  const local = new Set<number>();
  const fire = (id: number) => {
    const fn = callbacks.get(id);
    callbacks.delete(id);
    local.delete(id);
    fn?.();
  };
  worker.onmessage = (e) => fire(e.data);
  return {
    now,
    setTimer(ms, fn) {
      const id = next++;
      callbacks.set(id, fn);
      if (soon && !(ms > 0)) {
        local.add(id);
        soon(() => fire(id));
      } else worker.postMessage({ id, ms: Math.max(0, ms) });
      return id;
    },
    clearTimer(id) {
      if (callbacks.delete(id) && !local.delete(id)) worker.postMessage({ clear: id });
    },
  };
}

/** The tab's clock: timers in a worker when the browser allows one, else the page's timers. */
export function workerClock(): Clock {
  try {
    if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') return systemClock;
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    return clockOverWorker(worker as unknown as TimerWorker, Date.now, channelSoon());
  } catch {
    // A content-security policy without blob: workers, or no Worker at all.
    return systemClock;
  }
}
