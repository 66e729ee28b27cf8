import { describe, expect, it } from 'vitest';
import { assembleTimeline, axisTicks } from '../../../src/ui/views/timeline/assemble';
import {
  blocksSeen, firstMilestone, milestoneOf, stepFromChainEvent, stepsFromMessage, stepsOfBlock, withMilestone, type Milestones, type PropagationStep,
} from '../../../src/node/propagation';
import type { MessageEvent } from '../../../src/node/events';

const msg = (over: Partial<MessageEvent>): MessageEvent => ({
  type: 'message', id: 1, time: 1000, dir: 'in', peer: '3001', command: 'inv', bytes: 61, summary: '', raw: new Uint8Array(0), hashes: ['B'], ...over,
});

// The miner 3001 finds block B and tells central 3000, which fetches it and tells wallet 3002.
describe('propagation records from this node’s messages', () => {
  it('an inv from the miner: the miner announced B (as seen here)', () => {
    expect(stepsFromMessage('3000', msg({}))).toEqual([{ hash: 'B', node: '3001', kind: 'announced', time: 1000, peer: '3000', observed: true }]);
  });
  it('getdata out and block in: central requested and received B; the miner sent it', () => {
    expect(stepsFromMessage('3000', msg({ dir: 'out', command: 'getdata', time: 1003 }))).toEqual([{ hash: 'B', node: '3000', kind: 'requested', time: 1003, peer: '3001' }]);
    expect(stepsFromMessage('3000', msg({ command: 'block', time: 1010 }))).toEqual([
      { hash: 'B', node: '3000', kind: 'received', time: 1010, peer: '3001' },
      { hash: 'B', node: '3001', kind: 'sent', time: 1010, peer: '3000', observed: true },
    ]);
  });
  it('inv out to the wallet: central announced B to 3002; refused messages and pings say nothing', () => {
    expect(stepsFromMessage('3000', msg({ dir: 'out', peer: '3002', time: 1020 }))).toEqual([{ hash: 'B', node: '3000', kind: 'announced', time: 1020, peer: '3002' }]);
    expect(stepsFromMessage('3000', msg({ command: 'block', reason: 'bad-txnmrklroot' }))).toEqual([]);
    expect(stepsFromMessage('3000', msg({ command: 'ping', hashes: undefined }))).toEqual([]);
  });
  it('chain events become this node’s accepted / connected / orphaned steps', () => {
    expect(stepFromChainEvent('3000', { type: 'orphan-added', hash: 'O', prevHash: 'P' }, 5)).toEqual({ hash: 'O', node: '3000', kind: 'orphaned', time: 5 });
    expect(stepFromChainEvent('3000', { type: 'block-invalid', hash: 'X', reason: 'r', debug: '' }, 5)).toBeNull();
  });
});

describe('milestones: the same steps summarised for the observer and the dashboard', () => {
  it('an inv the central node got means it heard of B; its receipt is its own; the miner’s side marks nothing', () => {
    const [announced] = stepsFromMessage('3000', msg({}));
    expect(milestoneOf(announced!)).toEqual({ node: '3000', milestone: 'heard' });
    const [received, sent] = stepsFromMessage('3000', msg({ command: 'block', time: 1010 }));
    expect(milestoneOf(received!)).toEqual({ node: '3000', milestone: 'received' });
    expect(milestoneOf(sent!)).toBeNull();
    expect(milestoneOf({ node: '3001', kind: 'mined', time: 990 })).toEqual({ node: '3001', milestone: 'mined' });
    expect(milestoneOf({ node: '3000', kind: 'requested', time: 1003, peer: '3001' })).toBeNull();
  });
  it('keeps the earliest time of each milestone', () => {
    let m: Milestones = {};
    m = withMilestone(m, 'received', 1010);
    const same = withMilestone(m, 'received', 1500);
    expect(same).toBe(m);
    m = withMilestone(m, 'heard', 1000);
    expect(m).toEqual({ heard: 1000, received: 1010 });
    expect(firstMilestone(m)).toBe(1000);
    expect(firstMilestone({})).toBe(Infinity);
  });
});

describe('timeline assembly', () => {
  const records: PropagationStep[] = [
    { hash: 'A', node: '3000', kind: 'connected', time: 500 },
    { hash: 'B', node: '3001', kind: 'announced', time: 1000, peer: '3000', observed: true },
    { hash: 'B', node: '3000', kind: 'requested', time: 1003, peer: '3001' },
    { hash: 'B', node: '3000', kind: 'received', time: 1010, peer: '3001' },
    { hash: 'B', node: '3001', kind: 'sent', time: 1010, peer: '3000', observed: true },
    { hash: 'B', node: '3000', kind: 'accepted', time: 1011 },
    { hash: 'B', node: '3000', kind: 'connected', time: 1011 },
    { hash: 'B', node: '3000', kind: 'announced', time: 1012, peer: '3002' },
    { hash: 'B', node: '3000', kind: 'announced', time: 1012, peer: '3002' },
  ];

  it('keeps one block’s steps, drops duplicates and an accept that is the same moment as connect', () => {
    const ev = stepsOfBlock(records, 'B');
    expect(ev.map((e) => `${e.node}:${e.kind}`)).toEqual(['3001:announced', '3000:requested', '3000:received', '3001:sent', '3000:connected', '3000:announced']);
    expect(ev[0]).not.toHaveProperty('hash');
  });

  it('lists blocks in the order first seen', () => {
    expect(blocksSeen([...records].reverse())).toEqual(['A', 'B']);
  });

  it('measures offsets from the first sight, this node first, labels of close steps on separate levels', () => {
    const t = assembleTimeline(stepsOfBlock(records, 'B'), { self: '3000', labelWidth: 0.2 });
    expect(t.start).toBe(1000);
    expect(t.span).toBe(12);
    expect(t.rows.map((r) => r.node)).toEqual(['3000', '3001']);
    const own = t.rows[0];
    expect(own.events.map((e) => e.offset)).toEqual([3, 10, 11, 12]);
    expect(new Set(own.events.map((e) => e.level)).size).toBe(own.levels);
    expect(own.levels).toBeGreaterThan(1);
    const last = own.events[own.events.length - 1];
    expect(last.x).toBe(1);
    expect(last.anchor).toBe('end');
    expect(t.rows[1].events.map((e) => [e.kind, e.x])).toEqual([['announced', 0], ['sent', 10 / 12]]);
  });

  it('puts far-apart steps on one level, and a single instant at offset 0', () => {
    const far = assembleTimeline([{ node: 'a', kind: 'mined', time: 0 }, { node: 'a', kind: 'announced', time: 100 }], { labelWidth: 0.1 });
    expect(far.rows[0].levels).toBe(1);
    const one = assembleTimeline([{ node: 'a', kind: 'mined', time: 7 }]);
    expect(one).toEqual({ start: 7, span: 0, rows: [{ node: 'a', levels: 1, events: [{ node: 'a', kind: 'mined', time: 7, offset: 0, x: 0, level: 0, anchor: 'start' }] }] });
    expect(assembleTimeline([])).toEqual({ start: 0, span: 0, rows: [] });
  });

  it('ticks the axis at round steps', () => {
    expect(axisTicks(12)).toEqual([0, 5, 10]);
    expect(axisTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(axisTicks(0)).toEqual([0]);
  });
});
