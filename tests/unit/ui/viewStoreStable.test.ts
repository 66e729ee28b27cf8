/**
 * The view store keeps unchanged parts as the same objects from one update to the next, so React
 * components that select them do not re-render (under load the store updates ten times a second).
 */
import { describe, expect, it } from 'vitest';
import { sameRows, shallowSame } from '../../../src/ui/runtime/viewStore';

describe('stable view state', () => {
  it('keeps the old rows when every row has the same fields, takes the fresh ones otherwise', () => {
    const old = [{ id: '3000', height: 4, ready: true }, { id: '3001', height: 4, ready: true }];
    expect(sameRows(old, [{ id: '3000', height: 4, ready: true }, { id: '3001', height: 4, ready: true }])).toBe(old);
    const taller = [{ id: '3000', height: 5, ready: true }, { id: '3001', height: 4, ready: true }];
    expect(sameRows(old, taller)).toBe(taller);
    const fewer = [{ id: '3000', height: 4, ready: true }];
    expect(sameRows(old, fewer)).toBe(fewer);
    const extraField = [{ id: '3000', height: 4, ready: true, rtt: 3 }, { id: '3001', height: 4, ready: true }];
    expect(sameRows(old, extraField)).toBe(extraField);
    const ids = ['3000', '3001'];
    expect(sameRows(ids, ['3000', '3001'])).toBe(ids);
    expect(sameRows(ids, ['3000', '3002'])).toEqual(['3000', '3002']);
  });

  it('keeps the old object when its own fields are identical', () => {
    const progress = { hashes: 10 };
    const old = { mode: 'off', found: 0, progress };
    expect(shallowSame(old, { mode: 'off', found: 0, progress })).toBe(old);
    const fresh = { mode: 'off', found: 0, progress: { hashes: 10 } }; // a new progress object is a change
    expect(shallowSame(old, fresh)).toBe(fresh);
    const found = { mode: 'off', found: 1, progress };
    expect(shallowSame(old, found)).toBe(found);
  });
});
