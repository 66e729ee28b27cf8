/**
 * Headers-first sync as a state machine: BlockSync (with its HeaderSync and BlockQueue) on a real
 * chain, peers fake and speaking BIP 130's version, every message it sends decoded from the
 * peer's link. Each story names one rule: whom headers are asked of, what a batch of headers
 * brings, what is fetched from whom inside the window, and what costs a peer its link.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, FakePeers, fakeHashes, hashesIn } from '../../../helpers/fakePeers';
import { TestChain, makeBlock, testKey, testParams, unsolve } from '../../../helpers/chainBuilder';
import { buildLongChain } from '../../../integration/support/longChain';
import { BlockSync } from '../../../../src/node/sync/blockSync';
import { HEADER_SLICE, MAX_UNCONNECTING_HEADERS, type DownloadLimits } from '../../../../src/node/sync/headerSync';
import { syncState } from '../../../../src/node/sync/syncState';
import { MAX_HEADERS, MSG_BLOCK, MSG_CMPCT_BLOCK, PROTOCOL_VERSION, ZERO_HASH } from '../../../../src/node/wire/messages';
import { blockHashHex, type Block, type BlockHeader } from '../../../../src/core';
import type { Peer } from '../../../../src/node/net/peer';

const CREATOR = testKey('SVC_HDR_CREATOR');
const MINER = testKey('SVC_HDR_MINER');
const PARAMS = testParams(CREATOR);
/** A peer of our version: headers-first. */
const NEW = { version: PROTOCOL_VERSION };

function setup(limits?: Partial<DownloadLimits>) {
  const host = new FakeHost();
  const peers = new FakePeers(host);
  const ours = new TestChain(PARAMS);
  const sync: BlockSync = new BlockSync(ours.chain, peers, host.clock, host.timing, host.bus, {
    afterBlock: (r) => ours.mempool.handleChainEvents(r.events, Math.floor(host.clock.now() / 1000)),
    onTipChanged: (events, from) => {
      if (!sync.downloading(from)) sync.announce(events, from);
    },
  }, { window: 1024, perPeer: 64, stallerMs: 2_000, ...limits });
  peers.onPeerClosed = (p) => sync.onPeerClosed(p);
  let messageId = 0;
  const headers = (p: Peer, hs: BlockHeader[]) => sync.headers.onHeaders(p, hs, messageId++);
  const block = (p: Peer, b: Block) => sync.onBlock(p, b, messageId++);
  /** A ready headers-speaking peer, greeted as the router greets it (sendheaders, maybe getheaders). */
  const connect = (id: string, startHeight = 0) => {
    const p = peers.connect(id, { ...NEW, startHeight });
    sync.headers.onReady(p);
    sync.startSync();
    return p;
  };
  const tick = (ms: number) => {
    host.clock.advance(ms);
    sync.tick();
  };
  const asked = (id: string) => peers.link(id).got('getdata').flatMap(hashesIn);
  return { host, peers, ours, sync, headers, block, connect, tick, asked };
}

function networkBlocks(n: number): { blocks: Block[]; hashes: string[] } {
  const tc = new TestChain(PARAMS);
  const blocks = Array.from({ length: n }, () => tc.mineAndAdd(MINER, []));
  return { blocks, hashes: blocks.map((b) => blockHashHex(b.header)) };
}

