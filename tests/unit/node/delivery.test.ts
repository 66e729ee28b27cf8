/**
 * The delivery gate on its own: the class's and a tab's settings combine (paused wins, else the
 * slower), teacher commands and ping/pong pass even when paused, held messages keep their order,
 * a closed link's held messages are dropped, request clocks stand still while held, and a flood
 * while paused costs the flooder its link, not the node its memory.
 */
import { describe, expect, it } from 'vitest';
import { DeliveryGate, MAX_HELD, elapsedSince } from '../../../src/node/lessons/delivery';
import { EventBus } from '../../../src/node/events';
import { ManualClock } from '../../../src/adapters/memory/clock';
import type { Link } from '../../../src/node/transport';

/** A frame whose command field says `command` (the gate reads nothing else). */
function frame(command: string, n = 0): Uint8Array {
  const f = new Uint8Array(24 + 4);
  for (let i = 0; i < command.length; i++) f[4 + i] = command.charCodeAt(i);
  f[24] = n;
  return f;
}

function setup() {
  const clock = new ManualClock();
  const gate = new DeliveryGate(clock, new EventBus(), () => undefined);
  const links: (Link & { closedWith?: string })[] = [];
  const got: string[] = [];
  const open = (id: string) => {
    const raw = { peerId: id, outbound: true, send: () => undefined, close: (r?: string) => { raw.closedWith = r; raw.onclose?.(r ?? ''); }, onmessage: null, onclose: null } as Link & { closedWith?: string };
    links.push(raw);
    const gated = gate.wrap(raw);
    gated.onmessage = (d) => got.push(`${id}:${String.fromCharCode(...d.subarray(4, 16)).replace(/\0+$/, '')}:${d[24]}`);
    return raw;
  };
  return { clock, gate, got, open };
}

describe('delivery gate', () => {
  it('combines the class and the tab: paused wins, else the slower', () => {
    const { gate } = setup();
    expect(gate.effective).toEqual({ mode: 'live', intervalMs: 0 });
    gate.setClass({ mode: 'slow', intervalMs: 500 });
    gate.setLocal({ mode: 'slow', intervalMs: 2_000 });
    expect(gate.effective).toEqual({ mode: 'slow', intervalMs: 2_000 });
    gate.setLocal({ mode: 'paused', intervalMs: 0 });
    expect(gate.effective.mode).toBe('paused');
    gate.setLocal({ mode: 'live', intervalMs: 0 });
    expect(gate.effective).toEqual({ mode: 'slow', intervalMs: 500 });
  });

  it('holds in arrival order across peers, lets teacher and ping/pong through, steps and resumes in order', () => {
    const { gate, got, open } = setup();
    const a = open('A');
    const b = open('B');
    gate.setClass({ mode: 'paused', intervalMs: 0 });
    a.onmessage!(frame('inv', 1));
    b.onmessage!(frame('inv', 2));
    a.onmessage!(frame('ping', 3));
    b.onmessage!(frame('teacher', 4));
    a.onmessage!(frame('block', 5));
    expect(got).toEqual(['A:ping:3', 'B:teacher:4']);
    expect(gate.list().map((m) => `${m.peer}:${m.command}`)).toEqual(['A:inv', 'B:inv', 'A:block']);
    expect(gate.step(1)).toBe(1);
    expect(got.at(-1)).toBe('A:inv:1');
    gate.setClass({ mode: 'live', intervalMs: 0 });
    expect(got.slice(-2)).toEqual(['B:inv:2', 'A:block:5']);
    expect(gate.held).toBe(0);
  });

  it('slow motion releases one message per interval', () => {
    const { gate, got, open, clock } = setup();
    const a = open('A');
    gate.setClass({ mode: 'slow', intervalMs: 1_000 });
    for (let i = 0; i < 3; i++) a.onmessage!(frame('inv', i));
    clock.advance(0);
    expect(got).toEqual(['A:inv:0']);
    clock.advance(999);
    expect(got.length).toBe(1);
    clock.advance(1);
    expect(got.length).toBe(2);
    clock.advance(1_000);
    expect(got.length).toBe(3);
  });

  it('drops what a closed link held; request clocks stand still while held and count from resume', () => {
    const { gate, got, open, clock } = setup();
    const a = open('A');
    gate.setLocal({ mode: 'paused', intervalMs: 0 });
    a.onmessage!(frame('block', 1));
    const asked = clock.now();
    clock.advance(60_000);
    expect(elapsedSince(gate.liveness, clock, asked)).toBe(0);
    a.close('gone');
    expect(gate.held).toBe(0);
    gate.setLocal({ mode: 'live', intervalMs: 0 });
    expect(got).toEqual([]);
    clock.advance(1_500);
    expect(elapsedSince(gate.liveness, clock, asked)).toBe(1_500);
  });

  it('a flood while paused costs the flooder its link, and the node keeps at most MAX_HELD messages', () => {
    const { gate, open } = setup();
    const a = open('A');
    const b = open('B');
    gate.setClass({ mode: 'paused', intervalMs: 0 });
    b.onmessage!(frame('inv', 1));
    for (let i = 0; i <= MAX_HELD; i++) a.onmessage!(frame('inv', i % 256));
    expect(a.closedWith).toMatch(/too many messages held/);
    expect(b.closedWith).toBeUndefined();
    expect(gate.list().map((m) => m.peer)).toEqual(['B']);
  });
});
