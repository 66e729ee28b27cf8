/**
 * BIP 152 compact block relay against fake peers: CompactRelay and BlockSync on a real chain and
 * mempool. Each story is one rule of Core's: who is asked to push blocks (high-bandwidth), how a
 * compact block is rebuilt from the mempool and completed with getblocktxn / blocktxn, when the
 * whole block is asked for instead, what is punished, and how blocks are served compactly.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, FakePeers } from '../../../helpers/fakePeers';
import { TestChain, makeBlock, testKey, testParams, unsolve } from '../../../helpers/chainBuilder';
import { BlockSync } from '../../../../src/node/sync/blockSync';
import { CompactRelay, MAX_BLOCKTXN_DEPTH, MAX_CMPCTBLOCK_DEPTH, MAX_HB_PEERS, onSendCmpct } from '../../../../src/node/sync/compact';
import { syncState } from '../../../../src/node/sync/syncState';
import { MIN_PEER_PROTO_VERSION, MSG_BLOCK, MSG_CMPCT_BLOCK, PROTOCOL_VERSION, compactFromBlock, type CompactBlock } from '../../../../src/node/wire/messages';
import { blockHashHex, txidHex, type Block, type Tx } from '../../../../src/core';
import type { NodeEvent } from '../../../../src/node/events';
import type { Peer } from '../../../../src/node/net/peer';

const CREATOR = testKey('SVC_CMPCT_CREATOR');
const MINER = testKey('SVC_CMPCT_MINER');
const PARAMS = testParams(CREATOR);
const NEW = { version: PROTOCOL_VERSION };

/** Our node (chain, mempool, BlockSync, CompactRelay) and the network's chain `net`, both at genesis. */
function setup() {
  const host = new FakeHost();
  const peers = new FakePeers(host);
  const ours = new TestChain(PARAMS);
  const net = new TestChain(PARAMS);
  const sync: BlockSync = new BlockSync(ours.chain, peers, host.clock, host.timing, host.bus, {
    afterBlock: (r) => ours.mempool.handleChainEvents(r.events, Math.floor(host.clock.now() / 1000)),
    onTipChanged: (events, from) => {
      if (!sync.downloading(from)) sync.announce(events, from);
    },
  });
  const compact = new CompactRelay(ours.chain, ours.mempool, sync, peers, host.clock, host.random, host.bus);
  sync.compact = compact;
  peers.onPeerClosed = (p) => {
    compact.onPeerClosed(p);
    sync.onPeerClosed(p);
  };
  let messageId = 0;
  /** A ready peer that speaks compact blocks (it said `sendcmpct 0 1`). */
  const connect = (id: string) => {
    const p = peers.connect(id, NEW);
    compact.onReady(p);
    onSendCmpct(p, false, 1n);
    return p;
  };
  const cmpct = (p: Peer, c: CompactBlock) => compact.onCmpctBlock(p, c, messageId++);
  const blocktxn = (p: Peer, hash: string, txs: Tx[]) => compact.onBlockTxn(p, hash, txs, messageId++);
  const events = () => host.events.filter((e): e is Extract<NodeEvent, { type: 'compact-block' }> => e.type === 'compact-block');
  /** Three payments the network mines next: all relayed to our mempool, or only some. */
  const payments = (relayed: number) => {
    const txs: Tx[] = [];
    for (let i = 0; i < 3; i++) {
      const tx = net.pay(CREATOR, MINER, 1);
      net.mempool.accept(tx, net.now);
      if (i < relayed) ours.mempool.accept(tx, ours.now);
      txs.push(tx);
    }
    return txs;
  };
  return { host, peers, ours, net, sync, compact, connect, cmpct, blocktxn, events, payments };
}

describe('high-bandwidth peers', () => {
  it('after the handshake, a peer of our version hears sendcmpct 0 1; an older one hears nothing', () => {
    const { peers, compact } = setup();
    compact.onReady(peers.connect('A', NEW));
    compact.onReady(peers.connect('O', { version: MIN_PEER_PROTO_VERSION }));
    expect(peers.link('A').got('sendcmpct')).toEqual([{ command: 'sendcmpct', announce: false, version: 1n }]);
    expect(peers.link('O').sent).toEqual([]);
  });

  it(`the peer that gave us a new tip is asked to push blocks; the ${MAX_HB_PEERS + 1}th pushes out the oldest`, () => {
    const { peers, net, connect, cmpct, compact } = setup();
    const ids = Array.from({ length: MAX_HB_PEERS + 1 }, (_, i) => `P${i}`);
    const ps = ids.map(connect);
    ps.forEach((p, i) => {
      const b = net.mineAndAdd(MINER, []);
      cmpct(p, compactFromBlock(b, BigInt(i)));
      expect(peers.link(p.id).got('sendcmpct').at(-1)).toEqual({ command: 'sendcmpct', announce: true, version: 1n });
    });
    expect(compact.highBandwidthPeers).toEqual(ids.slice(1));
    expect(peers.link('P0').got('sendcmpct').map((m) => m.announce)).toEqual([false, true, false]);
  });
});

