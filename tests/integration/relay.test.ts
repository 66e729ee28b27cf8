/**
 * Relay: a new valid transaction or block is announced with inv to every peer not known to have
 * it, fetched with getdata, and delivered once per node; nothing invalid is passed on.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { testKey, TestChain, spendTx, payTo } from '../helpers/chainBuilder';
import { handshaken } from './support/rawPeer';
import { TimedNetwork } from './support/timedNetwork';
import { MSG_TX } from '../../src/node/wire/messages';
import { COIN, encodeBlock, p2shScript, txidHex } from '../../src/core';
import { MAX_PAYLOAD } from '../../src/node/wire/messages';
import type { MessageEvent, NodeEvent } from '../../src/node/events';
import type { FullNode } from '../../src/node/node';

const A = testKey('RELAY_A');
const B = testKey('RELAY_B');

const msgs = (log: NodeEvent[], dir: 'in' | 'out', command: string, hash?: string) =>
  log.filter((e): e is MessageEvent => e.type === 'message' && e.dir === dir && e.command === command && (!hash || !!e.hashes?.includes(hash)));

/** For every node: which peers did it announce `hash` to, and from whom did it first get it. */
function relayReport(tn: TestNetwork, hash: string, command: 'tx') {
  const out = new Map<string, { announcedTo: string[]; gotFrom: string[]; invFrom: string[] }>();
  for (const [id, log] of tn.events)
    out.set(id, {
      announcedTo: msgs(log, 'out', 'inv', hash).map((e) => e.peer),
      gotFrom: msgs(log, 'in', command, hash).map((e) => e.peer),
      invFrom: msgs(log, 'in', 'inv', hash).map((e) => e.peer),
    });
  return out;
}

/** Invariants of inv/getdata relay for one object, over every node. */
function expectCleanRelay(tn: TestNetwork, hash: string, command: 'tx', origin: string): void {
  const report = relayReport(tn, hash, command);
  for (const [id, r] of report) {
    // Each node received the object exactly once (the origin never).
    expect(r.gotFrom.length, `${id} received ${command}`).toBe(id === origin ? 0 : 1);
    // It never announced it back to the peer it came from, nor to a peer that announced it first.
    const log = tn.events.get(id)!;
    for (const a of msgs(log, 'out', 'inv', hash)) {
      expect(r.gotFrom.includes(a.peer), `${id} echoed to ${a.peer}`).toBe(false);
      const heardBefore = msgs(log, 'in', 'inv', hash).some((e) => e.peer === a.peer && e.id < a.id);
      expect(heardBefore, `${id} announced to ${a.peer}, which had announced it already`).toBe(false);
    }
    // Nobody is told twice by the same peer.
    expect(new Set(r.invFrom).size).toBe(r.invFrom.length);
    // Every delivery was asked for with getdata after an inv from that peer.
    const asked = msgs(tn.events.get(id)!, 'out', 'getdata', hash).map((e) => e.peer);
    expect(asked).toEqual(r.gotFrom);
    for (const p of asked) expect(r.invFrom).toContain(p);
  }
}

/** Who told whom about a block, whichever way (BIP 130 headers, BIP 152 cmpctblock, inv). */
const TOLD = ['inv', 'headers', 'cmpctblock'];
const told = (log: NodeEvent[], dir: 'in' | 'out', hash: string) => TOLD.flatMap((c) => msgs(log, dir, c, hash)).sort((a, b) => a.id - b.id);

/**
 * Invariants of block relay with compact blocks: every node connects the block once; it never
 * tells the block to the peer it heard it from first, nor to one that told it first; it asks for
 * it at most once; and nobody needs the whole block (its transactions were all relayed).
 */
function expectCleanBlockRelay(tn: TestNetwork, hash: string, origin: string): void {
  for (const [id, log] of tn.events) {
    const connected = log.filter((e) => e.type === 'chain' && e.event.type === 'block-connected' && e.event.entry.hash === hash);
    expect(connected, `${id} connected`).toHaveLength(1);
    expect(msgs(log, 'out', 'getdata', hash).length, `${id} asked`).toBeLessThanOrEqual(id === origin ? 0 : 1);
    expect(msgs(log, 'in', 'block', hash), `${id} got the whole block`).toEqual([]);
    const heard = told(log, 'in', hash);
    for (const a of told(log, 'out', hash)) {
      const before = heard.filter((e) => e.id < a.id).map((e) => e.peer);
      expect(before.includes(a.peer), `${id} told ${a.peer}, which had told it`).toBe(false);
    }
  }
}

