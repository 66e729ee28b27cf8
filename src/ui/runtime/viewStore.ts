import { createStore } from 'zustand/vanilla';
import {
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
}

export interface TxSummary {
  txid: string;
  fee: string;
  size: number;
  outputs: { address: string; value: bigint }[];
  spends: string[];
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
  peers: PeerRow[];
  knownNodes: string[];
  height: number;
  tip: string | null;
  bestKnownHeight: number;
  inFlight: number;
  blocks: BlockSummary[];
  mempool: TxSummary[];
  wallet: WalletRow[];
  mining: { mode: MiningMode; threshold: number; active: boolean; progress: MinerProgress | null; found: number; concurrency: number; maxConcurrency: number };
  messages: MessageEvent[];
  rejections: Record<number, Rejection>;
  log: { time: number; level: string; text: string }[];
  lastPaymentError: string | null;
}

export const MAX_MESSAGES = 2000;
const MAX_BLOCKS_SHOWN = 200;

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
    peers: [],
    knownNodes: [],
    height: -1,
    tip: null,
    bestKnownHeight: -1,
    inFlight: 0,
    blocks: [],
    mempool: [],
    wallet: [],
    mining: { mode: 'off', threshold: 2, active: false, progress: null, found: 0, concurrency: 1, maxConcurrency: 1 },
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
 */
export function bindNode(node: FullNode, opts: { intervalMs?: number; miner?: { concurrency: number; maxConcurrency: number } } = {}): () => void {
  let pendingMessages: MessageEvent[] = [];
  const pendingRejections: Record<number, Rejection> = {};
  const pendingLog: ViewState['log'] = [];
  let chainDirty = true;
  let progress: MinerProgress | null | undefined;
  let found = 0;
  let scheduled: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    scheduled = null;
    const s = viewStore.getState();
    const patch: Partial<ViewState> = {
      peers: node.peerInfo(),
      knownNodes: node.knownNodes(),
      height: node.height,
      tip: node.tipHash,
      bestKnownHeight: node.bestKnownHeight(),
      inFlight: node.blocksInFlight,
      params: node.params,
      wallet: walletRows(node),
      mempool: mempoolRows(node),
      mining: {
        ...s.mining,
        mode: node.mining,
        threshold: node.mineThreshold,
        active: node.isMining,
        found: s.mining.found + found,
        ...(progress !== undefined ? { progress } : {}),
        ...(opts.miner ? { concurrency: opts.miner.concurrency, maxConcurrency: opts.miner.maxConcurrency } : {}),
      },
    };
    found = 0;
    progress = undefined;
    if (chainDirty) {
      patch.blocks = blockRows(node);
      chainDirty = false;
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
    switch (e.type) {
      case 'message':
        pendingMessages.push(e);
        break;
      case 'rejected':
        pendingRejections[e.messageId] = { messageId: e.messageId, peer: e.peer, command: e.command, reason: e.reason, debug: e.debug, punished: e.punished, time: e.time };
        break;
      case 'chain':
      case 'chain-ready':
        chainDirty = true;
        break;
      case 'mining-progress':
        progress = e.progress;
        break;
      case 'block-mined':
        found++;
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

function walletRows(node: FullNode): WalletRow[] {
  if (!node.chain) return node.keys.map((k) => ({ address: k.address, label: k.label, confirmed: 0n, pendingIn: 0n, pendingOut: 0n, total: 0n }));
  return node.keys.map((k) => ({ address: k.address, label: k.label, ...balanceOf(k.script, node.chain!.utxo, node.mempool ?? undefined) }));
}

function addressOf(script: Uint8Array): string {
  const h = parseP2PKH(script);
  return h ? addressFromHash(h) : 'non-standard';
}

function mempoolRows(node: FullNode): TxSummary[] {
  return (node.mempool?.all() ?? []).map((e) => ({
    txid: e.txid,
    fee: e.fee.toString(),
    size: e.size,
    outputs: e.tx.outputs.map((o) => ({ address: addressOf(o.script), value: o.value })),
    spends: e.tx.inputs.map((i) => `${hashToHex(i.prevout.txid)}:${i.prevout.vout}`),
  }));
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
      };
    })
    .sort((a, b) => b.height - a.height || Number(b.active) - Number(a.active));
}

export { txidHex };
