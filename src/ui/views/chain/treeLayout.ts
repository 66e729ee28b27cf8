/**
 * Places the block index on a grid for the chain view: one row per height (newest on top), the
 * active chain in lane 0, each side branch in a lane to its right (lanes are reused by branches
 * whose heights do not overlap) and orphans — blocks whose parent is unknown, so without a height —
 * in a lane of their own. Pure: the chain view draws cards and connectors from the result.
 */

/** A block of the index as the layout needs it. */
export interface TreeBlock {
  hash: string;
  prev: string;
  height: number;
  active: boolean;
}

/** A block held as an orphan (Core's orphan pool): its parent hash is all we know. */
export interface TreeOrphan {
  hash: string;
  prev: string;
}

/** Where one block goes, and where its parent is (null when not drawn). */
export interface TreeCell {
  hash: string;
  lane: number;
  row: number;
  kind: 'active' | 'side' | 'orphan';
  parent: { lane: number; row: number } | null;
}

/** The grid: `rows` × `lanes`, row 0 being height `topHeight`; orphans in `orphanLane` if any. */
export interface TreeLayout {
  lanes: number;
  rows: number;
  topHeight: number;
  orphanLane: number | null;
  cells: TreeCell[];
}

/**
 * Lays out the newest `maxHeights` heights of the block tree (default 100), so a long chain costs
 * no more than a short one. Side branches reaching below the window are cut at its bottom.
 */
export function layoutChainTree(blocks: TreeBlock[], orphans: TreeOrphan[] = [], maxHeights = 100): TreeLayout {
  const active = blocks.filter((b) => b.active);
  const tipHeight = active.length ? Math.max(...active.map((b) => b.height)) : blocks.length ? Math.max(...blocks.map((b) => b.height)) : 0;
  const topHeight = blocks.length ? Math.max(tipHeight, ...blocks.map((b) => b.height)) : 0;
  const minHeight = Math.max(0, tipHeight - maxHeights + 1);
  const shown = blocks.filter((b) => b.height >= minHeight && b.height <= topHeight);
  const byHash = new Map(shown.map((b) => [b.hash, b]));
  const lane = new Map<string, number>();
  for (const b of shown) if (b.active) lane.set(b.hash, 0);

  // Side blocks nothing (shown) builds on are the tips of side branches.
  const sideChildren = new Set<string>();
  for (const b of shown) if (!b.active && byHash.get(b.prev) && !byHash.get(b.prev)!.active) sideChildren.add(b.prev);
  const leaves = shown.filter((b) => !b.active && !sideChildren.has(b.hash)).sort((a, b) => b.height - a.height || (a.hash < b.hash ? -1 : 1));

  // Each branch is the run of side blocks from a leaf back to a block already placed.
  // A branch occupies rows [top, bottom + 1]: the extra row holds its connector to the parent.
  const busy: [number, number][][] = [[]];
  for (const leaf of leaves) {
    const run: TreeBlock[] = [];
    for (let b: TreeBlock | undefined = leaf; b && !lane.has(b.hash); b = byHash.get(b.prev)) run.push(b);
    if (!run.length) continue;
    const top = topHeight - run[0]!.height;
    const bottom = topHeight - run[run.length - 1]!.height + 1;
    let l = 1;
    for (; ; l++) {
      busy[l] ??= [];
      if (!busy[l]!.some(([a, z]) => a <= bottom && top <= z)) break;
    }
    busy[l]!.push([top, bottom]);
    for (const b of run) lane.set(b.hash, l);
  }

  const cells: TreeCell[] = shown.map((b) => {
    const p = byHash.get(b.prev);
    return {
      hash: b.hash,
      lane: lane.get(b.hash)!,
      row: topHeight - b.height,
      kind: b.active ? 'active' : 'side',
      parent: p ? { lane: lane.get(p.hash)!, row: topHeight - p.height } : null,
    };
  });
  let lanes = Math.max(1, busy.length);
  let rows = shown.length ? topHeight - minHeight + 1 : 0;

  let orphanLane: number | null = null;
  if (orphans.length) {
    orphanLane = lanes++;
    // An orphan whose parent is another orphan sits just above it; the others start at the top.
    const order = orderOrphans(orphans);
    const row = new Map(order.map((o, i) => [o.hash, i]));
    for (const o of order)
      cells.push({ hash: o.hash, lane: orphanLane, row: row.get(o.hash)!, kind: 'orphan', parent: row.has(o.prev) ? { lane: orphanLane, row: row.get(o.prev)! } : null });
    rows = Math.max(rows, order.length);
  }
  cells.sort((a, b) => a.row - b.row || a.lane - b.lane);
  return { lanes, rows, topHeight, orphanLane, cells };
}

/** Orphans ordered so each chain of orphans reads child above parent, newest chains first. */
function orderOrphans(orphans: TreeOrphan[]): TreeOrphan[] {
  const byHash = new Map(orphans.map((o) => [o.hash, o]));
  const hasChild = new Set(orphans.filter((o) => byHash.has(o.prev)).map((o) => o.prev));
  const out: TreeOrphan[] = [];
  const seen = new Set<string>();
  for (const leaf of orphans.filter((o) => !hasChild.has(o.hash)))
    for (let o: TreeOrphan | undefined = leaf; o && !seen.has(o.hash); o = byHash.get(o.prev)) {
      seen.add(o.hash);
      out.push(o);
    }
  for (const o of orphans) if (!seen.has(o.hash)) out.push(o); // a cycle cannot happen, but never drop one
  return out;
}
