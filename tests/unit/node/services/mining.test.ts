/**
 * The mining controller with a test miner: when it starts (threshold, continuous, once), when a
 * template goes stale, and when it stops. The seed tutorial's miner mines at two transactions.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost } from '../../../helpers/fakePeers';
import { TestChain, testKey, testParams } from '../../../helpers/chainBuilder';
import { TestMiner } from '../../../helpers/testMiner';
import { MiningController } from '../../../../src/node/mining';
import type { MiningMode, NodeEvent } from '../../../../src/node/events';
import type { Block, Miner, MiningJob } from '../../../../src/core';

const CREATOR = testKey('SVC_MINE_CREATOR');
const MINER = testKey('SVC_MINE_MINER');
const ALICE = testKey('SVC_MINE_ALICE');
const BOB = testKey('SVC_MINE_BOB');
const OTHER = testKey('SVC_MINE_OTHER');
const PARAMS = testParams(CREATOR);

type MiningEvent = Extract<NodeEvent, { type: 'mining-started' | 'mining-stopped' }>;

/**
 * A miner whose answers the test hands back one by one, and which ignores cancellation: like a
 * worker that finds a block just as the tip moves.
 */
class LateMiner implements Miner {
  readonly concurrency = 1;
  readonly jobs: { job: MiningJob; answer: (header: Uint8Array | null) => void }[] = [];
  mine(job: MiningJob): Promise<Uint8Array | null> {
    return new Promise((answer) => this.jobs.push({ job, answer }));
  }
  /** Solves job `i` (at regtest difficulty) and returns the solution. */
  async solve(i: number): Promise<void> {
    const { job, answer } = this.jobs[i];
    answer(await new TestMiner().mine(job));
  }
}

/** A miner node's controller on a chain at genesis; a found block is submitted to the chain. */
function setup(mode: MiningMode, threshold = 2, miner: Miner = new TestMiner(), templateRefreshMs = 0) {
  const host = new FakeHost();
  const tc = new TestChain(PARAMS);
  const submitted: Block[] = [];
  const ctl = new MiningController(
    { id: 'M', role: 'miner', bus: host.bus, clock: host.clock, payTo: () => MINER.pubkeyHash, submit: (b) => (submitted.push(b), tc.add(b, true)) },
    miner,
    mode,
    threshold,
    { maxBlockTxsBytes: 1_000_000, templateRefreshMs },
  );
  tc.mempool.on(() => ctl.noteMempoolChange());
  ctl.attach(tc.chain, tc.mempool);
  /** A transaction accepted into the mempool, as relay or the wallet would (then the node asks the controller). */
  const accept = (from: typeof ALICE, to: typeof ALICE, coins: number) => {
    tc.mempool.accept(tc.pay(from, to, coins), tc.now);
    ctl.maybeMine();
  };
  const events = () =>
    host.events
      .filter((e): e is MiningEvent => e.type === 'mining-started' || e.type === 'mining-stopped')
      .map((e) => (e.type === 'mining-started' ? `started at ${e.height} with ${e.txCount} txs` : `stopped: ${e.why}`));
  return { host, tc, miner: miner as TestMiner, ctl, submitted, accept, events };
}

/** Lets the miner's promises run (the test miner resolves on later turns of the event loop). */
async function idle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('when to mine', () => {
  it('threshold mode starts once the mempool holds the threshold number of transactions', async () => {
    const { ctl, accept, submitted, events, tc } = setup('threshold', 2);
    ctl.setRunning(true);
    accept(CREATOR, ALICE, 2);
    await idle();
    expect(ctl.active).toBe(false);
    expect(events()).toEqual([]);

    accept(ALICE, BOB, 1);
    expect(events()).toEqual(['started at 1 with 3 txs']); // coinbase + the two payments
    await idle();
    expect(submitted.map((b) => b.txs.length)).toEqual([3]);
    expect(tc.chain.height).toBe(1);
    expect(ctl.active).toBe(false); // the mempool is empty again
  });

  it('mineOnce mines a block even with an empty mempool, then stops', async () => {
    const { ctl, submitted, events } = setup('off');
    ctl.setRunning(true);
    ctl.mineOnce();
    await idle();
    expect(submitted.map((b) => b.txs.length)).toEqual([1]);
    expect(events()).toEqual(['started at 1 with 1 txs', 'stopped: found']);
    expect(ctl.active).toBe(false);
  });
});

