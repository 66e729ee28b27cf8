import { createStore } from 'zustand/vanilla';
import {
  type RestoreReport,
  balanceOf,
  hashToHex,
  leadingZeroBits,
  blockHash,
  txidHex,
  isCoinbase,
  parseP2PKH,
  addressFromHash,
  type MinerProgress,
  type ChainParams,
  type Block,
  type ChainEvent,
} from '../../core';
import type { FullNode } from '../../node/node';
import type { MessageEvent, NodeEvent, Role, Topology, MiningMode } from '../../node/events';
import type { SignalStatus } from '../../adapters/peerjs/transport';
import type { StoreProblem } from '../../adapters/idb/nodeStore';

/** A block as the chain view lists it. */
export interface BlockSummary {
  hash: string;
  height: number;
  prev: string;
  time: number;
  txCount: number;
  active: boolean;
  invalid?: string;
  zeroBits: number;
  miner: string | null;
  /** Compact difficulty target and nonce of the header (chain view cards). */
  bits: number;
  nonce: number;
}

/** A block held while its parent is unknown (Core's orphan pool): no height yet. */
export interface OrphanSummary {
  hash: string;
  prev: string;
  time: number;
  txCount: number;
  bits: number;
  nonce: number;
  zeroBits: number;
  miner: string | null;
}

/** An input of a mempool transaction: the outpoint it spends and what that output holds. */
export interface TxInputSummary {
  outpoint: string;
  /** Address and value of the spent output; null when this node cannot see it. */
  address: string | null;
  value: bigint | null;
  /** The spent output is in a block (true) or is itself in the mempool (false). */
  confirmed: boolean;
}

export interface TxSummary {
  txid: string;
  fee: string;
  size: number;
  outputs: { address: string; value: bigint }[];
  spends: string[];
  /** The same spends with their coins resolved (wallet and mempool views). */
  inputs: TxInputSummary[];
  /** Node clock seconds when it entered the mempool. */
  time: number;
}

/**
 * One reorganisation as the chain view animates it: blocks disconnected back to the fork (each with
 * its non-coinbase txids), blocks connected, and which of those txids went back to the mempool.
 */
export interface ReorgSummary {
  id: number;
  time: number;
  fork: { hash: string; height: number };
  disconnected: { hash: string; height: number; txids: string[] }[];
  connected: { hash: string; height: number }[];
  returned: string[];
}

/** What one node did with a block, as this node saw it (propagation timeline). */
export type PropagationKind = 'mined' | 'announced' | 'requested' | 'received' | 'sent' | 'accepted' | 'connected' | 'disconnected' | 'orphaned';

/**
 * A propagation step of one block. `node` is this node for its own steps, or the peer for steps
 * of a peer seen through its messages (`observed`: the time is when this node saw it).
 */
export interface PropagationRecord {
  hash: string;
  node: string;
  kind: PropagationKind;
  time: number;
  peer?: string;
  observed?: boolean;
}

/** One hash-rate sample for the miner's plot. */
export interface HashRatePoint {
  time: number;
  rate: number;
  perWorker: number[];
}

/** The block template being mined right now. */
export interface MiningJobInfo {
  height: number;
  txCount: number;
  bits: number;
  startedAt: number;
}

export interface WalletRow {
  address: string;
  label?: string;
  confirmed: bigint;
  pendingIn: bigint;
  pendingOut: bigint;
  total: bigint;
}

export interface PeerRow {
  id: string;
  outbound: boolean;
  role?: Role;
  height: number;
  rtt?: number;
  ready: boolean;
}

/** A refusal shown in red beside the message that caused it. */
export interface Rejection {
  messageId: number;
  peer: string;
  command: string;
  reason: string;
  debug: string;
  punished: boolean;
  time: number;
}

