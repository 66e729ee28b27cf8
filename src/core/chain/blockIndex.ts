/**
 * The block index's entries and the walks over them that need no chain state: ancestors, median
 * time past and the difficulty of the next block (Core's `CBlockIndex`, `GetMedianTimePast`,
 * `GetNextWorkRequired`).
 */
import { bitsToTarget, targetToBits, workFromBits } from '../consensus/pow';
import { blockSize, type Block, type BlockHeader } from '../primitives/block';
import type { ChainParams } from '../params';

/** One known block in the block index, with its place in the tree of all known blocks. */
export interface BlockEntry {
  /** Display hex of the block hash. */
  hash: string;
  header: BlockHeader;
  height: number;
  /** Sum of the work of this block and all its ancestors. */
  chainWork: bigint;
  parent: BlockEntry | null;
  /** Order in which blocks were first accepted: ties in work go to the earlier one. */
  seq: number;
  /** 'valid': passed every check so far; 'invalid': failed (or descends from a failure). */
  status: 'valid' | 'invalid';
  invalidReason?: string;
  txCount: number;
  size: number;
}

/** A block index entry on top of `parent` (null for genesis), numbered `seq` in arrival order. */
export function makeEntry(hash: string, block: Block, parent: BlockEntry | null, seq: number): BlockEntry {
  return {
    hash,
    header: block.header,
    height: parent ? parent.height + 1 : 0,
    chainWork: (parent?.chainWork ?? 0n) + workFromBits(block.header.bits),
    parent,
    seq,
    status: 'valid',
    txCount: block.txs.length,
    size: blockSize(block),
  };
}

/** Ancestor of an entry at a given height (walks parents). */
export function ancestorAt(entry: BlockEntry, height: number): BlockEntry | null {
  let e: BlockEntry | null = entry;
  while (e && e.height > height) e = e.parent;
  return e && e.height === height ? e : null;
}

/**
 * Block locator hashes from `from` back to genesis (Core's GetLocator): dense for 10, then
 * exponentially sparse. `ancestor(e, h)` is e's ancestor at height h (the active chain's block
 * when `from` is on it: a lookup instead of a walk).
 */
export function locatorOf(from: BlockEntry, ancestor: (e: BlockEntry, height: number) => BlockEntry | null): string[] {
  const out: string[] = [];
  let step = 1;
  let e: BlockEntry | null = from;
  while (e) {
    out.push(e.hash);
    if (e.height === 0) break;
    e = ancestor(e, Math.max(0, e.height - step));
    if (out.length > 10) step *= 2;
  }
  return out;
}

/** Median of the times of an entry and its 10 ancestors (Core's GetMedianTimePast). */
export function medianTimePast(entry: BlockEntry | null): number {
  const times: number[] = [];
  for (let e = entry; e && times.length < 11; e = e.parent) times.push(e.header.time);
  if (times.length === 0) return 0;
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Bits required for the block after `parent` (Core's GetNextWorkRequired): unchanged between
 * adjustments; every `retargetInterval` blocks scaled by actual/target timespan, clamped ×4.
 */
export function nextBits(parent: BlockEntry, p: ChainParams): number {
  if (p.retargetInterval <= 0) return p.genesisBits;
  if ((parent.height + 1) % p.retargetInterval !== 0) return parent.header.bits;
  let first = parent;
  for (let i = 0; i < p.retargetInterval - 1 && first.parent; i++) first = first.parent;
  const targetTimespan = p.retargetInterval * p.targetSpacing;
  let actual = parent.header.time - first.header.time;
  // Core's integer division: with a window of 10 s the clamp is 2 s, not 2.5 s.
  actual = Math.max(Math.floor(targetTimespan / 4), Math.min(targetTimespan * 4, actual));
  const limit = bitsToTarget(p.powLimitBits).target;
  let target = (bitsToTarget(parent.header.bits).target * BigInt(Math.round(actual))) / BigInt(targetTimespan);
  if (target > limit) target = limit;
  return targetToBits(target);
}
