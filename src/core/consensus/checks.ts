import { consensus, RuleError } from './errors';
import { isCoinbase, isNullOutPoint, outpointKey, txSize, type Tx } from '../primitives/tx';
import { blockHash, blockMerkleRoot, blockSize, type Block, type BlockHeader } from '../primitives/block';
import { coinbaseHasHeight } from '../primitives/script';
import { bitsToTarget, hashToBigInt } from './pow';
import { legacySigOps, maxBlockSigOps } from '../script/sigops';
import { bytesEqual } from '../encoding';
import { MAX_MONEY, type ChainParams } from '../params';

/**
 * Context-free ("sanity") checks of a transaction — Core's CheckTransaction. Scripts are not
 * looked at here: any script is valid if it executes (the interpreter decides when the output
 * is spent), and which templates are relayed is mempool policy (`checkStandardTx`). Throws RuleError.
 */
export function checkTransactionSanity(tx: Tx, params: ChainParams): void {
  if (tx.inputs.length === 0) throw consensus('bad-txns-vin-empty', 'transaction has no inputs');
  if (tx.outputs.length === 0) throw consensus('bad-txns-vout-empty', 'transaction has no outputs');
  if (txSize(tx) > params.maxBlockSize) throw consensus('bad-txns-oversize', 'transaction larger than a block');
  let total = 0n;
  for (const out of tx.outputs) {
    if (out.value < 0n) throw consensus('bad-txns-vout-negative', `output value ${out.value} is negative`);
    if (out.value > MAX_MONEY) throw consensus('bad-txns-vout-toolarge', `output value ${out.value} exceeds 21 million coins`);
    total += out.value;
    if (total > MAX_MONEY) throw consensus('bad-txns-txouttotal-toolarge', 'sum of outputs exceeds 21 million coins');
  }
  const seen = new Set<string>();
  for (const input of tx.inputs) {
    const key = outpointKey(input.prevout);
    if (seen.has(key)) throw consensus('bad-txns-inputs-duplicate', `input ${key} is spent twice in one transaction`);
    seen.add(key);
  }
  if (isCoinbase(tx)) {
    const n = tx.inputs[0]!.scriptSig.length;
    if (n < 2 || n > 100) throw consensus('bad-cb-length', `coinbase script is ${n} bytes (must be 2..100)`);
  } else {
    for (const input of tx.inputs) {
      if (isNullOutPoint(input.prevout)) throw consensus('bad-txns-prevout-null', 'a non-coinbase input spends the null outpoint');
    }
  }
}

/** Core's CheckProofOfWork: bits decode to a valid target no easier than the limit, hash ≤ target. */
export function checkProofOfWork(header: BlockHeader, params: ChainParams): void {
  const { target, negative, overflow } = bitsToTarget(header.bits);
  const limit = bitsToTarget(params.powLimitBits).target;
  if (negative || overflow || target === 0n || target > limit)
    throw consensus('bad-diffbits', `bits 0x${header.bits.toString(16)} is not a valid target for this network`);
  if (hashToBigInt(blockHash(header)) > target) throw consensus('high-hash', 'proof of work failed: hash is above the target');
}

/**
 * Context-free checks of a block — Core's CheckBlock: proof of work, merkle root (including the
 * CVE-2012-2459 mutation), size, coinbase placement, every transaction's sanity, the sigop bound. A mutated or
 * corrupted body gets kind 'mutated': punished, but the hash is not remembered as invalid,
 * because the honest block with the same header is still valid.
 */
export function checkBlockSanity(block: Block, params: ChainParams): void {
  checkProofOfWork(block.header, params);
  const { root, mutated } = blockMerkleRoot(block);
  if (!bytesEqual(root, block.header.merkleRoot))
    throw new RuleError('bad-txnmrklroot', 'merkle root does not match the transactions', 'mutated');
  if (mutated) throw new RuleError('bad-txns-duplicate', 'duplicate transaction (merkle tree mutation, CVE-2012-2459)', 'mutated');
  if (block.txs.length === 0 || blockSize(block) > params.maxBlockSize)
    throw new RuleError('bad-blk-length', 'block is empty or larger than the size limit', 'mutated');
  if (!isCoinbase(block.txs[0]!)) throw new RuleError('bad-cb-missing', 'first transaction is not a coinbase', 'mutated');
  for (let i = 1; i < block.txs.length; i++)
    if (isCoinbase(block.txs[i]!)) throw new RuleError('bad-cb-multiple', 'more than one coinbase', 'mutated');
  for (const tx of block.txs) {
    try {
      checkTransactionSanity(tx, params);
    } catch (e) {
      if (e instanceof RuleError) throw new RuleError(e.reason, `transaction check failed: ${e.debug}`, 'mutated');
      throw e;
    }
  }
  // Core's CheckBlock sigop bound, counted without the coins (P2SH sigops are added when connecting).
  let sigops = 0;
  for (const tx of block.txs) sigops += legacySigOps(tx);
  const limit = maxBlockSigOps(params.maxBlockSize);
  if (sigops > limit) throw consensus('bad-blk-sigops', `the block's scripts have ${sigops} signature operations; at most ${limit} are allowed`);
}

/** What a contextual header check needs to know about the parent. */
export interface HeaderContext {
  height: number;
  expectedBits: number;
  medianTimePast: number;
  now: number;
}

/** Core's ContextualCheckBlockHeader: difficulty as expected, time after the median of the last 11, not > 2 h ahead. */
export function contextualCheckHeader(header: BlockHeader, ctx: HeaderContext, params: ChainParams): void {
  if (header.bits !== ctx.expectedBits)
    throw consensus('bad-diffbits', `incorrect proof of work: bits 0x${header.bits.toString(16)}, expected 0x${ctx.expectedBits.toString(16)}`);
  if (header.time <= ctx.medianTimePast)
    throw consensus('time-too-old', `block time ${header.time} is not after the median time of the last 11 blocks (${ctx.medianTimePast})`);
  if (header.time > ctx.now + params.maxFutureBlockTime)
    throw new RuleError('time-too-new', `block time is more than ${params.maxFutureBlockTime / 3600} h in the future; try again later`, 'future', false);
}

/**
 * Core's ContextualCheckBlock: BIP34 height in the coinbase, finality of every transaction
 * (lock times against the median time past once BIP113 applies, the block's time before).
 * `params` carries the activation heights (absent: both rules from genesis).
 */
export function contextualCheckBlock(block: Block, height: number, medianTimePast: number, params?: ChainParams): void {
  const cb = block.txs[0]!;
  if (height >= (params?.bip34Height ?? 0) && !coinbaseHasHeight(cb.inputs[0]!.scriptSig, height))
    throw consensus('bad-cb-height', `coinbase does not start with the block height ${height} (BIP34)`);
  const cutoff = height >= (params?.csvHeight ?? 0) ? medianTimePast : block.header.time;
  for (const tx of block.txs) {
    if (!isFinal(tx, height, cutoff))
      throw consensus('bad-txns-nonfinal', 'a transaction is not final (its locktime is in the future)');
  }
}

/** Core's IsFinalTx with BIP113 median-time-past. */
export function isFinal(tx: Tx, height: number, timeCutoff: number): boolean {
  if (tx.locktime === 0) return true;
  const limit = tx.locktime < 500_000_000 ? height : timeCutoff;
  if (tx.locktime < limit) return true;
  return tx.inputs.every((i) => i.sequence === 0xffffffff);
}
