/**
 * The node → view store binding under the in-memory network and a manual clock: events wait in a
 * batch until `intervalMs` has passed, then one store update carries everything (heights, blocks,
 * wallet rows, messages, propagation steps, reorgs, refusals with their codes); unchanged parts
 * keep their objects.
 */
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { TestNetwork } from '../../helpers/testNetwork';
import { testKey } from '../../helpers/chainBuilder';
import { RawPeer, frameOf, handshaken } from '../../integration/support/rawPeer';
import { MAX_LOG_RAW_BYTES, RAW_PREFIX, SYNC_GAP, SYNC_INTERVAL_MS, bindNode, capRawBytes } from '../../../src/ui/runtime/bindNode';
import { initialViewState, type ViewState } from '../../../src/ui/runtime/viewState';
import { COIN, txidHex } from '../../../src/core';

function setup(seed: number) {
  const tn = new TestNetwork({ seed });
  const central = tn.add('C', 'central');
  const W = testKey('BIND_W');
  const wallet = tn.add('W', 'wallet', { seeds: ['C'], keys: [W] });
  const store = createStore<ViewState>(() => initialViewState());
  const unbind = bindNode(wallet, store, { clock: tn.clock, intervalMs: 100 });
  return { tn, central, wallet, W, store, unbind };
}

describe('bindNode', () => {
  it('batches a burst of events into one update after the interval', async () => {
    const { tn, central, wallet, W, store } = setup(31);
    await tn.settle();
    await tn.advance(100);
    expect(store.getState().height).toBe(0);
    let updates = 0;
    store.subscribe(() => updates++);

    central.send(tn.centralKey.address, W.address, 3n * COIN, { mine: true });
    await tn.settle();
    central.mineOnce();
    await tn.settle();
    // The wallet connected two blocks, but the view has not moved yet: the batch waits for the clock.
    expect(wallet.height).toBe(2);
    expect(store.getState().height).toBe(0);
    expect(updates).toBe(0);

    tn.clock.advance(100);
    expect(updates).toBe(1);
    const s = store.getState();
    expect(s.height).toBe(2);
    expect(s.tip).toBe(wallet.tipHash);
    expect(s.blocks.filter((b) => b.active).map((b) => b.height)).toEqual([2, 1, 0]);
    expect(s.wallet).toEqual([expect.objectContaining({ address: W.address, confirmed: 3n * COIN })]);
    expect(s.messages.some((m) => m.command === 'cmpctblock' && m.dir === 'in')).toBe(true);
    // Propagation: the first block the wallet heard of (a header), asked for, received as a compact
    // block and rebuilt; the central node, which gave it that block, then pushes it the next one
    // (BIP 152 high-bandwidth), rebuilt from the payment already in its mempool.
    const [b1, b2] = [wallet.chain!.entryAt(1)!.hash, wallet.tipHash!];
    const kinds = (h: string) => s.propagation.filter((r) => r.hash === h && r.node === 'W').map((r) => r.kind);
    expect(kinds(b1)).toEqual(expect.arrayContaining(['requested', 'received', 'rebuilt', 'connected']));
    expect(kinds(b2)).toEqual(expect.arrayContaining(['received', 'rebuilt', 'connected']));
    expect(kinds(b2)).not.toContain('requested');
    expect(s.propagation.find((r) => r.hash === b2 && r.kind === 'rebuilt')?.compact).toMatchObject({ stage: 'reconstructed', total: 1, prefilled: 1 });
  });

  it('keeps unchanged peers and mining state as the same objects across updates', async () => {
    const { tn, central, wallet, store } = setup(32);
    central.mineOnce();
    await tn.advance(200);
    const before = store.getState();
    expect(before.height).toBe(1);
    wallet.newAddress('second');
    tn.clock.advance(100);
    const after = store.getState();
    expect(after.wallet.map((w) => w.label)).toEqual(['BIND_W', 'second']);
    expect(after.wallet).not.toBe(before.wallet);
    expect(after.peers).toBe(before.peers);
    expect(after.mining).toBe(before.mining);
    expect(after.blocks).toBe(before.blocks);
  });

  it('records a refusal with its code beside the message that caused it', async () => {
    const { tn, wallet, store } = setup(33);
    await tn.settle();
    const raw = await handshaken(tn.net, () => tn.settle(), 'R', wallet);
    raw.sendRaw(frameOf(wallet.magic, 'tx', Uint8Array.of(1, 0, 0, 0, 1, 2, 3)));
    await tn.settle();
    tn.clock.advance(100);
    const rejections = Object.values(store.getState().rejections);
    expect(rejections).toEqual([expect.objectContaining({ peer: 'R', command: 'tx', code: 'malformed-payload', punished: true })]);
    const m = store.getState().messages.find((x) => x.id === rejections[0]!.messageId);
    expect(m).toMatchObject({ dir: 'in', peer: 'R', command: 'tx' });
    expect(raw).toBeInstanceOf(RawPeer);
  });

  it('collects a reorg with the transactions that went back to the mempool', async () => {
    const { tn, central, wallet, W, store } = setup(34);
    const M = tn.add('M', 'miner', { seeds: ['C'], mining: 'off', keys: [testKey('BIND_M')] });
    await tn.settle();
    central.send(tn.centralKey.address, W.address, 2n * COIN, { mine: true });
    await tn.settle();
    // The miner is cut off and builds a longer branch; the wallet pays on the public branch.
    M.setOffline(true);
    M.mineOnce();
    await tn.settle();
    M.mineOnce();
    await tn.settle();
    const pay = wallet.send(W.address, tn.centralKey.address, 1n * COIN);
    await tn.settle();
    central.mineOnce();
    await tn.settle();
    tn.clock.advance(100);
    expect(store.getState().height).toBe(2);
    M.setOffline(false);
    await tn.advance(300);
    expect(wallet.tipHash).toBe(M.tipHash);
    const reorg = store.getState().reorgs.at(-1)!;
    expect(reorg.disconnected.map((d) => d.height)).toEqual([2]);
    expect(reorg.connected.map((c) => c.height)).toEqual([2, 3]);
    expect(reorg.returned).toEqual([txidHex(pay)]);
    expect(store.getState().mempool.map((m) => m.txid)).toEqual(reorg.returned);
  });
});