/** The UI's view of one node: derived from node events, never the source of truth. */
export interface ViewState {
  phase: 'setup' | 'starting' | 'running' | 'refused' | 'error';
  status: string;
  error?: string;
  nodeId: string;
  role: Role;
  network: string;
  topology: Topology;
  params: ChainParams | null;
  signal: SignalStatus;
  storage: StoreProblem | null;
  /** Set when restoring from storage found coins that did not match the stored blocks (and rebuilt them). */
  repaired: RestoreReport | null;
  peers: PeerRow[];
  knownNodes: string[];
  /** Cut off from the network on purpose (the peers panel's switch; `FullNode.setOffline`). */
  offline: boolean;
  height: number;
  tip: string | null;
  bestKnownHeight: number;
  inFlight: number;
  blocks: BlockSummary[];
  mempool: TxSummary[];
  wallet: WalletRow[];
  mining: {
    mode: MiningMode;
    threshold: number;
    active: boolean;
    progress: MinerProgress | null;
    found: number;
    concurrency: number;
    maxConcurrency: number;
    /** The template being searched (null when idle) and why the last search ended. */
    job?: MiningJobInfo | null;
    lastStop?: { why: 'found' | 'stale' | 'stopped' | 'error'; time: number; hash?: string } | null;
  };
  /** Orphan blocks (parent unknown), for the chain tree. */
  orphans: OrphanSummary[];
  /** Recent reorganisations, newest last. */
  reorgs: ReorgSummary[];
  /** Propagation steps of blocks (bounded), oldest first. */
  propagation: PropagationRecord[];
  /** Hash-rate samples of the miner (bounded), oldest first. */
  hashRates: HashRatePoint[];
  messages: MessageEvent[];
  rejections: Record<number, Rejection>;
  log: { time: number; level: string; text: string }[];
  lastPaymentError: string | null;
}

export const MAX_MESSAGES = 2000;
const MAX_BLOCKS_SHOWN = 200;
/** Bounds of the view-only histories kept for the chain, timeline and miner views. */
export const MAX_REORGS = 10;
export const MAX_PROPAGATION = 5000;
export const MAX_HASH_RATES = 600;
/** Hashes of inv/getdata not yet known to be blocks are kept this long (ms), then dropped as txs. */
const PENDING_HASH_MS = 30_000;

export function initialViewState(): ViewState {
  return {
    phase: 'setup',
    status: '',
    nodeId: '',
    role: 'wallet',
    network: '',
    topology: 'star',
    params: null,
    signal: { state: 'connecting' },
    storage: null,
    repaired: null,
    peers: [],
    knownNodes: [],
    offline: false,
    height: -1,
    tip: null,
    bestKnownHeight: -1,
    inFlight: 0,
    blocks: [],
    mempool: [],
    wallet: [],
    mining: { mode: 'off', threshold: 2, active: false, progress: null, found: 0, concurrency: 1, maxConcurrency: 1, job: null, lastStop: null },
    orphans: [],
    reorgs: [],
    propagation: [],
    hashRates: [],
    messages: [],
    rejections: {},
    log: [],
    lastPaymentError: null,
  };
}

/** The one vanilla store; React reads it with narrow selectors. */
export const viewStore = createStore<ViewState>(() => initialViewState());

/**
 * The single node → store binding: events are batched and applied at most every `intervalMs`,
 * so a burst of thousands of messages during sync costs a few renders, not thousands.
 * Besides the basics it keeps small bounded histories for the views of one node: reorgs (chain
 * view animation), block propagation steps (timeline) and hash-rate samples (miner plot).
 */