async function star(seed: number) {
  const tn = new TestNetwork({ seed });
  const C = tn.add('C', 'central');
  C.send(tn.centralKey.address, A.address, 5n * COIN, { mine: true });
  await tn.settle();
  const nodes: FullNode[] = [C];
  nodes.push(tn.add('W1', 'wallet', { seeds: ['C'], keys: [A] }));
  nodes.push(tn.add('W2', 'wallet', { seeds: ['C'], keys: [B] }));
  nodes.push(tn.add('M', 'miner', { seeds: ['C'], mining: 'off' }));
  await tn.settle();
  return { tn, nodes };
}

async function mesh(seed: number, n: number) {
  const tn = new TestNetwork({ seed });
  const C = tn.add('C', 'central', { topology: 'mesh' });
  C.send(tn.centralKey.address, A.address, 5n * COIN, { mine: true });
  await tn.settle();
  const nodes: FullNode[] = [C];
  for (let i = 1; i < n; i++) nodes.push(tn.add(`N${i}`, i === 1 ? 'wallet' : 'miner', { seeds: ['C'], topology: 'mesh', mining: 'off', keys: i === 1 ? [A] : undefined }));
  await tn.settle();
  await tn.advance(5_000, 1_000);
  return { tn, nodes };
}

describe('transaction relay', () => {
  it('star: the wallet’s payment reaches every node once, through the central node', async () => {
    const { tn, nodes } = await star(41);
    const tx = nodes[1].send(A.address, B.address, 1n * COIN);
    await tn.settle();
    const id = txidHex(tx);
    for (const n of nodes) expect(n.mempool!.has(id), n.id).toBe(true);
    expectCleanRelay(tn, id, 'tx', 'W1');
    expect(relayReport(tn, id, 'tx').get('C')!.announcedTo.sort()).toEqual(['M', 'W2']);
  });

  it('mesh of 7: every node gets the payment exactly once, no echoes', async () => {
    const { tn, nodes } = await mesh(42, 7);
    for (const n of nodes) expect(n.peerIds().length).toBeGreaterThanOrEqual(2);
    const tx = nodes[1].send(A.address, B.address, 1n * COIN);
    await tn.settle();
    const id = txidHex(tx);
    for (const n of nodes) expect(n.mempool!.has(id), n.id).toBe(true);
    expectCleanRelay(tn, id, 'tx', 'N1');
  });

  it('a transaction the mempool refuses is never announced', async () => {
    const { tn, nodes } = await star(43);
    const tc = new TestChain(tn.params);
    for (const b of [1].map((h) => nodes[0].chain!.getBlock(nodes[0].chain!.entryAt(h)!.hash)!)) tc.add(b, true);
    const raw = await handshaken(tn.net, () => tn.settle(), 'R', nodes[0]);
    const [key, coin] = tc.chain.utxo.coinsForScript(A.script)[0];
    const first = nodes[1].send(A.address, B.address, 1n * COIN);
    await tn.settle();
    const conflict = spendTx(A, [{ key, coin }], [payTo(B, coin.value)]);
    raw.send({ command: 'tx', tx: conflict });
    await tn.settle();
    for (const [id, log] of tn.events) expect(msgs(log, 'out', 'inv', txidHex(conflict)), id).toEqual([]);
    for (const n of nodes) expect(n.mempool!.has(txidHex(conflict))).toBe(false);
    for (const n of nodes) expect(n.mempool!.has(txidHex(first))).toBe(true);
  });
});

describe('block relay', () => {
  it('star: a mined block is announced to every peer, fetched once by each', async () => {
    const { tn, nodes } = await star(44);
    const miner = nodes[3];
    miner.mineOnce();
    await tn.settle();
    const hash = miner.tipHash!;
    for (const n of nodes) expect(n.tipHash).toBe(hash);
    expectCleanBlockRelay(tn, hash, 'M');
  });

  it('mesh of 7: a mined block reaches everyone, each fetching it once', async () => {
    const { tn, nodes } = await mesh(45, 7);
    const miner = nodes[4];
    miner.mineOnce();
    await tn.settle();
    const hash = miner.tipHash!;
    for (const n of nodes) expect(n.tipHash, n.id).toBe(hash);
    expectCleanBlockRelay(tn, hash, miner.id);
    // The miner told every peer.
    expect([...new Set(told(tn.events.get(miner.id)!, 'out', hash).map((e) => e.peer))].sort()).toEqual(miner.peerIds().sort());
  });

  it('a block confirms the relayed payment everywhere and empties every mempool', async () => {
    const { tn, nodes } = await star(46);
    const tx = nodes[1].send(A.address, B.address, 2n * COIN);
    await tn.settle();
    nodes[3].mineOnce();
    await tn.settle();
    for (const n of nodes) {
      expect(n.mempool!.size).toBe(0);
      expect(tn.balance(n.id, B)).toBe(2);
    }
    expect(nodes[0].chain!.getBlock(nodes[0].tipHash!)!.txs.map(txidHex)).toContain(txidHex(tx));
  });
});

