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
  return solveBlockSync(assembleBlock({ version, prevHash, time, bits, nonce: 0 }, [template.txs[0], ...list]))!;
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

