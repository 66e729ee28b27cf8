/** What the chain engine reports: its events, the outcome of offering a block, and what storage hands back. */
import type { RuleError } from '../consensus/errors';
import type { Block } from '../primitives/block';
import type { BlockEntry } from './blockIndex';
import type { Coin, UtxoCommitment } from './utxo';

/** A spent or created coin, with its outpoint key, as recorded for storage and undo. */
export interface CoinChange {
  key: string;
  coin: Coin;
}

/** Things that happen to the chain, in order, for the node, the store and the UI. */
export type ChainEvent =
  | { type: 'block-accepted'; entry: BlockEntry; block: Block }
  | { type: 'block-connected'; entry: BlockEntry; block: Block; spent: CoinChange[]; created: CoinChange[]; undo: Coin[] }
  | { type: 'block-disconnected'; entry: BlockEntry; block: Block; restored: CoinChange[]; removed: string[] }
  | { type: 'reorg'; fork: BlockEntry; disconnected: BlockEntry[]; connected: BlockEntry[] }
  | { type: 'tip-changed'; entry: BlockEntry }
  | { type: 'block-invalid'; hash: string; reason: string; debug: string }
  | { type: 'orphan-added'; hash: string; prevHash: string };

/** Outcome of offering a block to the chain. */
export interface ProcessResult {
  hash: string;
  /** accepted: stored in the block index (on the active chain or a side branch). */
  status: 'accepted' | 'orphan' | 'duplicate' | 'invalid';
  /** Whether the block is on the active chain after processing. */
  active: boolean;
  error?: RuleError;
  events: ChainEvent[];
}

/** A stored chain as a node's storage gives it back after a reload. */
export interface StoredChain {
  blocks: Block[];
  tip: string;
  utxo: Iterable<[string, Coin]>;
  undo: Iterable<[string, Coin[]]>;
}

/**
 * What `Chain.restore` found: the stored UTXO set's commitment beside the one obtained by replaying
 * the stored blocks from genesis to the stored tip. `repaired` lists what did not match and was
 * rebuilt from the blocks (empty when storage was consistent).
 */
export interface RestoreReport {
  tip: string;
  height: number;
  stored: UtxoCommitment;
  replayed: UtxoCommitment;
  repaired: ('utxo' | 'undo')[];
}
