/**
 * The mining controller: when to mine (off; at a mempool threshold, the seed tutorial's miner
 * mines at 2 transactions; continuously; or once now), building the template on the current tip,
 * handing the header to the `Miner` port (Web Workers in a tab, the main thread in tests),
 * dropping stale work when the tip or the mempool changes, and submitting a found block.
 */
import { blockHashHex, blockTemplate, decodeHeader, encodeBlock, encodeHeader, genesisTemplate, toHex, withHeader, type Block, type Chain, type ChainParams, type Mempool, type Miner, type MinerProgress, type WalletKey } from '../core';
import { MAX_PAYLOAD } from './wire/messages';
import type { EventBus, MiningMode, Role } from './events';
import type { Clock } from './transport';

/** Transaction bytes a mined block may carry over a WebRTC frame: the frame limit less room for header, count and coinbase. */
const MAX_BLOCK_TXS_BYTES = MAX_PAYLOAD - 1000;

/** Limits that depend on the node's transport and setting. */
export interface MiningLimits {
  /** Transaction bytes a block may carry so that it still fits one frame of this node's links. */
  maxBlockTxsBytes: number;
  /**
   * A running template is rebuilt for new mempool transactions only once it is this old (ms); a new
   * tip always rebuilds it. 0: at every change (the seed tutorial's miner). Bitcoin Core's
   * getblocktemplate rebuilds for mempool changes only after 5 s.
   */
  templateRefreshMs: number;
}

export interface MiningHost {
  readonly id: string;
  readonly role: Role;
  readonly bus: EventBus;
  readonly clock: Clock;
  /** The 20-byte hash the coinbase pays (the wallet's first address). */
  payTo(): Uint8Array;
  /** A solved block, validated and announced like any other. */
  submit(block: Block): void;
}

/** Mining somewhere else than on the tip: a private chain (lessons/privateMining.ts). */
export interface TemplateSource {
  /** Hash of the block to build on: a job on another parent is stale. */
  parent(): string;
  /** The block to solve and its height. */
  build(nowSeconds: number): { block: Block; height: number };
  /** A solved block: handed here instead of being submitted and announced. */
  found(block: Block): void;
  /** Whether to mine now (a private miner may mine all the time or one block at a time). */
  wanted(): boolean;
}

interface Job {
  abort: AbortController;
  tip: string;
  mempoolVersion: number;
  once: boolean;
  startedAt: number;
}

export class MiningController {
  mode: MiningMode;
  threshold: number;
  private job: Job | null = null;
  private mempoolVersion = 0;
  private onceQueued = false;
  private running = false;
  /** Paused by the teacher: nothing is mined (not even "mine now") until resumed. */
  private paused = false;
  private target: { chain: Chain; mempool: Mempool } | null = null;
  /** A private chain's templates replace the tip's while set. */
  private source: TemplateSource | null = null;
  /** Lesson work (the tamper lab re-mining a block) has the miner: nothing else starts. */
  private borrowed = 0;
  /** A rebuild for mempool changes waiting for the template to reach `templateRefreshMs`. */
  private refreshTimer: number | null = null;

  constructor(
    private readonly host: MiningHost,
    private readonly miner: Miner | undefined,
    mode: MiningMode,
    threshold: number,
    private readonly limits: MiningLimits = { maxBlockTxsBytes: MAX_BLOCK_TXS_BYTES, templateRefreshMs: 0 },
  ) {
    this.mode = mode;
    this.threshold = threshold;
  }

  get active(): boolean {
    return this.job !== null;
  }

  /** The chain to mine on, once there is one; mempool changes make a running template stale. */
  attach(chain: Chain, mempool: Mempool): void {
    this.target = { chain, mempool };
  }
  noteMempoolChange(): void {
    this.mempoolVersion++;
  }

  /** Mining may start (the node went online) or must stop for good (it shut down). */
  setRunning(running: boolean): void {
    this.running = running;
    if (!running) {
      this.clearRefresh();
      this.job?.abort.abort();
      this.job = null;
    } else this.maybeMine();
  }

  private clearRefresh(): void {
    if (this.refreshTimer !== null) this.host.clock.clearTimer(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** The teacher pauses or resumes mining on this node. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) {
      this.onceQueued = false;
      this.stop('stopped');
    } else this.maybeMine();
  }
  get isPaused(): boolean {
    return this.paused;
  }

  /** Mines a private chain's templates (null: back to the tip); the running job is stale either way. */
  setSource(source: TemplateSource | null): void {
    this.source = source;
    this.stop('stale');
    this.maybeMine();
  }

