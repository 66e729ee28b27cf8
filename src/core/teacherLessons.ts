/**
 * The lesson parts of teacher commands (core/teacher.ts): class-wide message delivery (live,
 * paused, slowed), stepping one held message, and the lesson orders a teacher can give one node
 * (tamper a block, double spend, mine a private chain, release or abandon it). Canonical bytes
 * and bounded decoding, like the rest of the command; see docs/PROTOCOL.md.
 */
import { ByteReader, ByteWriter, DecodeError } from './encoding';
import { MAX_MONEY } from './params';

/** How a node hands arriving messages to its protocol code. */
export type DeliveryMode = 'live' | 'paused' | 'slow';
export const DELIVERY_MODES: readonly DeliveryMode[] = ['live', 'paused', 'slow'];
/** Slow motion: one message per this many ms, within these bounds. */
export const MIN_SLOW_MS = 50;
export const MAX_SLOW_MS = 60_000;
/** Held messages one step may release. */
export const MAX_STEP = 100;

/** Private mining: keep every block (51 %), or publish to match each public block (selfish mining). */
export type PrivateStrategy = 'withhold' | 'selfish';
const STRATEGIES: readonly PrivateStrategy[] = ['withhold', 'selfish'];

/** What a teacher can ask one node to do with its own wallet and miner. */
export type LessonOrder =
  /** Tamper with the block at `height` and broadcast it as it stands after `stage` (1 edited, 2 merkle root recomputed, 3 re-mined). */
  | { do: 'tamper'; height: number; stage: 1 | 2 | 3 }
  /** Two conflicting payments of `amount` sat from one coin: `to[i]` is paid in the copy sent to `peers[i]`. */
  | { do: 'double-spend'; peers: [string, string]; to: [string, string]; amount: bigint }
  /** Mine privately from the tip; with `payTo`, pay it `amount` sat publicly and spend the same coin back in the private chain. */
  | { do: 'private'; strategy: PrivateStrategy; payTo: string; amount: bigint }
  | { do: 'release' }
  | { do: 'abandon' };

const ORDERS: LessonOrder['do'][] = ['tamper', 'double-spend', 'private', 'release', 'abandon'];
const MAX_ADDRESS = 64;
const MAX_ID = 64;

function amount(r: ByteReader): bigint {
  const v = r.u64('amount');
  if (v <= 0n || v > MAX_MONEY) throw new DecodeError('amount out of range');
  return v;
}

/** Writes a delivery mode and its interval. */
export function writeDelivery(w: ByteWriter, mode: DeliveryMode, intervalMs: number): void {
  w.u8(DELIVERY_MODES.indexOf(mode)).u32(intervalMs);
}

/** Reads a delivery mode: the interval is 0 unless slowed, and then within MIN_SLOW_MS–MAX_SLOW_MS. */
export function readDelivery(r: ByteReader): { mode: DeliveryMode; intervalMs: number } {
  const mode = DELIVERY_MODES[r.u8('delivery mode')];
  if (!mode) throw new DecodeError('unknown delivery mode');
  const intervalMs = r.u32('interval');
  if (mode === 'slow' ? intervalMs < MIN_SLOW_MS || intervalMs > MAX_SLOW_MS : intervalMs !== 0)
    throw new DecodeError(`slow motion must be ${MIN_SLOW_MS}–${MAX_SLOW_MS} ms per message (0 otherwise)`);
  return { mode, intervalMs };
}

/** Writes a lesson order's canonical bytes. */
export function writeLessonOrder(w: ByteWriter, o: LessonOrder): void {
  w.u8(ORDERS.indexOf(o.do));
  switch (o.do) {
    case 'tamper':
      w.u32(o.height).u8(o.stage);
      return;
    case 'double-spend':
      w.varString(o.peers[0]).varString(o.peers[1]).varString(o.to[0]).varString(o.to[1]).u64(o.amount);
      return;
    case 'private':
      w.u8(STRATEGIES.indexOf(o.strategy)).varString(o.payTo).u64(o.amount);
      return;
    case 'release':
    case 'abandon':
      return;
  }
}

/** Reads a lesson order; throws DecodeError for anything out of bounds. */
export function readLessonOrder(r: ByteReader): LessonOrder {
  const kind = ORDERS[r.u8('lesson')];
  if (!kind) throw new DecodeError('unknown lesson');
  switch (kind) {
    case 'tamper': {
      const height = r.u32('height');
      const stage = r.u8('stage');
      if (stage !== 1 && stage !== 2 && stage !== 3) throw new DecodeError('tamper stage must be 1, 2 or 3');
      return { do: kind, height, stage };
    }
    case 'double-spend': {
      const peers: [string, string] = [r.varString(MAX_ID, 'peer', true), r.varString(MAX_ID, 'peer', true)];
      const to: [string, string] = [r.varString(MAX_ADDRESS, 'address', true), r.varString(MAX_ADDRESS, 'address', true)];
      return { do: kind, peers, to, amount: amount(r) };
    }
    case 'private': {
      const strategy = STRATEGIES[r.u8('strategy')];
      if (!strategy) throw new DecodeError('unknown private mining strategy');
      const payTo = r.varString(MAX_ADDRESS, 'address', true);
      const v = r.u64('amount');
      // Without a payment the amount is 0; with one it is a real amount.
      if (payTo ? v <= 0n || v > MAX_MONEY : v !== 0n) throw new DecodeError('amount out of range');
      return { do: kind, strategy, payTo, amount: v };
    }
    case 'release':
    case 'abandon':
      return { do: kind };
  }
}
