/**
 * `WorkerScriptChecker`: the script-check port (core's `ScriptChecker`) over a pool of Web Workers,
 * Core's check queue with `-par` threads. A batch of jobs is cut into one contiguous share per
 * worker; each worker runs the engine's `runScriptJobs` on its share and posts the verdicts back.
 * Jobs are plain data (transactions and coins), copied by structured clone. A worker that fails
 * answers nothing true: its jobs come back false and the engine checks them itself.
 */
import { runScriptJobs, type ScriptChecker, type ScriptJob } from '../core/chain/scriptJobs';
import { decodeTx, encodeTx, type Tx } from '../core/primitives/tx';
import type { Coin } from '../core/chain/utxo';

/**
 * A job as it crosses to a worker: the transaction as its wire bytes (the engine caches them, and
 * one byte array clones far cheaper than a tree of inputs and outputs) and the coins it spends.
 */
export interface WireJob {
  tx: Uint8Array;
  coins: Coin[];
  flags: number;
}

/** A batch of jobs for one worker. */
export interface ScriptRequest {
  id: number;
  jobs: WireJob[];
}
/** Its verdicts (one per job), or the error that stopped it. */
export interface ScriptReply {
  id: number;
  ok?: boolean[];
  error?: string;
}

/** What the pool needs of a worker (a real `Worker`, or an in-process stand-in in tests). */
export interface ScriptWorkerLike {
  postMessage(message: ScriptRequest): void;
  onmessage: ((event: MessageEvent<ScriptReply>) => void) | null;
  onerror?: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** The worker side: one request in, one reply out (also what an in-process stand-in runs). */
export function handleScriptMessage(m: ScriptRequest): ScriptReply {
  try {
    const jobs: ScriptJob[] = m.jobs.map((j) => ({ tx: decodeTx(j.tx) as Tx, coins: j.coins, flags: j.flags }));
    return { id: m.id, ok: runScriptJobs(jobs) };
  } catch (e) {
    return { id: m.id, error: (e as Error).message };
  }
}

function defaultWorker(): ScriptWorkerLike {
  return new Worker(new URL('./scriptCheck.worker.ts', import.meta.url), { type: 'module' }) as unknown as ScriptWorkerLike;
}

interface Pending {
  resolve: (ok: boolean[]) => void;
  size: number;
}

export class WorkerScriptChecker implements ScriptChecker {
  readonly concurrency: number;
  private readonly workers: ScriptWorkerLike[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private next = 0;
  private closed = false;

  constructor(opts: { concurrency: number; createWorker?: () => ScriptWorkerLike }) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency));
    const create = opts.createWorker ?? defaultWorker;
    for (let i = 0; i < this.concurrency; i++) {
      const w = create();
      w.onmessage = (e) => this.reply(e.data);
      w.onerror = () => this.failAll();
      this.workers.push(w);
    }
  }

  private reply(r: ScriptReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    p.resolve(r.ok && r.ok.length === p.size ? r.ok : new Array<boolean>(p.size).fill(false));
  }

  private failAll(): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve(new Array<boolean>(p.size).fill(false));
    }
  }

  /** Checks the jobs on the workers, a contiguous share each (a small batch goes to one worker, in turn). */
  async check(jobs: ScriptJob[]): Promise<boolean[]> {
    if (this.closed || jobs.length === 0) return jobs.map(() => false);
    const shares = Math.min(this.workers.length, Math.max(1, Math.floor(jobs.length / 4)));
    const per = Math.ceil(jobs.length / shares);
    const parts: Promise<boolean[]>[] = [];
    for (let s = 0; s < shares; s++) {
      const slice = jobs.slice(s * per, (s + 1) * per);
      const id = this.nextId++;
      const worker = this.workers[this.next++ % this.workers.length]!;
      parts.push(new Promise<boolean[]>((resolve) => this.pending.set(id, { resolve, size: slice.length })));
      worker.postMessage({ id, jobs: slice.map((j) => ({ tx: encodeTx(j.tx), coins: j.coins, flags: j.flags })) });
    }
    return (await Promise.all(parts)).flat();
  }

  close(): void {
    this.closed = true;
    this.failAll();
    for (const w of this.workers) w.terminate();
  }
}
