/**
 * A scripted list of blocks, each expected accepted, orphaned or rejected with Bitcoin Core's
 * reason — the shape of Core's feature_block.py and btcd's fullblocktests. The generator knows
 * nothing of the engine: it tracks heights, times and the outputs it created itself, so a bug in
 * the engine cannot leak into the blocks that test it. `replay` feeds the script, as wire bytes,
 * to a fresh engine and checks every outcome in order.
 */
import { expect } from 'vitest';
import {
  Chain,
  assembleBlock,
  bip34HeightPrefix,
  blockHashHex,
  coinbaseScript,
  concatBytes,
  decodeBlock,
  encodeBlock,
  fromHex,
  makeCoinbase,
  p2pkhScript,
  pushData,
  subsidyAt,
  toHex,
  txidHex,
  utf8,
  blockHash,
  outpointKey,
  type Block,
  type BlockHeader,
  type ChainParams,
  type ProcessResult,
  type Tx,
  type TxOut,
  type WalletKey,
} from '../../src/core';
import { resolve, spendTx, payTo } from './chainBuilder';

/** What a step expects of the engine. */
export type Expectation =
  | { kind: 'accepted'; tip?: string }
  | { kind: 'orphan' }
  | { kind: 'rejected'; reason: string; punish: boolean; tip?: string };

/** One scripted step: a block, the node's clock when it arrives, and the expected outcome. */
export interface Step {
  name: string;
  block: Block;
  now: number;
  expect: Expectation;
  /** Extra check after the step, e.g. the tip or events. */
  after?: (chain: Chain, r: ProcessResult) => void;
}

/** An output the script created, with the key that can spend it. */
export interface Spendable {
  key: string;
  coin: { value: bigint; script: Uint8Array };
  owner: WalletKey;
}

interface Known {
  block: Block;
  height: number;
}

export interface BlockOptions {
  /** Name of the parent block (default: the script's current tip). */
  parent?: string;
  /** Non-coinbase transactions. */
  txs?: Tx[];
  /** Coinbase value; default subsidy + fees of `txs` as far as the script knows them. */
  cbValue?: bigint;
  /** Replace the coinbase entirely (or drop it with `null`). */
  coinbase?: Tx | null;
  /** Header fields to override (the block is re-solved). */
  header?: Partial<BlockHeader>;
}

export class BlockScript {
  readonly steps: Step[] = [];
  readonly genesis: Block;
  private readonly known = new Map<string, Known>();
  private readonly outputs = new Map<string, Spendable>();
  private readonly owners = new Map<string, WalletKey>();
  /** Name of the block new blocks build on by default (the expected tip). */
  tip = 'genesis';
  /** The node's clock for the next step. */
  now: number;

  constructor(
    readonly params: ChainParams,
    readonly miner: WalletKey,
    keys: WalletKey[] = [],
  ) {
    this.genesis = decodeBlock(fromHex(params.genesisHex!));
    this.known.set('genesis', { block: this.genesis, height: 0 });
    this.now = this.genesis.header.time + 3600;
    for (const k of [miner, ...keys]) this.owners.set(toHex(k.script), k);
    this.noteOutputs(this.genesis.txs[0]);
  }

  get(name: string): Block {
    const k = this.known.get(name);
    if (!k) throw new Error(`no block named ${name}`);
    return k.block;
  }
  heightOf(name: string): number {
    return this.known.get(name)!.height;
  }
  hashOf(name: string): string {
    return blockHashHex(this.get(name).header);
  }

  /** Names a block without a step (e.g. the parent an orphan waits for, sent later). */
  define(name: string, block: Block): Block {
    this.known.set(name, { block, height: this.known.get(this.nameOfHash(toHex(block.header.prevHash)))!.height + 1 });
    for (const tx of block.txs) this.noteOutputs(tx);
    return block;
  }
  private nameOfHash(internalHex: string): string {
    for (const [n, k] of this.known) if (toHex(blockHash(k.block.header)) === internalHex) return n;
    throw new Error('unknown parent');
  }

