/**
 * Initial block download: a late joiner fetches a 2,000-block chain (two signed payments per
 * block, fully validated) with getblocks → inv (500 hashes) → getdata, pipelined; and a peer that
 * never delivers what it announced is replaced. (The serving peer leaving halfway: syncFailover.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LongChain } from './support/longChain';
import { N, buildSyncFixture, expectSameChain, msgs, networkWithChain } from './support/syncFixture';
import { RawPeer } from './support/rawPeer';
import type { TimedNetwork } from './support/timedNetwork';
import { blockHashHex } from '../../src/core';
import { MSG_BLOCK } from '../../src/node/wire/messages';

let chain: LongChain;
let params: ReturnType<typeof buildSyncFixture>['params'];

beforeAll(() => {
  ({ chain, params } = buildSyncFixture());
});

describe(`initial sync of ${N} blocks`, () => {
  it('a late joiner downloads the whole chain from one peer over 10 ms links, in pipelined batches of 500', async () => {
    const tn = networkWithChain(params, 101, 10) as TimedNetwork;
    const central = tn.add('C', 'central', { blocks: chain.blocks, mining: 'off' });
    expect(central.height).toBe(N);
    expect(central.tipHash).toBe(chain.tip);

    // The joiner knows nothing: not even the parameters (it asks with getparams).
    const joiner = tn.add('J', 'wallet', { seeds: ['C'] });
    let maxInFlight = 0;
    let maxWanted = 0;
    joiner.on((e) => {
      if (e.type !== 'sync') return;
      maxInFlight = Math.max(maxInFlight, e.inFlight);
      maxWanted = Math.max(maxWanted, joiner.resourceCounts().wantedBlocks);
    });
    const start = tn.clock.now();
    await tn.runFor(10_000);

    expectSameChain(joiner, central);
    const log = tn.events.get('J')!;
    const done = log.filter((e) => e.type === 'chain' && e.event.type === 'tip-changed').at(-1)!.time;
    expect(done - start).toBeLessThan(2_000); // virtual ms: 2,000 blocks need far fewer round trips than blocks
    expect(msgs(log, 'out', 'getparams')).toHaveLength(1);
    // 4 full inv batches of 500 hashes; every getblocks after the first starts from the last hash received.
    const invs = msgs(log, 'in', 'inv').map((e) => e.hashes!.length);
    expect(invs).toEqual([500, 500, 500, 500]);
    const getblocks = msgs(log, 'out', 'getblocks');
    expect(getblocks.length).toBe(5); // the fifth is answered with nothing: we are synced
    expect(msgs(log, 'in', 'block')).toHaveLength(N); // each block exactly once
    expect(maxInFlight).toBeLessThanOrEqual(256);
    expect(maxInFlight).toBeGreaterThan(1); // pipelined, not one at a time
    expect(maxWanted).toBeLessThanOrEqual(1000); // announcements run at most one batch ahead of the download
    expect(msgs(log, 'out', 'getdata').length).toBeLessThan(N / 50); // requests go out in batches
    // The payments are there: the recipient got 1,000 sat per payment but the genesis split.
    const r = joiner.chain!.utxo.coinsForScript(chain.keys.R.script);
    expect(r.length).toBe(chain.payments - 1);
    expect(tn.events.get('J')!.some((e) => e.type === 'log' && e.level === 'error')).toBe(false);
  });

  it('a peer that never answers getdata is dropped as a staller and its requests go to another peer', async () => {
    const tn = networkWithChain(params, 103);
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
