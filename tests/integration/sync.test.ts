/**
 * Initial block download, headers first: a late joiner fetches a 2,000-block chain (two signed
 * payments per block, fully validated) with getheaders → headers (2,000) → getdata, pipelined,
 * from every peer that has the blocks; a peer that never delivers what it advertised is replaced.
 * (The serving peer leaving halfway: syncFailover.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LongChain } from './support/longChain';
import { N, buildSyncFixture, expectSameChain, msgs, networkWithChain } from './support/syncFixture';
import { RawPeer } from './support/rawPeer';
import { InProcessScriptWorker } from '../helpers/parallelReplay';
import { WorkerScriptChecker } from '../../src/workers/scriptPool';
import type { TimedNetwork } from './support/timedNetwork';
import { blockHashHex } from '../../src/core';
import { MAX_HEADERS } from '../../src/node/wire/messages';
import { DOWNLOAD_LIMITS } from '../../src/node/sync/headerSync';

let chain: LongChain;
let params: ReturnType<typeof buildSyncFixture>['params'];

beforeAll(() => {
  ({ chain, params } = buildSyncFixture());
});

describe(`initial sync of ${N} blocks`, () => {
  it('a late joiner learns the headers, then downloads the whole chain over 10 ms links, pipelined', async () => {
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
    // One full headers answer of 2,000, then an empty one: the joiner has every header.
    expect(msgs(log, 'in', 'headers').map((e) => e.bytes)).toEqual([24 + 3 + 81 * MAX_HEADERS, 24 + 1]);
    expect(msgs(log, 'out', 'getblocks')).toEqual([]); // the old way is not used between new nodes
    expect(msgs(log, 'in', 'block')).toHaveLength(N); // each block exactly once, whole (no compact blocks while far behind)
    expect(msgs(log, 'in', 'cmpctblock')).toEqual([]);
    expect(maxInFlight).toBeLessThanOrEqual(DOWNLOAD_LIMITS.perPeer);
    expect(maxInFlight).toBeGreaterThan(1); // pipelined, not one at a time
    expect(maxWanted).toBe(0); // nothing is "announced and wanted": headers-first downloads what it knows the chain needs
    expect(msgs(log, 'out', 'getdata').length).toBeLessThan(N / 20); // requests go out in batches
    // The payments are there: the recipient got 1,000 sat per payment but the genesis split.
    const r = joiner.chain!.utxo.coinsForScript(chain.keys.R.script);
    expect(r.length).toBe(chain.payments - 1);
    expect(tn.events.get('J')!.some((e) => e.type === 'log' && e.level === 'error')).toBe(false);
  });

  it('with a pool of script-check workers, the same chain: every payment’s signatures checked before its block connects, by the workers or by the main thread helping while it waits', async () => {
    const tn = networkWithChain(params, 104);
    const central = tn.add('C', 'central', { blocks: chain.blocks, mining: 'off' });
    const workers = [new InProcessScriptWorker(), new InProcessScriptWorker()];
    let made = 0;
    const checker = new WorkerScriptChecker({ concurrency: 2, createWorker: () => workers[made++]! });
    const joiner = tn.add('J', 'wallet', { params: tn.params, seeds: ['C'], scriptChecker: checker });
    await tn.settle();
    expectSameChain(joiner, central);
    // Two payments per block were checked ahead (none had been relayed to the joiner's mempool):
    // by the workers, or, for batches no worker had taken yet, by the main thread while it waited
    // (here the most: a manual clock runs the queue's timers before a stand-in worker's next turn).
    expect(workers.reduce((n, w) => n + w.jobs, 0) + checker.assisted).toBe(chain.payments);
    expect(workers.every((w) => w.jobs > 0)).toBe(true);
    expect(checker.assisted).toBeGreaterThan(0);
    checker.close();
  });

  it('blocks come from every peer at once; one that never answers getdata is dropped as a staller, the other finishes', async () => {
    const tn = networkWithChain(params, 103);
    const central = tn.add('C', 'central', { blocks: chain.blocks, mining: 'off' });
    const joiner = tn.add('J', 'wallet', { params: tn.params });
    const headers = chain.blocks.map((b) => b.header);
    const hashes = chain.blocks.map((b) => blockHashHex(b.header));

    // The staller has the real chain's headers and answers getheaders honestly, but never sends a block.
    const staller = RawPeer.for(tn.net, 'S', joiner);
    staller.onmessage = (m, p) => {
      if (m.command === 'version') {
        p.send(p.version(joiner, { startHeight: N }));
        p.send({ command: 'verack' });
      }
      if (m.command === 'getheaders') {
        // After the first locator hash it knows (the genesis block is height 0, before hashes[0]).
        const known = m.locator.find((h) => h === joiner.chain!.genesis.hash || hashes.includes(h))!;
        const from = hashes.indexOf(known) + 1;
        p.send({ command: 'headers', headers: headers.slice(from, from + MAX_HEADERS) });
      }
    };
    joiner.connect('S');
    await tn.settle();
    expect(joiner.syncPeerId).toBeNull(); // headers synced from it already
    const askedOfStaller = staller.got('getdata').flatMap((g) => g.items.map((i) => i.hash));
    expect(askedOfStaller.length).toBe(DOWNLOAD_LIMITS.perPeer);
    expect(joiner.height).toBe(0);

    joiner.connect('C');
    await tn.settle();
    // The central node is asked for the blocks after the staller's, in parallel, up to the window.
    const askedOfCentral = () => new Set(msgs(tn.events.get('J')!, 'out', 'getdata').filter((e) => e.peer === 'C').flatMap((e) => e.hashes!));
    expect(askedOfCentral().size).toBeGreaterThan(0);
    expect(askedOfStaller.some((h) => askedOfCentral().has(h))).toBe(false);
    expect(joiner.height).toBe(0); // block 1 is the staller's: nothing connects yet
    await tn.advance(joiner.timing.stallTimeout + 2000);
    await tn.settle();

    const log = tn.events.get('J')!;
    expect(log.find((e) => e.type === 'peer-disconnected' && e.peer === 'S')).toMatchObject({ reason: expect.stringMatching(/^stalling block download/) });
    expect(joiner.isDiscouraged('S')).toBe(false); // slow is not malicious
    expect(askedOfStaller.every((h) => askedOfCentral().has(h))).toBe(true);
    expectSameChain(joiner, central);
  });
});
