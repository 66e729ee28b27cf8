/**
 * Pure projections of a node's state (through its read-only query API) into the rows the views
 * list, and the helpers that keep unchanged rows as the same objects so their readers do not
 * re-render.
 */
import { blockHash, destinationOf, hashToHex, isCoinbase, leadingZeroBits, type Block } from '../../core';
import type { NodeApi } from '../../node/api';
import { MAX_BLOCKS_SHOWN, type BlockSummary, type OrphanSummary, type TxSummary, type WalletRow } from './viewState';

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

function addressOf(script: Uint8Array): string {
  return destinationOf(script) ?? 'non-standard';
}

/** The wallet's addresses with their balances. */
export function walletRows(node: Pick<NodeApi, 'query'>): WalletRow[] {
  return node.query.balances().map((b) => ({ address: b.address, ...(b.label ? { label: b.label } : {}), confirmed: b.confirmed, pendingIn: b.pendingIn, pendingOut: b.pendingOut, total: b.total }));
}

/** The mempool, each input resolved to the coin it spends (confirmed, or a mempool parent's output). */
export function mempoolRows(node: Pick<NodeApi, 'query'>): TxSummary[] {
  const q = node.query;
  return q.mempoolEntries().map((e) => {
    const spends = e.tx.inputs.map((i) => `${hashToHex(i.prevout.txid)}:${i.prevout.vout}`);
    return {
      txid: e.txid,
      fee: e.fee.toString(),
      size: e.size,
      outputs: e.tx.outputs.map((o) => ({ address: addressOf(o.script), value: o.value })),
      spends,
      inputs: spends.map((outpoint, i) => {
        const coin = q.coin(outpoint);
        if (coin) return { outpoint, address: addressOf(coin.script), value: coin.value, confirmed: true };
        const prevout = e.tx.inputs[i]!.prevout;
        const parent = q.mempoolEntry(hashToHex(prevout.txid))?.tx.outputs[prevout.vout];
        return parent ? { outpoint, address: addressOf(parent.script), value: parent.value, confirmed: false } : { outpoint, address: null, value: null, confirmed: false };
      }),
      time: e.time,
    };
  });
}

/** Miner addresses by block (a block list rebuilt every 100 ms must not re-encode 200 addresses each time). */
const miners = new WeakMap<Block, string | null>();
function minerOf(block: Block | undefined): string | null {
  if (!block) return null;
  let m = miners.get(block);
  if (m === undefined) {
    const cb = block.txs[0];
    m = cb && isCoinbase(cb) && cb.outputs[0] ? addressOf(cb.outputs[0].script) : null;
    miners.set(block, m);
  }
  return m;
}

/** Blocks near the tip (active chain and side branches), newest first, active before side. */
export function blockRows(node: Pick<NodeApi, 'query' | 'height'>): BlockSummary[] {
  const q = node.query;
  const minHeight = Math.max(0, node.height - MAX_BLOCKS_SHOWN);
  return q
    .entries()
    .filter((e) => e.height >= minHeight)
    .map((e) => ({
      hash: e.hash,
      height: e.height,
      prev: hashToHex(e.header.prevHash),
      time: e.header.time,
      txCount: e.txCount,
      active: q.isActive(e.hash),
      ...(e.status === 'invalid' ? { invalid: e.invalidReason ?? 'invalid' } : {}),
      zeroBits: leadingZeroBits(blockHash(e.header)),
      miner: minerOf(q.block(e.hash)),
      bits: e.header.bits,
      nonce: e.header.nonce,
    }))
    .sort((a, b) => b.height - a.height || Number(b.active) - Number(a.active));
}

/** Blocks waiting for their parent (the last 100). */
export function orphanRows(node: Pick<NodeApi, 'query'>): OrphanSummary[] {
  return node.query.orphans().slice(-100).map(({ hash, block: b }) => ({
    hash,
    prev: hashToHex(b.header.prevHash),
    time: b.header.time,
    txCount: b.txs.length,
    bits: b.header.bits,
    nonce: b.header.nonce,
    zeroBits: leadingZeroBits(blockHash(b.header)),
    miner: minerOf(b),
  }));
}