describe('blocks and the 256 KiB frame', () => {
  it('a miner never builds a block too big to send; what does not fit waits for the next block', async () => {
    const tn = new TestNetwork({ seed: 47 });
    const C = tn.add('C', 'central');
    const W = tn.add('W', 'wallet', { seeds: ['C'] });
    const M = tn.add('M', 'miner', { seeds: ['C'], mining: 'off' });
    await tn.settle();
    // Five chained 68 KB payments (1 input, 2,000 outputs each): 340 KB in the mempool. Each
    // small output pays 546 sat, the least a P2PKH output may carry without being dust.
    const key = tn.centralKey;
    let prev = C.chain!.getBlock(C.chain!.genesis.hash)!.txs[0];
    let value = prev.outputs[0].value;
    for (let i = 0; i < 5; i++) {
      const outs = [payTo(key, value - 1999n * 546n), ...Array.from({ length: 1999 }, () => payTo(B, 546n))];
      const tx = spendTx(key, [{ key: `${txidHex(prev)}:0`, coin: { script: key.script } }], outs);
      C.submitTx(tx);
      prev = tx;
      value -= 1999n * 546n;
    }
    await tn.settle();
    expect(M.mempool!.size).toBe(5);

    M.mineOnce();
    await tn.settle();
    const block = M.chain!.getBlock(M.tipHash!)!;
    expect(encodeBlock(block).length).toBeLessThanOrEqual(MAX_PAYLOAD);
    expect(block.txs.length).toBe(4); // coinbase + 3 payments
    for (const n of [C, W, M]) {
      expect(n.tipHash, n.id).toBe(M.tipHash);
      expect(n.mempool!.size, n.id).toBe(2);
    }
    M.mineOnce();
    await tn.settle();
    for (const n of [C, W, M]) {
      expect(n.height, n.id).toBe(2);
      expect(n.mempool!.size, n.id).toBe(0);
    }
    for (const [id, log] of tn.events) expect(log.filter((e) => e.type === 'log' && e.level === 'error'), id).toEqual([]);
  });
});

describe('blocks up to 1 MB where the transport allows them', () => {
  it('on the in-memory network (no WebRTC frame limit) a miner fills a block to 1 MB and every node takes it', async () => {
    const tn = new TestNetwork({ seed: 49, maxFrameBytes: 4_000_000 });
    const C = tn.add('C', 'central');
    const W = tn.add('W', 'wallet', { seeds: ['C'] });
    const M = tn.add('M', 'miner', { seeds: ['C'], mining: 'off' });
    await tn.settle();
    // Sixteen chained 64 KB payments: 1.02 MB in the mempool, more than one block holds. Their many
    // outputs are P2SH (546 sat, not dust): a P2PKH output counts a signature operation, and 20,000
    // of those (Bitcoin's block limit) would stop a block at 600 kB.
    const key = tn.centralKey;
    let prev = C.chain!.getBlock(C.chain!.genesis.hash)!.txs[0];
    let value = prev.outputs[0].value;
    const toScriptHash = { value: 546n, script: p2shScript(new Uint8Array(20).fill(7)) };
    for (let i = 0; i < 16; i++) {
      const outs = [payTo(key, value - 1999n * 546n), ...Array.from({ length: 1999 }, () => toScriptHash)];
      C.submitTx(spendTx(key, [{ key: `${txidHex(prev)}:0`, coin: { script: key.script } }], outs));
      prev = C.mempool!.all().at(-1)!.tx;
      value -= 1999n * 546n;
    }
    await tn.settle();
    expect(M.mempool!.size).toBe(16);

    M.mineOnce();
    await tn.settle();
    const block = M.chain!.getBlock(M.tipHash!)!;
    const size = encodeBlock(block).length;
    expect(size).toBeGreaterThan(900_000); // four WebRTC frames' worth
    expect(size).toBeLessThanOrEqual(1_000_000); // Bitcoin's (and the classroom's) maxBlockSize
    expect(block.txs.length - 1).toBe(15); // the sixteenth waits for the next block
    for (const n of [C, W, M]) {
      expect(n.tipHash, n.id).toBe(M.tipHash);
      expect(n.mempool!.size, n.id).toBe(1);
    }
    for (const [id, log] of tn.events) expect(log.filter((e) => e.type === 'log' && e.level !== 'info'), id).toEqual([]);
  });
});