describe('rebuilding a compact block', () => {
  it('from a mempool that holds every payment: connected at once, nothing fetched', () => {
    const { peers, ours, net, connect, cmpct, events, payments } = setup();
    const txs = payments(3);
    const b = net.mineAndAdd(MINER, txs);
    const A = connect('A');
    cmpct(A, compactFromBlock(b, 1n));
    expect(ours.chain.tip.hash).toBe(blockHashHex(b.header));
    expect(peers.link('A').got('getblocktxn')).toEqual([]);
    expect(events()).toMatchObject([{ stage: 'reconstructed', total: 4, prefilled: 1, mempool: 3, missing: 0 }]);
    expect(ours.mempool.size).toBe(0);
  });

  it('missing payments are asked for by index (getblocktxn) and the blocktxn completes the block', () => {
    const { peers, ours, net, connect, cmpct, blocktxn, events, payments } = setup();
    const txs = payments(1);
    const b = net.mineAndAdd(MINER, txs);
    const hash = blockHashHex(b.header);
    const A = connect('A');
    cmpct(A, compactFromBlock(b, 1n));
    expect(peers.link('A').got('getblocktxn')).toEqual([{ command: 'getblocktxn', hash, indexes: [2, 3] }]);
    expect(ours.chain.height).toBe(0);
    blocktxn(A, hash, [txs[1]!, txs[2]!]);
    expect(ours.chain.tip.hash).toBe(hash);
    expect(events().map((e) => [e.stage, e.mempool, e.missing, e.fetched])).toEqual([['fetching', 1, 2, 0], ['filled', 1, 2, 2]]);
  });

  it('a compact block asked of one peer, pushed complete by another: rebuilt from the second, the first request dropped', () => {
    const { peers, ours, net, connect, cmpct, payments, sync } = setup();
    const txs = payments(3);
    const b = net.mineAndAdd(MINER, txs);
    const hash = blockHashHex(b.header);
    const A = connect('A');
    const B = connect('B');
    sync.request(A, [{ type: MSG_CMPCT_BLOCK, hash }]);
    cmpct(B, compactFromBlock(b, 2n));
    expect(ours.chain.tip.hash).toBe(hash);
    expect(A.blocksInFlight.size).toBe(0);
    expect(peers.link('B').got('getblocktxn')).toEqual([]);
  });

  it('…but one that would need fetching waits for the peer asked first', () => {
    const { ours, net, connect, cmpct, payments, sync } = setup();
    const txs = payments(1);
    const b = net.mineAndAdd(MINER, txs);
    const hash = blockHashHex(b.header);
    const A = connect('A');
    const B = connect('B');
    sync.request(A, [{ type: MSG_CMPCT_BLOCK, hash }]);
    cmpct(B, compactFromBlock(b, 2n));
    expect(ours.chain.height).toBe(0);
    expect(sync.requestedOf(hash)).toBe('A');
  });

  it('a blocktxn nobody asked for, or from another peer, is ignored', () => {
    const { ours, net, connect, cmpct, blocktxn, payments } = setup();
    const txs = payments(1);
    const b = net.mineAndAdd(MINER, txs);
    const hash = blockHashHex(b.header);
    const A = connect('A');
    const B = connect('B');
    blocktxn(A, hash, [txs[1]!, txs[2]!]);
    cmpct(A, compactFromBlock(b, 1n));
    blocktxn(B, hash, [txs[1]!, txs[2]!]);
    expect(ours.chain.height).toBe(0);
    expect(B.closed).toBe(false);
  });

  it('a blocktxn with the wrong number of transactions is punished', () => {
    const { host, net, connect, cmpct, blocktxn, payments } = setup();
    const txs = payments(1);
    const b = net.mineAndAdd(MINER, txs);
    const A = connect('A');
    cmpct(A, compactFromBlock(b, 1n));
    blocktxn(A, blockHashHex(b.header), [txs[1]!]);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'blocktxn-mismatch', punish: true }]);
  });

  it('two equal short ids in the block: the whole block is asked of the same peer, and nobody is punished', () => {
    const { host, peers, ours, net, connect, cmpct, payments, sync } = setup();
    const txs = payments(3);
    const b = net.mineAndAdd(MINER, txs);
    const c = compactFromBlock(b, 1n);
    const A = connect('A');
    cmpct(A, { ...c, shortIds: [c.shortIds[0]!, c.shortIds[0]!, c.shortIds[2]!] });
    expect(peers.link('A').got('getdata').at(-1)!.items).toEqual([{ type: MSG_BLOCK, hash: blockHashHex(b.header) }]);
    expect(host.refusals).toEqual([]);
    sync.onBlock(A, b, 99);
    expect(ours.chain.height).toBe(1);
  });

  it('a prefilled index past the end of the block is punished (invalid compact block)', () => {
    const { host, net, connect, cmpct } = setup();
    const b = net.mineAndAdd(MINER, []);
    const c = compactFromBlock(b, 1n);
    const A = connect('A');
    cmpct(A, { ...c, prefilled: [{ index: 3, tx: b.txs[0]! }] });
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'invalid-cmpctblock', punish: true }]);
  });

  it('a compact block whose header fails proof of work is punished', () => {
    const { host, net, connect, cmpct } = setup();
    const bad = unsolve(net.mine(MINER, []));
    cmpct(connect('A'), compactFromBlock(bad, 1n));
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'high-hash', punish: true }]);
  });

  it('a compact block on a parent we do not know asks for the headers in between', () => {
    const { peers, ours, net, connect, cmpct } = setup();
    net.mineAndAdd(MINER, []);
    const b2 = net.mineAndAdd(MINER, []);
    const A = connect('A');
    cmpct(A, compactFromBlock(b2, 1n));
    expect(peers.link('A').got('getheaders')).toMatchObject([{ stop: blockHashHex(b2.header) }]);
    expect(ours.chain.height).toBe(0);
  });
});