describe('asking for headers', () => {
  it('a new peer hears sendheaders and a getheaders from our best header’s parent (so it sends our best back)', () => {
    const { peers, ours, connect } = setup();
    connect('A', 5);
    expect(peers.link('A').commands()).toEqual(['sendheaders', 'getheaders']);
    expect(peers.link('A').got('getheaders')[0]).toEqual({ command: 'getheaders', version: PROTOCOL_VERSION, locator: [ours.chain.genesis.hash], stop: ZERO_HASH });
  });

  it('while far behind, headers come from one peer; the others are asked once that sync ends', () => {
    const { peers, connect, headers } = setup();
    const { blocks } = networkBlocks(3);
    const A = connect('A', 3);
    connect('B', 3);
    expect(peers.link('B').got('getheaders')).toEqual([]);
    headers(A, blocks.map((b) => b.header)); // a short answer: A has nothing more
    expect(peers.link('B').got('getheaders')).toHaveLength(1);
    expect(peers.link('B').got('getheaders')[0].locator[0]).toBe(blockHashHex(blocks[1].header)); // from the best header's parent
  });

  it('a full answer of 2,000 headers is taken 250 at a time (one task each), then asks for the next ones from its last header', () => {
    const { host, peers, headers, connect, sync } = setup();
    const chain = buildLongChain(PARAMS, CREATOR, MAX_HEADERS + 5, { paymentsPerBlock: 0 });
    const A = connect('A', MAX_HEADERS + 5);
    headers(A, chain.blocks.slice(0, MAX_HEADERS).map((b) => b.header));
    expect(sync.tree.best.height).toBe(HEADER_SLICE);
    expect(peers.link('A').got('getdata')).toHaveLength(1); // the first blocks are asked for at once
    host.clock.advance(0);
    expect(sync.tree.best.height).toBe(MAX_HEADERS);
    const asks = peers.link('A').got('getheaders');
    expect(asks).toHaveLength(2);
    expect(asks[1].locator[0]).toBe(blockHashHex(chain.blocks[MAX_HEADERS - 1].header));
    headers(A, chain.blocks.slice(MAX_HEADERS).map((b) => b.header));
    expect(sync.tree.best.height).toBe(MAX_HEADERS + 5);
    expect(peers.link('A').got('getheaders')).toHaveLength(2);
  });

  it('a headers sync peer that goes quiet is replaced after the stall timeout; its claimed height is lowered', () => {
    const { host, peers, connect, tick, sync } = setup();
    const L = connect('L', 1000); // claims much, says nothing
    connect('C', 3);
    expect(sync.syncPeerId).toBe('L');
    tick(host.timing.stallTimeout + 1);
    expect(L.claimedHeight).toBe(0);
    expect(sync.syncPeerId).toBe('C');
    expect(peers.link('C').got('getheaders')).toHaveLength(1);
  });

  it('an inv of an unknown block asks for the headers up to it, not the block', () => {
    const { peers, connect, sync } = setup();
    const A = connect('A');
    peers.link('A').clear();
    const [h] = fakeHashes(1);
    sync.onInv(A, [h]);
    expect(peers.link('A').commands()).toEqual(['getheaders']);
    expect(peers.link('A').got('getheaders')[0].stop).toBe(h);
    expect(sync.counts().wantedBlocks).toBe(0);
  });
});

describe('headers that cost a peer', () => {
  it('headers that do not connect are answered with getheaders; ten in a row and the link closes (not discouraged)', () => {
    const { host, peers, connect, headers } = setup();
    const { blocks } = networkBlocks(3);
    const A = connect('A');
    peers.link('A').clear();
    for (let i = 1; i < MAX_UNCONNECTING_HEADERS; i++) headers(A, [blocks[2].header]);
    expect(peers.link('A').got('getheaders')).toHaveLength(MAX_UNCONNECTING_HEADERS - 1);
    expect(A.closed).toBe(false);
    headers(A, [blocks[2].header]);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'unconnecting-headers', punish: false }]);
    expect(A.closed).toBe(true);
  });

  it('headers that do not build on each other are punished, also across the slices a big batch is taken in', () => {
    const { host, connect, headers } = setup();
    const { blocks } = networkBlocks(3);
    const A = connect('A');
    headers(A, [blocks[0].header, blocks[2].header]);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'non-continuous-headers', punish: true }]);
    const chain = buildLongChain(PARAMS, CREATOR, HEADER_SLICE + 2, { paymentsPerBlock: 0 });
    const B = connect('B');
    // Header HEADER_SLICE + 1 builds on HEADER_SLICE - 1, a known header, not on the one before it.
    const hs = chain.blocks.map((b) => b.header);
    headers(B, [...hs.slice(0, HEADER_SLICE), hs[HEADER_SLICE + 1]!]);
    host.clock.advance(0);
    expect(host.refusals.at(-1)).toMatchObject({ peer: 'B', code: 'non-continuous-headers', punish: true });
  });

  it('a header with too little work is punished (high-hash); one from the future is not, and is not kept', () => {
    const { host, ours, connect, headers, sync } = setup();
    const A = connect('A');
    const bad = unsolve(makeBlock(ours, MINER, []));
    headers(A, [bad.header]);
    expect(host.refusals.at(-1)).toMatchObject({ peer: 'A', code: 'high-hash', punish: true });
    const B = connect('B');
    const later = Math.floor(host.clock.now() / 1000) + PARAMS.maxFutureBlockTime + 600;
    headers(B, [makeBlock(ours, MINER, [], { time: later }).header]);
    expect(host.refusals.at(-1)).toMatchObject({ peer: 'B', code: 'time-too-new', punish: false });
    expect(B.closed).toBe(false);
    expect(sync.tree.best.height).toBe(0);
  });
});

