/**
 * UTXO set, chain selection and reorganisations: incremental connect with undo data, exact
 * restore on disconnect, most work wins (first seen on ties), side branches and orphans kept,
 * invalid branches cut at their last valid block, events, and a 100-block-deep reorg and back.
 */
import { describe, expect, it } from 'vitest';
import { COIN, blockHash, blockHashHex, txidHex, type Block, type ChainEvent, type Tx } from '../../../src/core';
import { TestChain, activeBlocks, outKey, payTo, replayChain, resolve as resolveBlock, spendTx, testKey, testParams, utxoDigest } from '../../helpers/chainBuilder';

const central = testKey('CENTRAL');
const alice = testKey('ALICE');
const bob = testKey('BOB');
const carol = testKey('CAROL');
const minerA = testKey('MINER_A');
const minerB = testKey('MINER_B');
const params = testParams(central);

const hashOf = (b: Block) => blockHashHex(b.header);

/** Feeds blocks to a node whose clock is at least the blocks' time. */
function feed(tc: TestChain, blocks: Block[]) {
  const results = [];
  for (const b of blocks) {
    tc.now = Math.max(tc.now, b.header.time);
    results.push(tc.add(b));
  }
  return results;
}

/** A node that has seen exactly `blocks` (copied from another node). */
function nodeWith(blocks: Block[]): TestChain {
  const tc = new TestChain(params);
  for (const r of feed(tc, blocks)) expect(r.status).toBe('accepted');
  return tc;
}

describe('UTXO set with undo data', () => {
  it('connect and disconnect are exact inverses, including outputs created and spent in one block', () => {
    const tc = new TestChain(params);
    const before = utxoDigest(tc.chain.utxo);
    const genesisCoin = { key: outKey(tc.chain.getBlock(tc.chain.tip.hash)!.txs[0]), coin: tc.chain.getBlock(tc.chain.tip.hash)!.txs[0].outputs[0] };
    const t1 = spendTx(central, [genesisCoin], [payTo(alice, 6n * COIN), payTo(central, 4n * COIN)]);
    const t2 = spendTx(alice, [{ key: outKey(t1, 0), coin: t1.outputs[0] }], [payTo(bob, 6n * COIN)]);
    const fork = tc.chain.tip.hash;
    const events: ChainEvent[] = [];
    tc.chain.on((e) => events.push(e));
    const a = tc.mineAndAdd(minerA, [t1, t2]);
    const connected = events.find((e) => e.type === 'block-connected')!;
    if (connected.type !== 'block-connected') throw new Error();
    // Net effect: genesis coin spent; t1:1, t2:0 and the coinbase created; t1:0 appears in neither.
    expect(connected.spent.map((c) => c.key)).toEqual([genesisCoin.key]);
    expect(connected.created.map((c) => c.key).sort()).toEqual([outKey(a.txs[0]), outKey(t1, 1), outKey(t2, 0)].sort());
    expect(tc.chain.getUndo(hashOf(a))!.map((c) => c.value)).toEqual([10n * COIN, 6n * COIN]);
    const afterA = utxoDigest(tc.chain.utxo);

    // Two empty blocks on a side branch from the fork make block `a` disconnect.
    events.length = 0;
    const b1 = tc.mine(minerB, [], { parent: fork });
    tc.add(b1);
    tc.add(tc.mine(minerB, [], { parent: hashOf(b1) }));
    const disc = events.find((e) => e.type === 'block-disconnected')!;
    if (disc.type !== 'block-disconnected') throw new Error();
    // The disconnect event mirrors the connect event exactly.
    expect(disc.restored.map((c) => c.key)).toEqual(connected.spent.map((c) => c.key));
    expect(disc.removed.slice().sort()).toEqual(connected.created.map((c) => c.key).sort());
    expect(tc.chain.getUndo(hashOf(a))).toBeUndefined();
    // Same UTXO set as a node that only ever saw the two B blocks.
    expect(utxoDigest(tc.chain.utxo)).toBe(utxoDigest(replayChain(params, activeBlocks(tc.chain)).utxo));

    // And back: two more on `a` → the UTXO set is again what `a` made, plus the new coinbases.
    const a2 = tc.mine(minerA, [], { parent: hashOf(a) });
    tc.add(a2);
    tc.add(tc.mine(minerA, [], { parent: hashOf(a2) }));
    expect(tc.chain.isActive(tc.chain.getEntry(hashOf(a))!)).toBe(true);
    expect(utxoDigest(tc.chain.utxo)).toBe(utxoDigest(replayChain(params, activeBlocks(tc.chain)).utxo));
    expect(afterA).not.toBe(before);
  });
});

