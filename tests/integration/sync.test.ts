/**
 * Initial block download: a late joiner fetches a 2,000-block chain (two signed payments per
 * block, fully validated) with getblocks → inv (500 hashes) → getdata, pipelined; then the same
 * with the serving peer leaving halfway, and with a peer that never delivers what it announced.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { utxoDigest } from '../helpers/chainBuilder';
import { buildLongChain, utxoTotal, type LongChain } from './support/longChain';
import { RawPeer } from './support/rawPeer';
import { blockHashHex, subsidyAt, type Chain } from '../../src/core';
import { MSG_BLOCK } from '../../src/node/wire/messages';
import type { MessageEvent, NodeEvent } from '../../src/node/events';
import type { FullNode } from '../../src/node/node';

const N = 2000;
let chain: LongChain;
let seedNet: TestNetwork;

beforeAll(() => {
  seedNet = new TestNetwork({ seed: 100 });
  chain = buildLongChain(seedNet.params, seedNet.centralKey, N);
});

/** A network (same parameters as the fixture) whose central node holds the whole chain. */
function networkWithChain(seed: number): TestNetwork {
  const tn = new TestNetwork({ seed });
  tn.params = seedNet.params;
  return tn;
}

const msgs = (log: NodeEvent[], dir: 'in' | 'out', command: string) =>
  log.filter((e): e is MessageEvent => e.type === 'message' && e.dir === dir && e.command === command);

function totalSubsidy(c: Chain): bigint {
  let s = 0n;
  for (let h = 0; h <= c.height; h++) s += subsidyAt(c.params, h);
  return s;
}

/** Every node agrees with `ref` on tip, UTXO set, and no coin was lost or made. */
function expectSameChain(node: FullNode, ref: FullNode): void {
  expect(node.height).toBe(ref.height);
  expect(node.tipHash).toBe(ref.tipHash);
  expect(utxoDigest(node.chain!.utxo)).toBe(utxoDigest(ref.chain!.utxo));
  expect(utxoTotal(node.chain!.utxo)).toBe(totalSubsidy(node.chain!));
}

describe(`initial sync of ${N} blocks`, () => {
  it('a late joiner downloads the whole chain from one peer, in pipelined batches of 500', async () => {
    const tn = networkWithChain(101);
    const central = tn.add('C', 'central', { blocks: chain.blocks, mining: 'off' });
    expect(central.height).toBe(N);
    expect(central.tipHash).toBe(chain.tip);

    // The joiner knows nothing: not even the parameters (it asks with getparams).
    const joiner = tn.add('J', 'wallet', { seeds: ['C'] });
    let maxInFlight = 0;
    joiner.on((e) => {
      if (e.type === 'sync') maxInFlight = Math.max(maxInFlight, e.inFlight);
    });
    await tn.settle();

    expectSameChain(joiner, central);
    const log = tn.events.get('J')!;
    expect(msgs(log, 'out', 'getparams')).toHaveLength(1);
    // 4 full inv batches of 500 hashes; every getblocks after the first starts from the last hash received.
    const invs = msgs(log, 'in', 'inv').map((e) => e.hashes!.length);
    expect(invs).toEqual([500, 500, 500, 500]);
    const getblocks = msgs(log, 'out', 'getblocks');
    expect(getblocks.length).toBe(5); // the fifth is answered with nothing: we are synced
    expect(msgs(log, 'in', 'block')).toHaveLength(N); // each block exactly once
    expect(maxInFlight).toBeLessThanOrEqual(256);
    expect(maxInFlight).toBeGreaterThan(1); // pipelined, not one at a time
    // The payments are there: the recipient got 1,000 sat per payment but the genesis split.
    const r = joiner.chain!.utxo.coinsForScript(chain.keys.R.script);
    expect(r.length).toBe(chain.payments - 1);
    expect(tn.events.get('J')!.some((e) => e.type === 'log' && e.level === 'error')).toBe(false);
  });

  it('finishes from another peer when the serving peer leaves halfway', async () => {
    const tn = networkWithChain(102);
    const central = tn.add('C', 'central', { blocks: chain.blocks, mining: 'off' });
    const helper = tn.add('H', 'central', { params: tn.params, blocks: chain.blocks, mining: 'off', keys: [] });
    expect(helper.height).toBe(N);
    const joiner = tn.add('J', 'wallet', { seeds: ['C', 'H'], params: tn.params });

    let server: string | null = null;
    joiner.on((e) => {
      if (e.type === 'chain' && e.event.type === 'tip-changed' && e.event.entry.height >= N / 2 && !server) {
        server = joiner.syncPeerId;
        tn.node(server!).stop(); // gone, with 1,000 blocks still to go
      }
    });
    await tn.settle();
    await tn.advance(2000);

    expect(server).not.toBeNull();
    const other = server === 'C' ? helper : central;
    expectSameChain(joiner, other);
    const log = tn.events.get('J')!;
    expect(log.find((e) => e.type === 'peer-disconnected' && e.peer === server)).toBeTruthy();
    const from = (peer: string) => msgs(log, 'in', 'block').filter((e) => e.peer === peer).length;
    expect(from(server!)).toBeGreaterThanOrEqual(N / 2);
    expect(from(other.id)).toBeGreaterThan(0);
    expect(from(server!) + from(other.id)).toBeGreaterThanOrEqual(N);
  });

  it('a peer that never answers getdata is dropped as a staller and its requests go to another peer', async () => {
    const tn = networkWithChain(103);
    const central = tn.add('C', 'central', { blocks: chain.blocks, mining: 'off' });
    const joiner = tn.add('J', 'wallet', { params: tn.params });
    const hashes = chain.blocks.map((b) => blockHashHex(b.header));

    // The staller announces the real chain, answers getblocks honestly, and never sends a block.
    const staller = RawPeer.for(tn.net, 'S', joiner);
    staller.onmessage = (m, p) => {
      if (m.command === 'version') {
        p.send(p.version(joiner, { startHeight: N }));
        p.send({ command: 'verack' });
      }
      if (m.command === 'getblocks') {
        const i = m.locator[0] === joiner.chain!.genesis.hash ? 0 : hashes.indexOf(m.locator[0]) + 1;
        p.send({ command: 'inv', items: hashes.slice(i, i + 500).map((hash) => ({ type: MSG_BLOCK, hash })) });
      }
    };
    joiner.connect('S');
    await tn.settle();
    expect(joiner.syncPeerId).toBe('S');
    const askedOfStaller = staller.got('getdata').flatMap((g) => g.items.map((i) => i.hash));
    expect(askedOfStaller.length).toBeGreaterThan(0);
    expect(joiner.height).toBe(0);

    joiner.connect('C');
    await tn.settle();
    expect(joiner.height).toBe(0); // still waiting on the staller
    await tn.advance(joiner.timing.stallTimeout + 2000);
    await tn.settle();

    const log = tn.events.get('J')!;
    expect(log.find((e) => e.type === 'peer-disconnected' && e.peer === 'S')).toMatchObject({ reason: 'stalling block download' });
    expect(joiner.isDiscouraged('S')).toBe(false); // slow is not malicious
    const askedOfCentral = new Set(msgs(log, 'out', 'getdata').filter((e) => e.peer === 'C').flatMap((e) => e.hashes!));
    expect(askedOfStaller.every((h) => askedOfCentral.has(h))).toBe(true);
    expectSameChain(joiner, central);
  });
});
