/**
 * The single node → view store binding. Node events are folded into small pending batches
 * (`ViewBatch`) and applied at most every `intervalMs`, so a burst of thousands of messages during
 * a sync costs a few renders, not thousands. The clock is injected: under the in-memory network
 * a test drives the batching by hand.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { MinerProgress } from '../../core';
import type { NodeApi } from '../../node/api';
import type { CompactBlockEvent, MessageEvent, NodeEvent } from '../../node/events';
import type { Clock } from '../../node/transport';
import { blockRows, mempoolRows, orphanRows, sameRows, shallowSame, walletRows } from './projections';
import { PropagationCollector } from '../../node/propagation';
import { SYNC_GAP } from '../../node/sync/syncState';
import { ReorgCollector } from './reorgs';
import { MAX_COMPACT, MAX_HASH_RATES, MAX_MESSAGES, MAX_PROPAGATION, MAX_REORGS, type HashRatePoint, type MiningJobInfo, type Rejection, type ViewState } from './viewState';

/** Log lines kept in the view. */
const MAX_LOG = 300;
/**
 * While the node syncs (more than SYNC_GAP blocks behind: its initial download) the view shows
 * progress only — no block list, propagation or per-message rows rebuilt per batch, a sample of
 * the messages — and refreshes every SYNC_INTERVAL_MS instead of every 100 ms.
 */
export { SYNC_GAP };
export const SYNC_INTERVAL_MS = 500;
/** Messages of one batch kept in the log while syncing (the newest). */
const SYNC_MESSAGES = 50;
/**
 * Bytes of raw frames the message log may hold in all. Beyond it, older messages keep only the
 * first RAW_PREFIX bytes for the hex dump: 2,000 frames of 256 KiB from a hostile peer would
 * otherwise pin half a gigabyte in the tab.
 */
export const MAX_LOG_RAW_BYTES = 8 * 1024 * 1024;
export const RAW_PREFIX = 1024;

export interface BindOptions {
  clock: Clock;
  intervalMs?: number;
  /** The miner's worker count, read once (later changes come from the miner view). */
  miner?: { concurrency: number; maxConcurrency: number };
}

/**
 * Everything that arrived since the last flush. `fold` takes one event; `patch` turns the batch
 * into the store update (projections re-read from the node only for what changed) and resets it.
 */
export class ViewBatch {
  private messages: MessageEvent[] = [];
  private readonly rejections: Record<number, Rejection> = {};
  private compact: CompactBlockEvent[] = [];
  private readonly log: ViewState['log'] = [];
  private readonly rates: HashRatePoint[] = [];
  private chainDirty = true;
  /** Wallet and mempool rows change only with chain, mempool and wallet events (not mining progress). */
  private walletDirty = true;
  /** Names and node records change with nodeinfo, the wallet and our own tip. */
  private namesDirty = true;
  private progress: MinerProgress | null | undefined;
  private found = 0;
  private job: MiningJobInfo | null | undefined;
  private lastStop: ViewState['mining']['lastStop'] | undefined;
  private first = true;
  private teacherRefused: ViewState['teacherRefused'] | undefined;
  /** The node is far behind (initial download): the batch keeps to progress (see SYNC_GAP). */
  syncing = false;
  private readonly reorgs = new ReorgCollector();
  private readonly propagation: PropagationCollector;

  constructor(private readonly node: NodeApi, private readonly miner?: BindOptions['miner']) {
    this.propagation = new PropagationCollector(node.id);
  }

