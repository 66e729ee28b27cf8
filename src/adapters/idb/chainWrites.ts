/**
 * What a batch of chain events writes to IndexedDB, made small: the UTXO changes are netted over
 * the batch (a coin made and spent inside it — a payment's change, spent in the next block — is
 * never written at all), and a long batch (an initial sync) is cut into chunks of whole blocks, one
 * transaction each, every chunk ending with its own tip: the database is consistent after each, and
 * the main thread gets back control between them (one transaction of 1,000 blocks took 330 ms, a
 * long task, in a syncing tab). Pure: the store applies the plan.
 */
import { encodeBlock, type ChainEvent, type Coin } from '../../core';
import { systemClock, type Clock } from '../../node/transport';

/** One transaction's worth of chain writes. */
export interface ChainWrite {
  blocks: [hash: string, bytes: Uint8Array][];
  /** Net UTXO changes: a coin to put, or null to delete. */
  utxo: Map<string, Coin | null>;
  /** Undo data to put (a connected block) or delete (null: a disconnected one), in order. */
  undo: [hash: string, undo: Coin[] | null][];
  /** The active tip after this chunk (null: unchanged). */
  tip: string | null;
}

/** Blocks per chunk: about 5 requests each after netting, well under a frame's worth of main thread. */
export const BLOCKS_PER_CHUNK = 64;

/** Splits a batch of chain events into netted chunks of at most `perChunk` block connections/disconnections. */
export function planChainWrites(batch: readonly ChainEvent[], perChunk = BLOCKS_PER_CHUNK): ChainWrite[] {
  const out: ChainWrite[] = [];
  let cur: ChainWrite | null = null;
  /** Coins this chunk created and has not written yet: spending one again just forgets it. */
  let fresh = new Set<string>();
  let moves = 0;
  const chunk = (): ChainWrite => {
    if (!cur || moves >= perChunk) {
      cur = { blocks: [], utxo: new Map(), undo: [], tip: null };
      out.push(cur);
      fresh = new Set();
      moves = 0;
    }
    return cur;
  };
  const put = (w: ChainWrite, key: string, coin: Coin) => {
    // A key deleted earlier in this chunk may still be in the database: spent again, it must go.
    if (w.utxo.get(key) !== null) fresh.add(key);
    w.utxo.set(key, coin);
  };
  const del = (w: ChainWrite, key: string) => {
    if (fresh.delete(key)) w.utxo.delete(key); // made and spent in this chunk: never written
    else w.utxo.set(key, null);
  };
  for (const e of batch) {
    if (e.type === 'block-accepted') chunk().blocks.push([e.entry.hash, encodeBlock(e.block)]);
    else if (e.type === 'block-connected') {
      const w = chunk();
      for (const s of e.spent) del(w, s.key);
      for (const c of e.created) put(w, c.key, c.coin);
      w.undo.push([e.entry.hash, e.undo]);
      w.tip = e.entry.hash;
      moves++;
    } else if (e.type === 'block-disconnected') {
      const w = chunk();
      for (const k of e.removed) del(w, k);
      for (const r of e.restored) put(w, r.key, r.coin);
      w.undo.push([e.entry.hash, null]);
      w.tip = e.entry.parent!.hash;
      moves++;
    }
  }
  return out;
}

/**
 * Issues one chunk's requests on the raw object stores of a transaction (no promise per request:
 * the transaction's completion reports any failure).
 */
export function applyChainWrite(store: (name: 'blocks' | 'utxo' | 'undo' | 'meta') => IDBObjectStore, w: ChainWrite): void {
  const blocks = store('blocks');
  const utxo = store('utxo');
  const undo = store('undo');
  for (const [hash, bytes] of w.blocks) blocks.put(bytes, hash);
  for (const [key, coin] of w.utxo) coin ? utxo.put(coin, key) : utxo.delete(key);
  for (const [hash, u] of w.undo) u ? undo.put(u, hash) : undo.delete(hash);
  if (w.tip) store('meta').put(w.tip, 'tip');
}

/**
 * While far behind, chain writes wait for this many connected blocks (or DEFER_MS) before they go: a
 * class's whole download (a syncing tab writes nothing between two of its blocks, and a payment's
 * change spent a few blocks later is never written). The blocks are in memory anyway.
 */
export const DEFER_BLOCKS = 2_000;
export const DEFER_MS = 3_000;
/**
 * Caught up, a block from a peer is written this much later (with whatever else arrived meanwhile),
 * not in the task that connected it: the write (the tab serializing it, the browser's LevelDB work)
 * would otherwise run while every tab of the class is relaying that block, ahead of the relay itself.
 */
export const RELAY_WRITE_MS = 250;

/**
 * When a batch of chain events should be written (`wait` gives the delay, 0 for at once). A block
 * this node mined itself goes at once (until a peer has it, this tab holds the only copy). Other
 * blocks wait RELAY_WRITE_MS, so their write runs after the block has been relayed. While the node
 * is far behind (initial download) writes are batched per DEFER_BLOCKS blocks or DEFER_MS,
 * whichever comes first, like Core's coins cache flushed now and then rather than per block: fewer,
 * better-netted writes, and none between two blocks of the download. A tab closed in between
 * downloads those blocks again from its peers; nothing is lost.
 */
export class WriteTiming {
  private blocks = 0;
  private since: number | null = null;

  /** Notes an event; the ms to wait before the batch is written (0: now). */
  wait(e: ChainEvent, syncing: boolean, now: number, minedHere: boolean): number {
    if (e.type === 'block-connected') this.blocks++;
    this.since ??= now;
    if (minedHere) return 0;
    if (!syncing) return RELAY_WRITE_MS;
    return this.blocks >= DEFER_BLOCKS ? 0 : Math.max(0, this.since + DEFER_MS - now);
  }
  /** The batch went (or is about to). */
  reset(): void {
    this.blocks = 0;
    this.since = null;
  }
}

/**
 * The chain write's timer, as WriteTiming says, on the node's clock (a hidden tab's own timers are
 * throttled to one a second or less). `write` runs when the batch should go.
 */
export class ChainWriteTimer {
  private readonly timing = new WriteTiming();
  private timer: number | null = null;
  private due = 0;
  /** Blocks this node mined, until their chain events arrive (at most a few: one that never connects is dropped). */
  private readonly minedHere = new Set<string>();

  constructor(private readonly write: () => void, private clock: Clock = systemClock) {}

  useClock(clock: Clock): void {
    this.clock = clock;
  }
  /** This node mined the block (its chain events follow). */
  mined(hash: string): void {
    this.minedHere.add(hash);
    if (this.minedHere.size > 8) this.minedHere.delete(this.minedHere.values().next().value!);
  }
  get armed(): boolean {
    return this.timer !== null;
  }

  /** A chain event joined the batch: write it now, or arm (or bring forward) the timer. */
  note(e: Extract<ChainEvent, { type: 'block-accepted' | 'block-connected' | 'block-disconnected' }>, syncing: boolean): void {
    const mined = e.type !== 'block-disconnected' && this.minedHere.has(e.entry.hash);
    if (e.type === 'block-connected') this.minedHere.delete(e.entry.hash);
    const now = this.clock.now();
    const wait = this.timing.wait(e, syncing, now, mined);
    if (wait === 0) return this.write();
    if (this.timer !== null && this.due <= now + wait) return;
    this.stop();
    this.due = now + wait;
    this.timer = this.clock.setTimer(wait, () => {
      this.timer = null;
      this.write();
    });
  }

  /** The batch is being written (the timer is off, the count starts again). */
  reset(): void {
    this.stop();
    this.timing.reset();
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }
}
