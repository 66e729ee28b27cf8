/**
 * Property: after any (seeded, random) sequence of blocks on competing branches — with payments,
 * payments spending outputs of the same block, invalid blocks, and blocks delivered out of order —
 * the engine's tip is the most-work valid block (first seen on ties), and its UTXO set, tip and
 * balances equal those of a fresh engine fed only the winning chain, and those of an independent
 * model that replays the winning branch by hand. The mempool stays valid on the final tip.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Chain,
  Mempool,
  UtxoSet,
  assembleBlock,
  blockHash,
  blockHashHex,
  decodeBlock,
  encodeBlock,
  fromHex,
  makeCoinbase,
  outpointKey,
  subsidyAt,
  txidHex,
  type Block,
  type Tx,
  type TxOut,
} from '../../../src/core';
import { T0, payTo, resolve, spendTx, testKey, testParams, utxoDigest } from '../../helpers/chainBuilder';

const keys = ['CENTRAL', 'ALICE', 'BOB', 'MINER'].map(testKey);
const params = testParams(keys[0]);
const NOW = T0 + 10_000_000;

interface MCoin {
  value: bigint;
  script: Uint8Array;
  height: number;
  coinbase: boolean;
  owner: number;
}
interface MBlock {
  block: Block;
  hash: string;
  parent: MBlock | null;
  height: number;
  valid: boolean;
  utxo: Map<string, MCoin>;
  txs: Tx[];
}

const txSpec = fc.record({ coin: fc.nat(), to: fc.nat(3), pct: fc.integer({ min: 1, max: 100 }), fee: fc.nat(5000) });
const action = fc.record({
  parent: fc.nat(),
  miner: fc.nat(3),
  txs: fc.array(txSpec, { maxLength: 3 }),
  fault: fc.oneof(
    { weight: 10, arbitrary: fc.constant('none' as const) },
    { weight: 1, arbitrary: fc.constant('overpay' as const) },
    { weight: 1, arbitrary: fc.constant('double-spend' as const) },
  ),
  offer: fc.option(fc.nat(), { nil: undefined }),
});
const scenario = fc.record({
  actions: fc.array(action, { minLength: 1, maxLength: 28 }),
  order: fc.oneof(fc.constant<'created'>('created'), fc.array(fc.nat(), { minLength: 28, maxLength: 28 })),
});

function ownerOf(script: Uint8Array): number {
  return keys.findIndex((k) => k.script.every((b, i) => b === script[i]) && k.script.length === script.length);
}

/** Builds the blocks of a scenario with an independent model of each branch's UTXO set. */
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

function build(actions: Action[]) {
  const gBlock = decodeBlock(fromHex(params.genesisHex!));
  const gUtxo = new Map<string, MCoin>();
  gUtxo.set(`${txidHex(gBlock.txs[0])}:0`, { ...gBlock.txs[0].outputs[0], height: 0, coinbase: true, owner: 0 });
  const genesis: MBlock = { block: gBlock, hash: blockHashHex(gBlock.header), parent: null, height: 0, valid: true, utxo: gUtxo, txs: [] };
  const all: MBlock[] = [genesis];
  let tag = 0;
  for (const a of actions) {
    // Build mostly near the newest blocks, so branches compete and reorgs happen.
    const parent = all[all.length - 1 - (a.parent % Math.min(6, all.length))];
    const height = parent.height + 1;
    const utxo = new Map(parent.utxo);
    const spendable = () => [...utxo.keys()].sort();
    const txs: Tx[] = [];
    let fees = 0n;
    for (const t of a.txs) {
      const ks = spendable();
      if (!ks.length) break;
      const key = ks[t.coin % ks.length];
      const coin = utxo.get(key)!;
      const amount = (coin.value * BigInt(t.pct)) / 100n || 1n;
      if (amount > coin.value) continue;
      const fee = BigInt(t.fee) > coin.value - amount ? coin.value - amount : BigInt(t.fee);
      const outputs: TxOut[] = [payTo(keys[t.to], amount)];
      if (coin.value - amount - fee > 0n) outputs.push(payTo(keys[coin.owner], coin.value - amount - fee));
      const tx = spendTx(keys[coin.owner], [{ key, coin }], outputs);
      txs.push(tx);
      fees += fee;
      utxo.delete(key);
      const id = txidHex(tx);
      tx.outputs.forEach((o, v) => utxo.set(`${id}:${v}`, { ...o, height, coinbase: false, owner: ownerOf(o.script) }));
    }
    let fault = a.fault;
    if (fault === 'double-spend') {
      if (txs.length === 0) fault = 'overpay';
      else {
        // A second transaction spending the first one's input: invalid only when connected.
        const first = txs[0];
        const k = outpointKey(first.inputs[0].prevout);
        const coin = parent.utxo.get(k)!;
        txs.push(spendTx(keys[coin.owner], [{ key: k, coin }], [payTo(keys[a.miner], coin.value)]));
      }
    }
    const cbValue = subsidyAt(params, height) + fees + (fault === 'overpay' ? 1n : 0n);
    const cb = makeCoinbase(height, keys[a.miner].pubkeyHash, cbValue, `p${tag++}`);
    utxo.set(`${txidHex(cb)}:0`, { ...cb.outputs[0], height, coinbase: true, owner: a.miner });
    const block = resolve(
      assembleBlock({ version: 1, prevHash: blockHash(parent.block.header), time: parent.block.header.time + 60, bits: params.genesisBits, nonce: 0 }, [cb, ...txs]),
    );
    all.push({ block, hash: blockHashHex(block.header), parent, height, valid: parent.valid && fault === 'none', utxo, txs });
  }
  return all;
}