  fold(e: NodeEvent): void {
    if (e.type === 'chain' || e.type === 'chain-ready' || e.type === 'mempool' || e.type === 'wallet-changed') this.walletDirty = true;
    if (e.type === 'nodeinfo-changed' || e.type === 'wallet-changed' || e.type === 'chain-ready' || (e.type === 'chain' && e.event.type === 'tip-changed')) this.namesDirty = true;
    switch (e.type) {
      case 'message':
        this.messages.push(e);
        if (!this.syncing) this.propagation.message(e);
        break;
      case 'compact-block':
        if (!this.syncing) this.propagation.compact(e);
        this.compact.push(e);
        break;
      case 'teacher-refused':
        this.teacherRefused = { code: e.code, reason: e.reason, from: 'dashboard', time: e.time };
        break;
      case 'rejected':
        if (e.command === 'teacher') this.teacherRefused = { code: e.code, reason: e.reason, from: e.peer, time: e.time };
        this.rejections[e.messageId] = { messageId: e.messageId, peer: e.peer, command: e.command, code: e.code, reason: e.reason, debug: e.debug, punished: e.punished, time: e.time };
        break;
      case 'chain':
        this.chainDirty = true;
        this.reorgs.chainEvent(e.event, e.time);
        if (!this.syncing) this.propagation.chainEvent(e.event, e.time);
        break;
      case 'chain-ready':
        this.chainDirty = true;
        break;
      case 'mempool':
        if (e.event.type === 'tx-returned') this.reorgs.returned(e.event.entry.txid);
        break;
      case 'mining-started':
        this.job = { height: e.height, txCount: e.txCount, bits: e.bits, startedAt: e.time };
        break;
      case 'mining-stopped':
        this.job = null;
        this.lastStop = { why: e.why, time: e.time, ...(e.hash ? { hash: e.hash } : {}) };
        break;
      case 'mining-progress':
        this.progress = e.progress;
        this.rates.push({ time: e.time, rate: e.progress.hashRate, perWorker: e.progress.perWorker });
        break;
      case 'block-mined':
        this.found++;
        this.propagation.mined(e.hash, e.time);
        break;
      case 'log':
        this.log.push({ time: e.time, level: e.level, text: e.text });
        break;
      case 'peer-disconnected':
      case 'connect-failed':
      case 'peer-discouraged':
        this.log.push({ time: e.time, level: 'info', text: `${e.type} ${e.peer}: ${e.reason}` });
        break;
    }
  }

  /** The store update for everything folded since the last call. Unchanged parts keep their objects. */
  patch(s: ViewState, now: number): Partial<ViewState> {
    const node = this.node;
    const mining: ViewState['mining'] = {
      ...s.mining,
      mode: node.mining,
      threshold: node.mineThreshold,
      active: node.isMining,
      found: s.mining.found + this.found,
      ...(this.progress !== undefined ? { progress: this.progress } : {}),
      ...(this.job !== undefined ? { job: this.job } : {}),
      ...(this.lastStop !== undefined ? { lastStop: this.lastStop } : {}),
      ...(this.miner && this.first ? { concurrency: this.miner.concurrency, maxConcurrency: this.miner.maxConcurrency } : {}),
    };
    const best = node.bestKnownHeight();
    this.syncing = best - node.height > SYNC_GAP;
    const patch: Partial<ViewState> = {
      peers: sameRows(s.peers, node.peerInfo()),
      knownNodes: sameRows(s.knownNodes, node.knownNodes()),
      offline: node.offline,
      height: node.height,
      tip: node.tipHash,
      bestKnownHeight: best,
      inFlight: node.blocksInFlight,
      params: node.params,
      ...(this.walletDirty && !this.syncing ? { wallet: walletRows(node), mempool: mempoolRows(node) } : {}),
      mining: shallowSame(s.mining, mining),
      teacher: sameTeacher(s.teacher, node.teacherState()),
      noLink: noLink(s.noLink, node),
      syncing: node.syncPeerId !== null || node.blocksInFlight > 0,
      ...(this.namesDirty ? { named: node.namedAddresses(), nodeInfos: node.nodeInfos() } : {}),
    };
    // While syncing, the block list waits (it is rebuilt once the node has caught up).
    if (this.chainDirty && !this.syncing) {
      patch.blocks = blockRows(node);
      patch.orphans = orphanRows(node);
      this.chainDirty = false;
    }
    if (this.rates.length) patch.hashRates = s.hashRates.concat(this.rates.splice(0)).slice(-MAX_HASH_RATES);
    const done = this.reorgs.take();
    if (done.length) patch.reorgs = s.reorgs.concat(done).slice(-MAX_REORGS);
    const q = node.query;
    const steps = this.propagation.take(now, (h) => !!q.entry(h) || !!q.block(h), (h) => !!q.mempoolEntry(h));
    if (steps.length) patch.propagation = s.propagation.concat(steps).slice(-MAX_PROPAGATION);
    if (this.messages.length) {
      const all = s.messages.concat(this.syncing ? this.messages.slice(-SYNC_MESSAGES) : this.messages);
      patch.messages = capRawBytes(all.length > MAX_MESSAGES ? all.slice(all.length - MAX_MESSAGES) : all);
      this.messages = [];
    }
    if (this.compact.length) {
      const merged = { ...s.compact };
      for (const c of this.compact) merged[c.messageId] = c;
      const ids = Object.keys(merged).map(Number).sort((a, b) => a - b);
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_COMPACT))) delete merged[id];
      patch.compact = merged;
      this.compact = [];
    }
    const rejected = Object.keys(this.rejections);
    if (rejected.length) {
      patch.rejections = { ...s.rejections, ...this.rejections };
      for (const k of rejected) delete this.rejections[Number(k)];
    }
    if (this.log.length) patch.log = s.log.concat(this.log.splice(0)).slice(-MAX_LOG);
    if (this.teacherRefused !== undefined) patch.teacherRefused = this.teacherRefused;
    this.teacherRefused = undefined;
    this.first = false;
    if (!this.syncing) this.walletDirty = false;
    this.namesDirty = false;
    this.found = 0;
    this.progress = undefined;
    this.job = undefined;
    this.lastStop = undefined;
    return patch;
  }
}

