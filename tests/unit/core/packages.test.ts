/**
 * Block templates by ancestor fee rate (Core's addPackageTxs) and the orphan transaction pool
 * (Core's TxOrphanage): the selection on hand-made entries whose numbers tell the story, then on
 * a real mempool; the orphanage's bounds, index and expiry.
 */
import { describe, expect, it } from 'vitest';
import { selectPackages, type PackageEntry } from '../../../src/core/mining/packages';
import { MAX_ORPHAN_TXS, ORPHAN_TX_EXPIRE, TxOrphanage, blockTemplate, txidHex, type Tx } from '../../../src/core';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

const e = (txid: string, fee: number, size: number, parents: string[] = []): PackageEntry => ({ txid, fee: BigInt(fee), size, parents });
const ids = (xs: PackageEntry[]) => xs.map((x) => x.txid);

describe('selectPackages: ancestor fee rate', () => {
  it('a child paying for its parent: the pair goes before a transaction whose own rate is between theirs', () => {
    // parent 0 sat / 100 B; child 300 sat / 100 B (package 1.5 sat/B); other 100 sat / 100 B (1 sat/B).
    const picked = selectPackages([e('parent', 0, 100), e('other', 100, 100), e('child', 300, 100, ['parent'])], 10_000);
    expect(ids(picked)).toEqual(['parent', 'child', 'other']);
  });

  it('arrival order alone would have put the fee-less parent first and the best payment last', () => {
    const picked = selectPackages([e('a', 10, 100), e('b', 50, 100), e('c', 500, 100)], 10_000);
    expect(ids(picked)).toEqual(['c', 'b', 'a']);
  });

  it('equal rates keep arrival order', () => {
    expect(ids(selectPackages([e('x', 100, 100), e('y', 200, 200), e('z', 50, 50)], 10_000))).toEqual(['x', 'y', 'z']);
  });

  it('a parent that went in on its own: its child is scored again alone', () => {
    // rich parent (1,000 sat / 100 B) goes first; the child (20 sat / 100 B) then rates 0.2 sat/B,
    // below the stranger's 0.5 sat/B, though with its parent its package rated 5.1 sat/B.
    const picked = selectPackages([e('rich', 1000, 100), e('kid', 20, 100, ['rich']), e('stranger', 50, 100)], 10_000);
    expect(ids(picked)).toEqual(['rich', 'stranger', 'kid']);
  });

  it('a package that does not fit is skipped; smaller ones behind it still go in', () => {
    const picked = selectPackages([e('big', 10_000, 900), e('small', 100, 100), e('tiny', 10, 50)], 500);
    expect(ids(picked)).toEqual(['small', 'tiny']);
  });

  it('parents always come before their children, whatever the rates', () => {
    const entries = [e('g', 0, 100), e('p', 0, 100, ['g']), e('c', 1_000, 100, ['p']), e('u', 5, 10)];
    const picked = ids(selectPackages(entries, 10_000));
    expect(picked.indexOf('g')).toBeLessThan(picked.indexOf('p'));
    expect(picked.indexOf('p')).toBeLessThan(picked.indexOf('c'));
    expect(picked).toEqual(['g', 'p', 'c', 'u']);
  });
});

describe('block template on a real mempool', () => {
  const CREATOR = testKey('PKG_CREATOR');
  const ALICE = testKey('PKG_ALICE');
  const BOB = testKey('PKG_BOB');

  it('a fee-less payment whose child pays a high fee is mined before a payment with a small fee', () => {
    const tc = new TestChain(testParams(CREATOR));
    tc.mineAndAdd(ALICE, []); // ALICE gets a coin of her own (regtest: mature at once)
    const parent = tc.pay(CREATOR, BOB, 3); // no fee
    tc.mempool.accept(parent, tc.now);
    const small = tc.pay(ALICE, CREATOR, 1, 100n);
    tc.mempool.accept(small, tc.now);
    const child = tc.pay(BOB, ALICE, 1, 10_000n);
    tc.mempool.accept(child, tc.now);
    const block = blockTemplate(tc.chain, tc.mempool, CREATOR.pubkeyHash, tc.now);
    expect(block.txs.slice(1).map(txidHex)).toEqual([parent, child, small].map(txidHex));
  });
});

describe('TxOrphanage', () => {
  const CREATOR = testKey('ORPH_CREATOR');
  const ALICE = testKey('ORPH_ALICE');
  const other = new TestChain(testParams(CREATOR));
  const parent = other.pay(CREATOR, ALICE, 5);
  other.mempool.accept(parent, other.now);
  const children: Tx[] = Array.from({ length: MAX_ORPHAN_TXS + 1 }, (_, i) => other.pay(ALICE, CREATOR, 1, BigInt(i)));

  it('finds the orphans spending a transaction, and forgets them with the peer that sent them or a block', () => {
    const o = new TxOrphanage();
    o.add(children[0]!, 'A', 0);
    o.add(children[1]!, 'B', 0);
    expect(o.childrenOf(parent).map((x) => x.txid)).toEqual([txidHex(children[0]!), txidHex(children[1]!)]);
    expect(o.removeFrom('A')).toBe(1);
    expect(o.removeForBlock([children[1]!])).toEqual([txidHex(children[1]!)]);
    expect(o.size).toBe(0);
    expect(o.childrenOf(parent)).toEqual([]);
  });

  it(`holds at most ${MAX_ORPHAN_TXS}, evicting the one \`pick\` names, and forgets orphans older than 20 minutes`, () => {
    const o = new TxOrphanage(MAX_ORPHAN_TXS, (n) => n - 1); // evict the newest
    for (const c of children.slice(0, MAX_ORPHAN_TXS)) o.add(c, 'A', 100);
    const { evicted } = o.add(children[MAX_ORPHAN_TXS]!, 'A', 100);
    expect(evicted).toEqual([txidHex(children[MAX_ORPHAN_TXS - 1]!)]);
    expect(o.size).toBe(MAX_ORPHAN_TXS);
    expect(o.expire(100 + ORPHAN_TX_EXPIRE - 1)).toBe(0);
    expect(o.expire(100 + ORPHAN_TX_EXPIRE)).toBe(MAX_ORPHAN_TXS);
  });
});
