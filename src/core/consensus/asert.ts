/**
 * aserti3-2d, the per-block difficulty algorithm Bitcoin Cash has run since November 2020
 * (spec: bitcoincash.org spec/2020-11-15-asert.md). The target follows an exponential of how far
 * the chain is ahead of or behind an ideal schedule counted from an anchor block: every half-life
 * of seconds behind schedule doubles the target (easier), every half-life ahead halves it. Integer
 * arithmetic only (a cubic approximation of 2^x on 16 fractional bits), so every node computes the
 * same bits. Heights and times are bigints: the published vectors cross 2^63.
 */
import { bitsToTarget, targetToBits } from './pow';
import type { ChainParams } from '../params';

/** Where the schedule starts: the anchor block's height, its parent's time and its bits. */
export interface AsertAnchor {
  height: bigint;
  parentTime: bigint;
  bits: number;
}

/** ASERT's constants: the ideal block interval and the half-life, in seconds; the easiest bits. */
export interface AsertParams {
  idealBlockTime: bigint;
  halfLife: bigint;
  powLimitBits: number;
}

/** How far the chain is from the anchor's schedule at a block: positive = behind (slow blocks). */
export function asertScheduleOffset(anchor: AsertAnchor, p: AsertParams, height: bigint, time: bigint): bigint {
  return time - anchor.parentTime - p.idealBlockTime * (height - anchor.height + 1n);
}

/**
 * Bits required for the block after the block at `height` with timestamp `time`
 * (spec: `next_target_aserti3_2d`).
 */
export function asertNextBits(anchor: AsertAnchor, p: AsertParams, height: bigint, time: bigint): number {
  const limit = bitsToTarget(p.powLimitBits).target;
  const anchorTarget = bitsToTarget(anchor.bits).target;
  // Fixed point with 16 fractional bits. The division truncates toward zero (C++ `/`, as in Bitcoin
  // Cash Node and the published vectors); the shift that splits off whole powers of two floors.
  const exponent = (asertScheduleOffset(anchor, p, height, time) * 65536n) / p.halfLife;
  const shifts = exponent >> 16n;
  const frac = exponent - (shifts << 16n);
  const factor = ((195766423245049n * frac + 971821376n * frac * frac + 5127n * frac * frac * frac + (1n << 47n)) >> 48n) + 65536n;
  let target = anchorTarget * factor;
  target = shifts < 0n ? target >> -shifts : target << shifts;
  target >>= 16n;
  if (target === 0n) return targetToBits(1n);
  if (target > limit) return p.powLimitBits;
  return targetToBits(target);
}

/**
 * tabchain's anchor: the genesis block, whose "parent" is taken to be one ideal interval before it
 * (so block 1 needs exactly the genesis difficulty when it comes on schedule).
 */
export function asertAnchor(genesis: { height: number; header: { time: number; bits: number } }, p: ChainParams): AsertAnchor {
  return { height: BigInt(genesis.height), parentTime: BigInt(genesis.header.time - p.targetSpacing), bits: genesis.header.bits };
}

/** ASERT constants of a network's parameters. */
export function asertParams(p: ChainParams): AsertParams {
  return { idealBlockTime: BigInt(p.targetSpacing), halfLife: BigInt(p.asertHalfLife), powLimitBits: p.powLimitBits };
}