describe('chain selection', () => {
  it('first seen wins a tie; the heavier branch wins and reorgs, with events in order', () => {
    const tc = new TestChain(params);
    const events: ChainEvent[] = [];
    tc.chain.on((e) => events.push(e));
    const g = tc.chain.tip.hash;
    const a1 = tc.mine(minerA, [], { parent: g, tag: 'a1' });
    const b1 = tc.mine(minerB, [], { parent: g, tag: 'b1' });
    expect(tc.add(a1).active).toBe(true);
    const rb1 = tc.add(b1);
    expect(rb1.status).toBe('accepted');
    expect(rb1.active).toBe(false); // equal work: the first seen stays
    expect(tc.chain.tip.hash).toBe(hashOf(a1));
    expect(tc.chain.leaves().map((e) => e.hash).sort()).toEqual([hashOf(a1), hashOf(b1)].sort());

    events.length = 0;
    const b2 = tc.mine(minerB, [], { parent: hashOf(b1) });
    const r = tc.add(b2);
    expect(r.active).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['block-accepted', 'block-disconnected', 'block-connected', 'block-connected', 'reorg', 'tip-changed']);
    const reorg = events.find((e) => e.type === 'reorg')!;
    if (reorg.type !== 'reorg') throw new Error();
    expect([reorg.fork.hash, reorg.disconnected.map((e) => e.hash), reorg.connected.map((e) => e.hash)]).toEqual([g, [hashOf(a1)], [hashOf(b1), hashOf(b2)]]);
    // The losing branch is kept as a side branch.
    expect(tc.chain.getEntry(hashOf(a1))?.status).toBe('valid');
    expect(tc.chain.getBlock(hashOf(a1))).toBeDefined();

    // A tie at height 2 does not switch back; a2's branch then grows and wins.
    const a2 = tc.mine(minerA, [], { parent: hashOf(a1) });
    expect(tc.add(a2).active).toBe(false);
    const a3 = tc.mine(minerA, [], { parent: hashOf(a2) });
    expect(tc.add(a3).active).toBe(true);
    expect(tc.chain.tip.hash).toBe(hashOf(a3));
  });

  it('orphans wait for their parent and then connect, in a chain several deep', () => {
    const source = new TestChain(params);
    const blocks = [1, 2, 3, 4].map(() => source.mineAndAdd(minerA));
    const tc = new TestChain(params);
    tc.now = source.now;
    expect(tc.add(blocks[3]).status).toBe('orphan');
    expect(tc.add(blocks[2]).status).toBe('orphan');
    expect(tc.add(blocks[2]).status).toBe('duplicate');
    expect(tc.chain.orphanRoot(hashOf(blocks[3]))).toBe(hashOf(blocks[1]));
    expect(tc.add(blocks[1]).status).toBe('orphan');
    const r = tc.add(blocks[0]);
    expect(r.status).toBe('accepted');
    expect(tc.chain.tip.hash).toBe(hashOf(blocks[3]));
    expect(r.events.filter((e) => e.type === 'block-connected').length).toBe(4);
    expect(tc.chain.orphanHashes()).toEqual([]);
    expect(utxoDigest(tc.chain.utxo)).toBe(utxoDigest(source.chain.utxo));
  });
});

