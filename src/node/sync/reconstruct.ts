/**
 * Rebuilding a block from a BIP 152 compact block (Core's PartiallyDownloadedBlock): prefilled
 * transactions go to their places, every other slot is filled by the transaction we already hold
 * whose short id matches (mempool first, then orphans and other recently seen transactions), and
 * what is left is asked for with `getblocktxn`. Two transactions of ours with the same short id
 * leave their slot empty (it is fetched); two equal short ids in the block itself, or a merkle
 * root that does not match once filled (an undetected collision), fall back to the whole block.
 * A compact block that cannot be right (an index past the end) is invalid, and so is a
 * `blocktxn` with the wrong number of transactions. Pure: the caller supplies the candidates.
 */
import { blockMerkleRoot, bytesEqual, txid, type Block, type SipKey, type Tx } from '../../core';
import { MAX_CMPCT_TXS, shortIdKey, shortTxId, type CompactBlock } from '../wire/messages';

/** Where a candidate transaction came from (shown to students: what the node already had). */
export type TxSource = 'mempool' | 'orphans' | 'extra';

/** A compact block being filled in. */
export interface PartialBlock {
  compact: CompactBlock;
  /** One slot per transaction of the block; null where it is still missing. */
  txs: (Tx | null)[];
  /** Absolute indexes still missing, ascending (what `getblocktxn` asks for). */
  missing: number[];
  /** How many slots each source filled, and how many were prefilled. */
  matched: Record<TxSource, number>;
  prefilled: number;
  /** Short ids matched by two of our transactions (their slots are fetched instead). */
  collisions: number;
}

export type InitResult =
  | { status: 'ok'; partial: PartialBlock }
  /** The compact block cannot be a block (Core's READ_STATUS_INVALID: the sender is punished). */
  | { status: 'invalid'; debug: string }
  /** Two equal short ids in the block: ask for the whole block (READ_STATUS_FAILED). */
  | { status: 'failed'; debug: string };

/**
 * Fills a compact block's slots from prefilled transactions and `candidates`, in the order given.
 * `idOf` computes a candidate's short id (BIP 152's, unless a test needs to force a collision).
 */
export function initPartial(
  compact: CompactBlock,
  candidates: Iterable<[Tx, TxSource]>,
  idOf: (key: SipKey, txid: Uint8Array) => number = shortTxId,
): InitResult {
  const n = compact.shortIds.length + compact.prefilled.length;
  if (n === 0) return { status: 'invalid', debug: 'a compact block with no transactions' };
  if (n > MAX_CMPCT_TXS) return { status: 'invalid', debug: `${n} transactions is more than a block can hold` };
  const txs: (Tx | null)[] = new Array(n).fill(null);
  for (let i = 0; i < compact.prefilled.length; i++) {
    const { index, tx } = compact.prefilled[i]!;
    // Core: a prefilled index may not pass the short ids before it plus the prefilled ones so far.
    if (index > compact.shortIds.length + i) return { status: 'invalid', debug: `prefilled index ${index} is past the end of the block` };
    txs[index] = tx;
  }
  // Short ids take the remaining slots in order.
  const slotOf = new Map<number, number>();
  let slot = 0;
  for (const id of compact.shortIds) {
    while (txs[slot]) slot++;
    if (slotOf.has(id)) return { status: 'failed', debug: 'two transactions of the block have the same short id' };
    slotOf.set(id, slot++);
  }
  const key = shortIdKey(compact.header, compact.nonce);
  const matched: Record<TxSource, number> = { mempool: 0, orphans: 0, extra: 0 };
  const sourceOf = new Map<number, TxSource>();
  const seen = new Set<number>();
  let collisions = 0;
  for (const [tx, source] of candidates) {
    if (slotOf.size === seen.size && collisions === 0) break; // every short id matched once
    const s = slotOf.get(idOf(key, txid(tx)));
    if (s === undefined) continue;
    if (!seen.has(s)) {
      seen.add(s);
      txs[s] = tx;
      sourceOf.set(s, source);
      matched[source]++;
    } else if (txs[s] && txs[s] !== tx && !bytesEqual(txid(txs[s]!), txid(tx))) {
      // Two of ours match one short id: we cannot tell which, so the slot is fetched (Core).
      matched[sourceOf.get(s)!]--;
      txs[s] = null;
      collisions++;
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!txs[i]) missing.push(i);
  return { status: 'ok', partial: { compact, txs, missing, matched, prefilled: compact.prefilled.length, collisions } };
}

export type FillResult =
  | { status: 'ok'; block: Block }
  /** The transactions sent do not fit the missing slots (READ_STATUS_INVALID). */
  | { status: 'invalid'; debug: string }
  /** Filled, but the merkle root does not match: an undetected short id collision (READ_STATUS_FAILED). */
  | { status: 'failed'; debug: string };

/** Puts the transactions of a `blocktxn` (or none, when nothing was missing) into the empty slots. */
export function fillPartial(partial: PartialBlock, sent: readonly Tx[]): FillResult {
  if (sent.length !== partial.missing.length)
    return { status: 'invalid', debug: `${sent.length} transactions sent for ${partial.missing.length} missing` };
  const txs = partial.txs.slice();
  partial.missing.forEach((index, i) => {
    txs[index] = sent[i]!;
  });
  const block: Block = { header: partial.compact.header, txs: txs as Tx[] };
  const { root } = blockMerkleRoot(block);
  if (!bytesEqual(root, block.header.merkleRoot)) return { status: 'failed', debug: 'merkle root does not match once filled (short id collision?)' };
  return { status: 'ok', block };
}
