/**
 * Transaction relay against fake peers: one announcer asked at a time with the others kept as
 * fallbacks (Core's TxRequestTracker idea), refused transactions remembered until the tip moves,
 * relay to the peers that want it, and the whole mempool offered to a newcomer.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, FakePeers, hashesIn } from '../../../helpers/fakePeers';
import { TestChain, outKey, payTo, spendTx, testKey, testParams } from '../../../helpers/chainBuilder';
import { TxRelay } from '../../../../src/node/sync/txRelay';
import { MSG_TX } from '../../../../src/node/wire/messages';
import { MAX_ORPHAN_TXS, ORPHAN_TX_EXPIRE, toHex, txidHex, type Tx } from '../../../../src/core';
import type { Peer } from '../../../../src/node/net/peer';
import type { Timing } from '../../../../src/node/config';

const CREATOR = testKey('SVC_TX_CREATOR');
const ALICE = testKey('SVC_TX_ALICE');
const BOB = testKey('SVC_TX_BOB');
const PARAMS = testParams(CREATOR);

/** Our mempool on a chain at genesis (10 coins to CREATOR), TxRelay over fake peers. */
function setup(timing: Partial<Timing> = {}) {
  const host = new FakeHost({ timing });
  const peers = new FakePeers(host);
  const tc = new TestChain(PARAMS);
  let accepted = 0;
  const relay = new TxRelay(tc.mempool, peers, host.clock, host.timing, () => accepted++, undefined, host.random);
  peers.onPeerClosed = (p) => relay.onPeerClosed(p);
  let messageId = 0;
  /** A peer's inv of transactions, as the router hands it over (the peer now knows those hashes). */
  const inv = (p: Peer, hashes: string[]) => {
    for (const h of hashes) p.remember(h);
    relay.onInv(p, hashes);
  };
  const deliver = (p: Peer, tx: Tx) => relay.onTx(p, tx, messageId++);
  const asked = (id: string) => peers.link(id).got('getdata').flatMap(hashesIn);
  const tick = (ms: number) => {
    host.clock.advance(ms);
    relay.tick();
  };
  return { host, peers, tc, relay, inv, deliver, asked, tick, accepted: () => accepted };
}

/** CREATOR pays ALICE two coins (spending the genesis coin). */
function payment(tc: TestChain): Tx {
  return tc.pay(CREATOR, ALICE, 2);
}

/** The payment with one output lowered after signing: its signature no longer verifies (consensus). */
function forged(tx: Tx): Tx {
  return { ...tx, outputs: tx.outputs.map((o, i) => (i === 0 ? { ...o, value: o.value - 1n } : o)) };
}

describe('fetching announced transactions', () => {
  it('a transaction announced by two peers is asked of the first only', () => {
    const { peers, tc, inv, asked } = setup();
    const A = peers.connect('A');
    const B = peers.connect('B');
    const t = txidHex(payment(tc));
    inv(A, [t]);
    inv(B, [t]);
    expect(asked('A')).toEqual([t]);
    expect(asked('B')).toEqual([]);
  });

  it('notfound from the peer asked sends the request to the next announcer at once', () => {
    const { peers, tc, inv, asked, relay } = setup();
    const A = peers.connect('A');
    const B = peers.connect('B');
    const t = txidHex(payment(tc));
    inv(A, [t]);
    inv(B, [t]);
    relay.onNotFound(A, [t]);
    expect(asked('B')).toEqual([t]);
    expect(asked('A')).toEqual([t]); // not asked twice
  });

  it('no answer within stallTimeout sends the request to the next announcer', () => {
    const { host, peers, tc, inv, asked, tick } = setup();
    const A = peers.connect('A');
    const B = peers.connect('B');
    const t = txidHex(payment(tc));
    inv(A, [t]);
    inv(B, [t]);
    tick(host.timing.stallTimeout);
    expect(asked('B')).toEqual([]);
    tick(1);
    expect(asked('B')).toEqual([t]);
    expect(A.closed).toBe(false); // a slow peer is not punished for a transaction
  });

  it('a transaction refused for a consensus rule is not asked for again until the tip changes', () => {
    const { host, peers, tc, inv, deliver, asked, relay } = setup();
    const bad = forged(payment(tc));
    const t = txidHex(bad);
    const A = peers.connect('A');
    inv(A, [t]);
    deliver(A, bad);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: expect.stringMatching(/^mandatory-script-verify-flag-failed/), punish: true, hash: t }]);

    const B = peers.connect('B');
    inv(B, [t]);
    expect(asked('B')).toEqual([]);

    // A new tip can make a refused transaction valid (e.g. the coin it spends matured).
    relay.onTipChanged();
    inv(B, [t]);
    expect(asked('B')).toEqual([t]);
  });
});

