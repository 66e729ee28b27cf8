import { describe, expect, it } from 'vitest';
import { layoutChainTree, type TreeBlock } from '../../../src/ui/views/chain/treeLayout';

/** A chain a → b → c … with hashes named by letter; `active` up to `tip`. */
function chain(names: string, from: string | null, startHeight: number, active: boolean): TreeBlock[] {
  let prev = from ?? '0';
  return [...names].map((n, i) => {
    const b = { hash: n, prev, height: startHeight + i, active };
    prev = n;
    return b;
  });
}

const cellOf = (l: ReturnType<typeof layoutChainTree>, hash: string) => l.cells.find((c) => c.hash === hash)!;

// A class watches a fork: central and a miner both find block 3, the miner then finds 4 and wins.
describe('chain tree layout', () => {
  it('puts the active chain in lane 0, newest on top, each block above its parent', () => {
    const l = layoutChainTree(chain('gabc', null, 0, true));
    expect(l.lanes).toBe(1);
    expect(l.rows).toBe(4);
    expect(l.topHeight).toBe(3);
    expect(l.cells.map((c) => [c.hash, c.lane, c.row])).toEqual([['c', 0, 0], ['b', 0, 1], ['a', 0, 2], ['g', 0, 3]]);
    expect(cellOf(l, 'c').parent).toEqual({ lane: 0, row: 1 });
    expect(cellOf(l, 'g').parent).toBeNull();
  });

  it('draws the losing block of a reorg as a side branch beside its height, joined to the fork', () => {
    const main = chain('gabXY', null, 0, true); // X, Y: the miner's blocks 3 and 4
    const side = chain('Z', 'b', 3, false); // Z: central's block 3, disconnected by the reorg
    const l = layoutChainTree([...main, ...side]);
    expect(l.lanes).toBe(2);
    expect(cellOf(l, 'Z')).toEqual({ hash: 'Z', lane: 1, row: cellOf(l, 'X').row, kind: 'side', parent: { lane: 0, row: cellOf(l, 'b').row } });
  });

  it('reuses a lane for branches whose heights do not overlap and stacks overlapping ones', () => {
    const main = chain('gabcdefh', null, 0, true);
    const early = chain('P', 'a', 2, false); // forks at 1
    const late = chain('QR', 'd', 5, false); // forks at 4, heights 5–6
    const clash = chain('S', 'e', 6, false); // height 6 overlaps QR
    const l = layoutChainTree([...main, ...early, ...late, ...clash]);
    expect(cellOf(l, 'Q').lane).toBe(cellOf(l, 'R').lane);
    expect(cellOf(l, 'P').lane).toBe(cellOf(l, 'R').lane);
    expect(cellOf(l, 'S').lane).not.toBe(cellOf(l, 'R').lane);
    expect(cellOf(l, 'R').parent).toEqual({ lane: cellOf(l, 'Q').lane, row: cellOf(l, 'Q').row });
  });

  it('keeps only the newest heights of a long chain, cutting branches at the window', () => {
    const main = chain('abcdefghij', null, 0, true);
    const l = layoutChainTree([...main, ...chain('XY', 'b', 2, false)], [], 4);
    expect(l.rows).toBe(4);
    expect(l.cells.map((c) => c.hash).sort()).toEqual(['g', 'h', 'i', 'j']);
    const l2 = layoutChainTree([...main, ...chain('XYZW', 'e', 5, false)], [], 4);
    expect(cellOf(l2, 'X')).toBeUndefined();
    expect(cellOf(l2, 'Y').parent).toBeNull();
  });

  it('shows an invalid branch higher than the tip above it', () => {
    const l = layoutChainTree([...chain('gab', null, 0, true), ...chain('XYZ', 'a', 2, false)]);
    expect(l.topHeight).toBe(4);
    expect(cellOf(l, 'Z').row).toBe(0);
    expect(cellOf(l, 'b').row).toBe(2);
  });

  it('puts orphans in their own lane, a child orphan just above its orphan parent', () => {
    const l = layoutChainTree(chain('ga', null, 0, true), [{ hash: 'o2', prev: 'o1' }, { hash: 'o1', prev: 'missing' }, { hash: 'p', prev: 'other' }]);
    expect(l.orphanLane).toBe(1);
    expect(l.lanes).toBe(2);
    expect(l.rows).toBe(3);
    const o1 = cellOf(l, 'o1');
    const o2 = cellOf(l, 'o2');
    expect(o2.kind).toBe('orphan');
    expect(o2.row).toBe(o1.row - 1);
    expect(o2.parent).toEqual({ lane: 1, row: o1.row });
    expect(o1.parent).toBeNull();
  });

  it('lays out an empty index without failing', () => {
    expect(layoutChainTree([])).toEqual({ lanes: 1, rows: 0, topHeight: 0, orphanLane: null, cells: [] });
  });
});
