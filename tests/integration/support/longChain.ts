/**
 * A long, valid chain built without the engine (fast enough to make 2,000 blocks in a test):
 * each block after genesis carries a coinbase and two signed P2PKH payments, so syncing it
 * exercises full validation (inputs, signatures, UTXO updates), not just proof of work.
 */
import * as tiny from 'tiny-secp256k1';
import {
  SIGHASH_ALL,
  assembleBlock,
  blockHash,
  blockHashHex,
  decodeBlock,
  fromHex,
  legacySighash,
  makeCoinbase,
  p2pkhInputScript,
  solveBlockSync,
  subsidyAt,
  txid,
  type Block,
  type ChainParams,
  type Tx,
  type WalletKey,
} from '../../../src/core';
import { testKey, T0 } from '../../helpers/chainBuilder';

/** An output the builder created and knows how to spend. */
interface Coin {
  tx: Tx;
  vout: number;
  value: bigint;
  owner: WalletKey;
}

export interface LongChain {
  params: ChainParams;
  /** Blocks 1..n, in chain order (genesis is in params). */
  blocks: Block[];
  /** Hash of the last block. */
  tip: string;
  /** Signed payments in the chain. */
  payments: number;
  /** Keys the payments move coins between (A, B pay R; the genesis owner funds A and B). */
  keys: { A: WalletKey; B: WalletKey; R: WalletKey; miner: WalletKey };
}

/** Payment from a coin: `amount` to `to`, the rest back to the owner (no fee). */
function pay(coin: Coin, to: WalletKey, amount: bigint, extra?: { amount: bigint; to: WalletKey }): Tx {
  const outputs = [{ value: amount, script: to.script }];
  if (extra) outputs.push({ value: extra.amount, script: extra.to.script });
  const rest = coin.value - outputs.reduce((s, o) => s + o.value, 0n);
  if (rest > 0n) outputs.push({ value: rest, script: coin.owner.script });
  const unsigned: Tx = {
    version: 1,
    inputs: [{ prevout: { txid: txid(coin.tx), vout: coin.vout }, scriptSig: new Uint8Array(0), sequence: 0xffffffff }],
    outputs,
    locktime: 0,
  };
  const digest = legacySighash(unsigned, 0, coin.owner.script, SIGHASH_ALL);
  // libsecp256k1 (WebAssembly) signs 6× faster than the wallet's signer, with the same RFC 6979,
  // low-S signature; building 4,000 payments is then a fraction of a second.
  const sig = der(tiny.sign(digest, coin.owner.privateKey));
  return { ...unsigned, inputs: [{ ...unsigned.inputs[0]!, scriptSig: p2pkhInputScript(sig, SIGHASH_ALL, coin.owner.publicKey) }] };
}

/** Strict DER of a 64-byte compact (r, s) signature. */
function der(compact: Uint8Array): Uint8Array {
  const int = (x: Uint8Array) => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0 && !(x[i + 1]! & 0x80)) i++;
    const v = x.subarray(i);
    return v[0]! & 0x80 ? Uint8Array.from([0, ...v]) : v;
  };
  const r = int(compact.subarray(0, 32));
  const s = int(compact.subarray(32));
  return Uint8Array.from([0x30, 4 + r.length + s.length, 0x02, r.length, ...r, 0x02, s.length, ...s]);
}

/**
 * Builds `n` blocks on the genesis of `params` (whose coinbase pays `genesisOwner`), one second
 * apart from T0 + 1 so that a node whose clock reads T0 accepts them (no "time-too-new").
 * Block 1 splits the genesis coin between A and B and A pays R; every later block has A → R and
 * B → R, each spending the change of the previous payment. Requires retargeting off.
 */
export function buildLongChain(params: ChainParams, genesisOwner: WalletKey, n: number, opts: { paymentsPerBlock?: 0 | 2; startTime?: number } = {}): LongChain {
  if (params.retargetInterval > 0) throw new Error('buildLongChain needs fixed difficulty');
  const withPayments = (opts.paymentsPerBlock ?? 2) === 2;
  const keys = { A: testKey('LONG_A'), B: testKey('LONG_B'), R: testKey('LONG_R'), miner: testKey('LONG_MINER') };
  const genesis = decodeBlock(fromHex(params.genesisHex!));
  let prev = genesis.header;
  const start = opts.startTime ?? T0 + 1;
  const blocks: Block[] = [];
  let a: Coin | null = null;
  let b: Coin | null = null;
  let payments = 0;
  for (let h = 1; h <= n; h++) {
    const txs: Tx[] = [makeCoinbase(h, keys.miner.pubkeyHash, subsidyAt(params, h), `long ${h}`)];
    if (withPayments) {
      if (h === 1) {
        const g = genesis.txs[0]!;
        const half = g.outputs[0]!.value / 2n;
        const split = pay({ tx: g, vout: 0, value: g.outputs[0]!.value, owner: genesisOwner }, keys.A, half, { amount: g.outputs[0]!.value - half, to: keys.B });
        a = { tx: split, vout: 0, value: half, owner: keys.A };
        b = { tx: split, vout: 1, value: g.outputs[0]!.value - half, owner: keys.B };
        const p = pay(a, keys.R, 1000n);
        a = { tx: p, vout: 1, value: a.value - 1000n, owner: keys.A };
        txs.push(split, p);
      } else {
        const pa = pay(a!, keys.R, 1000n);
        const pb = pay(b!, keys.R, 1000n);
        a = { tx: pa, vout: 1, value: a!.value - 1000n, owner: keys.A };
        b = { tx: pb, vout: 1, value: b!.value - 1000n, owner: keys.B };
        txs.push(pa, pb);
      }
      payments += 2;
    }
    const block = solveBlockSync(assembleBlock({ version: 1, prevHash: blockHash(prev), time: start + h - 1, bits: params.genesisBits, nonce: 0 }, txs));
    if (!block) throw new Error('could not solve block');
    blocks.push(block);
    prev = block.header;
  }
  return { params, blocks, tip: blocks.length ? blockHashHex(blocks[blocks.length - 1]!.header) : blockHashHex(genesis.header), payments, keys };
}

/** Sum of every unspent output's value (for "no coin lost or doubled" checks). */
export function utxoTotal(utxo: { entries(): IterableIterator<[string, { value: bigint }]> }): bigint {
  let s = 0n;
  for (const [, c] of utxo.entries()) s += c.value;
  return s;
}