describe('relaying and announcing', () => {
  it('with Core’s trickle, new transactions wait for each peer’s next announcement and go out together in one inv', () => {
    const { peers, tc, relay, tick } = setup({ txInvOutbound: 2_000, txInvInbound: 5_000 });
    peers.connect('A');
    peers.connect('B');
    const first = payment(tc);
    tc.mempool.accept(first, tc.now);
    relay.relay(txidHex(first), null);
    const second = tc.pay(ALICE, BOB, 1); // spends the first, still unconfirmed
    tc.mempool.accept(second, tc.now);
    relay.relay(txidHex(second), null);
    expect(peers.link('A').got('inv')).toEqual([]); // nothing at once
    for (let s = 0; s < 60; s++) tick(1_000);
    for (const id of ['A', 'B'])
      expect(peers.link(id).got('inv'), id).toEqual([{ command: 'inv', items: [first, second].map((tx) => ({ type: MSG_TX, hash: txidHex(tx) })) }]);
  });

  it('a queued announcement is dropped if the peer announces the same transaction first (Core checks its known filter when it sends)', () => {
    const { peers, tc, relay, inv, tick } = setup({ txInvOutbound: 2_000, txInvInbound: 5_000 });
    const A = peers.connect('A');
    peers.connect('B');
    const first = payment(tc);
    tc.mempool.accept(first, tc.now);
    relay.relay(txidHex(first), null);
    const second = tc.pay(ALICE, BOB, 1);
    tc.mempool.accept(second, tc.now);
    relay.relay(txidHex(second), null);
    inv(A, [txidHex(first)]); // while ours waits, A heard of the first elsewhere and tells us
    for (let s = 0; s < 60; s++) tick(1_000);
    expect(peers.link('A').got('inv')).toEqual([{ command: 'inv', items: [{ type: MSG_TX, hash: txidHex(second) }] }]);
    expect(peers.link('B').got('inv')).toEqual([{ command: 'inv', items: [first, second].map((tx) => ({ type: MSG_TX, hash: txidHex(tx) })) }]);
    relay.relay(txidHex(second), null); // relayed again (a reorg): both peers know it, nothing is queued
    for (let s = 0; s < 60; s++) tick(1_000);
    expect(peers.link('A').got('inv')).toHaveLength(1);
    expect(peers.link('B').got('inv')).toHaveLength(1);
  });

  it('an accepted transaction is announced to every ready peer except its sender and peers that asked for no relay', () => {
    const { peers, tc, inv, deliver, accepted } = setup();
    const tx = payment(tc);
    const t = txidHex(tx);
    const A = peers.connect('A');
    peers.connect('B');
    peers.connect('quiet', { relay: false });
    peers.handshaking('new');
    inv(A, [t]);
    deliver(A, tx);
    expect(tc.mempool.has(t)).toBe(true);
    expect(accepted()).toBe(1);
    expect(peers.link('B').got('inv')).toEqual([{ command: 'inv', items: [{ type: MSG_TX, hash: t }] }]);
    for (const id of ['A', 'quiet', 'new']) expect(peers.link(id).got('inv')).toEqual([]);
  });

  it('the sender of a new valid transaction is marked useful (eviction protection); a duplicate is not', () => {
    const { host, peers, tc, inv, deliver } = setup();
    const tx = payment(tc);
    const t = txidHex(tx);
    const A = peers.connect('A');
    const B = peers.connect('B');
    host.clock.advance(5_000);
    inv(A, [t]);
    deliver(A, tx);
    expect(A.lastUsefulTx).toBe(host.clock.now());
    deliver(B, tx);
    expect(host.refusals).toMatchObject([{ peer: 'B', code: 'txn-already-in-mempool', punish: false }]);
    expect(B.lastUsefulTx).toBe(0);
  });

  it('a peer that connects is offered the whole mempool, parents before children, minus what it knows', () => {
    const { peers, tc, relay } = setup();
    const parent = payment(tc);
    tc.mempool.accept(parent, tc.now);
    // A child whose txid sorts before its parent's, so only acceptance order puts the parent first.
    let child: Tx;
    for (let fee = 0n; ; fee++) {
      child = tc.pay(ALICE, BOB, 1, fee);
      if (txidHex(child) < txidHex(parent)) break;
    }
    tc.mempool.accept(child, tc.now);

    const fresh = peers.connect('fresh');
    relay.announceMempool(fresh);
    expect(peers.link('fresh').got('inv')).toEqual([{ command: 'inv', items: [parent, child].map((x) => ({ type: MSG_TX, hash: txidHex(x) })) }]);

    const knowing = peers.connect('knowing');
    knowing.remember(txidHex(parent));
    relay.announceMempool(knowing);
    expect(peers.link('knowing').got('inv').flatMap(hashesIn)).toEqual([txidHex(child)]);

    const quiet = peers.connect('quiet', { relay: false });
    relay.announceMempool(quiet);
    expect(peers.link('quiet').sent).toEqual([]);
  });
});