export function bindNode(node: FullNode, opts: { intervalMs?: number; miner?: { concurrency: number; maxConcurrency: number } } = {}): () => void {
  let pendingMessages: MessageEvent[] = [];
  const pendingRejections: Record<number, Rejection> = {};
  const pendingLog: ViewState['log'] = [];
  let chainDirty = true;
  /** Wallet and mempool rows change only with chain, mempool and wallet events (not mining progress). */
  let walletDirty = true;
  let progress: MinerProgress | null | undefined;
  let found = 0;
  let scheduled: ReturnType<typeof setTimeout> | null = null;
  let firstFlush = true;
  let job: MiningJobInfo | null | undefined;
  let lastStop: ViewState['mining']['lastStop'] | undefined;
  const pendingRates: HashRatePoint[] = [];
  const reorgs = new ReorgCollector();
  let pendingProp: PropagationRecord[] = [];
  /** Records about hashes of inv/getdata not yet known to be blocks (they may be txs). */
  let unclassified: PropagationRecord[] = [];
  const txHashes = new Set<string>();

  const isBlockHash = (h: string): boolean => !!node.chain && (!!node.chain.getEntry(h) || !!node.chain.getOrphan(h));

  const flush = () => {
    scheduled = null;
    const s = viewStore.getState();
    const mining: ViewState['mining'] = {
      ...s.mining,
      mode: node.mining,
      threshold: node.mineThreshold,
      active: node.isMining,
      found: s.mining.found + found,
      ...(progress !== undefined ? { progress } : {}),
      ...(job !== undefined ? { job } : {}),
      ...(lastStop !== undefined ? { lastStop } : {}),
      // The miner's worker count is read once; later changes come from the miner view.
      ...(opts.miner && firstFlush ? { concurrency: opts.miner.concurrency, maxConcurrency: opts.miner.maxConcurrency } : {}),
    };
    // Unchanged parts keep their old objects, so the components that read them do not re-render
    // (under load the store updates ten times a second, mostly with the same peers and miner state).
    const patch: Partial<ViewState> = {
      peers: sameRows(s.peers, node.peerInfo()),
      knownNodes: sameRows(s.knownNodes, node.knownNodes()),
      offline: node.offline,
      height: node.height,
      tip: node.tipHash,
      bestKnownHeight: node.bestKnownHeight(),
      inFlight: node.blocksInFlight,
      params: node.params,
      ...(walletDirty ? { wallet: walletRows(node), mempool: mempoolRows(node) } : {}),
      mining: shallowSame(s.mining, mining),
    };
    firstFlush = false;
    walletDirty = false;
    found = 0;
    progress = undefined;
    job = undefined;
    lastStop = undefined;
    if (pendingRates.length) patch.hashRates = s.hashRates.concat(pendingRates.splice(0)).slice(-MAX_HASH_RATES);
    if (chainDirty) {
      patch.blocks = blockRows(node);
      patch.orphans = orphanRows(node);
      chainDirty = false;
    }
    const done = reorgs.take();
    if (done.length) patch.reorgs = s.reorgs.concat(done).slice(-MAX_REORGS);
    // Hashes in inv/getdata are blocks or txs; keep those that turn out to be blocks.
    const now = Date.now();
    const keep: PropagationRecord[] = [];
    const still: PropagationRecord[] = [];
    for (const r of unclassified) {
      if (isBlockHash(r.hash)) keep.push(r);
      else if (!txHashes.has(r.hash) && !node.mempool?.has(r.hash) && now - r.time < PENDING_HASH_MS) still.push(r);
    }
    unclassified = still;
    if (txHashes.size > 10_000) txHashes.clear();
    if (keep.length || pendingProp.length) {
      const add = keep.concat(pendingProp).sort((a, b) => a.time - b.time);
      pendingProp = [];
      patch.propagation = s.propagation.concat(add).slice(-MAX_PROPAGATION);
    }
    if (pendingMessages.length) {
      const all = s.messages.concat(pendingMessages);
      patch.messages = all.length > MAX_MESSAGES ? all.slice(all.length - MAX_MESSAGES) : all;
      pendingMessages = [];
    }
    if (Object.keys(pendingRejections).length) {
      patch.rejections = { ...s.rejections, ...pendingRejections };
      for (const k of Object.keys(pendingRejections)) delete pendingRejections[Number(k)];
    }
    if (pendingLog.length) {
      patch.log = s.log.concat(pendingLog.splice(0)).slice(-300);
    }
    viewStore.setState(patch);
  };

  const schedule = () => {
    if (!scheduled) scheduled = setTimeout(flush, opts.intervalMs ?? 100);
  };

  const off = node.on((e: NodeEvent) => {
    if (e.type === 'chain' || e.type === 'chain-ready' || e.type === 'mempool' || e.type === 'wallet-changed') walletDirty = true;
    switch (e.type) {
      case 'message': {
        pendingMessages.push(e);
        if (e.command === 'tx' && e.hashes) for (const h of e.hashes) txHashes.add(h);
        const recs = propagationFromMessage(node.id, e);
        if (e.command === 'block') pendingProp.push(...recs);
        else unclassified.push(...recs);
        break;
      }
      case 'rejected':
        pendingRejections[e.messageId] = { messageId: e.messageId, peer: e.peer, command: e.command, reason: e.reason, debug: e.debug, punished: e.punished, time: e.time };
        break;
      case 'chain':
      case 'chain-ready':
        chainDirty = true;
        if (e.type === 'chain') {
          reorgs.chainEvent(e.event, e.time);
          const rec = propagationFromChainEvent(node.id, e.event, e.time);
          if (rec) pendingProp.push(rec);
        }
        break;
      case 'mempool':
        if (e.event.type === 'tx-returned') reorgs.returned(e.event.entry.txid);
        break;
      case 'mining-started':
        job = { height: e.height, txCount: e.txCount, bits: e.bits, startedAt: e.time };
        break;
      case 'mining-stopped':
        job = null;
        lastStop = { why: e.why, time: e.time, ...(e.hash ? { hash: e.hash } : {}) };
        break;
      case 'mining-progress':
        progress = e.progress;
        pendingRates.push({ time: e.time, rate: e.progress.hashRate, perWorker: e.progress.perWorker });
        break;
      case 'block-mined':
        found++;
        pendingProp.push({ hash: e.hash, node: node.id, kind: 'mined', time: e.time });
        break;
      case 'log':
        pendingLog.push({ time: e.time, level: e.level, text: e.text });
        break;
      case 'peer-disconnected':
      case 'connect-failed':
      case 'peer-discouraged':
        pendingLog.push({ time: e.time, level: 'info', text: `${e.type} ${e.peer}: ${e.reason}` });
        break;
    }
    schedule();
  });
  flush();
  return () => {
    off();
    if (scheduled) clearTimeout(scheduled);
  };
}

