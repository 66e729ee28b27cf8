import { sha256 } from '@noble/hashes/sha2.js';
import {
  Chain,
  Mempool,
  blockTemplate,
  buildPayment,
  encodeBlock,
  genesisTemplate,
  makeParams,
  solveBlockSync,
  spendableCoins,
  toHex,
  utf8,
  walletKeyFromSecret,
  COIN,
  assembleBlock,
  makeCoinbase,
  blockHash,
  subsidyAt,
  type Block,
  type ChainParams,
  type Tx,
  type WalletKey,
  type Preset,
  type BlockHeader,
  type TxOut,
  type UtxoSet,
  merkleRoot,
  txid,
  txidHex,
  outpointFromKey,
  signTx,
  bitsToTarget,
  hashToBigInt,
  parseStrictDer,
  parseP2PKHInput,
  p2pkhInputScript,
} from '../../src/core';

/** A deterministic wallet key from a name (tests only: never derive real keys this way). */
export function testKey(name: string): WalletKey {
  return walletKeyFromSecret(sha256(utf8(`tabchain-test-key:${name}`)), name);
}

export const T0 = 1_700_000_000;

/** Regtest-difficulty parameters with a solved genesis paying `creator`. */
export function testParams(creator: WalletKey, overrides: Partial<ChainParams> = {}, preset: Preset = 'regtest', network = 'test'): ChainParams {
  const params = makeParams(network, preset, { genesisBits: 0x207fffff, ...overrides });
  const genesis = solveBlockSync(genesisTemplate(params, creator.pubkeyHash, T0))!;
  params.genesisHex = toHex(encodeBlock(genesis));
  return params;
}

/** A chain + mempool pair with a clock that advances a minute per mined block. */
export class TestChain {
  readonly chain: Chain;
  readonly mempool: Mempool;
  now = T0 + 60;

  constructor(readonly params: ChainParams) {
    this.chain = new Chain(params);
    this.mempool = new Mempool(this.chain);
  }

  /** Mines a block on the tip (or on `parent`) with the given txs (default: mempool), reward to `miner`. */
  mine(miner: WalletKey, txs?: Tx[], opts: { parent?: string; tag?: string } = {}): Block {
    const block = makeBlock(this, miner, txs, opts);
    this.now += 60;
    return block;
  }

  /** Mines and processes; throws if the block is not accepted. */
  mineAndAdd(miner: WalletKey, txs?: Tx[], opts: { parent?: string; tag?: string } = {}): Block {
    const b = this.mine(miner, txs, opts);
    this.add(b, true);
    return b;
  }

  add(block: Block, mustAccept = false) {
    const r = this.chain.processBlock(block, this.now);
    this.mempool.handleChainEvents(r.events, this.now);
    if (mustAccept && r.status !== 'accepted') throw new Error(`block not accepted: ${r.status} ${r.error?.reason} ${r.error?.debug}`);
    return r;
  }

  /** Builds a signed payment from `from` to `to` of `coins` whole coins (plus optional fee in sat). */
  pay(from: WalletKey, to: WalletKey, coins: number | bigint, fee = 0n): Tx {
    return buildPayment({
      from,
      to: to.address,
      amount: BigInt(coins) * COIN,
      fee,
      coins: spendableCoins(from.script, this.chain.utxo, this.mempool),
    });
  }

  balance(key: WalletKey): number {
    let s = 0n;
    for (const [, c] of this.chain.utxo.coinsForScript(key.script)) s += c.value;
    return Number(s) / Number(COIN);
  }
}

/** Makes a solved block on a given parent (default tip) without processing it. */
export function makeBlock(tc: TestChain, miner: WalletKey, txs?: Tx[], opts: { parent?: string; tag?: string; time?: number } = {}): Block {
  const chain = tc.chain;
  let template = blockTemplate(chain, null, miner.pubkeyHash, opts.time ?? tc.now, opts.tag ?? 'test');
  if (opts.parent && opts.parent !== chain.tip.hash) {
    const parent = chain.getEntry(opts.parent)!;
    // Build on a side branch: same template logic against that parent.
    template = sideTemplate(tc, parent.hash, miner, opts.time ?? tc.now, opts.tag ?? 'test');
  }
  const list = txs ?? tc.mempool.all().map((e) => e.tx);
  const { prevHash, time, bits, version } = template.header;
  return solveBlockSync(assembleBlock({ version, prevHash, time, bits, nonce: 0 }, [template.txs[0]!, ...list]))!;
}

function sideTemplate(tc: TestChain, parentHash: string, miner: WalletKey, now: number, tag: string): Block {
  const chain = tc.chain;
  const parent = chain.getEntry(parentHash)!;
  const height = parent.height + 1;
  return assembleBlock(
    { version: 1, prevHash: blockHash(parent.header), time: Math.max(now, chain.medianTimePast(parent) + 1), bits: chain.nextBits(parent), nonce: 0 },
    [makeCoinbase(height, miner.pubkeyHash, subsidyAt(chain.params, height), tag)],
  );
}


// ---------------------------------------------------------------------------------------------
// Tools for hand-made (often deliberately invalid) blocks and transactions.
// ---------------------------------------------------------------------------------------------