describe('serving compact blocks', () => {
  function served(n: number) {
    const s = setup();
    const blocks: Block[] = [];
    for (let i = 0; i < n; i++) {
      const b = makeBlock(s.ours, MINER, []);
      s.ours.add(b, true);
      s.ours.now += 60;
      blocks.push(b);
    }
    const A = s.connect('A');
    return { ...s, blocks, A };
  }

  it(`getdata MSG_CMPCT_BLOCK: a compact block within ${MAX_CMPCTBLOCK_DEPTH} of the tip, the whole block deeper`, async () => {
    const { peers, ours, blocks, A, compact } = served(MAX_CMPCTBLOCK_DEPTH + 3);
    const { serveGetData } = await import('../../../../src/node/sync/serve');
    const tip = blockHashHex(blocks.at(-1)!.header);
    const deep = blockHashHex(blocks[0]!.header);
    serveGetData(A, [{ type: MSG_CMPCT_BLOCK, hash: tip }, { type: MSG_CMPCT_BLOCK, hash: deep }], ours.chain, ours.mempool, () => {}, undefined, compact);
    expect(peers.link('A').commands().slice(-2)).toEqual(['cmpctblock', 'block']);
  });

  it(`getblocktxn: the transactions asked for; an index out of range is punished; deeper than ${MAX_BLOCKTXN_DEPTH}, the whole block`, () => {
    const { host, peers, ours, compact } = setup();
    const txs: Tx[] = [];
    for (let i = 0; i < 2; i++) {
      const tx = ours.pay(CREATOR, MINER, 1);
      ours.mempool.accept(tx, ours.now);
      txs.push(tx);
    }
    const first = ours.mineAndAdd(MINER, txs);
    for (let i = 0; i < MAX_BLOCKTXN_DEPTH; i++) ours.mineAndAdd(MINER, []);
    const A = peers.connect('A', NEW);
    const hash = blockHashHex(first.header);
    compact.onGetBlockTxn(A, hash, [1, 2], 1);
    expect(peers.link('A').got('blocktxn')[0].txs.map(txidHex)).toEqual(txs.map(txidHex));
    ours.mineAndAdd(MINER, []);
    compact.onGetBlockTxn(A, hash, [1], 2);
    expect(peers.link('A').commands().at(-1)).toBe('block');
    compact.onGetBlockTxn(A, blockHashHex(ours.chain.tip.header), [1], 3);
    expect(host.refusals).toMatchObject([{ peer: 'A', code: 'getblocktxn-out-of-bounds', punish: true }]);
  });
});

describe('announcing a new block, as each peer asked', () => {
  it('a high-bandwidth peer gets the compact block, a sendheaders peer the header, an old peer an inv; never the sender', () => {
    const { peers, net, connect, cmpct } = setup();
    const from = connect('F');
    const hb = connect('H');
    syncState(hb).cmpctPush = true;
    const hdr = connect('S');
    syncState(hdr).sendHeaders = true;
    peers.connect('O', { version: MIN_PEER_PROTO_VERSION });
    const b = net.mineAndAdd(MINER, []);
    for (const p of [hb, hdr]) p.remember(net.chain.genesis.hash); // they have the parent
    cmpct(from, compactFromBlock(b, 1n));
    expect(peers.link('H').got('cmpctblock')).toHaveLength(1);
    expect(peers.link('S').got('headers')[0].headers.map(blockHashHex)).toEqual([blockHashHex(b.header)]);
    expect(peers.link('O').got('inv')[0].items).toEqual([{ type: MSG_BLOCK, hash: blockHashHex(b.header) }]);
    expect(peers.link('F').got('cmpctblock').concat(peers.link('F').got('headers') as never)).toEqual([]);
  });
});
