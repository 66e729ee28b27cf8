/**
 * Adversarial peers: a raw peer sends hand-made frames to a central node and each case asserts
 * the node's reaction — the reason it gives (`rejected` / `message` events), whether it
 * disconnects, whether it discourages the peer, and that its chain is unchanged. Reactions
 * follow Bitcoin Core (net_processing.cpp): consensus failures are punished, policy failures,
 * duplicates, orphans and corrupted-in-transit frames are not.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { RawPeer, frameOf, handshaken } from './support/rawPeer';
import {
  TestChain,
  derEncode,
  editSignature,
  makeBlock,
  payTo,
  resolve,
  spendTx,
  testKey,
  unsolve,
} from '../helpers/chainBuilder';
import { COIN, blockHashHex, txidHex, type Block } from '../../src/core';
import { MAX_ADDR, MAX_PAYLOAD, MIN_PEER_PROTO_VERSION, MSG_BLOCK, MSG_TX, ZERO_HASH, encodeMessage, type VersionPayload } from '../../src/node/wire/messages';

/** A peer of the first tabchain release (version 70001): synced by getblocks / inv, never by headers. */
const OLD = { version: MIN_PEER_PROTO_VERSION };
import type { FullNode } from '../../src/node/node';
import type { NodeEvent } from '../../src/node/events';
import { NODE_REFUSALS, type NodeRefusalCode } from '../../src/node/misbehavior';

type Rejected = Extract<NodeEvent, { type: 'rejected' }>;

const MINER = testKey('ADV_MINER');
const SOMEONE = testKey('ADV_SOMEONE');

/** A central node holding 3 blocks (mined to MINER), the engine-only mirror `tc` to build blocks on, and a log. */
async function setup(seed: number) {
  const tn = new TestNetwork({ seed });
  const tc = new TestChain(tn.params);
  const blocks = [tc.mineAndAdd(MINER, []), tc.mineAndAdd(MINER, []), tc.mineAndAdd(MINER, [])];
  const central = tn.add('C', 'central', { blocks, mining: 'off' });
  await tn.settle();
  const log = tn.events.get('C')!;
  const settle = () => tn.settle();
  const peer = (id: string, over: Partial<VersionPayload> = {}) => handshaken(tn.net, settle, id, central, over);
  const since = (n: number) => log.slice(n);
  return { tn, tc, central, log, settle, peer, since };
}

function lastRejected(log: NodeEvent[]): Rejected | undefined {
  return log.filter((e): e is Rejected => e.type === 'rejected').at(-1);
}

/** The genesis coin (10 coins to the central key) as the mirror chain sees it. */
function genesisCoin(tc: TestChain, tn: TestNetwork) {
  const [key, coin] = tc.chain.utxo.coinsForScript(tn.centralKey.script)[0];
  return { key, coin };
}

