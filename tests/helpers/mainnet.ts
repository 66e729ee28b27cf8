/**
 * Real Bitcoin history for the engine: mainnet blocks 1-255 (after the genesis block) and block
 * 300,025 with the coin each of its inputs spends, read from ../shared/vectors or tests/fixtures.
 */
import { readFileSync } from 'node:fs';
import {
  CoinOverlay,
  UtxoSet,
  decodeBlock,
  fromHex,
  isCoinbase,
  outpointKey,
  txidHex,
  type Block,
  type Coin,
} from '../../src/core';
import { vectorPath } from './vectors';

/** Blocks 1..255 of the real chain, in order. */
export function mainnetBlocks1to255(): { height: number; hash: string; block: Block }[] {
  const d = JSON.parse(readFileSync(vectorPath('mainnet-blocks-1-255.json'), 'utf8')) as { blocks: { height: number; hash: string; hex: string }[] };
  return d.blocks.map((b) => ({ height: b.height, hash: b.hash, block: decodeBlock(fromHex(b.hex)) }));
}

/** Mainnet block 300,025 and what bcoin's test data says about it. */
export interface Block300025 {
  height: number;
  hash: string;
  block: Block;
  /** The coin each non-coinbase input spends, in input order. */
  coins: Coin[];
  subsidyPlusFees: bigint;
  sigopCost: number;
}

export function block300025(): Block300025 {
  const d = JSON.parse(readFileSync(vectorPath('mainnet-block-300025.json'), 'utf8')) as {
    height: number; hash: string; hex: string; subsidyPlusFees: number; sigopCost: number;
    prevouts: { txid: string; vout: number; value: number; scriptPubKey: string }[];
  };
  const block = decodeBlock(fromHex(d.hex));
  const coins = d.prevouts.map((p) => ({ value: BigInt(p.value), script: fromHex(p.scriptPubKey), height: d.height - 1, coinbase: false }));
  let k = 0;
  for (const tx of block.txs) {
    if (isCoinbase(tx)) continue;
    for (const input of tx.inputs) {
      const p = d.prevouts[k++]!;
      if (outpointKey(input.prevout) !== `${p.txid}:${p.vout}`) throw new Error('prevouts are not in input order');
    }
  }
  return { height: d.height, hash: d.hash, block, coins, subsidyPlusFees: BigInt(d.subsidyPlusFees), sigopCost: d.sigopCost };
}

/**
 * The UTXO set as it stood before block 300,025, as far as the block needs it: every coin it
 * spends that an earlier block created (coins created inside the block come from the block).
 */
export function coinsBefore300025(b: Block300025): CoinOverlay {
  const inBlock = new Set(b.block.txs.map(txidHex));
  const set = new UtxoSet();
  let k = 0;
  for (const tx of b.block.txs) {
    if (isCoinbase(tx)) continue;
    for (const input of tx.inputs) {
      const coin = b.coins[k++]!;
      const key = outpointKey(input.prevout);
      if (!inBlock.has(key.slice(0, 64))) set.add(key, coin);
    }
  }
  return new CoinOverlay(set);
}

/** The coins spent by each transaction of a block, in input order (from the flat list). */
export function coinsPerTx(block: Block, coins: Coin[]): Coin[][] {
  let k = 0;
  return block.txs.map((tx) => (isCoinbase(tx) ? [] : tx.inputs.map(() => coins[k++]!)));
}
