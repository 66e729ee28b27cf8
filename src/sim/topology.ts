/**
 * Who dials whom. The simulator fixes each node's outbound links before the run (SimBlock builds
 * its graph the same way) and hands them to the node as the peers it dials; every node then runs
 * the real handshake, relay and sync over those links.
 */
import type { Random } from '../node/transport';
import type { SimSettings } from './settings';

/** Bitcoin Core's defaults: 8 outbound connections, at most 125 connections in all (here: inbound). */
export const BITCOIN_OUTBOUND = 8;
export const BITCOIN_MAX_INBOUND = 125;

export interface Topology {
  /** For each node, the indices of the nodes it dials. */
  dials: number[][];
  /** Inbound links each node accepts (the hub of a star takes everyone). */
  maxInbound: number;
}

/**
 * star: every node dials node 0. random: each node dials `outbound` distinct nodes it has no link
 * with yet. bitcoin: the same with 8, skipping nodes that already have 125 inbound links.
 */
export function buildTopology(s: Pick<SimSettings, 'nodes' | 'topology' | 'outbound'>, random: Random): Topology {
  const n = s.nodes;
  if (s.topology === 'star') return { dials: Array.from({ length: n }, (_, i) => (i === 0 ? [] : [0])), maxInbound: n };
  const outbound = Math.min(s.topology === 'bitcoin' ? BITCOIN_OUTBOUND : s.outbound, n - 1);
  const maxInbound = s.topology === 'bitcoin' ? BITCOIN_MAX_INBOUND : n;
  const linked = Array.from({ length: n }, () => new Set<number>());
  const inbound = new Array<number>(n).fill(0);
  const dials: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const mine = dials[i]!;
    // Rejection sampling while there is plenty of choice; a shuffled list of what is left otherwise.
    for (let tries = 0; mine.length < outbound && tries < 20 * outbound; tries++) {
      const j = Math.floor(random.next() * n);
      if (ok(i, j)) add(i, j);
    }
    if (mine.length < outbound) {
      const rest = Array.from({ length: n }, (_, j) => j).filter((j) => ok(i, j));
      for (let k = rest.length - 1; k > 0; k--) {
        const r = Math.floor(random.next() * (k + 1));
        [rest[k], rest[r]] = [rest[r]!, rest[k]!];
      }
      for (const j of rest.slice(0, outbound - mine.length)) add(i, j);
    }
  }
  return { dials, maxInbound };

  function ok(i: number, j: number): boolean {
    return j !== i && !linked[i]!.has(j) && inbound[j]! < maxInbound;
  }
  function add(i: number, j: number): void {
    dials[i]!.push(j);
    linked[i]!.add(j);
    linked[j]!.add(i);
    inbound[j]!++;
  }
}

/** Every link once, as [dialler, dialled]. */
export function edges(t: Topology): [number, number][] {
  return t.dials.flatMap((to, from) => to.map((j): [number, number] => [from, j]));
}