describe('malformed frames', () => {
  type Case = { name: string; code: NodeRefusalCode; debug: string | RegExp; punished: boolean; disconnected: boolean; send: (raw: RawPeer, c: FullNode) => void };
  const cases: Case[] = [
    { name: 'wrong magic', code: 'wrong-magic', debug: 'peer is on another network', punished: false, disconnected: true,
      send: (raw, c) => raw.sendRaw(encodeMessage(c.magic ^ 0x01010101, { command: 'ping', nonce: 1n })) },
    { name: 'bad checksum', code: 'bad-checksum', debug: /dropped/, punished: false, disconnected: false, send: (raw, c) => {
      const f = encodeMessage(c.magic, { command: 'ping', nonce: 1n });
      f[20] ^= 0xff;
      raw.sendRaw(f);
    } },
    { name: 'oversized payload (declared length over 256 KiB, header only)', code: 'oversized-message', debug: `header declares ${MAX_PAYLOAD + 1} bytes of payload; the limit is ${MAX_PAYLOAD}`, punished: true, disconnected: true, send: (raw, c) => {
      const f = encodeMessage(c.magic, { command: 'ping', nonce: 1n }).slice(0, 24);
      new DataView(f.buffer).setUint32(16, MAX_PAYLOAD + 1, true);
      raw.sendRaw(f);
    } },
    { name: 'oversized frame (300 KiB of bytes)', code: 'oversized-message', debug: `header declares ${300 * 1024} bytes of payload; the limit is ${MAX_PAYLOAD}`, punished: true, disconnected: true,
      send: (raw, c) => raw.sendRaw(frameOf(c.magic, 'tx', new Uint8Array(300 * 1024))) },
    { name: 'inv declaring 50,001 items', code: 'oversized-payload', debug: /^inv: too many/, punished: true, disconnected: true,
      send: (raw, c) => raw.sendRaw(frameOf(c.magic, 'inv', Uint8Array.of(0xfd, 0x51, 0xc3, ...new Uint8Array(36 * 100)))) },
    { name: 'addr with 1,001 addresses', code: 'oversized-payload', debug: /^addr: too many/, punished: true, disconnected: true, send: (raw, c) => {
      const ok = encodeMessage(c.magic, { command: 'addr', addrs: Array.from({ length: MAX_ADDR }, (_, i) => ({ time: 0, services: 1n, id: `p${i}` })) });
      const payload = ok.slice(24);
      // Bump the CompactSize count from 1000 (fd e8 03) to 1001 and append one more entry.
      payload[1] = 0xe9;
      raw.sendRaw(frameOf(c.magic, 'addr', Uint8Array.from([...payload, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x78])));
    } },
    { name: 'truncated tx', code: 'malformed-payload', debug: 'tx: truncated: prevout txid', punished: true, disconnected: true,
      send: (raw, c) => raw.sendRaw(frameOf(c.magic, 'tx', Uint8Array.of(1, 0, 0, 0, 1, 2, 3))) },
    { name: 'truncated block header', code: 'malformed-payload', debug: 'block: truncated: header nonce', punished: true, disconnected: true,
      send: (raw, c) => raw.sendRaw(frameOf(c.magic, 'block', new Uint8Array(79))) },
    { name: 'truncated getblocks', code: 'malformed-payload', debug: 'getblocks: truncated: locator hash', punished: true, disconnected: true,
      send: (raw, c) => raw.sendRaw(frameOf(c.magic, 'getblocks', Uint8Array.of(0x71, 0x11, 1, 0, 1, 0xaa))) },
    { name: 'trailing bytes after a ping', code: 'malformed-payload', debug: 'ping: 1 trailing bytes after ping', punished: true, disconnected: true,
      send: (raw, c) => raw.sendRaw(frameOf(c.magic, 'ping', new Uint8Array(9))) },
  ];
  it.each(cases)('$name → $code', async ({ code, debug, punished, disconnected, send }) => {
    const { central, log, peer, settle } = await setup(11);
    const raw = await peer('R');
    const tip = central.tipHash;
    send(raw, central);
    await settle();
    const r = lastRejected(log)!;
    expect(r).toMatchObject({ peer: 'R', code, reason: NODE_REFUSALS[code].reason, punished });
    if (typeof debug === 'string') expect(r.debug).toBe(debug);
    else expect(r.debug).toMatch(debug);
    // The message log shows the refused frame with the same reason.
    expect(log.find((e) => e.type === 'message' && e.id === r.messageId)).toMatchObject({ dir: 'in', peer: 'R', reason: r.reason });
    expect(raw.connected).toBe(!disconnected);
    expect(central.isDiscouraged('R')).toBe(punished);
    expect(log.some((e) => e.type === 'peer-discouraged' && e.peer === 'R')).toBe(punished);
    expect(central.tipHash).toBe(tip);
    expect(log.some((e) => e.type === 'log' && e.level === 'error')).toBe(false);
    if (punished) {
      // A discouraged peer cannot come straight back.
      const again = RawPeer.for(raw.net, 'R', central);
      again.dial('C');
      await settle();
      expect(again.connected).toBe(false);
    }
  });

  it('an unknown command is logged and ignored; the peer stays', async () => {
    const { central, log, peer, settle } = await setup(12);
    const raw = await peer('R');
    raw.sendRaw(frameOf(central.magic, 'feefilter', new Uint8Array(0)));
    raw.sendRaw(frameOf(central.magic, 'wtfcommand', Uint8Array.of(1, 2, 3)));
    await settle();
    const msgs = log.filter((e) => e.type === 'message' && e.dir === 'in' && e.peer === 'R').slice(-2);
    expect(msgs).toMatchObject([
      { command: 'feefilter', reason: 'unknown command', summary: 'unknown command, ignored' },
      { command: 'wtfcommand', reason: 'unknown command' },
    ]);
    expect(log.some((e) => e.type === 'rejected')).toBe(false);
    expect(raw.connected).toBe(true);
    raw.send({ command: 'ping', nonce: 5n });
    await settle();
    expect(raw.got('pong')).toHaveLength(1);
  });
});

