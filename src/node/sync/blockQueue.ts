/**
 * Blocks from peers on their way into the chain, in order and in slices. Headers-first download
 * fetches a window of blocks from several peers at once, so they arrive out of order: a block
 * whose parent has not arrived yet waits here (Core keeps it on disk) instead of in the engine's
 * orphan pool, whose synchronous catch-up would connect hundreds of blocks in one long task. The
 * queue connects blocks one by one and yields to the event loop every SLICE_MS, so a syncing tab
 * keeps painting; and when a script checker is present it starts each block's signature checks in
 * the workers as soon as the block is ready to go, so those run while earlier blocks connect. While
 * the block next in line waits for its verdicts, the queue checks batches that no worker has taken
 * yet on this thread (Core's master thread joins the check queue), ASSIST_MS at a time.
 */
import { RuleError, checkBlockSanity, hashToHex, type Block, type ChainParams } from '../../core';
import { refusal, ruleRefusal, type Refusal } from '../misbehavior';
import type { Clock } from '../transport';
import type { Peer } from '../net/peer';

/**
 * An unrequested block on a chain with less work than our tip never enters the queue (Core), but
 * is checked first (ProcessNewBlock runs CheckBlock before AcceptBlock): a mutated body or a header
 * without its proof of work is refused and punished even then; otherwise it is merely ignored.
 */
export function unrequestedRefusal(block: Block, params: ChainParams): Refusal {
  try {
    checkBlockSanity(block, params);
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    return ruleRefusal(e, true);
  }
  return refusal('unrequested-block', 'ignored');
}

/** Main-thread time the queue spends connecting blocks before it yields (ms, wall clock). */
export const SLICE_MS = 12;
/**
 * Main-thread time spent checking signatures for the workers while the block next in line waits
 * for its verdicts, before the queue looks again (short: that verdict may already be waiting).
 */
export const ASSIST_MS = 2;

/** One block waiting to be connected. */
export interface QueuedBlock {
  block: Block;
  hash: string;
  from: Peer | null;
  messageId: number;
  /** Signature checks started in the workers (resolves when they are done, whatever they found). */
  checked?: Promise<void>;
  ready?: boolean;
}

export interface BlockQueueHost {
  /** True if the chain holds this block (a parent a queued block can be connected on). */
  inChain(hash: string): boolean;
  /** Connects one block (the engine's processBlock, then everything that follows it). */
  process(q: QueuedBlock): void;
  /** Starts the block's signature checks elsewhere, if a checker is configured. */
  precheck?(block: Block): Promise<void> | null;
  /** Checks one batch of signatures still waiting for a worker, here; false if none waits. */
  assist?(): boolean;
  /** A drain connected blocks (the tip moved: the download window moved with it). */
  drained?(): void;
}

export class BlockQueue {
  private readonly ready: QueuedBlock[] = [];
  /** Blocks waiting for their parent, by the parent's hash. */
  private readonly waiting = new Map<string, QueuedBlock[]>();
  private readonly queued = new Set<string>();
  /** Hashes of the blocks in `ready` (their children may line up behind them). */
  private readonly inLine = new Set<string>();
  private draining = false;
  private resumeTimer: number | null = null;

  constructor(
    private readonly host: BlockQueueHost,
    private readonly clock: Clock,
    /** Most blocks held waiting for a parent (a download window's worth, twice). */
    private readonly maxWaiting: number,
  ) {}

  /** Blocks held (ready or waiting). */
  get size(): number {
    return this.queued.size;
  }
  has(hash: string): boolean {
    return this.queued.has(hash);
  }

  /**
   * Takes a block: it goes in line if its parent is in the chain or in line already (or if `wait`
   * is false: an unrequested block or an old-style download, which the engine keeps as an orphan
   * if need be); otherwise it waits for its parent. Returns false if it was already held, or no room is left.
   */
  push(block: Block, hash: string, from: Peer | null, messageId: number, wait: boolean): boolean {
    if (this.queued.has(hash)) return false;
    const q: QueuedBlock = { block, hash, from, messageId };
    const prev = hashToHex(block.header.prevHash);
    if (wait && !this.host.inChain(prev) && !this.inLine.has(prev)) {
      if (this.waitingCount() >= this.maxWaiting) return false;
      let list = this.waiting.get(prev);
      if (!list) this.waiting.set(prev, (list = []));
      list.push(q);
      this.queued.add(hash);
      return true;
    }
    this.queued.add(hash);
    this.enqueue(q);
    this.drain();
    return true;
  }

  private waitingCount(): number {
    return this.queued.size - this.ready.length;
  }

  private enqueue(q: QueuedBlock): void {
    this.inLine.add(q.hash);
    q.checked = this.host.precheck?.(q.block) ?? undefined;
    if (q.checked)
      void q.checked.then(() => {
        q.ready = true;
        if (this.ready[0] === q) this.drain();
      });
    else q.ready = true;
    this.ready.push(q);
  }

  /** Connects ready blocks in order, for at most SLICE_MS, then yields (clock timer) and goes on. */
  drain(): void {
    // After a slice gave way, only its timer goes on: a signature check finishing in the same task
    // (a promise) must not start a second slice there.
    if (this.draining || this.resumeTimer !== null) return;
    this.draining = true;
    const start = this.clock.now();
    let n = 0;
    try {
      while (this.ready.length) {
        const q = this.ready[0]!;
        if (!q.ready) {
          // Its signature checks are still running: resumed when they end. Meanwhile this thread
          // checks batches that no worker has taken yet (Core's master thread joins the check
          // queue), then looks again; a verdict arriving meanwhile waits for that look.
          const t0 = this.clock.now();
          let helped = false;
          while (this.host.assist?.()) {
            helped = true;
            if (this.clock.now() - t0 >= ASSIST_MS) break;
          }
          if (helped) this.resume();
          return;
        }
        this.ready.shift();
        this.queued.delete(q.hash);
        this.inLine.delete(q.hash);
        this.host.process(q);
        n++;
        for (const child of this.waiting.get(q.hash) ?? []) this.enqueue(child);
        this.waiting.delete(q.hash);
        if (this.ready.length && this.clock.now() - start >= SLICE_MS) {
          this.resume();
          return;
        }
      }
    } finally {
      this.draining = false;
      if (n) this.host.drained?.();
    }
  }

  /** Drains again in a new task (a clock timer of 0 ms), letting messages and paints in between. */
  private resume(): void {
    if (this.resumeTimer === null)
      this.resumeTimer = this.clock.setTimer(0, () => {
        this.resumeTimer = null;
        this.drain();
      });
  }

  /** Waiting blocks whose parent is now in the chain (it arrived some other way) go in line. */
  release(parent: string): void {
    const kids = this.waiting.get(parent);
    if (!kids) return;
    this.waiting.delete(parent);
    for (const k of kids) this.enqueue(k);
    this.drain();
  }
}