/** `old` when `fresh` holds the same rows (each row's own fields compared with ===), else `fresh`. */
export function sameRows<T>(old: T[], fresh: T[]): T[] {
  if (old.length !== fresh.length) return fresh;
  for (let i = 0; i < old.length; i++) {
    const a = old[i];
    const b = fresh[i];
    if (a === b) continue;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return fresh;
    if (!shallowEqual(a as Record<string, unknown>, b as Record<string, unknown>)) return fresh;
  }
  return old;
}

/** `old` when `fresh` has the same own fields (compared with ===), else `fresh`. */
export function shallowSame<T extends object>(old: T, fresh: T): T {
  return shallowEqual(old as Record<string, unknown>, fresh as Record<string, unknown>) ? old : fresh;
}

function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Propagation steps a message tells about (Bitcoin's inv → getdata → block relay): this node's
 * own announcement, request, receipt or sending, and the peer's side as this node observed it.
 */
export function propagationFromMessage(self: string, m: MessageEvent): PropagationRecord[] {
  if (!m.hashes || m.reason) return [];
  const out: PropagationRecord[] = [];
  const add = (node: string, kind: PropagationKind, peer: string, observed: boolean) => {
    for (const hash of m.hashes!) out.push({ hash, node, kind, time: m.time, peer, ...(observed ? { observed } : {}) });
  };
  switch (m.command) {
    case 'inv':
      if (m.dir === 'out') add(self, 'announced', m.peer, false);
      else add(m.peer, 'announced', self, true);
      break;
    case 'getdata':
      if (m.dir === 'out') add(self, 'requested', m.peer, false);
      else add(m.peer, 'requested', self, true);
      break;
    case 'block':
      if (m.dir === 'in') {
        add(self, 'received', m.peer, false);
        add(m.peer, 'sent', self, true);
      } else add(self, 'sent', m.peer, false);
      break;
  }
  return out;
}

/** This node's own step for a chain event: a block stored, connected, disconnected or orphaned. */
export function propagationFromChainEvent(self: string, e: ChainEvent, time: number): PropagationRecord | null {
  switch (e.type) {
    case 'block-accepted':
      return { hash: e.entry.hash, node: self, kind: 'accepted', time };
    case 'block-connected':
      return { hash: e.entry.hash, node: self, kind: 'connected', time };
    case 'block-disconnected':
      return { hash: e.entry.hash, node: self, kind: 'disconnected', time };
    case 'orphan-added':
      return { hash: e.hash, node: self, kind: 'orphaned', time };
    default:
      return null;
  }
}

/**
 * Turns the chain events of a reorg (blocks disconnected, the reorg itself) and the mempool's
 * `tx-returned` events that follow it into ReorgSummary records.
 */
export class ReorgCollector {
  private seq = 0;
  private disconnectedTxs = new Map<string, string[]>();
  private done: ReorgSummary[] = [];

  /** Feeds one chain event. */
  chainEvent(e: ChainEvent, time: number): void {
    if (e.type === 'block-disconnected') this.disconnectedTxs.set(e.entry.hash, nonCoinbaseTxids(e.block));
    else if (e.type === 'reorg') {
      this.done.push({
        id: ++this.seq,
        time,
        fork: { hash: e.fork.hash, height: e.fork.height },
        disconnected: e.disconnected.map((d) => ({ hash: d.hash, height: d.height, txids: this.disconnectedTxs.get(d.hash) ?? [] })),
        connected: e.connected.map((c) => ({ hash: c.hash, height: c.height })),
        returned: [],
      });
      this.disconnectedTxs.clear();
    }
  }

  /** A transaction of a disconnected block went back to the mempool (after the reorg event). */
  returned(txid: string): void {
    const last = this.done[this.done.length - 1];
    if (last && last.disconnected.some((d) => d.txids.includes(txid))) last.returned.push(txid);
  }

  /** Reorgs completed since the last call. */
  take(): ReorgSummary[] {
    const out = this.done;
    this.done = [];
    return out;
  }
}

function nonCoinbaseTxids(block: Block): string[] {
  return block.txs.filter((t) => !isCoinbase(t)).map(txidHex);
}

function walletRows(node: FullNode): WalletRow[] {
  if (!node.chain) return node.keys.map((k) => ({ address: k.address, label: k.label, confirmed: 0n, pendingIn: 0n, pendingOut: 0n, total: 0n }));
  return node.keys.map((k) => ({ address: k.address, label: k.label, ...balanceOf(k.script, node.chain!.utxo, node.mempool ?? undefined) }));
}

function addressOf(script: Uint8Array): string {
  const h = parseP2PKH(script);
  return h ? addressFromHash(h) : 'non-standard';
}

function mempoolRows(node: FullNode): TxSummary[] {
  const utxo = node.chain?.utxo;
  const mempool = node.mempool;
  return (mempool?.all() ?? []).map((e) => {
    const spends = e.tx.inputs.map((i) => `${hashToHex(i.prevout.txid)}:${i.prevout.vout}`);
    return {
      txid: e.txid,
      fee: e.fee.toString(),
      size: e.size,
      outputs: e.tx.outputs.map((o) => ({ address: addressOf(o.script), value: o.value })),
      spends,
      inputs: spends.map((outpoint, i) => {
        const coin = utxo?.getCoin(outpoint);
        if (coin) return { outpoint, address: addressOf(coin.script), value: coin.value, confirmed: true };
        const parent = mempool?.get(hashToHex(e.tx.inputs[i].prevout.txid))?.tx.outputs[e.tx.inputs[i].prevout.vout];
        return parent ? { outpoint, address: addressOf(parent.script), value: parent.value, confirmed: false } : { outpoint, address: null, value: null, confirmed: false };
      }),
      time: e.time,
    };
  });
}

function blockRows(node: FullNode): BlockSummary[] {
  const chain = node.chain;
  if (!chain) return [];
  const entries = chain.entries();
  const minHeight = Math.max(0, chain.height - MAX_BLOCKS_SHOWN);
  return entries
    .filter((e) => e.height >= minHeight)
    .map((e) => {
      const block = chain.getBlock(e.hash);
      const cb = block?.txs[0];
      return {
        hash: e.hash,
        height: e.height,
        prev: hashToHex(e.header.prevHash),
        time: e.header.time,
        txCount: e.txCount,
        active: chain.isActive(e),
        ...(e.status === 'invalid' ? { invalid: e.invalidReason ?? 'invalid' } : {}),
        zeroBits: leadingZeroBits(blockHash(e.header)),
        miner: cb && isCoinbase(cb) && cb.outputs[0] ? addressOf(cb.outputs[0].script) : null,
        bits: e.header.bits,
        nonce: e.header.nonce,
      };
    })
    .sort((a, b) => b.height - a.height || Number(b.active) - Number(a.active));
}

function orphanRows(node: FullNode): OrphanSummary[] {
  const chain = node.chain;
  if (!chain) return [];
  return chain.orphanHashes().slice(-100).flatMap((hash) => {
    const b = chain.getOrphan(hash);
    if (!b) return [];
    const cb = b.txs[0];
    return [{
      hash,
      prev: hashToHex(b.header.prevHash),
      time: b.header.time,
      txCount: b.txs.length,
      bits: b.header.bits,
      nonce: b.header.nonce,
      zeroBits: leadingZeroBits(blockHash(b.header)),
      miner: cb && isCoinbase(cb) && cb.outputs[0] ? addressOf(cb.outputs[0].script) : null,
    }];
  });
}

export { txidHex };
