/**
 * Block download as a state machine (btcd's netsync/manager_test.go): BlockSync on a real chain,
 * its peers fake, every message it sends decoded from the peer's link. Each story names one rule
 * of what to ask, of whom, when to give up on a peer and what never to ask again.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, FakePeers, fakeHashes, hashesIn } from '../../../helpers/fakePeers';
import { TestChain, makeBlock, testKey, testParams, unsolve } from '../../../helpers/chainBuilder';
import { buildLongChain } from '../../../integration/support/longChain';
import { BlockSync } from '../../../../src/node/sync/blockSync';
import { GETBLOCKS_LIMIT, MAX_BLOCKS_IN_FLIGHT } from '../../../../src/node/config';
import { MSG_BLOCK, PROTOCOL_VERSION, ZERO_HASH } from '../../../../src/node/wire/messages';
import { blockHashHex, type Block } from '../../../../src/core';
import type { Peer } from '../../../../src/node/net/peer';

const CREATOR = testKey('SVC_SYNC_CREATOR');
const MINER = testKey('SVC_SYNC_MINER');
const PARAMS = testParams(CREATOR);

/** Our node's chain (genesis only), BlockSync over fake peers, wired as FullNode wires it. */
function setup() {
  const host = new FakeHost();
  const peers = new FakePeers(host);
  const ours = new TestChain(PARAMS);
  const sync: BlockSync = new BlockSync(ours.chain, peers, host.clock, host.timing, host.bus, {
    afterBlock: (r) => ours.mempool.handleChainEvents(r.events, Math.floor(host.clock.now() / 1000)),
    onTipChanged: (events, from) => {
      if (!sync.downloading(from)) sync.announce(events, from);
    },
  });
  peers.onPeerClosed = (p) => sync.onPeerClosed(p);
  let messageId = 0;
  /** A peer's inv of blocks, as the router hands it over (the peer now knows those hashes). */
  const inv = (p: Peer, hashes: string[]) => {
    for (const h of hashes) p.remember(h);
    sync.onInv(p, hashes);
  };
  const block = (p: Peer, b: Block) => sync.onBlock(p, b, messageId++);
  /** Lets time pass and runs the node's housekeeping tick. */
  const tick = (ms: number) => {
    host.clock.advance(ms);
    sync.tick();
  };
  return { host, peers, ours, sync, inv, block, tick };
}

/** Blocks of the network's chain that our node does not have yet. */
function networkBlocks(n: number): { tc: TestChain; blocks: Block[]; hashes: string[] } {
  const tc = new TestChain(PARAMS);
  const blocks = Array.from({ length: n }, () => tc.mineAndAdd(MINER, []));
  return { tc, blocks, hashes: blocks.map((b) => blockHashHex(b.header)) };
}