/**
 * Keeps the raw frames of a message log within MAX_LOG_RAW_BYTES: the newest keep their bytes,
 * older ones a RAW_PREFIX-byte copy (`bytes` still says how long the frame was).
 */
export function capRawBytes(messages: MessageEvent[]): MessageEvent[] {
  let total = 0;
  let out: MessageEvent[] | null = null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    total += m.raw.length;
    if (total <= MAX_LOG_RAW_BYTES || m.raw.length <= RAW_PREFIX) continue;
    out ??= messages.slice();
    out[i] = { ...m, raw: m.raw.slice(0, RAW_PREFIX) };
    total -= m.raw.length - RAW_PREFIX;
  }
  return out ?? messages;
}

function sameTeacher(old: ViewState['teacher'], fresh: ViewState['teacher']): ViewState['teacher'] {
  return old.miningPaused === fresh.miningPaused && old.throttle === fresh.throttle && old.partition === fresh.partition && old.message?.text === fresh.message?.text && old.message?.time === fresh.message?.time && old.delivery === fresh.delivery ? old : fresh;
}

/** The last reason this node could not get a link, while it has none (stable object when unchanged). */
function noLink(old: ViewState['noLink'], node: NodeApi): ViewState['noLink'] {
  const c = node.connectivity();
  if (c.peers > 0 || !c.lastFailure) return null;
  return old && old.time === c.lastFailure.time && old.peer === c.lastFailure.peer ? old : c.lastFailure;
}

/**
 * Binds a node to a view store: every event is folded into the batch, and the batch is applied
 * `intervalMs` (default 100) after the first event that follows a flush. Returns an unbind.
 */
export function bindNode(node: NodeApi, store: StoreApi<ViewState>, opts: BindOptions): () => void {
  const batch = new ViewBatch(node, opts.miner);
  const clock = opts.clock;
  let timer: number | null = null;
  const flush = () => {
    timer = null;
    store.setState(batch.patch(store.getState(), clock.now()));
  };
  const off = node.on((e) => {
    batch.fold(e);
    timer ??= clock.setTimer(batch.syncing ? Math.max(SYNC_INTERVAL_MS, opts.intervalMs ?? 100) : opts.intervalMs ?? 100, flush);
  });
  flush();
  return () => {
    off();
    if (timer !== null) clock.clearTimer(timer);
  };
}
