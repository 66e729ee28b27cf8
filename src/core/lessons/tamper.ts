/**
 * The tamper lab's engine: edit one output of one transaction in a copy of a block and ask the
 * same consensus code every node runs what breaks, in Core's order. Editing a transaction changes
 * its txid, so the header's merkle root no longer matches (`bad-txnmrklroot`); recomputing the
 * root changes the header, whose hash then misses the target (`high-hash`); re-mining the header
 * fixes the proof of work, but the signature still covers the old output
 * (`mandatory-script-verify-flag-failed (…)`, or `bad-cb-amount` for a coinbase paying more); and
 * the next block still names the old hash as its parent. Nothing here touches a chain.
 */
import { RuleError } from '../consensus/errors';
import { checkBlockSanity, contextualCheckBlock } from '../consensus/checks';
import { blockHash, blockHashHex, merkleRoot, type Block } from '../primitives/block';
import { isCoinbase, outpointKey, txid, txidHex, type Tx } from '../primitives/tx';
import { UtxoSet, type Coin } from '../chain/utxo';
import { connectBlock } from '../chain/connect';
import { bytesEqual, hashToHex } from '../encoding';
import type { ChainParams } from '../params';

/** One output of one transaction, given a new value and/or a new locking script. */
export interface TamperEdit {
  /** Index of the transaction in the block (0 = coinbase). */
  tx: number;
  output: number;
  /** New value in satoshis. */
  value?: bigint;
  /** New locking script (a new recipient). */
  script?: Uint8Array;
}

/** What a node would need to check the block in its place in the chain. */
export interface TamperContext {
  params: ChainParams;
  height: number;
  medianTimePast: number;
  /** Median time past at a lower height of the same chain (BIP68 time locks); the parent's if not given. */
  medianTimePastAt?: (height: number) => number;
  /** The coins the original block spent, in input order (its undo data). */
  spent: readonly Coin[];
}

/** A check's verdict: Core's reason and the sentence, or null when the block passes. */
export interface Verdict {
  reason: string;
  debug: string;
}

/** The block with one output edited: a new transaction (new txid), the header untouched. */
export function editBlock(block: Block, edit: TamperEdit): Block {
  const tx = block.txs[edit.tx];
  const out = tx?.outputs[edit.output];
  if (!tx || !out) throw new RangeError(`block has no output ${edit.output} in transaction ${edit.tx}`);
  const outputs = tx.outputs.map((o, i) => (i === edit.output ? { value: edit.value ?? o.value, script: edit.script ?? o.script } : o));
  const edited: Tx = { ...tx, outputs };
  return { header: block.header, txs: block.txs.map((t, i) => (i === edit.tx ? edited : t)) };
}

/** The block with its header's merkle root recomputed from its transactions (the nonce is now stale). */
export function withMerkleRoot(block: Block): Block {
  return { header: { ...block.header, merkleRoot: merkleRoot(block.txs.map(txid)).root }, txs: block.txs };
}

/** True when the header's merkle root matches the transactions. */
export function merkleMatches(block: Block): boolean {
  return bytesEqual(merkleRoot(block.txs.map(txid)).root, block.header.merkleRoot);
}

/**
 * Every check a node makes of the block at its height, in Core's order, with the coins it spent:
 * CheckBlock (proof of work, merkle root, transactions), ContextualCheckBlock (BIP34, finality),
 * ConnectBlock (inputs, signatures, the coinbase limit). The first failure, or null.
 */
export function checkInPlace(block: Block, ctx: TamperContext): Verdict | null {
  try {
    checkBlockSanity(block, ctx.params);
    contextualCheckBlock(block, ctx.height, ctx.medianTimePast, ctx.params);
    const utxo = new UtxoSet();
    let i = 0;
    for (const tx of block.txs) {
      if (isCoinbase(tx)) continue;
      for (const input of tx.inputs) {
        const coin = ctx.spent[i++];
        if (coin) utxo.add(outpointKey(input.prevout), coin);
      }
    }
    // Outputs created earlier in the block are added by ConnectBlock itself; no signature is trusted.
    connectBlock(block, ctx.height, utxo, ctx.params, { parentMedianTimePast: ctx.medianTimePast, medianTimePastAt: ctx.medianTimePastAt ?? (() => ctx.medianTimePast) });
    return null;
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    return { reason: e.reason, debug: e.debug };
  }
}

/** How the next block relates to a tampered one: it still names the original hash as its parent. */
export function childLink(child: Block, tampered: Block): { names: string; is: string; links: boolean } {
  const names = hashToHex(child.header.prevHash);
  const is = blockHashHex(tampered.header);
  return { names, is, links: bytesEqual(child.header.prevHash, blockHash(tampered.header)) };
}

/** The txid of the edited transaction before and after. */
export function txidChange(original: Block, tampered: Block, index: number): { before: string; after: string } {
  return { before: txidHex(original.txs[index]!), after: txidHex(tampered.txs[index]!) };
}
