import type { Tx } from '../primitives/tx';

/**
 * BIP68 relative lock times (Core's CalculateSequenceLocks / EvaluateSequenceLocks): from
 * transaction version 2, an input's sequence number can demand that the coin it spends be a
 * number of blocks (or of 512-second units of median time) old. The sequence's top bit turns it
 * off; bit 22 picks time over blocks; the low 16 bits are the amount.
 */

export const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
export const SEQUENCE_LOCKTIME_TYPE_FLAG = 0x00400000;
export const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;
/** Time-based relative locks count units of 2^9 = 512 seconds. */
export const SEQUENCE_LOCKTIME_GRANULARITY = 9;

/** The last height and median time the transaction may NOT be mined at (-1 = no constraint). */
export interface SequenceLock {
  minHeight: number;
  minTime: number;
}

/**
 * Core's CalculateSequenceLocks: `coinHeights[i]` is the height of the block that created input
 * i's coin; `medianTimePastAt(h)` the median time past of the block at height h of the chain the
 * transaction is checked against.
 */
export function sequenceLock(tx: Tx, coinHeights: readonly number[], medianTimePastAt: (height: number) => number): SequenceLock {
  let minHeight = -1;
  let minTime = -1;
  if (tx.version >>> 0 < 2) return { minHeight, minTime };
  tx.inputs.forEach((input, i) => {
    const seq = input.sequence >>> 0;
    if (seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) return;
    const coinHeight = coinHeights[i] ?? 0;
    const amount = seq & SEQUENCE_LOCKTIME_MASK;
    if (seq & SEQUENCE_LOCKTIME_TYPE_FLAG) {
      // Time is measured from the median time past of the block before the coin's block.
      const coinTime = medianTimePastAt(Math.max(coinHeight - 1, 0));
      minTime = Math.max(minTime, coinTime + amount * 2 ** SEQUENCE_LOCKTIME_GRANULARITY - 1);
    } else {
      minHeight = Math.max(minHeight, coinHeight + amount - 1);
    }
  });
  return { minHeight, minTime };
}

/** Core's EvaluateSequenceLocks: whether a block at `height` whose parent has median time `parentMtp` may include it. */
export function sequenceLockSatisfied(lock: SequenceLock, height: number, parentMtp: number): boolean {
  return lock.minHeight < height && lock.minTime < parentMtp;
}