describe('what to ask, and of whom', () => {
  it('an inv of three blocks is answered with one getdata for the three', () => {
    const { peers, inv } = setup();
    const A = peers.connect('A');
    const [h1, h2, h3] = fakeHashes(3);
    inv(A, [h1, h2, h3]);
    expect(peers.link('A').got('getdata')).toEqual([
      { command: 'getdata', items: [h1, h2, h3].map((hash) => ({ type: MSG_BLOCK, hash })) },
    ]);
  });

  it('a block announced by two peers is asked of the first only', () => {
    const { peers, inv, sync } = setup();
    const A = peers.connect('A');
    const B = peers.connect('B');
    const [h] = fakeHashes(1);
    inv(A, [h]);
    inv(B, [h]);
    expect(peers.link('A').got('getdata').flatMap(hashesIn)).toEqual([h]);
    expect(peers.link('B').got('getdata')).toEqual([]);
    expect(sync.inFlight).toBe(1);
  });

  it(`at most ${MAX_BLOCKS_IN_FLIGHT} blocks are in flight with one peer, topped up only once half of them are in`, () => {
    const { peers, inv, sync } = setup();
    const A = peers.connect('A');
    const hashes = fakeHashes(400);
    inv(A, hashes);
    const link = peers.link('A');
    expect(link.got('getdata').map((g) => g.items.length)).toEqual([MAX_BLOCKS_IN_FLIGHT]);
    expect(A.blocksInFlight.size).toBe(MAX_BLOCKS_IN_FLIGHT);

    // 127 answered (here: notfound): 129 still in flight, more than half. Not topped up.
    sync.onNotFound(A, hashes.slice(0, 127));
    expect(A.blocksInFlight.size).toBe(MAX_BLOCKS_IN_FLIGHT - 127);
    expect(link.got('getdata')).toHaveLength(1);

    // One more: 128 in flight, half. Topped up to the limit again, in one getdata.
    sync.onNotFound(A, hashes.slice(127, 128));
    expect(link.got('getdata').map((g) => g.items.length)).toEqual([MAX_BLOCKS_IN_FLIGHT, 128]);
    expect(link.got('getdata')[1].items[0].hash).toBe(hashes[MAX_BLOCKS_IN_FLIGHT]); // oldest announced first
    expect(A.blocksInFlight.size).toBe(MAX_BLOCKS_IN_FLIGHT);
  });

  it('startSync asks the peer with the highest height, and nobody when no peer is ahead', () => {
    const { peers, sync, ours } = setup();
    peers.connect('A', { startHeight: 5 });
    peers.connect('B', { startHeight: 9 });
    peers.connect('C', { startHeight: 7 });
    sync.startSync();
    expect(sync.syncPeerId).toBe('B');
    expect(peers.link('B').got('getblocks')).toEqual([{ command: 'getblocks', version: PROTOCOL_VERSION, locator: ours.chain.locator(), stop: ZERO_HASH }]);
    expect(['A', 'C'].flatMap((id) => peers.link(id).got('getblocks'))).toEqual([]);

    const level = setup();
    level.peers.connect('L', { startHeight: 0 });
    level.sync.startSync();
    expect(level.sync.syncPeerId).toBeNull();
    expect(level.peers.link('L').sent).toEqual([]);
  });

  it('a full answer of 500 hashes brings the next getblocks from its last hash, at most one batch ahead of the download', () => {
    const { peers, sync, ours, inv, block } = setup();
    const chain = buildLongChain(PARAMS, CREATOR, 2 * GETBLOCKS_LIMIT, { paymentsPerBlock: 0 });
    const byHash = new Map(chain.blocks.map((b) => [blockHashHex(b.header), b]));
    const hashes = [...byHash.keys()];
    const S = peers.connect('S', { startHeight: 2 * GETBLOCKS_LIMIT });
    const link = peers.link('S');
    sync.startSync();
    expect(link.got('getblocks')).toHaveLength(1);

    // The first full batch: nothing of it has arrived, but the next batch is asked for at once.
    inv(S, hashes.slice(0, GETBLOCKS_LIMIT));
    expect(link.got('getblocks')).toHaveLength(2);
    expect(link.got('getblocks')[1].locator[0]).toBe(hashes[GETBLOCKS_LIMIT - 1]);

    // The second full batch: a thousand announced, none arrived — no third getblocks yet.
    inv(S, hashes.slice(GETBLOCKS_LIMIT));
    expect(link.got('getblocks')).toHaveLength(2);

    // The peer delivers what it is asked for, one block at a time.
    const asked: string[] = [];
    let getdataSeen = 0;
    const getblocksAfter: number[] = [];
    for (let delivered = 1; ; delivered++) {
      for (const g of link.got('getdata').slice(getdataSeen)) asked.push(...hashesIn(g));
      getdataSeen = link.got('getdata').length;
      const next = asked.shift();
      if (!next) break;
      const before = link.got('getblocks').length;
      block(S, byHash.get(next)!);
      if (link.got('getblocks').length > before) getblocksAfter.push(delivered);
    }
    expect(ours.chain.height).toBe(2 * GETBLOCKS_LIMIT);
    // Asked again once no more than a batch was outstanding, from the last hash announced.
    expect(getblocksAfter).toEqual([GETBLOCKS_LIMIT]);
    expect(link.got('getblocks')[2].locator[0]).toBe(hashes[2 * GETBLOCKS_LIMIT - 1]);
  });
});