describe('transaction requests: one peer at a time', () => {
  it('a node hearing of a payment from two peers at once downloads it once', async () => {
    const tn = new TimedNetwork({ seed: 48, latency: 3 });
    // A diamond: O – A – D and O – B – D (star topology: each dials only its seeds).
    const O = tn.add('O', 'central');
    O.send(tn.centralKey.address, A.address, 5n * COIN, { mine: true });
    await tn.runFor(50);
    tn.add('NA', 'wallet', { seeds: ['O'], keys: [A] });
    tn.add('NB', 'wallet', { seeds: ['O'] });
    await tn.runFor(100);
    const D = tn.add('D', 'wallet', { seeds: ['NA', 'NB'] });
    await tn.runFor(100);
    expect(D.peerIds().sort()).toEqual(['NA', 'NB']);
    const tx = O.send(tn.centralKey.address, B.address, 1n * COIN);
    await tn.runFor(100);
    const id = txidHex(tx);
    expect(D.mempool!.has(id)).toBe(true);
    const log = tn.events.get('D')!;
    expect(msgs(log, 'in', 'inv', id).map((e) => e.peer).sort()).toEqual(['NA', 'NB']);
    expect(msgs(log, 'out', 'getdata', id)).toHaveLength(1);
    expect(msgs(log, 'in', 'tx', id)).toHaveLength(1);
  });

  it('if the peer asked stays silent, the next announcer is asked after the stall timeout; after notfound, at once', async () => {
    const tn = new TestNetwork({ seed: 49 });
    const C = tn.add('C', 'central');
    C.send(tn.centralKey.address, A.address, 5n * COIN, { mine: true });
    await tn.settle();
    const W = tn.add('W', 'wallet', { seeds: ['C'], keys: [A] });
    await tn.settle();
    const silent = await handshaken(tn.net, () => tn.settle(), 'S', C);
    const tc = new TestChain(tn.params);
    tc.add(C.chain!.getBlock(C.chain!.entryAt(1)!.hash)!, true);
    const [key, coin] = tc.chain.utxo.coinsForScript(A.script)[0];
    // Two payments W will make; the silent peer announces them first and never delivers.
    const tx1 = spendTx(A, [{ key, coin }], [payTo(B, 1n * COIN), payTo(A, coin.value - 1n * COIN)]);
    silent.send({ command: 'inv', items: [{ type: MSG_TX, hash: txidHex(tx1) }] });
    await tn.settle();
    W.submitTx(tx1);
    await tn.settle();
    expect(C.mempool!.has(txidHex(tx1))).toBe(false); // waiting for the silent peer
    await tn.advance(C.timing.stallTimeout + 1_500, 500);
    expect(C.mempool!.has(txidHex(tx1))).toBe(true);
    expect(msgs(tn.events.get('C')!, 'out', 'getdata', txidHex(tx1)).map((e) => e.peer)).toEqual(['S', 'W']);

    const tx2 = spendTx(A, [{ key: `${txidHex(tx1)}:1`, coin: { script: A.script } }], [payTo(B, 1n * COIN), payTo(A, coin.value - 2n * COIN)]);
    silent.send({ command: 'inv', items: [{ type: MSG_TX, hash: txidHex(tx2) }] });
    await tn.settle();
    W.submitTx(tx2);
    await tn.settle();
    expect(C.mempool!.has(txidHex(tx2))).toBe(false);
    silent.send({ command: 'notfound', items: [{ type: MSG_TX, hash: txidHex(tx2) }] });
    await tn.settle(); // no time passes
    expect(C.mempool!.has(txidHex(tx2))).toBe(true);
    expect(msgs(tn.events.get('C')!, 'out', 'getdata', txidHex(tx2)).map((e) => e.peer)).toEqual(['S', 'W']);
    expect(C.resourceCounts().txRequests).toBe(0);
  });
});

describe('orphan transactions', () => {
  it('a payment that arrives before the payment it spends is kept, its parent fetched from the sender, and both spread', async () => {
    const { tn, nodes } = await star(50);
    const [C] = nodes;
    const raw = await handshaken(tn.net, () => tn.settle(), 'R', C);
    // A parent (A pays B) and its child (B pays A), built on the network's chain but never relayed.
    const tc = new TestChain(tn.params);
    for (let h = 1; h <= C.height; h++) tc.add(C.chain!.getBlock(C.chain!.entryAt(h)!.hash)!, true);
    const parent = tc.pay(A, B, 2);
    tc.mempool.accept(parent, tc.now);
    const child = tc.pay(B, A, 1);
    raw.onmessage = (m, p) => {
      if (m.command === 'getdata' && m.items.some((i) => i.hash === txidHex(parent))) p.send({ command: 'tx', tx: parent });
    };
    raw.send({ command: 'tx', tx: child });
    await tn.settle();
    const log = tn.events.get('C')!;
    expect(log.filter((e) => e.type === 'rejected')).toEqual([]);
    expect(raw.got('getdata').flatMap((g) => g.items.map((i) => i.hash))).toEqual([txidHex(parent)]);
    for (const n of nodes) {
      expect(n.mempool!.has(txidHex(parent)), n.id).toBe(true);
      expect(n.mempool!.has(txidHex(child)), n.id).toBe(true);
    }
    expect(C.resourceCounts().orphanTxs).toBe(0);
  });
});