  /**
   * Solves one header for a lesson (the tamper lab re-mining a block), with the node's miner:
   * ordinary mining stops meanwhile and resumes after. Null when cancelled.
   */
  async mineExclusive(header: Uint8Array, signal?: AbortSignal, onProgress?: (p: MinerProgress) => void): Promise<Uint8Array | null> {
    if (!this.miner) throw new Error('this node has no miner');
    this.borrowed++;
    this.stop('stopped');
    try {
      return await this.miner.mine({ header }, { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
    } finally {
      this.borrowed--;
      this.maybeMine();
    }
  }

  /** Changes the mode (and threshold) and starts or stops accordingly. */
  set(mode: MiningMode, threshold?: number): void {
    this.mode = mode;
    if (threshold !== undefined) this.threshold = Math.max(1, threshold);
    if (mode === 'off' && this.job && !this.job.once) this.stop('stopped');
    this.maybeMine();
  }

  /** Mines one block now with whatever the mempool holds (the tutorial's `-mine`, central's "mine now"). */
  mineOnce(): void {
    if (this.job?.once || this.paused) return;
    this.onceQueued = true;
    if (this.job) this.stop('stale');
    this.maybeMine();
  }

  private stop(why: 'stale' | 'stopped'): void {
    this.clearRefresh();
    if (!this.job) return;
    this.job.abort.abort();
    this.job = null;
    this.host.bus.emit({ type: 'mining-stopped', time: this.host.clock.now(), why });
  }

  /** Starts, restarts (stale template) or leaves mining according to the mode and mempool. */
  maybeMine(): void {
    const t = this.target;
    if (!t || !this.miner || !this.running || this.paused || this.borrowed) return;
    const parent = this.source ? this.source.parent() : t.chain.tip.hash;
    const job = this.job;
    if (job) {
      const newTxs = job.mempoolVersion !== this.mempoolVersion && !job.once && !this.source;
      const age = this.host.clock.now() - job.startedAt;
      if (job.tip === parent && newTxs && age < this.limits.templateRefreshMs) {
        this.refreshTimer ??= this.host.clock.setTimer(this.limits.templateRefreshMs - age, () => {
          this.refreshTimer = null;
          this.maybeMine();
        });
        return;
      }
      const stale = job.tip !== parent || newTxs;
      if (!stale) return;
      this.stop('stale');
      if (job.once && job.tip === parent) this.onceQueued = true;
    }
    // A private chain decides for itself; otherwise the mode does.
    const want = this.source ? this.source.wanted() : this.onceQueued || this.mode === 'continuous' || (this.mode === 'threshold' && t.mempool.size >= this.threshold);
    if (!want) return;
    const once = this.onceQueued;
    this.onceQueued = false;
    void this.run(t.chain, t.mempool, this.miner, once);
  }

  private async run(chain: Chain, mempool: Mempool, miner: Miner, once: boolean): Promise<void> {
    const { bus, clock } = this.host;
    const nowSeconds = () => Math.floor(clock.now() / 1000);
    const source = this.source;
    const built = source ? source.build(nowSeconds()) : { block: blockTemplate(chain, frameSized(mempool, this.limits.maxBlockTxsBytes), this.host.payTo(), nowSeconds(), `tabchain ${this.host.role} ${this.host.id}`), height: chain.height + 1 };
    const template = built.block;
    const abort = new AbortController();
    const job: Job = { abort, tip: source ? source.parent() : chain.tip.hash, mempoolVersion: this.mempoolVersion, once, startedAt: clock.now() };
    this.job = job;
    bus.emit({ type: 'mining-started', time: clock.now(), height: built.height, txCount: template.txs.length, bits: template.header.bits });
    let solved: Uint8Array | null;
    try {
      solved = await miner.mine(
        { header: encodeHeader(template.header), maxTime: nowSeconds() + chain.params.maxFutureBlockTime - 60 },
        { signal: abort.signal, onProgress: (progress) => bus.emit({ type: 'mining-progress', time: clock.now(), progress }) },
      );
    } catch (e) {
      if (this.job === job) this.job = null;
      bus.emit({ type: 'mining-stopped', time: clock.now(), why: 'error', detail: (e as Error).message });
      return;
    }
    if (this.job !== job || abort.signal.aborted || !solved || !this.running) return; // stale: never submitted
    this.job = null;
    this.clearRefresh();
    const block = withHeader(template, decodeHeader(solved));
    const hash = blockHashHex(block.header);
    bus.emit({ type: 'mining-stopped', time: clock.now(), why: 'found', hash });
    bus.emit({ type: 'block-mined', time: clock.now(), hash, height: built.height, txCount: block.txs.length });
    if (source) source.found(block);
    else this.host.submit(block);
    this.maybeMine();
  }
}

/**
 * The mempool as the block template sees it, with transaction selection capped so the block fits
 * one frame of the node's links (256 KiB over WebRTC: a larger block could be mined but never sent).
 */
function frameSized(mempool: Mempool, maxTxsBytes: number): Mempool {
  return Object.create(mempool, {
    selectForBlock: { value: (maxBytes: number, maxSigOps?: number) => mempool.selectForBlock(Math.min(maxBytes, maxTxsBytes), maxSigOps) },
  }) as Mempool;
}

/**
 * Creates a new network's chain (the central node's job in the seed tutorial): parameters and a
 * genesis block whose coinbase pays `payTo`, solved with the given miner.
 */
export async function mineNetworkParams(params: ChainParams, payTo: WalletKey, miner: Miner, timeSeconds: number): Promise<ChainParams> {
  const template = genesisTemplate(params, payTo.pubkeyHash, timeSeconds);
  const solved = await miner.mine({ header: encodeHeader(template.header) });
  if (!solved) throw new Error('genesis mining was cancelled');
  const genesis = withHeader(template, decodeHeader(solved));
  return { ...params, genesisHex: toHex(encodeBlock(genesis)) };
}
