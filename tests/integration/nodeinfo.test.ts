/**
 * The tutorial's world on the in-memory network: a star (central C, wallet W, miner M) where the
 * wallet names WALLET_1..WALLET_4 and the miner MINER_WALLET; every node learns every name and
 * every node's tip through `nodeinfo` gossip (the central relays between the leaves), a newer
 * record replaces an older one, a reconnecting node gets the whole book, and a flood is bounded.
 * Then the fork a teacher makes: a node cut off mines at the same height as the rest; back online,
 * both tips of equal work are fetched by both ends of the new link and kept, the first seen active.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { testKey } from '../helpers/chainBuilder';
import { COIN, sha256, utf8, walletKeyFromSecret } from '../../src/core';
import { MAX_NODES } from '../../src/node/net/nodeInfo';
import type { FullNode } from '../../src/node/node';

const names = (n: FullNode) => n.namedAddresses().map((a) => `${a.node}:${a.label}`).sort();

async function star(seed: number) {
  const tn = new TestNetwork({ seed });
  const C = tn.add('C', 'central');
  const W = tn.add('W', 'wallet', { seeds: ['C'], keys: [testKey('NI_W1')] });
  const M = tn.add('M', 'miner', { seeds: ['C'], mining: 'off', keys: [testKey('NI_M')] });
  await tn.settle();
  C.setLabel(tn.centralKey.address, 'CENTRAL_NODE');
  W.setLabel(W.keys[0]!.address, 'WALLET_1');
  for (const l of ['WALLET_2', 'WALLET_3', 'WALLET_4']) W.newAddress(l);
  M.setLabel(M.keys[0]!.address, 'MINER_WALLET');
  await tn.advance(2_000, 500);
  return { tn, C, W, M };
}

describe('nodeinfo: names and tips gossiped through the star', () => {
  it('every node lists all six names, the miner hears the wallet’s through the central', async () => {
    const { C, W, M } = await star(61);
    const all = ['C:CENTRAL_NODE', 'M:MINER_WALLET', 'W:WALLET_1', 'W:WALLET_2', 'W:WALLET_3', 'W:WALLET_4'];
    for (const n of [C, W, M]) expect(names(n), n.id).toEqual(all);
    // The addresses are the keys' own, and only a node's own keys are marked own.
    const w3 = M.namedAddresses().find((a) => a.label === 'WALLET_3')!;
    expect(w3.address).toBe(W.keys[2]!.address);
    expect(w3.own).toBe(false);
    expect(w3.role).toBe('wallet');
    expect(W.namedAddresses().filter((a) => a.own).map((a) => a.label)).toEqual(['WALLET_1', 'WALLET_2', 'WALLET_3', 'WALLET_4']);
    expect(M.peerIds()).toEqual(['C']); // a star: the miner never linked to the wallet
  });

  it('a new tip is republished: each node sees every other node at the same tip after a block', async () => {
    const { tn, C, W, M } = await star(62);
    C.send(tn.centralKey.address, W.keys[0]!.address, 10n * COIN, { mine: true });
    await tn.advance(2_000, 500);
    for (const n of [C, W, M]) {
      const tips = n.nodeInfos().map((i) => `${i.node}@${i.height}:${i.tip === C.tipHash}`).sort();
      expect(tips, n.id).toEqual(['C@1:true', 'M@1:true', 'W@1:true']);
    }
  });

  it('a renamed address replaces the old name everywhere; a node that reconnects gets the whole book', async () => {
    const { tn, C, W, M } = await star(63);
    W.setLabel(W.keys[3]!.address, 'SHOP');
    await tn.advance(2_000, 500);
    expect(names(M)).toContain('W:SHOP');
    expect(names(M)).not.toContain('W:WALLET_4');
    M.setOffline(true);
    await tn.settle();
    W.setLabel(W.keys[3]!.address, 'WALLET_4');
    await tn.advance(2_000, 500);
    expect(names(M)).toContain('W:SHOP'); // cut off: still the old record
    M.setOffline(false);
    await tn.advance(2_000, 500);
    expect(names(M)).toContain('W:WALLET_4');
    expect(names(C)).toContain('W:WALLET_4');
  });

  it('a node’s names spread everywhere; the rest of its record goes two hops (a line A–B–C–D: A hears of D once it names an address, and hears B’s and C’s new tips, not D’s)', async () => {
    const tn = new TestNetwork({ seed: 66 });
    const A = tn.add('A', 'central');
    const B = tn.add('B', 'wallet', { seeds: ['A'], keys: [testKey('NI_B')] });
    const C = tn.add('C', 'wallet', { seeds: ['B'], keys: [testKey('NI_C')] });
    const D = tn.add('D', 'miner', { seeds: ['C'], mining: 'off', keys: [walletKeyFromSecret(sha256(utf8('NI_D')))] }); // an unnamed key
    await tn.advance(6_000, 500); // the chain reaches D a hop at a time (a node without one asks again every 5 s)
    expect([A, B, C, D].map((n) => n.height)).toEqual([0, 0, 0, 0]);
    // Unnamed, D is news two hops away only: A (three hops) has not heard of it.
    expect(A.nodeInfos().map((i) => i.node).sort()).toEqual(['A', 'B', 'C']);
    expect([A, B, C, D].map((n) => n.peerIds().sort().join(','))).toEqual(['B', 'A,C', 'B,D', 'C']);
    D.setLabel(D.keys[0]!.address, 'MINER_WALLET');
    await tn.advance(3_000, 500);
    expect(names(A)).toContain('D:MINER_WALLET'); // three hops: names travel all the way
    D.mineOnce();
    await tn.advance(3_000, 500);
    const heightSeenBy = (n: FullNode, of: string) => n.nodeInfos().find((i) => i.node === of)?.height;
    expect([heightSeenBy(A, 'B'), heightSeenBy(A, 'C'), heightSeenBy(B, 'D'), heightSeenBy(C, 'D')]).toEqual([1, 1, 1, 1]);
    expect(heightSeenBy(A, 'D')).toBe(0); // D's new tip stopped two hops away; its name did not
    expect(names(A)).toContain('D:MINER_WALLET');
  });

  it('a node set up without nodeinfo (a simulated Bitcoin-like node) neither publishes, relays nor keeps records', async () => {
    const tn = new TestNetwork({ seed: 67 });
    const A = tn.add('A', 'central');
    const B = tn.add('B', 'wallet', { seeds: ['A'], keys: [testKey('NI_B2')], nodeInfo: false });
    const C = tn.add('C', 'wallet', { seeds: ['B'], keys: [testKey('NI_C2')] });
    const sent = new Map<string, number>();
    for (const n of [A, B, C]) n.on((e) => e.type === 'message' && e.dir === 'out' && e.command === 'nodeinfo' && sent.set(n.id, (sent.get(n.id) ?? 0) + 1));
    await tn.advance(6_000, 500);
    B.setLabel(B.keys[0]!.address, 'QUIET');
    C.setLabel(C.keys[0]!.address, 'LOUD');
    A.mineOnce();
    await tn.advance(3_000, 500);
    expect([A, B, C].map((n) => n.height)).toEqual([1, 1, 1]); // the chain itself travels as before
    expect(sent.get('B') ?? 0).toBe(0);
    expect(sent.get('A')).toBeGreaterThan(0);
    expect(B.nodeInfos().map((i) => i.node)).toEqual(['B']); // only itself
    expect(A.nodeInfos().map((i) => i.node)).toEqual(['A']); // C's records stop at B, B says nothing
    expect(names(A)).not.toContain('B:QUIET');
    expect(names(A)).not.toContain('C:LOUD');
  });

  it('a flood of records from one peer is bounded (book size and token bucket)', async () => {
    const { tn, C, M } = await star(64);
    // The miner impersonates 3,000 nodes at once: the book keeps at most MAX_NODES, the bucket ~1,000.
    const records = Array.from({ length: 3_000 }, (_, i) => ({ node: `rogue${i}`, role: null, seq: 1, height: 0, tip: '0'.repeat(64), labels: [] }));
    const peer = (M as unknown as { connman: { peers: Map<string, { send(m: unknown): boolean }> } }).connman.peers.get('C')!;
    for (let i = 0; i < records.length; i += 100) peer.send({ command: 'nodeinfo', records: records.slice(i, i + 100) });
    await tn.settle();
    const known = C.nodeInfos().length - 1;
    expect(known).toBeLessThanOrEqual(MAX_NODES);
    expect(known).toBeLessThanOrEqual(1_000 + 3); // what the bucket let in, plus W and M
    expect(C.peerIds().sort()).toEqual(['M', 'W']); // gossip is not misbehaviour
  });
});

describe('equal-work tips after a reconnect (a live fork)', () => {
  it('both sides fetch the competing block and keep it beside their own, first seen active', async () => {
    const { tn, C, W, M } = await star(65);
    M.setOffline(true);
    await tn.settle();
    M.mineOnce();
    await tn.settle();
    C.mineOnce();
    await tn.settle();
    const a = M.tipHash!;
    const b = C.tipHash!;
    expect(a).not.toBe(b);
    M.setOffline(false);
    await tn.advance(3_000, 500);
    for (const n of [C, M]) {
      expect(n.chain!.getEntry(a), `${n.id} has a`).toBeDefined();
      expect(n.chain!.getEntry(b), `${n.id} has b`).toBeDefined();
      expect(n.chain!.leaves().length, n.id).toBe(2);
    }
    expect(M.tipHash).toBe(a); // first seen stays active on each side
    expect(C.tipHash).toBe(b);
    expect(W.tipHash).toBe(b);
    // Like Core, a node announces only its active tip: the wallet hears of a when it wins.
    expect(W.chain!.getEntry(a)).toBeUndefined();
    // The next block decides, with no orphan: its parent is already known everywhere.
    M.mineOnce();
    await tn.settle();
    for (const n of [C, W, M]) expect(n.tipHash, n.id).toBe(M.tipHash);
    expect(tn.events.get('C')!.some((e) => e.type === 'rejected' && e.reason === 'prev-blk-not-found')).toBe(false);
  });
});
