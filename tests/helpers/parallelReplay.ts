/**
 * Replays a block script twice — on the engine alone (every signature checked on the calling
 * thread) and with each block's script checks first spread over a pool of workers (the node's
 * ScriptPrecheck and WorkerScriptChecker, with in-process stand-ins for Web Workers that answer
 * on a later turn, as real ones do) — and reports both outcomes step by step.
 */
import { Chain, Mempool, decodeBlock, encodeBlock, type ChainParams, type ProcessResult, type ScriptJob } from '../../src/core';
import { ScriptPrecheck } from '../../src/node/sync/precheck';
import { WorkerScriptChecker, handleScriptMessage, type ScriptReply, type ScriptRequest, type ScriptWorkerLike } from '../../src/workers/scriptPool';
import type { Step } from './blockScript';
import { utxoDigest } from './chainBuilder';

/** A Web Worker stand-in: runs the worker's handler on the next turn of the event loop. */
export class InProcessScriptWorker implements ScriptWorkerLike {
  onmessage: ((event: MessageEvent<ScriptReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  /** Jobs this worker checked (for tests that want to see the work was spread). */
  jobs = 0;
  terminated = false;
  postMessage(message: ScriptRequest): void {
    // Structured clone, as postMessage does: the worker sees copies, never the main thread's objects.
    const copy = structuredClone(message);
    this.jobs += copy.jobs.length;
    setImmediate(() => {
      if (!this.terminated) this.onmessage?.({ data: handleScriptMessage(copy) } as MessageEvent<ScriptReply>);
    });
  }
  terminate(): void {
    this.terminated = true;
  }
}

export interface Outcome {
  step: string;
  status: ProcessResult['status'];
  reason?: string;
  punish?: boolean;
  debug?: string;
}

function outcome(step: string, r: ProcessResult): Outcome {
  return { step, status: r.status, ...(r.error ? { reason: r.error.reason, punish: r.error.punish, debug: r.error.debug } : {}) };
}

/** Both replays of `steps`: outcomes, final UTXO digests, and how the pool's verdicts fell. */
export async function parallelReplay(params: ChainParams, steps: readonly Step[], workers = 2) {
  const single = new Chain(params);
  const singleOut = steps.map((st) => outcome(st.name, single.processBlock(decodeBlock(encodeBlock(st.block)), st.now)));

  const chain = new Chain(params);
  const stand = Array.from({ length: workers }, () => new InProcessScriptWorker());
  let made = 0;
  const pool = new WorkerScriptChecker({ concurrency: workers, createWorker: () => stand[made++]! });
  const verdicts = { passed: 0, failed: 0 };
  const counting = {
    concurrency: pool.concurrency,
    check: async (jobs: ScriptJob[]) => {
      const ok = await pool.check(jobs);
      for (const v of ok) verdicts[v ? 'passed' : 'failed']++;
      return ok;
    },
  };
  const pre = new ScriptPrecheck(chain, new Mempool(chain), counting);
  const parallelOut: Outcome[] = [];
  for (const st of steps) {
    const block = decodeBlock(encodeBlock(st.block));
    await pre.precheck(block);
    parallelOut.push(outcome(st.name, chain.processBlock(block, st.now)));
  }
  pool.close();
  return {
    single: singleOut,
    parallel: parallelOut,
    utxo: { single: utxoDigest(single.utxo), parallel: utxoDigest(chain.utxo) },
    tips: { single: single.tip.hash, parallel: chain.tip.hash },
    verdicts,
    perWorker: stand.map((w) => w.jobs),
  };
}
