/**
 * The worker clock: timers set through a worker come back in order and only once; a cleared timer
 * never fires; ids are never reused. (That a browser does not throttle a worker's timers in a
 * background tab is the browser's; here the clock's own bookkeeping is checked over a stand-in worker.)
 */
import { describe, expect, it } from 'vitest';
import { clockOverWorker, type TimerWorker } from '../../../src/adapters/clock/workerClock';

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
});