describe('downloading what the headers name', () => {
  it('blocks are fetched from every peer that has them at once, none twice, each peer within its limit', () => {
    const { connect, headers, asked, sync } = setup({ perPeer: 8 });
    const { blocks, hashes } = networkBlocks(20);
    const A = connect('A', 20);
    const B = connect('B', 20);
    headers(A, blocks.map((b) => b.header));
    headers(B, blocks.map((b) => b.header)); // B says it has the same chain
    expect(asked('A')).toEqual(hashes.slice(0, 8));
    expect(asked('B')).toEqual(hashes.slice(8, 16));
    expect(sync.inFlight).toBe(16);
  });

  it('blocks arriving out of order wait for their parents and connect in order', () => {
    const { ours, connect, headers, block, asked } = setup({ perPeer: 4 });
    const { blocks } = networkBlocks(8);
    const A = connect('A', 8);
    const B = connect('B', 8);
    headers(A, blocks.map((b) => b.header));
    headers(B, blocks.map((b) => b.header));
    for (const h of asked('B')) block(B, blocks.find((b) => blockHashHex(b.header) === h)!); // 5..8 first
    expect(ours.chain.height).toBe(0);
    expect(ours.chain.orphanHashes()).toEqual([]); // held by sync, not as orphans
    for (const h of asked('A')) block(A, blocks.find((b) => blockHashHex(b.header) === h)!);
    expect(ours.chain.height).toBe(8);
  });

  it(`nothing is asked beyond the window past our tip; the peer the window waits on is let go after the staller timeout`, () => {
    const { peers, connect, headers, asked, tick, block } = setup({ window: 6, perPeer: 4, stallerMs: 2_000 });
    const { blocks, hashes } = networkBlocks(12);
    const S = connect('S', 12);
    const C = connect('C', 12);
    headers(S, blocks.map((b) => b.header));
    headers(C, blocks.map((b) => b.header));
    expect(asked('S')).toEqual(hashes.slice(0, 4));
    expect(asked('C')).toEqual(hashes.slice(4, 6)); // the window ends at height 6
    // C delivers; its next blocks lie beyond the window, which waits on S's block 1.
    block(C, blocks[4]);
    block(C, blocks[5]);
    expect(asked('C')).toEqual(hashes.slice(4, 6));
    tick(1_999);
    expect(S.closed).toBe(false);
    tick(2); // 2 s after the window first waited on it (its own stall timeout, 4 s, is not up yet)
    expect(peers.link('S').closedWith).toBe('stalling block download window');
    expect(asked('C')).toEqual([...hashes.slice(4, 6), ...hashes.slice(0, 4)]);
  });

  it('a peer that answers notfound is not asked for that block again', () => {
    const { connect, headers, asked, sync } = setup();
    const { blocks, hashes } = networkBlocks(1);
    const A = connect('A', 1);
    headers(A, [blocks[0].header]);
    expect(asked('A')).toEqual(hashes);
    sync.onNotFound(A, hashes);
    sync.requestBlocks();
    expect(asked('A')).toEqual(hashes);
    expect(syncState(A).best?.height).toBe(0);
  });

  it('one new block on our tip from a compact-block peer is fetched as a compact block; far behind, whole', () => {
    const { connect, headers, peers, block } = setup();
    const { blocks } = networkBlocks(3);
    const A = connect('A', 1);
    syncState(A).cmpct = true;
    headers(A, [blocks[0].header]);
    expect(peers.link('A').got('getdata').at(-1)!.items).toEqual([{ type: MSG_CMPCT_BLOCK, hash: blockHashHex(blocks[0].header) }]);
    block(A, blocks[0]);
    headers(A, [blocks[1].header, blocks[2].header]); // two behind: whole blocks
    expect(peers.link('A').got('getdata').at(-1)!.items.map((i) => i.type)).toEqual([MSG_BLOCK, MSG_BLOCK]);
  });
});

describe('serving getheaders', () => {
  it('answers with up to 2,000 headers after the fork point, stopping at the stop hash; an empty locator asks for the stop block alone', () => {
    const { peers, ours, sync } = setup();
    const { blocks, hashes } = networkBlocks(5);
    for (const b of blocks) ours.add(b, true);
    const A = peers.connect('A', NEW);
    sync.headers.onGetHeaders(A, [hashes[1]!], ZERO_HASH);
    expect(peers.link('A').got('headers')[0].headers.map(blockHashHex)).toEqual(hashes.slice(2));
    sync.headers.onGetHeaders(A, [ours.chain.genesis.hash], hashes[2]!);
    expect(peers.link('A').got('headers')[1].headers.map(blockHashHex)).toEqual(hashes.slice(0, 3));
    sync.headers.onGetHeaders(A, [], hashes[3]!);
    expect(peers.link('A').got('headers')[2].headers.map(blockHashHex)).toEqual([hashes[3]]);
    expect(A.bestHeight).toBe(5); // what it was sent, it has now
  });
});