describe('a branch with an invalid block', () => {
  /** A block that pays its miner one satoshi too much: only found invalid when connected. */
  function overpaying(tc: TestChain, parent: string): Block {
    const b = tc.mine(minerB, [], { parent });
    const cb: Tx = { ...b.txs[0], outputs: [payTo(minerB, b.txs[0].outputs[0].value + 1n)] };
    return resolveBlock({ header: b.header, txs: [cb] });
  }

  it('stops at the last valid block when that is still the most work, and marks the rest invalid', () => {
    const tc = new TestChain(params);
    const g = tc.chain.tip.hash;
    const a1 = tc.mineAndAdd(minerA, [], { parent: g });
    // Branch B: b1, b2 valid, b3 invalid, b4 on top — all stored as a side branch first.
    const b1 = tc.mine(minerB, [], { parent: g });
    tc.add(b1);
    const b2 = tc.mine(minerB, [], { parent: hashOf(b1) });
    const rb2 = tc.add(b2); // more work than a1: reorg to b2
    expect(rb2.active).toBe(true);
    // Now go back to A with more work, leaving b1-b2 as a side branch.
    const a2 = tc.mineAndAdd(minerA, [], { parent: hashOf(a1) });
    tc.mineAndAdd(minerA, [], { parent: hashOf(a2) });
    const b3 = overpaying(tc, hashOf(b2));
    const rb3 = tc.add(b3);
    expect(rb3.status).toBe('accepted'); // equal work with a3: not connected, not yet known bad
    const b4 = tc.mine(minerB, [], { parent: hashOf(b3) });
    // More work than a3: disconnect A, connect b1, b2; b3 fails; b2 has less work than a3, so back to A.
    tc.add(b4);
    const b5 = tc.mine(minerB, [], { parent: hashOf(b4) });
    expect(tc.chain.getEntry(hashOf(b3))!.status).toBe('invalid');
    expect(tc.chain.getEntry(hashOf(b3))!.invalidReason).toBe('bad-cb-amount');
    expect(tc.chain.getEntry(hashOf(b4))!.status).toBe('invalid');
    expect(tc.chain.tip.height).toBe(3);
    expect(tc.chain.tip.hash).toBe(tc.chain.entryAt(3)!.hash);
    expect(tc.chain.isActive(tc.chain.getEntry(hashOf(a2))!)).toBe(true);
    // A block on the invalid branch is refused outright.
    const r5 = tc.add(b5);
    expect([r5.status, r5.error?.reason, r5.error?.punish]).toEqual(['invalid', 'bad-prevblk', true]);
    expect(utxoDigest(tc.chain.utxo)).toBe(utxoDigest(replayChain(params, activeBlocks(tc.chain)).utxo));
  });

  it('lands on the valid prefix of the heavier branch when it beats the old chain', () => {
    const tc = new TestChain(params);
    const g = tc.chain.tip.hash;
    const a1 = tc.mineAndAdd(minerA, [], { parent: g });
    // Branch B built elsewhere: b1..b3 valid, b4 invalid, b5 on it. Delivered all at once (b5 first: orphans).
    const other = new TestChain(params);
    other.now = tc.now + 1;
    const b1 = other.mineAndAdd(minerB);
    const b2 = other.mineAndAdd(minerB);
    const b3 = other.mineAndAdd(minerB);
    const b4 = overpaying(other, hashOf(b3));
    other.add(b4);
    const b5onB4 = other.mine(minerB, [], { parent: hashOf(b4) });
    const events: ChainEvent[] = [];
    tc.chain.on((e) => events.push(e));
    tc.now = other.now;
    expect(tc.add(b5onB4).status).toBe('orphan');
    expect(tc.add(b4).status).toBe('orphan');
    expect(tc.add(b3).status).toBe('orphan');
    expect(tc.add(b2).status).toBe('orphan');
    const r = tc.add(b1);
    expect(r.status).toBe('accepted');
    // b1..b3 connected, b4 failed, b5 marked invalid with it; a1 stays a side branch.
    expect(tc.chain.tip.hash).toBe(hashOf(b3));
    expect(tc.chain.getEntry(hashOf(b4))!.invalidReason).toBe('bad-cb-amount');
    expect(tc.chain.getEntry(hashOf(b5onB4))!.status).toBe('invalid');
    expect(events.filter((e) => e.type === 'block-invalid').map((e) => e.type === 'block-invalid' && e.reason)).toEqual(['bad-cb-amount']);
    expect(events.filter((e) => e.type === 'tip-changed').at(-1)).toMatchObject({ entry: { hash: hashOf(b3) } });
    expect(tc.chain.getEntry(hashOf(a1))!.status).toBe('valid');
    expect(utxoDigest(tc.chain.utxo)).toBe(utxoDigest(replayChain(params, [b1, b2, b3]).utxo));
  });
});

