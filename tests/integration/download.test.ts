/**
 * Block download corner cases with small chains: a peer that lies about its height, a peer that
 * answers notfound, a seed that goes away and comes back, a peer that asked for no tx relay.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { TestChain, testKey } from '../helpers/chainBuilder';
import { RawPeer, handshaken } from './support/rawPeer';
import { MIN_PEER_PROTO_VERSION, MSG_BLOCK, MSG_TX } from '../../src/node/wire/messages';

/** A peer of the first tabchain release (version 70001): it announces by inv and is asked by getdata. */
const OLD = { version: MIN_PEER_PROTO_VERSION };
import { COIN, blockHashHex, decodeBlock, fromHex, paramsToJSON } from '../../src/core';

const MINER = testKey('DL_MINER');

function chainOf(tn: TestNetwork, n: number) {
  const tc = new TestChain(tn.params);
  const blocks = Array.from({ length: n }, () => tc.mineAndAdd(MINER, []));
  return { tc, blocks };
}

describe('download corner cases', () => {
  it('a peer claiming a height it does not have delays sync by about the stall timeout, no more', async () => {
    const tn = new TestNetwork({ seed: 81 });
    const { blocks } = chainOf(tn, 20);
    const central = tn.add('C', 'central', { blocks, mining: 'off' });
    const joiner = tn.add('J', 'wallet', { params: tn.params });
    // The liar claims height 1,000 and answers getblocks with nothing.
    const liar = RawPeer.for(tn.net, 'L', joiner);
    liar.onmessage = (m, p) => {
      if (m.command === 'version') {
        p.send(p.version(joiner, { startHeight: 1000 }));
        p.send({ command: 'verack' });
      }
    };
    joiner.connect('L');
    await tn.settle();
    joiner.connect('C');
    await tn.settle();
    expect(joiner.syncPeerId).toBe('L');
    expect(joiner.height).toBe(0);
    const t0 = tn.clock.now();
    while (joiner.height < 20 && tn.clock.now() - t0 < 30_000) await tn.advance(500, 500);
    expect(joiner.tipHash).toBe(central.tipHash);
    expect(tn.clock.now() - t0).toBeLessThanOrEqual(joiner.timing.stallTimeout + 2_000);
    expect(liar.connected).toBe(true); // lying about height is not proof of malice
  });

  it('a block the first announcer cannot deliver (notfound) is fetched from another peer at once', async () => {
    const tn = new TestNetwork({ seed: 82 });
    const { tc, blocks } = chainOf(tn, 3);
    const central = tn.add('C', 'central', { blocks, mining: 'off' });
    const honest = tn.add('H', 'miner', { seeds: ['C'], mining: 'off' });
    await tn.settle();
    const raw = await handshaken(tn.net, () => tn.settle(), 'R', central, OLD);
    raw.onmessage = (m, p) => {
      if (m.command === 'getdata') p.send({ command: 'notfound', items: m.items });
    };
    const next = tc.mine(MINER, []);
    const hash = blockHashHex(next.header);
    // The raw peer announces first; the honest node, which really has it, second.
    raw.send({ command: 'inv', items: [{ type: MSG_BLOCK, hash }] });
    await tn.settle();
    expect(raw.got('getdata')[0].items[0].hash).toBe(hash);
    expect(central.height).toBe(3);
    honest.submitBlock(next);
    await tn.settle();
    expect(central.tipHash).toBe(hash);
    expect(raw.connected).toBe(true); // notfound is an honest answer
    expect(central.resourceCounts()).toMatchObject({ wantedBlocks: 0, blocksInFlight: 0 });
  });

  it('headers-first: a peer that announced a header and answers notfound is not asked for that block again', async () => {
    const tn = new TestNetwork({ seed: 182 });
    const { tc, blocks } = chainOf(tn, 3);
    const central = tn.add('C', 'central', { blocks, mining: 'off' });
    const honest = tn.add('H', 'miner', { seeds: ['C'], mining: 'off' });
    await tn.settle();
    const raw = await handshaken(tn.net, () => tn.settle(), 'R', central);
    raw.onmessage = (m, p) => {
      if (m.command === 'getdata') p.send({ command: 'notfound', items: m.items });
    };
    const next = tc.mine(MINER, []);
    const hash = blockHashHex(next.header);
    raw.send({ command: 'headers', headers: [next.header] });
    await tn.settle();
    expect(raw.got('getdata').flatMap((g) => g.items.map((i) => i.hash))).toEqual([hash]); // asked once, not again after notfound
    expect(central.height).toBe(3);
    honest.submitBlock(next);
    await tn.settle();
    expect(central.tipHash).toBe(hash);
    expect(raw.got('getdata')).toHaveLength(1);
    expect(raw.connected).toBe(true);
  });

  it('a wallet reconnects to its seed when the central node comes back, and catches up', async () => {
    const tn = new TestNetwork({ seed: 83 });
    const central = tn.add('C', 'central', { mining: 'off' });
    central.mineOnce();
    await tn.settle();
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.settle();
    expect(wallet.height).toBe(1);
    const blocks = [central.chain!.getBlock(central.tipHash!)!];
    central.stop();
    await tn.advance(12_000, 1_000);
    expect(wallet.peerIds()).toEqual([]);
    // The central node restarts from its storage and mines while the wallet is away.
    const again = tn.add('C', 'central', { blocks, mining: 'off', keys: [tn.centralKey] });
    again.mineOnce();
    await tn.settle();
    await tn.advance(6_000, 1_000);
    expect(wallet.peerIds()).toEqual(['C']);
    expect(wallet.tipHash).toBe(again.tipHash);
    const failed = tn.events.get('W')!.filter((e) => e.type === 'connect-failed').length;
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThanOrEqual(4); // one attempt per 5 s while it was gone
  });

  it('a peer that said relay = 0 in its version gets block announcements but no transactions', async () => {
    const tn = new TestNetwork({ seed: 84 });
    const central = tn.add('C', 'central', { mining: 'off' });
    const quiet = await handshaken(tn.net, () => tn.settle(), 'Q', central, { relay: false });
    const chatty = await handshaken(tn.net, () => tn.settle(), 'K', central);
    central.send(tn.centralKey.address, MINER.address, 1n * COIN);
    await tn.settle();
    expect(chatty.got('inv').flatMap((m) => m.items).filter((i) => i.type === MSG_TX)).toHaveLength(1);
    expect(quiet.got('inv').flatMap((m) => m.items).filter((i) => i.type === MSG_TX)).toHaveLength(0);
    central.mineOnce();
    await tn.settle();
    expect(quiet.got('inv').flatMap((m) => m.items).filter((i) => i.type === MSG_BLOCK)).toHaveLength(1);
  });
});

