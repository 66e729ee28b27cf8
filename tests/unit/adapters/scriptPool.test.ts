/**
 * The script-check pool (Core's -par check queue over Web Workers): jobs wait in one queue, each
 * worker holds at most two messages, several waiting batches travel in one message, and the main
 * thread takes waiting batches itself while it waits (`assist`) — every verdict the same as the
 * engine's own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Chain, Mempool, type ScriptJob } from '../../../src/core';
import { ScriptPrecheck } from '../../../src/node/sync/precheck';
import { MAX_JOBS_PER_MESSAGE, WorkerScriptChecker, handleScriptMessage, type ScriptReply, type ScriptRequest, type ScriptWorkerLike } from '../../../src/workers/scriptPool';
import { buildLongChain } from '../../integration/support/longChain';
import { TestNetwork } from '../../helpers/testNetwork';

/** A worker stand-in that answers only when the test says so. */
class HeldWorker implements ScriptWorkerLike {
  onmessage: ((event: MessageEvent<ScriptReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly inbox: ScriptRequest[] = [];
  postMessage(message: ScriptRequest): void {
    this.inbox.push(structuredClone(message));
  }
  /** Answers the oldest message, as the worker would. */
  answer(): void {
    const m = this.inbox.shift()!;
    this.onmessage?.({ data: handleScriptMessage(m) } as MessageEvent<ScriptReply>);
  }
  fail(): void {
    this.onerror?.({} as ErrorEvent);
  }
  terminate(): void {}
}

/** One batch of jobs per block: the two signed payments of each of blocks 2..n+1, the last one forged. */
let batches: ScriptJob[][];

beforeAll(() => {
  const net = new TestNetwork({ seed: 7 });
  const long = buildLongChain(net.params, net.centralKey, 12);
  const chain = new Chain(net.params);
  const pre = new ScriptPrecheck(chain, new Mempool(chain), { concurrency: 1, check: async () => [] });
  batches = [];
  for (const b of long.blocks) {
    const jobs = pre.jobsFor(b);
    if (jobs.length) batches.push(jobs);
    expect(chain.processBlock(b, Math.floor(Date.now() / 1000) + 7200).status).toBe('accepted');
  }
  // A forged signature in the last batch: the pool must say false for it, true for the rest.
  const last = batches[batches.length - 1]![0]!;
  const script = Uint8Array.from(last.tx.inputs[0]!.scriptSig);
  script[10] ^= 1;
  batches[batches.length - 1]![0] = { ...last, tx: { ...last.tx, inputs: [{ ...last.tx.inputs[0]!, scriptSig: script }, ...last.tx.inputs.slice(1)] } };
});

const tick = () => new Promise((r) => setImmediate(r));

describe('WorkerScriptChecker', () => {
  it('keeps two messages in a worker; later batches wait and go together; the main thread takes the oldest waiting one', async () => {
    expect(batches.length).toBeGreaterThanOrEqual(8);
    const w = new HeldWorker();
    const pool = new WorkerScriptChecker({ concurrency: 1, createWorker: () => w });
    const verdicts: (boolean[] | null)[] = batches.map(() => null);
    batches.forEach((jobs, i) => void pool.check(jobs).then((ok) => (verdicts[i] = ok)));
    // Two messages out (one block each), the rest waits in the pool.
    expect(w.inbox.map((m) => m.jobs.length)).toEqual([batches[0]!.length, batches[1]!.length]);
    // The main thread, waiting, checks the oldest waiting batch itself: the worker never sees it.
    expect(pool.assist()).toBe(true);
    expect(pool.assisted).toBe(batches[2]!.length);
    await tick();
    expect(verdicts[2]).toEqual(batches[2]!.map(() => true));
    // The worker answers its first message: the waiting batches go to it in one message, up to the cap.
    w.answer();
    let together = 0;
    for (const b of batches.slice(3)) if (together + b.length <= MAX_JOBS_PER_MESSAGE) together += b.length; else break;
    expect(together).toBeGreaterThan(batches[3]!.length);
    expect(w.inbox).toHaveLength(2);
    expect(w.inbox[1]!.jobs.length).toBe(together);
    while (w.inbox.length) w.answer();
    while (pool.assist());
    await tick();
    // Every batch answered once, in its own shape, the forged signature false and nothing else.
    expect(verdicts.map((v) => v?.length)).toEqual(batches.map((b) => b.length));
    expect(verdicts.flat().filter((v) => !v)).toHaveLength(1);
    expect(verdicts[verdicts.length - 1]![0]).toBe(false);
    pool.close();
  });

  it('a worker that fails answers its jobs false (the engine checks them) and gets no more; with none left, waiting jobs come back false', async () => {
    const [a, b] = [new HeldWorker(), new HeldWorker()];
    const made = [a, b];
    const pool = new WorkerScriptChecker({ concurrency: 2, createWorker: () => made.shift()! });
    const out: boolean[][] = [];
    for (const jobs of batches.slice(0, 6)) void pool.check(jobs).then((ok) => out.push(ok));
    expect(a.inbox).toHaveLength(2);
    expect(b.inbox).toHaveLength(2);
    a.fail();
    await tick();
    expect(out).toHaveLength(2);
    expect(out.flat().every((v) => v === false)).toBe(true);
    // The failed worker's room goes to nobody: b answers, and takes what waited.
    b.answer();
    expect(a.inbox).toHaveLength(2); // untouched since it failed
    expect(b.inbox).toHaveLength(2);
    b.fail();
    await tick();
    expect(out).toHaveLength(6);
    expect(await pool.check(batches[0]!)).toEqual(batches[0]!.map(() => false));
    expect(pool.assist()).toBe(false);
  });
});