function modelDigest(m: MBlock): string {
  const set = new UtxoSet();
  for (const [k, c] of m.utxo) set.add(k, { value: c.value, script: c.script, height: c.height, coinbase: c.coinbase });
  return utxoDigest(set);
}

function balances(chain: Chain): bigint[] {
  return keys.map((k) => chain.utxo.coinsForScript(k.script).reduce((s, [, c]) => s + c.value, 0n));
}

describe('chain selection property (fast-check)', () => {
  it('ends on the most-work valid chain with the UTXO set of a fresh engine fed only that chain', () => {
    let reorgs = 0;
    let invalidSeen = 0;
    let orphansSeen = 0;
    fc.assert(
      fc.property(scenario, ({ actions, order }) => {
        const all = build(actions);
        const blocks = all.slice(1);
        const delivery =
          order === 'created' ? blocks : blocks.map((b, i) => ({ b, k: order[i % order.length] * 1000 + i })).sort((x, y) => x.k - y.k).map((x) => x.b);
        const allTxs = blocks.flatMap((b) => b.txs);

        const chain = new Chain(params);
        const mempool = new Mempool(chain);
        const firstSeen = new Map<string, number>();
        delivery.forEach((m, i) => {
          const offer = actions[i]?.offer;
          if (offer !== undefined && allTxs.length) {
            try {
              mempool.accept(allTxs[offer % allTxs.length], NOW);
            } catch {
              // refused: fine, the mempool decides
            }
          }
          const r = chain.processBlock(decodeBlock(encodeBlock(m.block)), NOW);
          mempool.handleChainEvents(r.events, NOW);
          if (m.valid) expect(r.status, 'a valid block is never refused').not.toBe('invalid');
          if (r.events.some((e) => e.type === 'reorg')) reorgs++;
          if (r.events.some((e) => e.type === 'block-invalid')) invalidSeen++;
          if (r.status === 'orphan') orphansSeen++;
          if (!firstSeen.has(m.hash)) firstSeen.set(m.hash, i);
        });

        // Expected tip: the most work among valid blocks (all blocks have equal work, so height).
        const valid = all.filter((m) => m.valid);
        const best = Math.max(...valid.map((m) => m.height));
        const tied = valid.filter((m) => m.height === best);
        const tipModel = tied.find((m) => m.hash === chain.tip.hash);
        expect(tipModel, 'tip is a most-work valid block').toBeDefined();
        if (order === 'created' && best > 0) {
          // Delivered parents first: the first seen of the tied blocks wins.
          const first = tied.slice().sort((a, b) => firstSeen.get(a.hash)! - firstSeen.get(b.hash)!)[0];
          expect(chain.tip.hash).toBe(first.hash);
        }

        // A fresh engine fed only the winning chain agrees on everything.
        const path: MBlock[] = [];
        for (let m: MBlock | null = tipModel!; m && m.parent; m = m.parent) path.unshift(m);
        const fresh = new Chain(params);
        for (const m of path) expect(fresh.processBlock(decodeBlock(encodeBlock(m.block)), NOW).status).toBe('accepted');
        expect(fresh.tip.hash).toBe(chain.tip.hash);
        expect(utxoDigest(chain.utxo)).toBe(utxoDigest(fresh.utxo));
        expect(utxoDigest(chain.utxo)).toBe(modelDigest(tipModel!));
        expect(balances(chain)).toEqual(balances(fresh));
        expect(chain.utxo.size).toBe(tipModel!.utxo.size);

        // Every mempool transaction is still valid on the final tip, in mempool order.
        const freshPool = new Mempool(fresh);
        for (const e of mempool.all()) freshPool.accept(e.tx, NOW);
      }),
      { seed: Number(process.env.PROP_SEED ?? 20240527), numRuns: Number(process.env.PROP_RUNS ?? 60) },
    );
    if (process.env.PROP_SEED) console.log({ reorgs, invalidSeen, orphansSeen });
    // The generator really exercised reorgs, invalid blocks and orphans.
    expect(reorgs).toBeGreaterThan(10);
    expect(invalidSeen).toBeGreaterThan(5);
    expect(orphansSeen).toBeGreaterThan(10);
  });
});
