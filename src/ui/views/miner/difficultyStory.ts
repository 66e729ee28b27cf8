/**
 * Why the difficulty is what it is, for the Miner view: the class's hash rate estimated from the
 * last blocks (their work over the time they took), and — with ASERT — how far the chain is ahead
 * of or behind its schedule of one block per interval, which is exactly what sets the next target.
 */
import { asertScheduleOffset, bitsToTarget, expectedHashes, type ChainParams } from '../../../core';

/** The blocks the estimate reads: height, header time and bits of the active chain, newest first. */
export interface StoryBlock {
  height: number;
  time: number;
  bits: number;
}

export interface DifficultyStory {
  /** Estimated hashes per second of everyone mining, from the last blocks (null if too few). */
  classHashRate: number | null;
  /** Mean seconds between the last blocks (null if too few). */
  recentInterval: number | null;
  /** ASERT only: seconds behind (+) or ahead (−) of schedule at the tip, and the work factor it sets. */
  schedule: { offset: number; factor: number; halfLife: number } | null;
}

/** Blocks the estimate averages over. */
const WINDOW = 10;

export function difficultyStory(params: ChainParams, activeNewestFirst: StoryBlock[], genesis: StoryBlock | undefined): DifficultyStory {
  const recent = activeNewestFirst.slice(0, WINDOW + 1);
  let classHashRate: number | null = null;
  let recentInterval: number | null = null;
  if (recent.length >= 3) {
    const newest = recent[0]!;
    const oldest = recent[recent.length - 1]!;
    const span = newest.time - oldest.time;
    if (span > 0) {
      // The work of every block after the oldest was done in that span.
      let work = 0;
      for (const b of recent.slice(0, -1)) work += expectedHashes(bitsToTarget(b.bits).target);
      classHashRate = work / span;
      recentInterval = span / (recent.length - 1);
    }
  }
  let schedule: DifficultyStory['schedule'] = null;
  const tip = activeNewestFirst[0];
  if (params.asertHalfLife > 0 && tip && genesis) {
    const anchor = { height: BigInt(genesis.height), parentTime: BigInt(genesis.time - params.targetSpacing), bits: genesis.bits };
    const offset = Number(asertScheduleOffset(anchor, { idealBlockTime: BigInt(params.targetSpacing), halfLife: BigInt(params.asertHalfLife), powLimitBits: params.powLimitBits }, BigInt(tip.height), BigInt(tip.time)));
    schedule = { offset, factor: 2 ** (-offset / params.asertHalfLife), halfLife: params.asertHalfLife };
  }
  return { classHashRate, recentInterval, schedule };
}
