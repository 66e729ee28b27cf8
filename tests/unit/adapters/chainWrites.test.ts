/**
 * The IndexedDB write plan for chain events: applied to a model of the stores, every chunk leaves
 * exactly the engine's UTXO set and tip, with far fewer requests than one per coin — through a
 * chain of payments (each spending the last one's change) and through a reorg inside one batch.
 * When they go: a block the node mined at once, a block from a peer RELAY_WRITE_MS later (after it
 * was relayed); while far behind, once a whole class download (2,000 blocks) has
 * connected or DEFER_MS have passed, so a syncing tab writes nothing between two of its blocks.
 */
import { describe, expect, it } from 'vitest';
import { DEFER_BLOCKS, DEFER_MS, RELAY_WRITE_MS, WriteTiming, planChainWrites, type ChainWrite } from '../../../src/adapters/idb/chainWrites';
import { TestChain, makeBlock, outKey, payTo, spendTx, testKey, testParams, utxoDigest } from '../../helpers/chainBuilder';
import { UtxoSet, blockHashHex, type Block, type ChainEvent, type Coin } from '../../../src/core';

const CREATOR = testKey('CW_CREATOR');
const BOB = testKey('CW_BOB');

/** The stores as a model: applying a plan chunk by chunk. */
function apply(db: { utxo: Map<string, Coin>; undo: Map<string, Coin[]>; blocks: Set<string>; tip: string | null }, plan: ChainWrite[]) {
  let requests = 0;
  for (const w of plan) {
    for (const [h] of w.blocks) (db.blocks.add(h), requests++);
    for (const [k, c] of w.utxo) (c ? db.utxo.set(k, c) : db.utxo.delete(k), requests++);
    for (const [h, u] of w.undo) (u ? db.undo.set(h, u) : db.undo.delete(h), requests++);
    if (w.tip) db.tip = w.tip;
  }
  return requests;
}

function digest(m: Map<string, Coin>): string {
  const u = new UtxoSet();
  for (const [k, c] of m) u.add(k, c);
  return utxoDigest(u);
}

describe('planChainWrites', () => {
  it('a chain of payments: the stores end equal to the engine, coins made and spent inside a chunk never written', () => {
    const tc = new TestChain(testParams(CREATOR));
    const events: ChainEvent[] = [tc.chain.genesisConnected];
    tc.chain.on((e) => events.push(e));
    let perCoin = 0;
    // Each payment spends the change of the one before (1,000 sat to BOB, the rest back).
    let [key, coin] = tc.chain.utxo.coinsForScript(CREATOR.script)[0]!;
    for (let i = 0; i < 40; i++) {
      const tx = spendTx(CREATOR, [{ key, coin }], [payTo(BOB, 1000n), payTo(CREATOR, coin.value - 1000n)]);
      tc.mineAndAdd(BOB, [tx]);
      key = outKey(tx, 1);
      coin = tc.chain.utxo.getCoin(key)!;
    }
    for (const e of events) if (e.type === 'block-connected') perCoin += e.spent.length + e.created.length;
    const db = { utxo: new Map<string, Coin>(), undo: new Map<string, Coin[]>(), blocks: new Set<string>(), tip: null as string | null };
    const plan = planChainWrites(events, 16);
    expect(plan).toHaveLength(3); // 41 connections (genesis too), 16 per chunk
    const requests = apply(db, plan);
    expect(digest(db.utxo)).toBe(utxoDigest(tc.chain.utxo));
    expect(db.tip).toBe(tc.chain.tip.hash);
    expect(db.undo.size).toBe(41);
    // Each change output is made in one block and spent in the next: inside a chunk, never written.
    expect(requests - 41 - 40).toBeLessThan(0.6 * perCoin);
  });

  it('a reorg inside one batch: disconnected blocks’ coins go, restored ones come back, the new branch’s arrive', () => {
    const tc = new TestChain(testParams(CREATOR));
    const events: ChainEvent[] = [tc.chain.genesisConnected];
    const a1 = tc.mineAndAdd(CREATOR, []);
    tc.chain.on((e) => events.push(e));
    const tx = tc.pay(CREATOR, BOB, 2);
    tc.mempool.accept(tx, tc.now);
    const a2 = tc.mineAndAdd(CREATOR, [tx]);
    // A longer branch from a1 without the payment.
    const b2 = makeBlock(tc, BOB, [], { parent: tc.chain.entryAt(1)!.hash, tag: 'b2' });
    tc.add(b2);
    tc.now += 60;
    const b3 = makeBlock(tc, BOB, [], { parent: tc.chain.getEntry(tcHash(b2))!.hash, tag: 'b3' });
    tc.add(b3, true);
    expect(tc.chain.tip.height).toBe(3);
    expect(events.some((e) => e.type === 'block-disconnected')).toBe(true);
    for (const per of [1, 2, 64]) {
      const db = { utxo: new Map<string, Coin>(), undo: new Map<string, Coin[]>(), blocks: new Set<string>(), tip: null as string | null };
      // Everything before the batch (genesis, a1) as the database already had it.
      const pre = new TestChain(testParams(CREATOR));
      pre.add(a1, true);
      for (const [k, c] of pre.chain.utxo.entries()) db.utxo.set(k, c);
      apply(db, planChainWrites(events.slice(1), per));
      db.undo.set(tcHash(a1), []);
      expect(digest(db.utxo), `${per} per chunk`).toBe(utxoDigest(tc.chain.utxo));
      expect(db.undo.has(tcHash(a2)), `${per} per chunk`).toBe(false);
    }
  });
});


describe('WriteTiming', () => {
  const connected = { type: 'block-connected' } as ChainEvent;
  const accepted = { type: 'block-accepted' } as ChainEvent;

  it('caught up, waits RELAY_WRITE_MS after a block from a peer, so the write runs after the block was relayed', () => {
    const t = new WriteTiming();
    expect(RELAY_WRITE_MS).toBeGreaterThan(0);
    expect(t.wait(accepted, false, 0, false)).toBe(RELAY_WRITE_MS);
    expect(t.wait(connected, false, 1, false)).toBe(RELAY_WRITE_MS);
  });

  it('writes a block this node mined at once (until a peer has it, this tab holds the only copy)', () => {
    const t = new WriteTiming();
    expect(t.wait(accepted, false, 0, true)).toBe(0);
    expect(t.wait(connected, false, 0, true)).toBe(0);
    expect(t.wait(connected, true, 0, true)).toBe(0);
  });

  it('while far behind, waits for a whole 2,000-block download, or DEFER_MS, whichever comes first', () => {
    expect(DEFER_BLOCKS).toBeGreaterThanOrEqual(2_000);
    const t = new WriteTiming();
    let wrote = 0;
    for (let i = 1; i <= 2 * DEFER_BLOCKS; i++) {
      t.wait(accepted, true, 0, false);
      if (t.wait(connected, true, 0, false) === 0) {
        wrote++;
        expect(i % DEFER_BLOCKS).toBe(0);
        t.reset();
      }
    }
    expect(wrote).toBe(2);
    // A slow download writes what it has every DEFER_MS: the wait counts down from its first block.
    expect(t.wait(connected, true, 1_000, false)).toBe(DEFER_MS);
    expect(t.wait(connected, true, 1_000 + DEFER_MS - 1, false)).toBe(1);
    expect(t.wait(connected, true, 1_000 + DEFER_MS, false)).toBe(0);
  });
});

function tcHash(b: Block): string {
  return blockHashHex(b.header);
}
