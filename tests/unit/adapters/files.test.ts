/**
 * Saved files: a node saved and read back rebuilds exactly its chain (side branch included),
 * mempool and wallet — keys only when asked — and starts again from the database it is imported
 * into; a class record saved and read back replays to the same dashboard picture at its end and at
 * any moment in between. Truncated, edited, foreign, other-kind and other-version files are refused
 * with a reason and load nothing; so is a file whose checksum was recomputed over a forged block.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { COIN, encodeBlock, sha256, toHex, utf8, type Chain } from '../../../src/core';
import { readNodeFile, verifyNodeFile, writeNodeFile } from '../../../src/adapters/files/nodeFile';
import { ClassRecorder, readClassFile, writeClassFile } from '../../../src/adapters/files/classFile';
import { readEnvelope } from '../../../src/adapters/files/envelope';
import { importNode } from '../../../src/adapters/idb/importNode';
import { NodeStore, databaseName, restoredOptions } from '../../../src/adapters/idb/nodeStore';
import { ReportBuffer } from '../../../src/adapters/observer/reportBuffer';
import { FullNode } from '../../../src/node/node';
import { foldArrivals, ReplayFolder } from '../../../src/ui/dashboard/replay';
import { emptyDashState } from '../../../src/ui/dashboard/model';
import { TestNetwork } from '../../helpers/testNetwork';
import { testKey } from '../../helpers/chainBuilder';

const W1 = testKey('FILE_W1');

async function classWithHistory() {
  const tn = new TestNetwork({ seed: 81 });
  const C = tn.add('3000', 'central');
  const W = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [W1] });
  const M = tn.add('3002', 'miner', { seeds: ['3000'], mining: 'off' });
  await tn.settle();
  C.send(tn.centralKey.address, W1.address, 5n * COIN, { mine: true });
  await tn.settle();
  // A side branch: the central mines one block while the miner, cut off, mines two that win.
  M.setOffline(true);
  M.mineOnce();
  await tn.settle();
  M.mineOnce();
  await tn.settle();
  C.mineOnce();
  await tn.settle();
  M.setOffline(false);
  await tn.settle();
  W.newAddress('savings');
  W.send(W1.address, tn.centralKey.address, COIN);
  await tn.settle();
  return { tn, C, W, M };
}

const digest = (chain: Chain) => [...chain.utxo.entries()].map(([k, c]) => `${k}=${c.value}`).sort().join(',');

describe('node files', () => {
  it('round-trips a node: every block (side branch too), tip, mempool, labels; no private key unless asked', async () => {
    const { W } = await classWithHistory();
    expect(W.chain!.leaves().length).toBe(2);
    const text = writeNodeFile(W, { topology: 'star', keys: false, messages: [] });
    const read = readNodeFile(text);
    if (!read.ok) throw new Error(read.refusal.detail);
    const file = read.value;
    expect(file).toMatchObject({ network: 'test', node: '3001', role: 'wallet', tip: W.tipHash });
    expect(file.wallet.map((w) => [w.address, w.label, !!w.key])).toEqual(W.keys.map((k) => [k.address, k.label, false]));
    const v = verifyNodeFile(file, W.nowSeconds());
    if (!v.ok) throw new Error(v.refusal.detail);
    expect(v.value.chain.tip.hash).toBe(W.tipHash);
    expect(v.value.chain.entries().length).toBe(W.chain!.entries().length);
    expect(digest(v.value.chain)).toBe(digest(W.chain!));
    expect(v.value.mempool.all().map((e) => e.txid)).toEqual(W.mempool!.all().map((e) => e.txid));
    // With keys, each key is the key of its address.
    const withKeys = readNodeFile(writeNodeFile(W, { topology: 'star', keys: true }));
    expect(withKeys.ok && withKeys.value.wallet.map((w) => w.key?.address)).toEqual(W.keys.map((k) => k.address));
  });

  it('imports into a database the node starts from, as after a reload', async () => {
    const { tn, W } = await classWithHistory();
    const read = readNodeFile(writeNodeFile(W, { topology: 'star', keys: true }));
    if (!read.ok) throw new Error(read.refusal.detail);
    const v = verifyNodeFile(read.value, W.nowSeconds());
    if (!v.ok) throw new Error(v.refusal.detail);
    await importNode(read.value, v.value);
    const store = await NodeStore.open(databaseName('test', '3001'));
    const saved = await store.load();
    store.close();
    expect(saved.role).toBe('wallet');
    W.stop();
    const back = new FullNode({ id: '3001', role: 'wallet', network: 'test', transport: tn.net.transport('3001'), clock: tn.clock, ...restoredOptions(saved) });
    expect(back.restoreReport?.repaired).toEqual([]);
    expect(back.tipHash).toBe(W.tipHash);
    expect(digest(back.chain!)).toBe(digest(W.chain!));
    expect(back.mempool!.size).toBe(1);
    expect(back.keys.map((k) => k.address)).toEqual(W.keys.map((k) => k.address));
  });

  it('refuses a truncated, edited, foreign, other-kind or other-version file with a reason', async () => {
    const { W } = await classWithHistory();
    const text = writeNodeFile(W, { topology: 'star', keys: false });
    const code = (t: string) => {
      const r = readNodeFile(t);
      return r.ok ? 'ok' : r.refusal.code;
    };
    expect(code(text)).toBe('ok');
    for (const cut of [10, text.indexOf('\n') + 1, Math.floor(text.length / 2), text.length - 3]) expect(code(text.slice(0, cut)), `cut at ${cut}`).toBe('truncated');
    const i = text.indexOf('"tip":"') + 7;
    const flipped = text.slice(0, i) + (text[i] === 'a' ? 'b' : 'a') + text.slice(i + 1);
    expect(code(flipped)).toBe('checksum');
    expect(code('{"hello":"world"}\n{}')).toBe('not-tabchain');
    expect(code('PK\u0003\u0004 a zip file')).toBe('not-tabchain');
    expect(code(writeClassFile({ network: 'test', start: 0, end: 0, truncatedBefore: null, arrivals: [] }))).toBe('wrong-kind');
    expect(code(text.replace('"version":1', '"version":2'))).toBe('version');
  });

  it('refuses a file whose checksum was recomputed over a forged block: the engine replays it', async () => {
    const { W } = await classWithHistory();
    const text = writeNodeFile(W, { topology: 'star', keys: false });
    const env = readEnvelope(text, 'tabchain-node');
    if (!env.ok) throw new Error('unreadable');
    const body = env.value.body as { blocks: string[] };
    // Pay the coinbase of block 1 one sat more, and re-seal the file as a forger would.
    const original = readNodeFile(text);
    if (!original.ok) throw new Error('unreadable');
    const block = original.value.blocks[0]!;
    const cb = block.txs[0]!;
    const forged = { ...block, txs: [{ ...cb, outputs: [{ ...cb.outputs[0]!, value: cb.outputs[0]!.value + 1n }] }, ...block.txs.slice(1)] };
    body.blocks[0] = toHex(encodeBlock(forged));
    const bodyText = JSON.stringify(body);
    const header = { format: 'tabchain-node', version: 1, bytes: utf8(bodyText).length, sha256: toHex(sha256(utf8(bodyText))) };
    const read = readNodeFile(`${JSON.stringify(header)}\n${bodyText}\n`);
    if (!read.ok) throw new Error(read.refusal.detail);
    const v = verifyNodeFile(read.value, W.nowSeconds());
    expect(v.ok).toBe(false);
    expect(!v.ok && v.refusal).toMatchObject({ code: 'invalid', detail: expect.stringContaining('bad-txnmrklroot') });
  });
});

describe('class files', () => {
  async function recorded() {
    const tn = new TestNetwork({ seed: 82 });
    const C = tn.add('3000', 'central');
    const W = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [W1] });
    const buffers = [C, W].map((n) => new ReportBuffer(n, 'star'));
    const rec = new ClassRecorder('test');
    let at = 1_000_000;
    const collect = (heartbeat = false) => {
      for (const b of buffers) for (let r = b.next(heartbeat); r; r = b.next()) rec.report(r.node, r, (at += 10));
    };
    for (const b of buffers) {
      const snap = b.open();
      rec.report(snap.node, snap, (at += 10));
    }
    await tn.settle();
    collect();
    C.send(tn.centralKey.address, W1.address, 3n * COIN, { mine: true });
    await tn.settle();
    collect();
    collect(true);
    collect(true); // nothing changed: not recorded again
    C.mineOnce();
    await tn.settle();
    collect();
    rec.gone('3001', (at += 10));
    return { rec, C, W };
  }

  it('round-trips and replays to the same picture, at the end and at every moment in between', async () => {
    const { rec, C } = await recorded();
    const record = rec.record();
    const read = readClassFile(writeClassFile(record));
    if (!read.ok) throw new Error(read.refusal.detail);
    expect(read.value.arrivals).toEqual(record.arrivals);
    const live = foldArrivals(emptyDashState(), record.arrivals);
    const folder = new ReplayFolder(read.value);
    expect(folder.stateAt(read.value.end)).toEqual(live);
    expect(live.nodes['3000']!.height).toBe(C.height);
    expect(live.nodes['3001']!.online).toBe(false);
    for (const a of record.arrivals) expect(folder.stateAt(a.at)).toEqual(foldArrivals(emptyDashState(), record.arrivals.filter((b) => b.at <= a.at)));
    // Seeking back and forth gives the same answers.
    const mid = record.arrivals[Math.floor(record.arrivals.length / 2)]!.at;
    const once = folder.stateAt(mid);
    folder.stateAt(read.value.end);
    expect(folder.stateAt(mid)).toEqual(once);
  });

  it('refuses a class file with one bad report, or arrivals out of order, whole', async () => {
    const { rec } = await recorded();
    const record = rec.record();
    const reseal = (body: unknown) => {
      const t = JSON.stringify(body);
      return `${JSON.stringify({ format: 'tabchain-class', version: 1, bytes: utf8(t).length, sha256: toHex(sha256(utf8(t))) })}\n${t}\n`;
    };
    const bad = { ...record, arrivals: record.arrivals.map((a, i) => (i === 2 && 'report' in a ? { ...a, report: { ...a.report, v: 99 } } : a)) };
    const r1 = readClassFile(reseal(bad));
    expect(!r1.ok && r1.refusal).toMatchObject({ code: 'invalid', detail: 'arrival 2 is not a report this dashboard reads' });
    const swapped = { ...record, arrivals: [record.arrivals[1], record.arrivals[0], ...record.arrivals.slice(2)] };
    const r2 = readClassFile(reseal(swapped));
    expect(r2.ok).toBe(false);
    const text = writeClassFile(record);
    const r3 = readClassFile(text.slice(0, text.length - 40));
    expect(!r3.ok && r3.refusal.code).toBe('truncated');
  });
});
