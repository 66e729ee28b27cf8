/**
 * The block queue between download and the chain: blocks connect in order, each after its
 * signature checks (run elsewhere) are done; out-of-order blocks wait for their parents; and the
 * main thread gives way every SLICE_MS so a syncing tab keeps painting.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/adapters/memory/clock';
import { ASSIST_MS, BlockQueue, SLICE_MS, type QueuedBlock } from '../../../../src/node/sync/blockQueue';
import { TestChain, testKey, testParams } from '../../../helpers/chainBuilder';
import { blockHashHex, type Block } from '../../../../src/core';

const CREATOR = testKey('SVC_QUEUE_CREATOR');
const PARAMS = testParams(CREATOR);

function blocks(n: number): Block[] {
  const tc = new TestChain(PARAMS);
  return Array.from({ length: n }, () => tc.mineAndAdd(CREATOR, []));
}

/** A queue over a set of "connected" hashes; `cost` ms of clock per block connected. */
function setup(opts: { cost?: number; precheck?: (b: Block) => Promise<void> | null; assist?: () => boolean } = {}) {
  const clock = new ManualClock();
  const connected: string[] = [];
  const inChain = new Set<string>([new TestChain(PARAMS).chain.genesis.hash]);
  const queue = new BlockQueue(
    {
      inChain: (h) => inChain.has(h),
      process: (q: QueuedBlock) => {
        connected.push(q.hash);
        inChain.add(q.hash);
        if (opts.cost) clock.advance(opts.cost);
      },
      ...(opts.precheck ? { precheck: opts.precheck } : {}),
      ...(opts.assist ? { assist: opts.assist } : {}),
    },
    clock,
    100,
  );
  const push = (b: Block, wait = true) => queue.push(b, blockHashHex(b.header), null, 0, wait);
  return { clock, connected, queue, push };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BlockQueue', () => {
  it('a block waits for its signature checks, and the next one waits for it even if its own checks are done', async () => {
    const bs = blocks(2);
    const release: (() => void)[] = [];
    const { connected, push } = setup({ precheck: (b) => (b === bs[0] ? new Promise<void>((r) => release.push(r)) : Promise.resolve()) });
    push(bs[0]!);
    push(bs[1]!);
    await tick();
    expect(connected).toEqual([]);
    release[0]!();
    await tick();
    expect(connected).toEqual(bs.map((b) => blockHashHex(b.header)));
  });

  it('a block whose parent has not arrived waits for it, then both connect in order', () => {
    const bs = blocks(3);
    const { connected, push, queue } = setup();
    push(bs[2]!);
    push(bs[1]!);
    expect(connected).toEqual([]);
    expect(queue.size).toBe(2);
    push(bs[0]!);
    expect(connected).toEqual(bs.map((b) => blockHashHex(b.header)));
    expect(queue.size).toBe(0);
  });

  it(`gives way to the event loop after ${SLICE_MS} ms of connecting, and goes on at the next turn`, () => {
    const bs = blocks(10);
    const { clock, connected, push } = setup({ cost: 5 });
    for (const b of bs.slice(1)) push(b); // wait for block 1
    push(bs[0]!);
    const perSlice = Math.ceil(SLICE_MS / 5);
    expect(connected).toHaveLength(perSlice);
    expect(clock.pending).toBe(1); // the rest is a timer away: the event loop runs in between
    clock.runDue(1);
    expect(connected).toHaveLength(2 * perSlice);
    clock.advance(0);
    expect(connected).toHaveLength(10);
  });

  it('a signature check that finishes after a slice gave way waits for the slice’s timer (no second slice in one task)', async () => {
    const bs = blocks(10);
    let release: (() => void) | null = null;
    const { clock, connected, push } = setup({
      cost: 5,
      precheck: (b) => (b === bs[3] ? new Promise<void>((r) => (release = r)) : null),
    });
    for (const b of bs.slice(1)) push(b);
    push(bs[0]!);
    const perSlice = Math.ceil(SLICE_MS / 5);
    expect(connected).toHaveLength(perSlice);
    release!();
    await tick(); // the check of block 4 (next in line) is done: still nothing more until the timer
    expect(connected).toHaveLength(perSlice);
    clock.advance(0);
    expect(connected).toHaveLength(10);
  });

  it(`while the block next in line waits for its checks, the queue checks waiting batches itself for ${ASSIST_MS} ms, then looks again at the next turn`, async () => {
    const bs = blocks(3);
    const release: (() => void)[] = [];
    let waitingBatches = 5;
    const assisted: number[] = [];
    const { clock, connected, push } = setup({
      precheck: (b) => (b === bs[0] ? new Promise<void>((r) => release.push(r)) : null),
      // Each batch a worker has not taken costs 1 ms of this thread.
      assist: () => {
        if (!waitingBatches) return false;
        waitingBatches--;
        assisted.push(clock.now());
        clock.advance(1);
        return true;
      },
    });
    push(bs[0]!);
    // Block 1's checks are out: the queue helps with ASSIST_MS worth of batches, no more, and
    // gives way (a timer) so a verdict arriving meanwhile is seen.
    expect(assisted).toHaveLength(ASSIST_MS);
    expect(clock.pending).toBe(1);
    clock.runDue(1);
    expect(assisted).toHaveLength(Math.min(5, 2 * ASSIST_MS));
    while (clock.pending) clock.runDue(1);
    expect(assisted).toHaveLength(5); // every waiting batch checked; then it simply waits
    expect(connected).toEqual([]);
    push(bs[1]!);
    push(bs[2]!);
    release[0]!();
    await tick();
    while (clock.pending) clock.runDue(1);
    expect(connected).toEqual(bs.map((b) => blockHashHex(b.header)));
  });

  it('without batches to help with, a waiting queue sets no timer: it is woken by the verdict', async () => {
    const bs = blocks(1);
    let release: (() => void) | null = null;
    let asked = 0;
    const { clock, connected, push } = setup({ precheck: () => new Promise<void>((r) => (release = r)), assist: () => (asked++, false) });
    push(bs[0]!);
    expect(asked).toBe(1);
    expect(clock.pending).toBe(0);
    release!();
    await tick();
    expect(connected).toHaveLength(1);
  });
});