describe('orphan transactions (Core’s TxOrphanage)', () => {
  /** A parent (CREATOR pays ALICE) and its child (ALICE pays BOB from it), neither in our mempool. */
  function family(tc: TestChain): { parent: Tx; child: Tx } {
    const parent = payment(tc);
    const other = new TestChain(PARAMS);
    other.mempool.accept(parent, other.now);
    return { parent, child: other.pay(ALICE, BOB, 1) };
  }

  it('a child that arrives before its parent is kept, not refused; its parent is asked of the sender; both enter when it comes', () => {
    const { host, peers, tc, deliver, asked, relay, accepted } = setup();
    const { parent, child } = family(tc);
    const A = peers.connect('A');
    peers.connect('B');
    deliver(A, child);
    expect(host.refusals).toEqual([]);
    expect(tc.mempool.has(txidHex(child))).toBe(false);
    expect(relay.counts().orphanTxs).toBe(1);
    expect(asked('A')).toEqual([txidHex(parent)]);

    deliver(A, parent);
    expect(tc.mempool.has(txidHex(parent))).toBe(true);
    expect(tc.mempool.has(txidHex(child))).toBe(true);
    expect(relay.counts().orphanTxs).toBe(0);
    expect(accepted()).toBe(2);
    // Both are announced onward, but not back to the peer that sent them.
    expect(peers.link('B').got('inv').flatMap(hashesIn)).toEqual([txidHex(parent), txidHex(child)]);
    expect(peers.link('A').got('inv')).toEqual([]);
  });

  it('a child whose parent was refused is refused too (missing inputs), and not kept', () => {
    const { host, peers, tc, deliver, relay } = setup();
    const bad = forged(payment(tc));
    const vout = bad.outputs.findIndex((o) => toHex(o.script) === toHex(ALICE.script));
    const child = spendTx(ALICE, [{ key: outKey(bad, vout), coin: { script: ALICE.script } }], [payTo(BOB, 10_000n)]);
    const A = peers.connect('A');
    deliver(A, bad);
    deliver(A, child);
    expect(host.refusals.map((r) => r.code)).toEqual([expect.stringMatching(/^mandatory-script-verify-flag-failed/), 'bad-txns-inputs-missingorspent']);
    expect(relay.counts().orphanTxs).toBe(0);
  });

  it('when a block confirms the parent, the orphan enters the mempool', () => {
    const { peers, tc, deliver, relay } = setup();
    const { parent, child } = family(tc);
    deliver(peers.connect('A'), child);
    const block = tc.mine(CREATOR, [parent]);
    const r = tc.add(block, true);
    relay.onTipChanged(r.events);
    expect(tc.mempool.has(txidHex(child))).toBe(true);
    expect(relay.counts().orphanTxs).toBe(0);
  });

  it('orphans are bounded, expire after 20 minutes, and leave with the peer that sent them', () => {
    const { peers, deliver, relay, tick } = setup();
    const A = peers.connect('A');
    // 101 distinct children of transactions we do not have.
    const other = new TestChain(PARAMS);
    const parent = payment(other);
    other.mempool.accept(parent, other.now);
    for (let fee = 0n; fee <= BigInt(MAX_ORPHAN_TXS); fee++) deliver(A, other.pay(ALICE, BOB, 1, fee));
    expect(relay.counts().orphanTxs).toBe(MAX_ORPHAN_TXS);
    tick(ORPHAN_TX_EXPIRE * 1000 + 1000);
    expect(relay.counts().orphanTxs).toBe(0);
    deliver(A, other.pay(ALICE, BOB, 1, 999n));
    expect(relay.counts().orphanTxs).toBe(1);
    A.close('gone'); // FakePeers tells the relay (onPeerClosed)
    expect(relay.counts().orphanTxs).toBe(0);
  });
});