describe('stale work and stopping', () => {
  it('a new tip (or a changed mempool) makes the running template stale: it is dropped and mining restarts on top', async () => {
    const { ctl, miner, tc, submitted, events, accept } = setup('continuous');
    miner.hold = true;
    ctl.setRunning(true);
    expect(events()).toEqual(['started at 1 with 1 txs']);

    tc.mineAndAdd(OTHER, []); // another miner's block arrives
    ctl.maybeMine();
    expect(events()).toEqual(['started at 1 with 1 txs', 'stopped: stale', 'started at 2 with 1 txs']);

    accept(CREATOR, ALICE, 2);
    expect(events().slice(3)).toEqual(['stopped: stale', 'started at 2 with 2 txs']);

    ctl.setRunning(false);
    miner.release();
    await idle();
    expect(submitted).toEqual([]); // stale work is never submitted
  });

  it('a solution found for a stale template is never submitted; the current one is', async () => {
    const late = new LateMiner();
    const { ctl, tc, submitted } = setup('continuous', 2, late);
    ctl.setRunning(true);
    tc.mineAndAdd(OTHER, []);
    ctl.maybeMine();
    expect(late.jobs).toHaveLength(2);

    await late.solve(0); // on the old tip
    await idle();
    expect(submitted).toEqual([]);

    await late.solve(1); // on the current tip
    await idle();
    expect(submitted).toHaveLength(1);
    expect(tc.chain.height).toBe(2);
    expect(late.jobs).toHaveLength(3); // continuous: the next block is under way
  });

  it('turning mining off stops continuous mining; nothing found afterwards is submitted', async () => {
    const { ctl, miner, submitted, events } = setup('continuous');
    miner.hold = true;
    ctl.setRunning(true);
    ctl.set('off');
    expect(ctl.active).toBe(false);
    expect(events()).toEqual(['started at 1 with 1 txs', 'stopped: stopped']);
    miner.release();
    await idle();
    expect(submitted).toEqual([]);
  });

  it('turning mining off leaves a block asked for with mineOnce to be mined', async () => {
    const { ctl, miner, submitted } = setup('continuous');
    miner.hold = true;
    ctl.setRunning(true);
    ctl.mineOnce();
    ctl.set('off');
    expect(ctl.active).toBe(true);
    miner.release();
    await idle();
    expect(submitted).toHaveLength(1);
    expect(ctl.active).toBe(false);
  });
});

describe('template refresh (Bitcoin Core rebuilds a template for new transactions only after 5 s)', () => {
  it('new payments wait until the template is 5 s old; a new tip rebuilds at once', async () => {
    const { ctl, miner, tc, host, events, accept } = setup('continuous', 2, new TestMiner(), 5_000);
    miner.hold = true;
    ctl.setRunning(true);
    expect(events()).toEqual(['started at 1 with 1 txs']);

    host.clock.advance(2_000);
    accept(CREATOR, ALICE, 2);
    accept(ALICE, BOB, 1);
    expect(events()).toEqual(['started at 1 with 1 txs']); // the template is 2 s old: kept

    host.clock.advance(3_000); // 5 s old: one rebuild takes both payments
    expect(events()).toEqual(['started at 1 with 1 txs', 'stopped: stale', 'started at 1 with 3 txs']);

    host.clock.advance(1_000);
    tc.mineAndAdd(OTHER, []); // another miner's block: rebuilt at once, however young the template
    ctl.maybeMine();
    expect(events().slice(3)).toEqual(['stopped: stale', 'started at 2 with 3 txs']);
    ctl.setRunning(false);
    miner.release();
    await idle();
  });
});