describe('deep reorganisation (100 blocks) and back', () => {
  it('switches to a heavier 101-block branch, returns transactions to the mempool, drops conflicts, and switches back', () => {
    // Common history: alice gets ten 1-coin outputs.
    const base = new TestChain(params);
    const genesisCoin = { key: outKey(base.chain.getBlock(base.chain.tip.hash)!.txs[0]), coin: base.chain.getBlock(base.chain.tip.hash)!.txs[0].outputs[0] };
    const split = spendTx(central, [genesisCoin], Array.from({ length: 10 }, () => payTo(alice, COIN)));
    const common = [base.mineAndAdd(minerA, [split])];
    const aliceCoin = (i: number) => ({ key: outKey(split, i), coin: split.outputs[i] });

    // Branch A (100 blocks): alice pays carol with coins 0..2 in A1..A3, and bob with coin 3 in A4.
    const nodeA = nodeWith(common);
    nodeA.now = base.now;
    const toCarol = [0, 1, 2].map((i) => spendTx(alice, [aliceCoin(i)], [payTo(carol, COIN)]));
    const toBobOnA = spendTx(alice, [aliceCoin(3)], [payTo(bob, COIN)]);
    const branchA: Block[] = [];
    for (let h = 0; h < 100; h++) branchA.push(nodeA.mineAndAdd(minerA, h < 3 ? [toCarol[h]] : h === 3 ? [toBobOnA] : []));

    // Branch B (101 blocks): alice's coin 3 goes to carol instead (a double spend of toBobOnA).
    const nodeB = nodeWith(common);
    nodeB.now = base.now + 1;
    const coin3ToCarol = spendTx(alice, [aliceCoin(3)], [payTo(carol, COIN)]);
    const branchB: Block[] = [];
    for (let h = 0; h < 101; h++) branchB.push(nodeB.mineAndAdd(minerB, h === 0 ? [coin3ToCarol] : []));

    // The node under test follows A, with an unconfirmed payment of alice's coin 4 waiting.
    const tc = nodeWith([...common, ...branchA]);
    const waiting = spendTx(alice, [aliceCoin(4)], [payTo(bob, COIN)]);
    tc.mempool.accept(waiting, tc.now);
    expect(tc.chain.height).toBe(101);

    const results = feed(tc, branchB);
    const last = results.at(-1)!;
    expect(last.active).toBe(true);
    const reorg = last.events.find((e) => e.type === 'reorg');
    if (reorg?.type !== 'reorg') throw new Error('no reorg');
    expect([reorg.disconnected.length, reorg.connected.length, reorg.fork.height]).toEqual([100, 101, 1]);
    expect(tc.chain.tip.hash).toBe(hashOf(branchB[100]));
    expect(utxoDigest(tc.chain.utxo)).toBe(utxoDigest(nodeB.chain.utxo));
    // A1..A3's payments are back; A4's conflicts with B1 and is gone; the waiting one is kept.
    expect(new Set(tc.mempool.all().map((e) => e.txid))).toEqual(new Set([...toCarol, waiting].map(txidHex)));
    expect(tc.balance(carol)).toBe(1);
    expect(tc.balance(bob)).toBe(0);

    // Branch A grows to 102 blocks: back again.
    const more = [nodeA.mineAndAdd(minerA, []), nodeA.mineAndAdd(minerA, [])];
    const back = feed(tc, more).at(-1)!;
    const reorgBack = back.events.find((e) => e.type === 'reorg');
    if (reorgBack?.type !== 'reorg') throw new Error('no reorg back');
    expect([reorgBack.disconnected.length, reorgBack.connected.length]).toEqual([101, 102]);
    expect(tc.chain.tip.hash).toBe(nodeA.chain.tip.hash);
    expect(utxoDigest(tc.chain.utxo)).toBe(utxoDigest(nodeA.chain.utxo));
    // toCarol confirmed again (left the mempool); B1's double spend conflicts with A4 and is dropped.
    expect(tc.mempool.all().map((e) => e.txid)).toEqual([txidHex(waiting)]);
    expect([tc.balance(carol), tc.balance(bob)]).toEqual([3, 1]);
    // The node kept both branches: every block of each is in the index.
    for (const b of [...branchA, ...branchB]) expect(tc.chain.getEntry(hashOf(b))?.status).toBe('valid');
  });
});

describe('block locator and orphan pool', () => {
  it('locator: the last 10 blocks densely, then exponentially sparser, ending at genesis (Core GetLocator)', () => {
    const tc = new TestChain(params);
    for (let i = 0; i < 30; i++) tc.mineAndAdd(minerA);
    const heights = tc.chain.locator().map((h) => tc.chain.getEntry(h)!.height);
    expect(heights).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 17, 13, 5, 0]);
    // A peer on a side branch forked at 12 gets the active blocks after the fork.
    const side = tc.mine(minerB, [], { parent: tc.chain.entryAt(12)!.hash });
    tc.add(side);
    const peerLocator = tc.chain.locator(tc.chain.getEntry(hashOf(side))!);
    expect(tc.chain.findFork(peerLocator).height).toBe(12);
    expect(tc.chain.blocksAfter(peerLocator, null, 5)).toEqual([13, 14, 15, 16, 17].map((h) => tc.chain.entryAt(h)!.hash));
  });

  it('keeps at most MAX_ORPHANS orphans, evicting the oldest', () => {
    const tc = new TestChain(params);
    const template = tc.mine(minerA);
    const orphans: Block[] = [];
    for (let i = 0; i <= 1000; i++) {
      const prevHash = new Uint8Array(32);
      prevHash[0] = i & 0xff;
      prevHash[1] = i >> 8;
      prevHash[31] = 0xee;
      orphans.push(resolveBlock(template, { prevHash }));
    }
    for (const o of orphans) expect(tc.add(o).status).toBe('orphan');
    const kept = new Set(tc.chain.orphanHashes());
    expect(kept.size).toBe(1000);
    expect(kept.has(hashOf(orphans[0]))).toBe(false);
    expect(kept.has(hashOf(orphans[1000]))).toBe(true);
  });
});