describe('invalid blocks, one per rule family: punished, chain unchanged, never relayed', () => {
  type Maker = (tc: TestChain, tn: TestNetwork) => Block;
  const cases: [string, Maker, string][] = [
    ['proof of work', (tc) => unsolve(makeBlock(tc, MINER, [])), 'high-hash'],
    ['merkle root', (tc) => resolve(makeBlock(tc, MINER, []), { merkleRoot: new Uint8Array(32).fill(7) }), 'bad-txnmrklroot'],
    ['coinbase pays too much', (tc) => {
      const b = makeBlock(tc, MINER, []);
      const cb = b.txs[0];
      return resolve({ header: b.header, txs: [{ ...cb, outputs: [{ ...cb.outputs[0], value: cb.outputs[0].value + 1n }] }] });
    }, 'bad-cb-amount'],
    ['coinbase missing', (tc, tn) => {
      const b = makeBlock(tc, MINER, []);
      const { key, coin } = genesisCoin(tc, tn);
      return resolve({ header: b.header, txs: [spendTx(tn.centralKey, [{ key, coin }], [payTo(SOMEONE, 10n * COIN)])] });
    }, 'bad-cb-missing'],
    ['tx sanity (negative output)', (tc, tn) => {
      const { key, coin } = genesisCoin(tc, tn);
      return makeBlock(tc, MINER, [spendTx(tn.centralKey, [{ key, coin }], [payTo(SOMEONE, -1n)])]);
    }, 'bad-txns-vout-negative'],
    ['inputs: double spend inside the block', (tc, tn) => {
      const { key, coin } = genesisCoin(tc, tn);
      return makeBlock(tc, MINER, [
        spendTx(tn.centralKey, [{ key, coin }], [payTo(SOMEONE, 10n * COIN)]),
        spendTx(tn.centralKey, [{ key, coin }], [payTo(MINER, 10n * COIN)]),
      ]);
    }, 'bad-txns-inputs-missingorspent'],
    ['inputs: spends more than it has', (tc, tn) => {
      const { key, coin } = genesisCoin(tc, tn);
      return makeBlock(tc, MINER, [spendTx(tn.centralKey, [{ key, coin }], [payTo(SOMEONE, 11n * COIN)])]);
    }, 'bad-txns-in-belowout'],
    ['signature', (tc, tn) => {
      const { key, coin } = genesisCoin(tc, tn);
      const good = spendTx(tn.centralKey, [{ key, coin }], [payTo(SOMEONE, 10n * COIN)]);
      return makeBlock(tc, MINER, [editSignature(good, 0, (r, s) => derEncode(r, s - 1n))]);
    }, 'mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)'],
  ];
  it.each(cases.map(([n, m, r]) => [n, r, m] as const))('%s → %s', async (_name, reason, make) => {
    const { tn, tc, central, log, peer, settle } = await setup(13);
    const watcher = tn.add('W', 'wallet', { seeds: ['C'] });
    await settle();
    const raw = await peer('R');
    const tip = central.tipHash;
    const block = make(tc, tn);
    raw.send({ command: 'block', block });
    await settle();
    expect(lastRejected(log)).toMatchObject({ peer: 'R', command: 'block', hash: blockHashHex(block.header), reason, punished: true });
    expect(raw.got('reject')[0]).toMatchObject({ message: 'block', code: 0x10, hash: blockHashHex(block.header) });
    expect(raw.connected).toBe(false);
    expect(central.isDiscouraged('R')).toBe(true);
    expect(central.tipHash).toBe(tip);
    expect(central.height).toBe(3);
    // The watching wallet never heard of it.
    const hash = blockHashHex(block.header);
    expect(tn.events.get('W')!.some((e) => e.type === 'message' && e.hashes?.includes(hash))).toBe(false);
    expect(watcher.height).toBe(3);
  });

  it('a mutated copy of a block (same header) does not stop the real block from being fetched later', async () => {
    const { tn, tc, central, log, peer, settle } = await setup(14);
    const honest = tn.add('H', 'miner', { seeds: ['C'], mining: 'off' });
    await settle();
    const raw = await peer('R');
    const real = makeBlock(tc, MINER, []);
    const mutated: Block = { header: real.header, txs: [{ ...real.txs[0], locktime: 1 }] }; // same header, other body
    expect(blockHashHex(mutated.header)).toBe(blockHashHex(real.header));
    raw.send({ command: 'block', block: mutated });
    await settle();
    expect(lastRejected(log)).toMatchObject({ peer: 'R', reason: 'bad-txnmrklroot', punished: true });
    // The honest node finds the real block and announces it: the central node must fetch it.
    honest.submitBlock(real);
    await settle();
    expect(honest.height).toBe(4);
    expect(central.tipHash).toBe(blockHashHex(real.header));
  });
});

