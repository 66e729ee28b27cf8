/**
 * Network-wide measurements of a simulation, folded from every node's chain events and every
 * delivered message: when each node got each block (propagation), which blocks ended up off the
 * best chain (stale), the time between blocks, and the bytes each link carried.
 */

/** One block as the network saw it. */
interface BlockRecord {
  hash: string;
  prev: string;
  height: number;
  /** The first node to accept it: its miner. */
  miner: number;
  /** Virtual ms at which the miner accepted it (= when it was found). */
  minedAt: number;
  /** Delay (ms after minedAt) at which each other node accepted it, in arrival order. */
  delays: number[];
}

/** Message bytes by kind, network-wide. */
export type TrafficKind = 'block' | 'tx' | 'inv' | 'getdata' | 'other';

export interface Summary {
  /** Blocks found (including stale ones) and how many are off the best chain. */
  blocks: number;
  stale: number;
  staleRate: number;
  bestHeight: number;
  /** Propagation: delay at which a fraction of (block, node) pairs had the block, ms. */
  p50: number | null;
  p90: number | null;
  /** Points of the propagation CDF: [delay ms, fraction ≤ it], at most `points` of them. */
  cdf: [number, number][];
  /** Block intervals on the best chain, seconds, as histogram bins [from, count]. */
  intervals: [number, number][];
  meanInterval: number | null;
  /** Bytes each link carried, largest first (at most `points` links), and bytes by message kind. */
  links: { a: number; b: number; bytes: number }[];
  linkCount: number;
  byKind: Record<TrafficKind, number>;
}

export class Metrics {
  private readonly blocks = new Map<string, BlockRecord>();
  private readonly order: BlockRecord[] = [];
  private readonly traffic = new Map<number, number>();
  readonly byKind: Record<TrafficKind, number> = { block: 0, tx: 0, inv: 0, getdata: 0, other: 0 };
  /** Each node's tip (hash), for the best chain. */
  private readonly tips: (string | null)[];

  constructor(private readonly nodes: number, genesis: string) {
    this.tips = new Array<string | null>(nodes).fill(genesis);
  }

  /** A node accepted (stored) a block. */
  accepted(node: number, hash: string, prev: string, height: number, time: number): void {
    const b = this.blocks.get(hash);
    if (!b) {
      const rec: BlockRecord = { hash, prev, height, miner: node, minedAt: time, delays: [] };
      this.blocks.set(hash, rec);
      this.order.push(rec);
      return;
    }
    b.delays.push(time - b.minedAt);
  }

  tipChanged(node: number, hash: string): void {
    this.tips[node] = hash;
  }

  /** A delivered message of `bytes` between nodes a and b. */
  delivered(a: number, b: number, command: string, bytes: number): void {
    const key = a < b ? a * this.nodes + b : b * this.nodes + a;
    this.traffic.set(key, (this.traffic.get(key) ?? 0) + bytes);
    const kind: TrafficKind = command === 'block' || command === 'tx' || command === 'inv' || command === 'getdata' ? command : 'other';
    this.byKind[kind] += bytes;
  }

  /** Hashes of the best chain: back from the highest tip any node has (the lowest node id breaks ties). */
  bestChain(): Set<string> {
    let best: BlockRecord | undefined;
    for (const h of this.tips) {
      const b = h ? this.blocks.get(h) : undefined;
      if (b && (!best || b.height > best.height)) best = b;
    }
    const out = new Set<string>();
    for (let b = best; b; b = this.blocks.get(b.prev)) out.add(b.hash);
    return out;
  }

  /** Virtual ms at which each block of the best chain was found, by height. */
  blockTimes(): { height: number; minedAt: number; hash: string }[] {
    const best = this.bestChain();
    return this.order.filter((b) => best.has(b.hash)).sort((x, y) => x.height - y.height).map((b) => ({ height: b.height, minedAt: b.minedAt, hash: b.hash }));
  }

  /** Blocks found so far (genesis excluded), in the order they were found. */
  get found(): number {
    return this.order.length;
  }

  /** Every (block, node) propagation delay, ms, for tests and the CLI. */
  delays(): number[] {
    return this.order.flatMap((b) => b.delays);
  }

  summary(points = 100): Summary {
    const best = this.bestChain();
    const stale = this.order.filter((b) => !best.has(b.hash)).length;
    // A block's delays count once every node could have had it: those of blocks still travelling are partial.
    const delays = this.delays().sort((a, b) => a - b);
    const q = (f: number) => (delays.length ? delays[Math.min(delays.length - 1, Math.floor(f * delays.length))]! : null);
    const cdf: [number, number][] = [];
    if (delays.length) for (let i = 0; i <= points; i++) {
      const k = Math.min(delays.length - 1, Math.floor((i / points) * (delays.length - 1)));
      cdf.push([delays[k]!, (k + 1) / delays.length]);
    }
    const times = this.blockTimes();
    const gaps = times.slice(1).map((b, i) => (b.minedAt - times[i]!.minedAt) / 1000);
    const links = [...this.traffic].sort((x, y) => y[1] - x[1]);
    return {
      blocks: this.order.length,
      stale,
      staleRate: this.order.length ? stale / this.order.length : 0,
      bestHeight: times.at(-1)?.height ?? 0,
      p50: q(0.5),
      p90: q(0.9),
      cdf,
      intervals: histogram(gaps, 20),
      meanInterval: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : null,
      links: links.slice(0, points).map(([k, bytes]) => ({ a: Math.floor(k / this.nodes), b: k % this.nodes, bytes })),
      linkCount: links.length,
      byKind: { ...this.byKind },
    };
  }
}

/** Equal-width bins from 0 to the largest value: [bin start, count]. */
export function histogram(xs: number[], bins: number): [number, number][] {
  if (!xs.length) return [];
  const max = Math.max(...xs);
  const width = max > 0 ? max / bins : 1;
  const out: [number, number][] = Array.from({ length: bins }, (_, i) => [i * width, 0]);
  for (const x of xs) {
    const slot = out[Math.min(bins - 1, Math.floor(x / width))]!;
    slot[1]++;
  }
  return out;
}