describe('joining before the neighbours have the chain', () => {
  it('nodes seeded through other new nodes get the parameters and the chain once a neighbour has them', async () => {
    const tn = new TestNetwork({ seed: 85 });
    const { blocks } = chainOf(tn, 5);
    // A line C – N1 – N2 – N3, everyone started at the same instant: when N2 shakes hands with N1,
    // N1 has no chain yet (its version carries a zero genesis), and likewise N3 with N2.
    const central = tn.add('C', 'central', { blocks, mining: 'off' });
    const n1 = tn.add('N1', 'wallet', { seeds: ['C'] });
    const n2 = tn.add('N2', 'wallet', { seeds: ['N1'] });
    const n3 = tn.add('N3', 'wallet', { seeds: ['N2'] });
    await tn.advance(10_000, 1_000);
    for (const n of [n1, n2, n3]) {
      expect(n.chain, n.id).not.toBeNull();
      expect(n.tipHash, n.id).toBe(central.tipHash);
    }
    // And a block mined at the far end travels the line.
    n3.setMining('off');
    central.mineOnce();
    await tn.settle();
    expect(n3.tipHash).toBe(central.tipHash);
  });
});

describe('params from a peer', () => {
  it('parameters whose genesis differs from the peer’s version are refused and the peer punished', async () => {
    const tn = new TestNetwork({ seed: 86 });
    const other = new TestNetwork({ seed: 87, params: { blockReward: 7n * COIN } });
    const joiner = tn.add('J', 'wallet', {});
    const liar = RawPeer.for(tn.net, 'L', joiner);
    liar.onmessage = (m, p) => {
      if (m.command === 'version') {
        p.send(p.version(joiner, { genesis: blockHashHex(decodeGenesis(tn.params.genesisHex!)), startHeight: 3 }));
        p.send({ command: 'verack' });
      }
      if (m.command === 'getparams') p.send({ command: 'params', json: paramsToJSON({ ...other.params, network: tn.params.network, magic: tn.params.magic }) });
    };
    joiner.connect('L');
    await tn.settle();
    expect(tn.events.get('J')!.find((e) => e.type === 'rejected')).toMatchObject({ command: 'params', reason: 'bad-params', debug: "genesis does not match the peer's version message", punished: true });
    expect(joiner.chain).toBeNull();
    expect(joiner.isDiscouraged('L')).toBe(true);
  });
});

function decodeGenesis(hex: string) {
  return decodeBlock(fromHex(hex)).header;
}

describe('a block asked of one peer arrives from another', () => {
  it('the first request is cancelled: the slow peer is not dropped as a staller', async () => {
    const tn = new TestNetwork({ seed: 88 });
    const { tc, blocks } = chainOf(tn, 2);
    const central = tn.add('C', 'central', { blocks, mining: 'off' });
    const slow = await handshaken(tn.net, () => tn.settle(), 'S', central, OLD);
    const pusher = await handshaken(tn.net, () => tn.settle(), 'P', central);
    const next = tc.mine(MINER, []);
    slow.send({ command: 'inv', items: [{ type: MSG_BLOCK, hash: blockHashHex(next.header) }] });
    await tn.settle();
    expect(central.blocksInFlight).toBe(1);
    pusher.send({ command: 'block', block: next }); // unsolicited, but it extends the tip
    await tn.settle();
    expect(central.tipHash).toBe(blockHashHex(next.header));
    expect(central.blocksInFlight).toBe(0);
    await tn.advance(central.timing.stallTimeout + 2_000, 1_000);
    expect(slow.connected).toBe(true);
  });
});

describe('a node that believes it is behind', () => {
  it('still announces the blocks it mines itself at once', async () => {
    const tn = new TestNetwork({ seed: 89 });
    const central = tn.add('C', 'central', { mining: 'off' });
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.settle();
    // A peer claims to be far ahead, so the central node thinks it is downloading.
    const liar = await handshaken(tn.net, () => tn.settle(), 'L', central, { startHeight: 1000 });
    expect(central.syncPeerId).toBe('L');
    central.mineOnce();
    await tn.settle();
    expect(wallet.tipHash).toBe(central.tipHash);
    void liar;
  });
});