describe('blocks out of order and unasked for', () => {
  it('an orphan from an old peer is kept and its missing parent is asked for with getblocks, then both connect', async () => {
    const { tc, central, log, peer, settle } = await setup(15);
    const raw = await peer('R', OLD);
    const b4 = tc.mineAndAdd(MINER, []);
    const b5 = tc.mineAndAdd(MINER, []);
    raw.onmessage = (m, p) => {
      if (m.command === 'getblocks') p.send({ command: 'inv', items: [{ type: MSG_BLOCK, hash: blockHashHex(b4.header) }, { type: MSG_BLOCK, hash: blockHashHex(b5.header) }] });
      if (m.command === 'getdata') for (const it of m.items) if (it.hash === blockHashHex(b4.header)) p.send({ command: 'block', block: b4 });
    };
    raw.send({ command: 'block', block: b5 });
    await settle();
    expect(log.filter((e): e is Rejected => e.type === 'rejected')[0]).toMatchObject({ reason: 'prev-blk-not-found', punished: false });
    const gb = raw.got('getblocks')[0];
    expect(gb.locator[0]).toBe(tc.chain.entryAt(3)!.hash); // from our tip
    expect(gb.stop).toBe(blockHashHex(b4.header)); // up to the missing parent
    expect(raw.got('reject')).toEqual([]); // orphans are not "rejected" to the sender
    expect(central.tipHash).toBe(blockHashHex(b5.header));
    expect(raw.connected).toBe(true);
  });

  it('an orphan from a headers peer: the headers up to it are asked for (getheaders), then both connect', async () => {
    const { tc, central, log, peer, settle } = await setup(115);
    const raw = await peer('R');
    const b4 = tc.mineAndAdd(MINER, []);
    const b5 = tc.mineAndAdd(MINER, []);
    raw.onmessage = (m, p) => {
      if (m.command === 'getheaders') p.send({ command: 'headers', headers: [b4.header, b5.header] });
      if (m.command === 'getdata') for (const it of m.items) if (it.hash === blockHashHex(b4.header)) p.send({ command: 'block', block: b4 });
    };
    raw.clear();
    raw.send({ command: 'block', block: b5 });
    await settle();
    expect(log.filter((e): e is Rejected => e.type === 'rejected')[0]).toMatchObject({ reason: 'prev-blk-not-found', punished: false });
    const gh = raw.got('getheaders')[0];
    expect(gh.locator[0]).toBe(tc.chain.entryAt(2)!.hash); // from our best header's parent (Core)
    expect(gh.stop).toBe(blockHashHex(b5.header)); // up to the orphan
    expect(raw.got('getblocks')).toEqual([]);
    expect(central.tipHash).toBe(blockHashHex(b5.header));
    expect(raw.connected).toBe(true);
  });

  it('an unrequested block with less work than the tip is ignored, not punished', async () => {
    const { tc, central, log, peer, settle } = await setup(16);
    const raw = await peer('R');
    const side = makeBlock(tc, MINER, [], { parent: tc.chain.entryAt(1)!.hash, tag: 'side' });
    raw.send({ command: 'block', block: side });
    await settle();
    expect(lastRejected(log)).toMatchObject({ reason: 'unrequested block with less work than our tip', punished: false });
    expect(central.chain!.getEntry(blockHashHex(side.header))).toBeUndefined();
    expect(raw.connected).toBe(true);
  });

  it('an unrequested block that extends the tip is accepted (as Core does)', async () => {
    const { tc, central, peer, settle } = await setup(17);
    const raw = await peer('R');
    const next = makeBlock(tc, MINER, []);
    raw.send({ command: 'block', block: next });
    await settle();
    expect(central.tipHash).toBe(blockHashHex(next.header));
  });

  it('blocks from too far in the future wait, are not punished, and cannot pile up', async () => {
    const { tn, tc, central, log, peer, settle } = await setup(18);
    const raw = await peer('R');
    const now = Math.floor(tn.clock.now() / 1000);
    const future = Array.from({ length: 150 }, (_, i) => makeBlock(tc, MINER, [], { time: now + 3 * 3600 + i, tag: `f${i}` }));
    for (const b of future) raw.send({ command: 'block', block: b });
    await settle();
    expect(lastRejected(log)).toMatchObject({ reason: 'time-too-new', punished: false });
    expect(raw.connected).toBe(true);
    expect(central.height).toBe(3);
    expect(central.resourceCounts().deferred).toBeLessThanOrEqual(64);
  });
});

