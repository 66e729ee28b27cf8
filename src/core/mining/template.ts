import { maxBlockSigOps } from '../script/sigops';
import { blockHash, encodeHeader, merkleRoot, type Block, type BlockHeader } from '../primitives/block';
import { coinbaseScript, p2pkhScript } from '../primitives/script';
import { txid, type Tx } from '../primitives/tx';
import { bitsToTarget } from '../consensus/pow';
import { mine } from './kernel';
import { subsidyAt, type ChainParams } from '../params';
import { utf8 } from '../encoding';
import type { Chain } from '../chain/chain';
import type { Mempool } from '../mempool/mempool';

/** Coinbase transaction: BIP34 height + tag in the scriptSig, `value` to the miner's address. */
export function makeCoinbase(height: number, payTo: Uint8Array, value: bigint, tag = 'tabchain'): Tx {
  return {
    version: 1,
    inputs: [{ prevout: { txid: new Uint8Array(32), vout: 0xffffffff }, scriptSig: coinbaseScript(height, utf8(tag.slice(0, 60))), sequence: 0xffffffff }],
    outputs: [{ value, script: p2pkhScript(payTo) }],
    locktime: 0,
  };
}

/** Assembles a block from a header template and transactions, computing the merkle root. */
export function assembleBlock(header: Omit<BlockHeader, 'merkleRoot'>, txs: Tx[]): Block {
  return { header: { ...header, merkleRoot: merkleRoot(txs.map(txid)).root }, txs };
}

/**
 * A genesis block for a new network (made by its central node): coinbase at height 0 paying the
 * block reward to the creator. Its nonce still has to be found (see `solveBlockSync` or a Miner).
 */
export function genesisTemplate(params: ChainParams, payTo: Uint8Array, time: number, tag = `tabchain ${params.network}`): Block {
  return assembleBlock(
    { version: 1, prevHash: new Uint8Array(32), time, bits: params.genesisBits, nonce: 0 },
    [makeCoinbase(0, payTo, subsidyAt(params, 0), tag)],
  );
}

/**
 * A block template on the current tip (Core's CreateNewBlock): mempool transactions, coinbase
 * paying subsidy + fees, time = max(now, median time past + 1), required bits.
 */
export function blockTemplate(chain: Chain, mempool: Mempool | null, payTo: Uint8Array, now: number, tag = 'tabchain'): Block {
  const tip = chain.tip;
  const height = tip.height + 1;
  // Room for the coinbase: 1,000 bytes and its output's sigops (one CHECKSIG).
  const entries = mempool ? mempool.selectForBlock(chain.params.maxBlockSize - 1000, maxBlockSigOps(chain.params.maxBlockSize) - 1) : [];
  const fees = entries.reduce((s, e) => s + e.fee, 0n);
  const coinbase = makeCoinbase(height, payTo, subsidyAt(chain.params, height) + fees, tag);
  return assembleBlock(
    {
      version: 1,
      prevHash: blockHash(tip.header),
      time: Math.max(now, chain.medianTimePast(tip) + 1),
      bits: chain.nextBits(tip),
      nonce: 0,
    },
    [coinbase, ...entries.map((e) => e.tx)],
  );
}

/** The block with its header replaced (e.g. by a miner's solved header, which differs in time and nonce). */
export function withHeader(block: Block, header: BlockHeader): Block {
  return { header, txs: block.txs };
}

/**
 * Nonce search on the calling thread, for tests and trivial targets: the kernel's `mine` (the
 * JavaScript backend; the fast search runs in Web Workers, src/workers) over nonces 0..maxTries−1,
 * so the first nonce meeting the target wins. Returns null if `maxTries` runs out.
 */
export function solveBlockSync(block: Block, maxTries = 1 << 24): Block | null {
  const nonce = mine(encodeHeader(block.header), bitsToTarget(block.header.bits).target, 0, maxTries);
  return nonce < 0 ? null : { header: { ...block.header, nonce }, txs: block.txs };
}

export { encodeHeader };
