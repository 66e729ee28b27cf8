/**
 * The worker clock: timers set through a worker come back in order and only once; a cleared timer
 * never fires; ids are never reused; a 0 ms timer (a task yielding) runs on the page's own channel,
 * in order, and never goes to the worker. (That a browser does not throttle a worker's timers in a
 * background tab is the browser's; here the clock's own bookkeeping is checked over a stand-in worker.)
 */
import { describe, expect, it, vi } from 'vitest';
import { channelSoon, clockOverWorker, type TimerWorker } from '../../../src/adapters/clock/workerClock';

/** A worker that keeps its timers until the test lets time pass. */
class FakeWorker implements TimerWorker {
  onmessage: ((e: { data: number }) => void) | null = null;
  private timers = new Map<number, number>();
  private t = 0;
  postMessage(m: { id: number; ms: number } | { clear: number }): void {
    if ('clear' in m) this.timers.delete(m.clear);
    else this.timers.set(m.id, this.t + m.ms);
  }
  advance(ms: number): void {
    this.t += ms;
    const due = [...this.timers].filter(([, at]) => at <= this.t).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    for (const [id] of due) {
      this.timers.delete(id);
      this.onmessage?.({ data: id });
    }
  }
}

describe('worker clock', () => {
  it('fires each timer once, in time order; cleared timers never', () => {
    const w = new FakeWorker();
    const clock = clockOverWorker(w, () => 42);
    const fired: string[] = [];
    clock.setTimer(200, () => fired.push('b'));
    const c = clock.setTimer(50, () => fired.push('cleared'));
    clock.setTimer(100, () => fired.push('a'));
    clock.clearTimer(c);
    w.advance(150);
    expect(fired).toEqual(['a']);
    w.advance(100);
    expect(fired).toEqual(['a', 'b']);
    w.advance(1000);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(42);
  });

  it('a timer set from a timer callback (a chain, as a node ticks) keeps going', () => {
    const w = new FakeWorker();
    const clock = clockOverWorker(w);
    let ticks = 0;
    const tick = () => {
      ticks++;
      clock.setTimer(1000, tick);
    };
    clock.setTimer(1000, tick);
    for (let i = 0; i < 60; i++) w.advance(1000);
    expect(ticks).toBe(60);
  });

  it('0 ms timers run on the channel in order, without the worker; cleared ones never; others still go to the worker', async () => {
    const w = new FakeWorker();
    const sent: unknown[] = [];
    const post = w.postMessage.bind(w);
    w.postMessage = (m) => (sent.push(m), post(m));
    const clock = clockOverWorker(w, Date.now, channelSoon());
    const fired: string[] = [];
    clock.setTimer(0, () => fired.push('a'));
    const c = clock.setTimer(0, () => fired.push('cleared'));
    clock.setTimer(-5, () => fired.push('b'));
    clock.clearTimer(c);
    clock.setTimer(10, () => fired.push('late'));
    expect(sent).toEqual([{ id: 4, ms: 10 }]); // only the 10 ms timer went to the worker; clearing a 0 ms one sends nothing
    await new Promise((r) => clock.setTimer(0, () => r(null))); // in order: it runs after the ones set before it
    expect(fired).toEqual(['a', 'b']);
    w.advance(10);
    expect(fired).toEqual(['a', 'b', 'late']);
    // A yield chained from a yield (the block queue's slices) keeps going.
    let slices = 0;
    const slice = () => {
      if (++slices < 5) clock.setTimer(0, slice);
    };
    clock.setTimer(0, slice);
    await vi.waitFor(() => expect(slices).toBe(5));
    expect(sent).toHaveLength(1); // no 0 ms timer, the marker above included, ever reached the worker
  });
});