describe('floods', () => {
  it('inv flood from an old peer: bounded memory, the staller is dropped, and the node keeps working', async () => {
    const { tn, central, peer, settle } = await setup(19);
    const honest = tn.add('H', 'miner', { seeds: ['C'], mining: 'off' });
    await settle();
    const raw = await peer('R', OLD);
    let n = 0;
    const random = () => (n++).toString(16).padStart(8, '0') + 'ab'.repeat(28);
    for (let round = 0; round < 6; round++)
      raw.send({ command: 'inv', items: Array.from({ length: 7000 }, () => ({ type: round === 5 ? MSG_TX : MSG_BLOCK, hash: random() })) });
    await settle();
    const counts = central.resourceCounts();
    expect(counts.wantedBlocks).toBeLessThanOrEqual(5000);
    expect(counts.blocksInFlight).toBeLessThanOrEqual(256);
    expect(counts.txInFlight).toBeLessThanOrEqual(1000);
    // Asked for at most the in-flight limit, and the honest node's block still gets through.
    const asked = raw.got('getdata').flatMap((g) => g.items).filter((i) => i.type === MSG_BLOCK).length;
    expect(asked).toBeLessThanOrEqual(256);
    honest.mineOnce();
    await settle();
    expect(central.tipHash).toBe(honest.tipHash);
    // The flooder never delivers: it is dropped as a staller and everything it caused is forgotten.
    await tn.advance(central.timing.stallTimeout + 2000);
    expect(raw.connected).toBe(false);
    expect(tn.events.get('C')!.find((e) => e.type === 'peer-disconnected' && e.peer === 'R')).toMatchObject({ reason: 'stalling block download' });
    expect(central.resourceCounts()).toMatchObject({ wantedBlocks: 0, blocksInFlight: 0, txInFlight: 0 });
    honest.mineOnce();
    await settle();
    expect(central.height).toBe(5);
  });

  it('inv flood from a headers peer: each inv costs one getheaders, nothing is remembered as wanted', async () => {
    const { central, peer, settle } = await setup(119);
    const raw = await peer('R');
    raw.clear();
    let n = 0;
    const random = () => (n++).toString(16).padStart(8, '0') + 'ab'.repeat(28);
    for (let round = 0; round < 5; round++) raw.send({ command: 'inv', items: Array.from({ length: 7000 }, () => ({ type: MSG_BLOCK, hash: random() })) });
    await settle();
    expect(raw.got('getheaders')).toHaveLength(5);
    expect(raw.got('getheaders').every((g) => g.stop !== ZERO_HASH)).toBe(true);
    expect(raw.got('getdata')).toEqual([]);
    expect(central.resourceCounts()).toMatchObject({ wantedBlocks: 0, blocksInFlight: 0 });
    expect(raw.connected).toBe(true);
  });

  it('addr flood: rate limited after the first 1,000, the address book stays bounded', async () => {
    const { tn, central, log, peer, settle } = await setup(20);
    const raw = await peer('R');
    let n = 0;
    const batch = () => ({ command: 'addr' as const, addrs: Array.from({ length: MAX_ADDR }, () => ({ time: 0, services: 1n, id: `fake-${n++}` })) });
    raw.send(batch());
    await settle();
    expect(central.resourceCounts().addrBook).toBeLessThanOrEqual(1000);
    const before = central.knownNodes().length;
    for (let i = 0; i < 5; i++) raw.send(batch());
    await settle();
    expect(log.filter((e) => e.type === 'log' && /rate-limited 1000 addresses from R/.test(e.text)).length).toBeGreaterThanOrEqual(4);
    expect(central.knownNodes().length).toBeLessThanOrEqual(before + 1);
    expect(central.resourceCounts().addrBook).toBeLessThanOrEqual(1000);
    // Tokens come back at 0.1 per second: 100 s later, 10 more addresses are taken.
    await tn.advance(100_000, 10_000);
    raw.send({ command: 'addr', addrs: Array.from({ length: 20 }, (_, i) => ({ time: 0, services: 1n, id: `late-${i}` })) });
    await settle();
    expect(central.knownNodes().filter((id) => id.startsWith('late-')).length).toBe(10);
    expect(raw.connected).toBe(true);
    expect(central.isDiscouraged('R')).toBe(false);
  });
});

