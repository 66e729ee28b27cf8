/**
 * `WorkerScriptChecker`: the script-check port (core's `ScriptChecker`) over a pool of Web Workers,
 * Core's check queue with `-par` threads. Jobs wait in one queue; each worker holds at most two
 * messages of them, runs the engine's `runScriptJobs` and posts the verdicts back. While the main
 * thread waits for a verdict it takes the oldest waiting batch itself (`assist`, Core's master
 * thread joining the queue), so on a busy machine neither side idles while the other has work.
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

/**
 * Most jobs in one message to a worker. Under load the batches of several blocks go together (one
 * message and one reply instead of one per block), but no more than a few milliseconds of checks,
 * so the verdicts for the block next in line come back soon.
 */
export const MAX_JOBS_PER_MESSAGE = 16;
/** Messages a worker holds at once: the next one waits in its queue while it checks the first, so it never idles for a round trip. */
const DEPTH = 2;

/** A verdict of false for each of n jobs: the engine checks them itself. */
const allFalse = (n: number): boolean[] => new Array<boolean>(n).fill(false);

/** One `check` call's share of jobs, waiting for a worker (or for the main thread to help). */
interface Part {
  jobs: ScriptJob[];
  resolve: (ok: boolean[]) => void;
}

interface InFlight {
  worker: number;
  parts: Part[];
}

export class WorkerScriptChecker implements ScriptChecker {
  readonly concurrency: number;
  private readonly workers: ScriptWorkerLike[] = [];
  /** Messages in flight per worker; a worker that failed is out (-1). */
  private readonly load: number[] = [];
  private readonly queued: Part[] = [];
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  private closed = false;
  /** Jobs the calling thread checked itself while it waited (`assist`). */
  assisted = 0;

  constructor(opts: { concurrency: number; createWorker?: () => ScriptWorkerLike }) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency));
    const create = opts.createWorker ?? defaultWorker;
    for (let i = 0; i < this.concurrency; i++) {
      const w = create();
      w.onmessage = (e) => this.reply(e.data);
      w.onerror = () => this.failWorker(i);
      this.workers.push(w);
      this.load.push(0);
    }
  }

  private reply(r: ScriptReply): void {
    const f = this.inFlight.get(r.id);
    if (!f) return;
    this.inFlight.delete(r.id);
    if (this.load[f.worker]! > 0) this.load[f.worker]!--;
    const size = f.parts.reduce((n, p) => n + p.jobs.length, 0);
    const ok = r.ok && r.ok.length === size ? r.ok : allFalse(size);
    let at = 0;
    for (const p of f.parts) {
      p.resolve(ok.slice(at, at + p.jobs.length));
      at += p.jobs.length;
    }
    this.pump();
  }

  /** A worker that failed answers nothing more: its jobs come back false (the engine checks them), and it gets no new ones. */
  private failWorker(i: number): void {
    this.load[i] = -1;
    for (const [id, f] of this.inFlight) {
      if (f.worker !== i) continue;
      this.inFlight.delete(id);
      for (const p of f.parts) p.resolve(allFalse(p.jobs.length));
    }
    if (this.load.every((l) => l < 0)) this.failQueued();
    else this.pump();
  }

  private failQueued(): void {
    for (const p of this.queued.splice(0)) p.resolve(allFalse(p.jobs.length));
  }

  /** Sends waiting jobs to the least busy worker with room, oldest first, several batches to a message. */
  private pump(): void {
    while (this.queued.length) {
      let w = -1;
      for (let i = 0; i < this.load.length; i++) if (this.load[i]! >= 0 && this.load[i]! < DEPTH && (w < 0 || this.load[i]! < this.load[w]!)) w = i;
      if (w < 0) return;
      const parts: Part[] = [];
      let n = 0;
      while (this.queued.length && (n === 0 || n + this.queued[0]!.jobs.length <= MAX_JOBS_PER_MESSAGE)) {
        const p = this.queued.shift()!;
        parts.push(p);
        n += p.jobs.length;
      }
      const id = this.nextId++;
      this.inFlight.set(id, { worker: w, parts });
      this.load[w]!++;
      this.workers[w]!.postMessage({ id, jobs: parts.flatMap((p) => p.jobs.map((j) => ({ tx: encodeTx(j.tx), coins: j.coins, flags: j.flags }))) });
    }
  }

  /** Checks the jobs on the workers; a large batch is cut into a contiguous share per worker. */
  async check(jobs: ScriptJob[]): Promise<boolean[]> {
    if (this.closed || jobs.length === 0 || this.load.every((l) => l < 0)) return allFalse(jobs.length);
    const shares = Math.min(this.workers.length, Math.max(1, Math.floor(jobs.length / 4)));
    const per = Math.ceil(jobs.length / shares);
    const parts: Promise<boolean[]>[] = [];
    for (let s = 0; s < shares; s++) {
      const slice = jobs.slice(s * per, (s + 1) * per);
      parts.push(new Promise<boolean[]>((resolve) => this.queued.push({ jobs: slice, resolve })));
    }
    this.pump();
    return (await Promise.all(parts)).flat();
  }

  /**
   * Core's master thread joins the check queue while it waits: the oldest batch no worker has taken
   * yet is checked here, on the calling thread, with the same `runScriptJobs`. False when none waits.
   */
  assist(): boolean {
    const p = this.queued.shift();
    if (!p) return false;
    this.assisted += p.jobs.length;
    let ok: boolean[];
    try {
      ok = runScriptJobs(p.jobs);
    } catch {
      ok = allFalse(p.jobs.length); // a bug in a check: the engine checks them itself
    }
    p.resolve(ok);
    return true;
  }

  close(): void {
    this.closed = true;
    for (const [id, f] of this.inFlight) {
      this.inFlight.delete(id);
      for (const p of f.parts) p.resolve(allFalse(p.jobs.length));
    }
    this.failQueued();
    for (const w of this.workers) w.terminate();
  }
}