  /** Median time of a named block and its 10 ancestors (Core's GetMedianTimePast), computed independently. */
  medianTimePast(name: string): number {
    const times: number[] = [];
    let n: string | null = name;
    while (n !== null && times.length < 11) {
      const b = this.get(n);
      times.push(b.header.time);
      n = n === 'genesis' ? null : this.nameOfHash(toHex(b.header.prevHash));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }

  /** Output `vout` of the coinbase of a named block. */
  coinbaseOut(name: string, vout = 0): Spendable {
    return this.out(this.get(name).txs[0], vout);
  }
  /** Output `vout` of a transaction the script built. */
  out(tx: Tx, vout = 0): Spendable {
    const s = this.outputs.get(`${txidHex(tx)}:${vout}`);
    if (!s) throw new Error('unknown output');
    return s;
  }

  /**
   * A signed payment spending `from` (one or more outputs of one owner): `amount` to `to`
   * (default: the owner), the rest minus `fee` back as change when positive.
   */
  pay(from: Spendable | Spendable[], opts: { to?: WalletKey; amount?: bigint; fee?: bigint; outputs?: TxOut[] } = {}): Tx {
    const ins = Array.isArray(from) ? from : [from];
    const owner = ins[0].owner;
    const total = ins.reduce((s, c) => s + c.coin.value, 0n);
    const fee = opts.fee ?? 0n;
    let outputs = opts.outputs;
    if (!outputs) {
      const amount = opts.amount ?? total - fee;
      outputs = [payTo(opts.to ?? owner, amount)];
      if (total - fee - amount > 0n) outputs.push(payTo(owner, total - fee - amount));
    }
    const tx = spendTx(owner, ins, outputs);
    this.noteOutputs(tx);
    return tx;
  }

  /** Remembers a hand-made transaction's outputs (so later payments can spend them). */
  noteOutputs(tx: Tx): Tx {
    const id = txidHex(tx);
    tx.outputs.forEach((o, v) => {
      const owner = this.owners.get(toHex(o.script));
      if (owner) this.outputs.set(`${id}:${v}`, { key: `${id}:${v}`, coin: { value: o.value, script: o.script }, owner });
    });
    return tx;
  }

  /** Fees of transactions as far as the script knows their inputs. */
  feesOf(txs: Tx[]): bigint {
    let fees = 0n;
    for (const tx of txs) {
      let inp = 0n;
      let known = true;
      for (const i of tx.inputs) {
        const s = this.outputs.get(outpointKey(i.prevout));
        if (!s) known = false;
        else inp += s.coin.value;
      }
      if (!known) continue;
      const out = tx.outputs.reduce((a, o) => a + o.value, 0n);
      if (inp > out) fees += inp - out;
    }
    return fees;
  }

  /** The coinbase a block at `height` would carry, paying `value` to the script's miner. */
  coinbase(height: number, value: bigint, tag = 'script'): Tx {
    return makeCoinbase(height, this.miner.pubkeyHash, value, tag);
  }

  /** Builds a solved block on `parent` (a minute after it) without adding it to the script. */
  block(opts: BlockOptions = {}): Block {
    const parentName = opts.parent ?? this.tip;
    const parent = this.known.get(parentName);
    if (!parent) throw new Error(`no block named ${parentName}`);
    const height = parent.height + 1;
    const txs = opts.txs ?? [];
    const value = opts.cbValue ?? subsidyAt(this.params, height) + this.feesOf(txs);
    const cb = opts.coinbase === undefined ? this.coinbase(height, value) : opts.coinbase;
    const all = cb ? [cb, ...txs] : txs;
    const draft = assembleBlock(
      { version: 1, prevHash: blockHash(parent.block.header), time: parent.block.header.time + 60, bits: parent.block.header.bits, nonce: 0 },
      all,
    );
    return resolve(draft, opts.header ?? {});
  }

  private record(name: string, block: Block, expectation: Expectation, after?: Step['after'], now?: number): Block {
    const parentHash = toHex(block.header.prevHash);
    let height = -1;
    for (const k of this.known.values()) if (toHex(blockHash(k.block.header)) === parentHash) height = k.height + 1;
    // height stays -1 for a block whose parent the script never named (an orphan of an unknown parent).
    if (!this.known.has(name)) this.known.set(name, { block, height });
    for (const tx of block.txs) this.noteOutputs(tx);
    this.steps.push({ name, block, now: now ?? Math.max(this.now, block.header.time + 60), expect: expectation, ...(after ? { after } : {}) });
    return block;
  }

  /** Step: the block is accepted. It becomes the default parent unless `keepTip`. */
  accept(name: string, block: Block, opts: { tip?: string; keepTip?: boolean; now?: number; after?: Step['after'] } = {}): Block {
    this.record(name, block, { kind: 'accepted', ...(opts.tip ? { tip: opts.tip } : {}) }, opts.after, opts.now);
    if (!opts.keepTip) this.tip = name;
    return block;
  }

  /** Step: the block is held as an orphan (`prev-blk-not-found`, not punished). */
  orphan(name: string, block: Block, opts: { after?: Step['after'] } = {}): Block {
    return this.record(name, block, { kind: 'orphan' }, opts.after);
  }

  /** Step: the block is rejected with exactly `reason`; `punish` defaults to true. */
  reject(name: string, block: Block, reason: string, opts: { punish?: boolean; tip?: string; now?: number; after?: Step['after'] } = {}): Block {
    return this.record(name, block, { kind: 'rejected', reason, punish: opts.punish ?? true, ...(opts.tip ? { tip: opts.tip } : {}) }, opts.after, opts.now);
  }

  /**
   * Replays the script on a fresh engine, block by block as wire bytes, asserting each outcome.
   * Returns the engine for further checks.
   */
  replay(): Chain {
    const chain = new Chain(this.params);
    for (const step of this.steps) this.check(step, chain.processBlock(decodeBlock(encodeBlock(step.block)), step.now), chain);
    return chain;
  }

  /**
   * One step on its own: a fresh engine is fed the steps before it (unchecked), then this step's
   * outcome is asserted — so each rule is its own test and never depends on another test running.
   */
  replayStep(index: number): Chain {
    const chain = new Chain(this.params);
    for (let i = 0; i < index; i++) chain.processBlock(decodeBlock(encodeBlock(this.steps[i].block)), this.steps[i].now);
    const step = this.steps[index];
    this.check(step, chain.processBlock(decodeBlock(encodeBlock(step.block)), step.now), chain);
    return chain;
  }

  private check(step: Step, r: ProcessResult, chain: Chain): void {
    const where = `step ${step.name}`;
    const e = step.expect;
    if (e.kind === 'accepted') {
      expect(r.error?.reason, `${where}: ${r.error?.debug}`).toBeUndefined();
      expect(r.status, where).toBe('accepted');
    } else if (e.kind === 'orphan') {
      expect(r.status, where).toBe('orphan');
      expect(r.error?.reason, where).toBe('prev-blk-not-found');
      expect(r.error?.punish, where).toBe(false);
    } else {
      expect({ step: step.name, status: r.status, reason: r.error?.reason }).toEqual({ step: step.name, status: 'invalid', reason: e.reason });
      expect(r.error?.punish, `${where} punish`).toBe(e.punish);
      expect(r.error?.debug.length, `${where} has a readable explanation`).toBeGreaterThan(10);
    }
    if ('tip' in e && e.tip) expect(chain.tip.hash, `${where}: tip`).toBe(this.hashOf(e.tip));
    step.after?.(chain, r);
  }
}

/** A coinbase whose scriptSig claims a different height (for bad-cb-height). */
export function coinbaseWithHeight(claimed: number, payTo: Uint8Array, value: bigint): Tx {
  return {
    version: 1,
    inputs: [{ prevout: { txid: new Uint8Array(32), vout: 0xffffffff }, scriptSig: coinbaseScript(claimed, utf8('liar')), sequence: 0xffffffff }],
    outputs: [{ value, script: p2pkhScript(payTo) }],
    locktime: 0,
  };
}

export { bip34HeightPrefix, concatBytes, pushData };