describe('the message log holds a bounded number of raw bytes', () => {
  it('keeps the newest frames whole and a prefix of older ones past MAX_LOG_RAW_BYTES', () => {
    const big = (id: number) => ({ type: 'message' as const, id, time: id, dir: 'in' as const, peer: 'R', command: 'junk', bytes: 256 * 1024, summary: '', raw: new Uint8Array(256 * 1024).fill(id) });
    // 2,000 frames of 256 KiB: what a hostile peer sending unknown commands could make the log hold.
    const log = capRawBytes(Array.from({ length: 2000 }, (_, i) => big(i)));
    const held = log.reduce((n, m) => n + m.raw.length, 0);
    expect(held).toBeLessThanOrEqual(MAX_LOG_RAW_BYTES + 2000 * RAW_PREFIX);
    expect(log.at(-1)!.raw.length).toBe(256 * 1024);
    expect(log[0]!.raw.length).toBe(RAW_PREFIX);
    expect(log[0]!.raw[0]).toBe(0);
    expect(log[0]!.bytes).toBe(256 * 1024);
  });
});

describe('bindNode while the node syncs (initial download)', () => {
  it('shows progress only, every 500 ms: no block list rebuilt, no propagation, a sample of the messages; all of it once caught up', async () => {
    const tn = new TestNetwork({ seed: 33 });
    const central = tn.add('C', 'central');
    for (let i = 0; i < 3; i++) {
      central.mineOnce();
      await tn.settle();
    }
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.settle();
    // The same node, as if a peer had shown it a chain far ahead (it is still downloading it).
    let far = true;
    const syncing = new Proxy(wallet, {
      get: (t, k) => (k === 'bestKnownHeight' ? () => (far ? t.height + SYNC_GAP + 100 : t.height) : Reflect.get(t, k, t)),
    });
    const store = createStore<ViewState>(() => initialViewState());
    bindNode(syncing, store, { clock: tn.clock, intervalMs: 100 });
    expect(store.getState().blocks).toEqual([]); // the first flush saw it far behind
    central.mineOnce();
    await tn.settle();
    tn.clock.advance(100);
    expect(store.getState().height).toBe(3); // not yet: a syncing view refreshes every 500 ms
    tn.clock.advance(SYNC_INTERVAL_MS - 100);
    expect(store.getState().height).toBe(4);
    expect(store.getState().blocks).toEqual([]);
    expect(store.getState().propagation).toEqual([]);
    // Caught up: the next batch brings the block list, and the blocks after it their steps again.
    far = false;
    central.mineOnce();
    await tn.settle();
    tn.clock.advance(SYNC_INTERVAL_MS);
    expect(store.getState().blocks.map((b) => b.height)).toEqual([5, 4, 3, 2, 1, 0]);
    central.mineOnce();
    await tn.settle();
    tn.clock.advance(100);
    expect(store.getState().propagation.filter((p) => p.node === 'W' && p.kind === 'connected').map((p) => p.hash)).toEqual([wallet.tipHash]);
  });
});