/** Re-solves a block's proof of work after its header or transactions were edited (merkle root recomputed unless `keepMerkle`). */
export function resolve(block: Block, header: Partial<BlockHeader> = {}, opts: { keepMerkle?: boolean } = {}): Block {
  const merkle = opts.keepMerkle ? block.header.merkleRoot : merkleRoot(block.txs.map(txid)).root;
  const solved = solveBlockSync({ header: { ...block.header, merkleRoot: merkle, ...header, nonce: 0 }, txs: block.txs });
  if (!solved) throw new Error('could not solve block');
  return solved;
}

/** The same block with a header whose hash is above the target (fails `high-hash`). */
export function unsolve(block: Block): Block {
  const target = bitsToTarget(block.header.bits).target;
  for (let nonce = 0; ; nonce++) {
    const header = { ...block.header, nonce };
    if (hashToBigInt(blockHash(header)) > target) return { header, txs: block.txs };
  }
}

/** A signed transaction spending `inputs` (all owned by `key`) to `outputs`. */
export function spendTx(key: WalletKey, inputs: { key: string; coin: { script: Uint8Array } }[], outputs: TxOut[], extra: Partial<Tx> = {}): Tx {
  const unsigned: Tx = {
    version: 1,
    inputs: inputs.map((c) => ({ prevout: outpointFromKey(c.key), scriptSig: new Uint8Array(0), sequence: 0xffffffff })),
    outputs,
    locktime: 0,
    ...extra,
  };
  return signTx(unsigned, inputs.map((c) => c.coin.script), key);
}

/** A P2PKH output paying `value` satoshis to a key. */
export function payTo(key: WalletKey, value: bigint): TxOut {
  return { value, script: key.script };
}

/** Outpoint key (`txid:vout`, display order) of a transaction's output. */
export function outKey(tx: Tx, vout = 0): string {
  return `${txidHex(tx)}:${vout}`;
}

/** A copy of a transaction with one input's scriptSig replaced. */
export function withScriptSig(tx: Tx, index: number, scriptSig: Uint8Array): Tx {
  return { ...tx, inputs: tx.inputs.map((input, i) => (i === index ? { ...input, scriptSig } : input)) };
}

/**
 * Canonical digest of a UTXO set: entries sorted by outpoint, each as key|value|script|height|coinbase,
 * hashed. Two engines with equal digests hold exactly the same coins.
 */
export function utxoDigest(utxo: UtxoSet): string {
  const rows = [...utxo.entries()].map(([k, c]) => `${k}|${c.value}|${toHex(c.script)}|${c.height}|${c.coinbase ? 1 : 0}`);
  rows.sort();
  return toHex(sha256(utf8(rows.join('\n'))));
}

/** Every block of the active chain from height 1 up to the tip, in order. */
export function activeBlocks(chain: Chain): Block[] {
  const out: Block[] = [];
  for (let h = 1; h <= chain.height; h++) out.push(chain.getBlock(chain.entryAt(h)!.hash)!);
  return out;
}

/** A fresh engine fed only the given blocks (which must all be accepted). */
export function replayChain(params: ChainParams, blocks: Block[], now = T0 + 1_000_000): Chain {
  const chain = new Chain(params);
  for (const b of blocks) {
    const r = chain.processBlock(b, now);
    if (r.status !== 'accepted') throw new Error(`replay: ${r.status} ${r.error?.reason}`);
  }
  return chain;
}

/** secp256k1 group order n. */
export const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function bigFrom(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
function intBytes(v: bigint, pad: boolean): number[] {
  const out: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) out.unshift(Number(x & 0xffn));
  if (out.length === 0) out.push(0);
  if (out[0]! & 0x80) out.unshift(0);
  if (pad) out.unshift(0); // a superfluous leading zero: valid ASN.1 length, not strict DER (BIP66)
  return out;
}

/** DER encoding of (r, s); `padR` adds a non-canonical leading zero to R. */
export function derEncode(r: bigint, s: bigint, opts: { padR?: boolean } = {}): Uint8Array {
  const R = intBytes(r, !!opts.padR);
  const S = intBytes(s, false);
  return Uint8Array.from([0x30, 4 + R.length + S.length, 0x02, R.length, ...R, 0x02, S.length, ...S]);
}

/** (r, s) of a strict-DER signature. */
export function derDecode(sig: Uint8Array): { r: bigint; s: bigint } {
  const rs = parseStrictDer(sig);
  if (!rs) throw new Error('not strict DER');
  return { r: bigFrom(rs.r), s: bigFrom(rs.s) };
}

/**
 * Rewrites the signature in input `index` of a signed P2PKH spend with `edit` (r, s → new DER bytes);
 * the hash type byte and public key are kept.
 */
export function editSignature(tx: Tx, index: number, edit: (r: bigint, s: bigint) => Uint8Array, hashType?: number): Tx {
  const parsed = parseP2PKHInput(tx.inputs[index]!.scriptSig)!;
  const { r, s } = derDecode(parsed.signature);
  return withScriptSig(tx, index, p2pkhInputScript(edit(r, s), hashType ?? parsed.hashType, parsed.pubkey));
}
