import { describe, expect, it } from 'vitest';
import { BoundedMap, BoundedSet } from '../../../src/core';

describe('bounded collections: what a peer can make a node remember stays capped', () => {
  it('a full map forgets its oldest entry and says so; an existing key keeps its place', () => {
    const evicted: [string, number][] = [];
    const m = new BoundedMap<string, number>(2, (k, v) => evicted.push([k, v]));
    m.set('a', 1).set('b', 2).set('a', 10);
    expect([...m.keys()]).toEqual(['a', 'b']);
    m.set('c', 3);
    expect([...m]).toEqual([['b', 2], ['c', 3]]);
    expect(evicted).toEqual([['a', 10]]);
    m.touch('b', 20).set('d', 4);
    expect([...m.keys()]).toEqual(['b', 'd']);
    expect(m.oldest()).toBe('b');
  });

  it('a full set forgets its oldest member', () => {
    const s = new BoundedSet<number>(3);
    for (let i = 0; i < 5; i++) s.add(i);
    expect([...s]).toEqual([2, 3, 4]);
    expect(() => new BoundedSet(0)).toThrow(RangeError);
  });
});