describe('transactions from a raw peer', () => {
  it('a double spend of a mempool tx: txn-mempool-conflict, told with reject 0x40, not punished', async () => {
    const { tn, tc, central, log, peer, settle } = await setup(21);
    const raw = await peer('R');
    const first = central.send(tn.centralKey.address, SOMEONE.address, 1n * COIN);
    await settle();
    const { key, coin } = genesisCoin(tc, tn);
    const second = spendTx(tn.centralKey, [{ key, coin }], [payTo(MINER, 10n * COIN)]);
    raw.send({ command: 'tx', tx: second });
    await settle();
    expect(lastRejected(log)).toMatchObject({ peer: 'R', command: 'tx', hash: txidHex(second), reason: 'txn-mempool-conflict', punished: false });
    expect(raw.got('reject').at(-1)).toMatchObject({ message: 'tx', code: 0x40, reason: 'txn-mempool-conflict', hash: txidHex(second) });
    expect(raw.connected).toBe(true);
    expect(central.mempool!.has(txidHex(first))).toBe(true);
    expect(central.mempool!.has(txidHex(second))).toBe(false);
  });

  it('a tx with a bad signature is punished and never relayed', async () => {
    const { tn, tc, central, log, peer, settle } = await setup(22);
    const watcher = tn.add('W', 'wallet', { seeds: ['C'] });
    await settle();
    const raw = await peer('R');
    const { key, coin } = genesisCoin(tc, tn);
    const bad = editSignature(spendTx(tn.centralKey, [{ key, coin }], [payTo(MINER, 10n * COIN)]), 0, (r, s) => derEncode(r, s - 1n));
    raw.send({ command: 'tx', tx: bad });
    await settle();
    expect(lastRejected(log)).toMatchObject({ reason: expect.stringMatching(/^mandatory-script-verify-flag-failed/), punished: true });
    expect(central.isDiscouraged('R')).toBe(true);
    expect(watcher.mempool!.size).toBe(0);
    expect(tn.events.get('W')!.some((e) => e.type === 'message' && e.hashes?.includes(txidHex(bad)))).toBe(false);
  });

  it('spending an immature coinbase is refused but not punished (Core: TX_PREMATURE_SPEND), and is taken once mature', async () => {
    const tn = new TestNetwork({ seed: 23, params: { coinbaseMaturity: 3 } });
    const tc = new TestChain(tn.params);
    const blocks = [tc.mineAndAdd(MINER, []), tc.mineAndAdd(MINER, [])];
    const central = tn.add('C', 'central', { blocks, mining: 'off' });
    const miner = tn.add('M', 'miner', { seeds: ['C'], mining: 'off' });
    await tn.settle();
    const raw = await handshaken(tn.net, () => tn.settle(), 'R', central);
    const [key, coin] = tc.chain.utxo.coinsForScript(MINER.script).find(([, c]) => c.height === 1)!;
    const early = spendTx(MINER, [{ key, coin }], [payTo(SOMEONE, coin.value)]);
    raw.send({ command: 'tx', tx: early });
    await tn.settle();
    expect(lastRejected(tn.events.get('C')!)).toMatchObject({ reason: 'bad-txns-premature-spend-of-coinbase', punished: false });
    expect(raw.connected).toBe(true);
    miner.mineOnce();
    await tn.settle();
    expect(central.height).toBe(3);
    raw.send({ command: 'inv', items: [{ type: MSG_TX, hash: txidHex(early) }] });
    raw.onmessage = (m, p) => {
      if (m.command === 'getdata' && m.items.some((i) => i.hash === txidHex(early))) p.send({ command: 'tx', tx: early });
    };
    await tn.settle();
    expect(central.mempool!.has(txidHex(early))).toBe(true);
  });

  it('getdata for unknown items is answered with notfound', async () => {
    const { central, peer, settle } = await setup(24);
    const raw = await peer('R');
    const known = central.tipHash!;
    const items = [
      { type: MSG_BLOCK, hash: 'aa'.repeat(32) },
      { type: MSG_TX, hash: 'bb'.repeat(32) },
      { type: MSG_BLOCK, hash: known },
      { type: 3, hash: 'cc'.repeat(32) },
    ];
    raw.send({ command: 'getdata', items });
    await settle();
    expect(raw.got('block').map((b) => blockHashHex(b.block.header))).toEqual([known]);
    expect(raw.got('notfound')).toEqual([{ command: 'notfound', items: [items[0], items[1], items[3]] }]);
  });
});

describe('repeats', () => {
  it('a block, a transaction or a verack sent twice: noted, not answered with reject, not punished', async () => {
    const { tn, tc, central, log, peer, settle } = await setup(25);
    const raw = await peer('R');
    const block = makeBlock(tc, MINER, []);
    raw.send({ command: 'block', block });
    raw.send({ command: 'block', block });
    const { key, coin } = genesisCoin(tc, tn);
    const tx = spendTx(tn.centralKey, [{ key, coin }], [payTo(SOMEONE, 10n * COIN)]);
    raw.send({ command: 'tx', tx });
    raw.send({ command: 'tx', tx });
    raw.send({ command: 'verack' });
    await settle();
    const refusals = log.filter((e): e is Rejected => e.type === 'rejected').map((r) => [r.command, r.reason, r.punished]);
    expect(refusals).toEqual([
      ['block', 'duplicate', false],
      ['tx', 'txn-already-in-mempool', false],
      ['verack', 'redundant verack', false],
    ]);
    expect(raw.got('reject')).toEqual([]);
    expect(raw.connected).toBe(true);
    expect(central.tipHash).toBe(blockHashHex(block.header));
    expect(central.mempool!.has(txidHex(tx))).toBe(true);
  });
});