describe('peers that fail us', () => {
  it('a peer that delivers none of its blocks for stallTimeout is disconnected; the other announcer is asked', () => {
    const { host, peers, inv, tick } = setup();
    const A = peers.connect('A');
    const B = peers.connect('B');
    const [h] = fakeHashes(1);
    inv(A, [h]);
    inv(B, [h]);
    expect(peers.link('A').got('getdata').flatMap(hashesIn)).toEqual([h]);

    tick(host.timing.stallTimeout);
    expect(A.closed).toBe(false);
    tick(1);
    expect(peers.link('A').closedWith).toBe('stalling block download');
    expect(peers.link('B').got('getdata').flatMap(hashesIn)).toEqual([h]);
    expect(B.closed).toBe(false);
  });

  it('a peer that leaves takes with it what only it announced; what others announced is asked of them', () => {
    const { peers, inv, sync } = setup();
    const A = peers.connect('A');
    const B = peers.connect('B');
    const [onlyA, both] = fakeHashes(2);
    inv(A, [onlyA, both]);
    inv(B, [both]);
    expect(sync.counts().wantedBlocks).toBe(2);

    A.close('gone');
    expect(sync.counts()).toMatchObject({ wantedBlocks: 1, blocksInFlight: 1 });
    expect(peers.link('B').got('getdata').flatMap(hashesIn)).toEqual([both]);
  });

  it("a block refused for a consensus rule is never asked for again, whoever announces it", () => {
    const { host, peers, inv, block, sync } = setup();
    const { tc } = networkBlocks(0);
    const bad = unsolve(tc.mine(MINER, []));
    const hash = blockHashHex(bad.header);
    const A = peers.connect('A');
    inv(A, [hash]);
    block(A, bad);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'high-hash', punish: true, hash }]);
    expect(A.closed).toBe(true);

    const B = peers.connect('B');
    inv(B, [hash]);
    expect(peers.link('B').got('getdata')).toEqual([]);
    expect(sync.counts()).toMatchObject({ wantedBlocks: 0, recentlyRejected: 1 });
  });
});

describe('blocks nobody asked for', () => {
  it('an unrequested block with less work than our tip is refused (unrequested-block); one that extends the tip is taken', () => {
    const { host, peers, ours, block, inv } = setup();
    const { blocks } = networkBlocks(3);
    ours.add(blocks[0], true);
    ours.add(blocks[1], true);
    const side = makeBlock(ours, MINER, [], { parent: ours.chain.genesis.hash, tag: 'side' });
    const A = peers.connect('A');

    block(A, side);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'unrequested-block', punish: false }]);
    expect(ours.chain.getEntry(blockHashHex(side.header))).toBeUndefined();
    expect(A.closed).toBe(false);

    // The same side block, asked for, is stored as a side branch.
    inv(A, [blockHashHex(side.header)]);
    block(A, side);
    expect(ours.chain.getEntry(blockHashHex(side.header))).toMatchObject({ height: 1, status: 'valid' });
    expect(host.refusals).toHaveLength(1);

    // A miner pushing its new block on our tip needs no request.
    block(A, blocks[2]);
    expect(ours.chain.height).toBe(3);
  });

  it('an orphan makes us ask its sender for the blocks between our tip and the orphan root', () => {
    const { peers, ours, block, inv } = setup();
    const { blocks, hashes } = networkBlocks(3);
    const A = peers.connect('A');
    block(A, blocks[2]);
    expect(ours.chain.orphanHashes()).toEqual([hashes[2]]);
    // The orphan root is the parent we lack (block 2): getblocks stops there.
    expect(peers.link('A').got('getblocks')).toEqual([{ command: 'getblocks', version: PROTOCOL_VERSION, locator: ours.chain.locator(), stop: hashes[1] }]);

    inv(A, hashes.slice(0, 2));
    block(A, blocks[0]);
    block(A, blocks[1]);
    expect(ours.chain.height).toBe(3); // the orphan connected after its parents
  });

  it('a block from the future is held and taken when its time comes', () => {
    const { host, peers, ours, block, tick, sync } = setup();
    const early = Math.floor(host.clock.now() / 1000) + PARAMS.maxFutureBlockTime + 60;
    const future = makeBlock(ours, MINER, [], { time: early });
    const A = peers.connect('A');
    block(A, future);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'time-too-new', punish: false }]);
    expect(sync.counts().deferred).toBe(1);
    expect(ours.chain.height).toBe(0);

    tick(59_000);
    expect(ours.chain.height).toBe(0);
    tick(1_000);
    expect(ours.chain.height).toBe(1);
    expect(sync.counts().deferred).toBe(0);
    expect(A.closed).toBe(false);
  });
});

describe('announcing a new tip', () => {
  it('a new block is announced to every ready peer but its sender and those that already know it', () => {
    const { peers, block, inv } = setup();
    const { blocks, hashes } = networkBlocks(1);
    const A = peers.connect('A');
    peers.connect('B');
    const C = peers.connect('C');
    peers.handshaking('D');
    C.remember(hashes[0]);
    inv(A, hashes);
    block(A, blocks[0]);
    expect(peers.link('B').got('inv')).toEqual([{ command: 'inv', items: [{ type: MSG_BLOCK, hash: hashes[0] }] }]);
    expect(peers.link('A').got('inv')).toEqual([]);
    expect(peers.link('C').got('inv')).toEqual([]);
    expect(peers.link('D').got('inv')).toEqual([]);
  });
});
