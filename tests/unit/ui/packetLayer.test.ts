/**
 * The message overlay of the network graph: packets move from sender to receiver in `durationMs`,
 * the canvas is redrawn at most `fps` times a second and only while something moves, at most
 * `maxPackets` move at once, and a packet is not drawn while it is under a node.
 */
import { describe, expect, it } from 'vitest';
import { PacketLayer, type PacketEnds } from '../../../src/ui/views/network/packetLayer';

/** A canvas whose 2D context records the circles drawn (arc centres) per frame. */
function fakeCanvas() {
  const arcs: { x: number; y: number }[] = [];
  let clears = 0;
  const ctx = {
    clearRect: () => void clears++,
    beginPath() {},
    arc: (x: number, y: number) => void arcs.push({ x, y }),
    fill() {},
    stroke() {},
    fillRect() {},
    fillText() {},
    setTransform() {},
    measureText: (s: string) => ({ width: s.length * 6 }),
    font: '', textAlign: '', textBaseline: '', fillStyle: '', strokeStyle: '', lineWidth: 1,
  };
  const canvas = { width: 0, height: 0, style: {} as Record<string, string>, getContext: () => ctx } as unknown as HTMLCanvasElement;
  return { canvas, arcs, clears: () => clears };
}

/**
 * A manual frame scheduler and timers: `tick(ms)` advances the clock (one display frame), fires the
 * timers then due, and runs the frame asked for, if any.
 */
function frames() {
  let t = 0;
  let pending: ((t: number) => void) | null = null;
  let requested = 0;
  let timerId = 0;
  const timers = new Map<number, { due: number; cb: () => void }>();
  return {
    now: () => t,
    requestFrame: (cb: (t: number) => void) => {
      pending = cb;
      return ++requested;
    },
    cancelFrame: () => {
      pending = null;
    },
    setTimer: (cb: () => void, ms: number) => {
      timers.set(++timerId, { due: t + ms, cb });
      return timerId;
    },
    clearTimer: (id: number) => void timers.delete(id),
    tick(ms: number) {
      t += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].due - b[1].due)) {
        if (timer.due > t) continue;
        timers.delete(id);
        timer.cb();
      }
      const cb = pending;
      pending = null;
      cb?.(t);
    },
    get waiting() {
      return pending !== null || timers.size > 0;
    },
    get requested() {
      return requested;
    },
  };
}

const line = (x0: number, x1: number, r = 10): PacketEnds => ({ from: () => ({ x: x0, y: 50, r }), to: () => ({ x: x1, y: 50, r }) });

describe('PacketLayer', () => {
  it('moves a packet from sender to receiver, redrawing at most fps times a second, then stops', () => {
    const f = frames();
    const c = fakeCanvas();
    const layer = new PacketLayer(c.canvas, { durationMs: 600, maxPackets: 24, fps: 30, ...f });
    layer.resize(400, 100);
    expect(layer.add(line(0, 600), 'inv', '#0a0')).toBe(true);
    for (let i = 0; i < 45; i++) f.tick(16); // 720 ms of 60 Hz frames
    // ~600 ms / 33 ms ≈ 18 drawings with packets, plus one that clears the finished one.
    expect(layer.drawn).toBeGreaterThanOrEqual(15);
    expect(layer.drawn).toBeLessThanOrEqual(21);
    expect(layer.inFlight).toBe(0);
    expect(f.waiting).toBe(false); // no frames requested while nothing moves
    // Positions advance monotonically along the edge.
    const xs = c.arcs.map((a) => a.x);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1])).toBe(true);
    expect(xs[0]).toBeGreaterThan(10);
    expect(xs.at(-1)!).toBeLessThan(590);
  });

  it('asks for a display frame only when a drawing is due, not at every frame of the display', () => {
    const f = frames();
    const c = fakeCanvas();
    const layer = new PacketLayer(c.canvas, { durationMs: 600, maxPackets: 24, fps: 20, ...f });
    layer.add(line(0, 600), 'block', '#a00');
    for (let i = 0; i < 45; i++) f.tick(16);
    // 20 drawings a second over 60 Hz: about 12 drawings in 600 ms, and about as many frames asked
    // for (asking at every display frame would be ~38).
    expect(layer.drawn).toBeGreaterThanOrEqual(10);
    expect(layer.drawn).toBeLessThanOrEqual(17);
    expect(f.requested).toBeLessThanOrEqual(layer.drawn + 2);
    expect(f.waiting).toBe(false);
  });

  it('keeps at most maxPackets in flight and hides a packet while it is under a node', () => {
    const f = frames();
    const c = fakeCanvas();
    const layer = new PacketLayer(c.canvas, { durationMs: 600, maxPackets: 3, fps: 60, ...f });
    for (let i = 0; i < 5; i++) layer.add(line(0, 100, 40), 'tx', '#00a');
    expect(layer.inFlight).toBe(3);
    for (let i = 0; i < 40; i++) f.tick(16);
    // Drawn only between x = 40 and x = 60 (outside both 40 px node radii).
    expect(c.arcs.length).toBeGreaterThan(0);
    expect(c.arcs.every((a) => a.x >= 40 && a.x <= 60)).toBe(true);
    layer.destroy();
    expect(layer.inFlight).toBe(0);
    expect(f.waiting).toBe(false);
  });
});
