/**
 * Which mempool transactions a block template takes, and in what order: the highest fee rate
 * first (a miner earns the fees, and block space is what it sells), each transaction preceded by
 * the mempool parents it spends. This is the simple form, by each transaction's own rate, pulling a
 * chosen transaction's parents in with it; the mempool's block templates use Core's ancestor fee
 * rate with re-scoring (a child paying for its parent lifts both, CPFP) in `mining/packages.ts`.
 */
import { hashToHex } from '../encoding';
import type { MempoolEntry } from './mempool';

/** a's fee rate compared with b's (sat per byte, exact: fee_a × size_b against fee_b × size_a). */
export function compareFeeRate(a: Pick<MempoolEntry, 'fee' | 'size'>, b: Pick<MempoolEntry, 'fee' | 'size'>): number {
  const x = a.fee * BigInt(b.size);
  const y = b.fee * BigInt(a.size);
  return x > y ? 1 : x < y ? -1 : 0;
}

/**
 * Entries for a block of at most `maxBytes` of transactions and `maxSigOps` signature operations,
 * highest fee rate first, parents always before their children. `entries` must be in arrival order (parents first); ties keep it.
 */
export function selectByFeeRate(entries: readonly MempoolEntry[], maxBytes: number, maxSigOps = Infinity): MempoolEntry[] {
  const byId = new Map(entries.map((e) => [e.txid, e]));
  const order = new Map(entries.map((e, i) => [e.txid, i]));
  const ranked = [...entries].sort((a, b) => compareFeeRate(b, a) || order.get(a.txid)! - order.get(b.txid)!);
  const chosen = new Set<string>();
  const out: MempoolEntry[] = [];
  let size = 0;
  let sigops = 0;
  for (const e of ranked) {
    if (chosen.has(e.txid)) continue;
    // The package: this transaction and its unchosen mempool ancestors, oldest first.
    const pkg = new Map<string, MempoolEntry>();
    const stack = [e];
    while (stack.length) {
      const x = stack.pop()!;
      if (pkg.has(x.txid) || chosen.has(x.txid)) continue;
      pkg.set(x.txid, x);
      for (const input of x.tx.inputs) {
        const parent = byId.get(hashToHex(input.prevout.txid));
        if (parent) stack.push(parent);
      }
    }
    const list = [...pkg.values()].sort((a, b) => order.get(a.txid)! - order.get(b.txid)!);
    const bytes = list.reduce((n, x) => n + x.size, 0);
    const ops = list.reduce((n, x) => n + x.sigops, 0);
    // A smaller package further down may still fit.
    if (size + bytes > maxBytes || sigops + ops > maxSigOps) continue;
    for (const x of list) {
      chosen.add(x.txid);
      out.push(x);
    }
    size += bytes;
    sigops += ops;
  }
  return out;
}
