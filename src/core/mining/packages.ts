/**
 * Choosing a block's transactions by ancestor fee rate (Core's BlockAssembler::addPackageTxs): a
 * transaction is worth its fee plus its unconfirmed ancestors' fees, over their size together —
 * a child paying a high fee pulls its cheap parent in ("child pays for parent"). The best package
 * goes in first, its ancestors before it; then every descendant's package is re-scored without
 * what is already in, and so on while packages fit. Ties keep arrival order.
 */

/** What selection needs of a mempool entry. */
export interface PackageEntry {
  txid: string;
  fee: bigint;
  size: number;
  /** Signature operations (legacy + P2SH); absent counts 0. */
  sigops?: number;
  /** Txids of the transactions this one spends (those not among the entries are ignored). */
  parents?: readonly string[];
}

interface Scored {
  index: number;
  fee: bigint;
  size: number;
  sigops: number;
  version: number;
}

/** a before b: higher ancestor fee rate, then earlier arrival. */
function better(a: Scored, b: Scored): boolean {
  const l = a.fee * BigInt(b.size);
  const r = b.fee * BigInt(a.size);
  return l !== r ? l > r : a.index < b.index;
}

/** A binary heap of scored entries (best on top). */
class Heap {
  private readonly items: Scored[] = [];
  get size(): number {
    return this.items.length;
  }
  push(s: Scored): void {
    const a = this.items;
    a.push(s);
    for (let i = a.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (!better(a[i]!, a[up]!)) break;
      [a[i], a[up]] = [a[up]!, a[i]!];
      i = up;
    }
  }
  pop(): Scored | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && better(a[l]!, a[m]!)) m = l;
        if (r < a.length && better(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The entries (in arrival order, parents before children) to put in a block of at most
 * `maxBytes` and `maxSigOps` signature operations, best ancestor fee rate first, each package's
 * ancestors before it.
 */
export function selectPackages<E extends PackageEntry>(
  entries: readonly E[], maxBytes: number, maxSigOps = Infinity, parentsOf: (e: E) => readonly string[] = (e) => e.parents ?? [],
): E[] {
  const indexOf = new Map<string, number>();
  entries.forEach((e, i) => indexOf.set(e.txid, i));
  const none: number[] = [];
  const parents = entries.map((e) => {
    let out: number[] | null = null;
    for (const p of parentsOf(e)) {
      const i = indexOf.get(p);
      if (i !== undefined) (out ??= []).push(i);
    }
    return out ?? none;
  });
  const children: number[][] = entries.map(() => []);
  parents.forEach((ps, i) => ps.forEach((p) => children[p]!.push(i)));
  const included = new Uint8Array(entries.length);
  const failed = new Uint8Array(entries.length);
  const version = new Uint32Array(entries.length);

  /** The entry's ancestors not yet in the block (itself included), in arrival order. */
  const packageOf = (i: number): number[] => {
    if (parents[i]!.length === 0) return [i]; // most transactions: no unconfirmed parent
    const seen = new Set<number>([i]);
    const stack = [i];
    while (stack.length) for (const p of parents[stack.pop()!]!) if (!included[p] && !seen.has(p)) (seen.add(p), stack.push(p));
    return [...seen].sort((a, b) => a - b);
  };
  const score = (i: number): Scored => {
    let fee = 0n;
    let size = 0;
    let sigops = 0;
    for (const j of packageOf(i)) {
      fee += entries[j]!.fee;
      size += entries[j]!.size;
      sigops += entries[j]!.sigops ?? 0;
    }
    return { index: i, fee, size, sigops, version: version[i]! };
  };

  const heap = new Heap();
  for (let i = 0; i < entries.length; i++) heap.push(score(i));
  const out: E[] = [];
  let bytes = 0;
  let ops = 0;
  while (heap.size) {
    const top = heap.pop()!;
    const i = top.index;
    if (included[i] || failed[i] || top.version !== version[i]) continue; // stale or done
    if (bytes + top.size > maxBytes || ops + top.sigops > maxSigOps) {
      failed[i] = 1; // does not fit; smaller packages still may
      continue;
    }
    const pkg = packageOf(i);
    for (const j of pkg) {
      included[j] = 1;
      out.push(entries[j]!);
    }
    bytes += top.size;
    ops += top.sigops;
    // Descendants of what went in are scored again without it.
    const touched = new Set<number>();
    const stack = [...pkg];
    while (stack.length) for (const c of children[stack.pop()!]!) if (!included[c] && !touched.has(c)) (touched.add(c), stack.push(c));
    for (const d of touched) {
      version[d]!++;
      heap.push(score(d));
    }
  }
  return out;
}
