/**
 * What a simulated network is made of: how many nodes, how they are wired, who mines with what
 * share of the hash power, the block interval and size, the payment rate, and the link model.
 * Plain data (a run file carries it), checked field by field with a reason a person can read.
 */

/** star: everyone dials node 0; random: each node dials `outbound` random others; bitcoin: 8 outbound, at most 125 inbound. */
export type TopologyKind = 'star' | 'random' | 'bitcoin';
/** world: SimBlock's regional latencies and bandwidths (2019); classroom: one school Wi-Fi. */
export type LinkPresetId = 'world' | 'classroom';
/**
 * full: every node checks every signature of every transaction (the honest default). shared: a
 * transaction's signatures are checked once for the whole simulation and the result reused by
 * every node (each node still keeps its own UTXO set and checks every other rule).
 */
export type ValidationMode = 'full' | 'shared';

export interface SimSettings {
  /** Number of full nodes, 2 to 1,000. */
  nodes: number;
  topology: TopologyKind;
  /** Links each node dials (random mesh); the bitcoin topology always dials 8. */
  outbound: number;
  /** Hash-power shares of the miners in percent (one entry per miner, summing to 100). */
  hashShares: number[];
  /** Target seconds between blocks (Bitcoin: 600). */
  blockInterval: number;
  /** Largest block in bytes (Bitcoin: 1,000,000): the network's consensus limit. */
  blockSize: number;
  /** Signed payments per second made by the simulated wallets, network-wide. */
  txRate: number;
  /** Simulated wallets making those payments (each lives at one node). */
  wallets: number;
  links: LinkPresetId;
  /** Probability that a link loses a message (0 to 0.5). */
  loss: number;
  validation: ValidationMode;
}

export const LIMITS = {
  nodes: [2, 1000],
  outbound: [1, 16],
  miners: [1, 100],
  blockInterval: [1, 3600],
  blockSize: [1000, 1_000_000],
  txRate: [0, 50],
  wallets: [1, 2000],
  loss: [0, 0.5],
} as const;

/** A Bitcoin-sized default: 100 nodes, 8 outbound links, 10 miners, 10 minutes, 1 MB, world links. */
export const DEFAULT_SETTINGS: SimSettings = {
  nodes: 100,
  topology: 'bitcoin',
  outbound: 8,
  hashShares: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
  blockInterval: 600,
  blockSize: 1_000_000,
  txRate: 7,
  wallets: 100,
  links: 'world',
  loss: 0,
  validation: 'full',
};

/** Equal shares for `miners` miners, in percent, summing to exactly 100 (the first ones get the remainder). */
export function equalShares(miners: number): number[] {
  const base = Math.floor((100 / miners) * 100) / 100;
  const shares = Array.from({ length: miners }, () => base);
  const rest = Math.round((100 - base * miners) * 100) / 100;
  if (shares.length > 0) shares[0] = Math.round((base + rest) * 100) / 100;
  return shares;
}

/** Node index of each miner: spread evenly over the nodes so miners sit in different places. */
export function minerNodes(s: Pick<SimSettings, 'nodes' | 'hashShares'>): number[] {
  const k = s.hashShares.length;
  return Array.from({ length: k }, (_, i) => Math.floor((i * s.nodes) / k));
}

/**
 * Why settings or a run file were refused, as data (the page says it in its language): `code`
 * names the rule, the other fields fill its sentence; `field` is a settings key.
 */
export type Why = { code: string; field?: string; [k: string]: string | number | undefined };

/** A check's result; a refusal carries an English `reason` (the command line's) and its `why`. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string; why: Why };

/** A refusal. */
export function refusal<T>(reason: string, why: Why): Checked<T> {
  return { ok: false, reason, why };
}

const TOPOLOGIES: readonly TopologyKind[] = ['star', 'random', 'bitcoin'];
const PRESETS: readonly LinkPresetId[] = ['world', 'classroom'];
const MODES: readonly ValidationMode[] = ['full', 'shared'];

/**
 * Checks settings from a file or a form. Every refusal names the field, the allowed range and
 * what was found, e.g. "nodes must be a whole number from 2 to 1000 (found 5000)".
 */
export function checkSettings(raw: unknown): Checked<SimSettings> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refusal('settings must be an object', { code: 'notObject' });
  const o = raw as Record<string, unknown>;
  const range = (k: keyof typeof LIMITS, whole: boolean): Checked<SimSettings> | null => {
    const [lo, hi] = LIMITS[k];
    const v = o[k];
    if (typeof v === 'number' && (whole ? Number.isInteger(v) : Number.isFinite(v)) && v >= lo && v <= hi) return null;
    return refusal(`${k} must be a ${whole ? 'whole number' : 'number'} from ${lo} to ${hi} (found ${show(v)})`, { code: whole ? 'whole' : 'real', field: k, lo, hi, found: show(v) });
  };
  const oneOf = (k: string, allowed: readonly string[]): Checked<SimSettings> | null =>
    allowed.includes(o[k] as string) ? null : refusal(`${k} must be one of ${allowed.join(', ')} (found ${show(o[k])})`, { code: 'oneOf', field: k, allowed: allowed.join(', '), found: show(o[k]) });
  const first = [range('nodes', true), range('outbound', true), range('blockInterval', true), range('blockSize', true), range('txRate', false), range('wallets', true), range('loss', false),
    oneOf('topology', TOPOLOGIES), oneOf('links', PRESETS), oneOf('validation', MODES)].find((x) => x !== null);
  if (first) return first;
  const shares = o.hashShares;
  const [minMiners, maxMiners] = LIMITS.miners;
  if (!Array.isArray(shares) || shares.length < minMiners || shares.length > maxMiners) {
    const found = Array.isArray(shares) ? `${shares.length} entries` : show(shares);
    return refusal(`hashShares must list ${minMiners} to ${maxMiners} miners' shares (found ${found})`, { code: 'miners', field: 'hashShares', lo: minMiners, hi: maxMiners, found: Array.isArray(shares) ? shares.length : found });
  }
  if (!shares.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) return refusal('every hash share must be a number of percent, 0 or more', { code: 'shareNumber', field: 'hashShares' });
  const sum = Math.round((shares as number[]).reduce((a, b) => a + b, 0) * 100) / 100;
  if (Math.abs(sum - 100) > 0.01) return refusal(`hash shares must add up to 100 % (they add up to ${sum} %)`, { code: 'shareSum', field: 'hashShares', sum });
  if ((o.nodes as number) < shares.length) return refusal(`there are more miners (${shares.length}) than nodes (${show(o.nodes)})`, { code: 'moreMiners', field: 'nodes', miners: shares.length, nodes: show(o.nodes) });
  if (o.topology === 'random' && (o.outbound as number) >= (o.nodes as number))
    return refusal(`outbound (${show(o.outbound)}) must be smaller than the number of nodes (${show(o.nodes)})`, { code: 'outbound', field: 'outbound', outbound: show(o.outbound), nodes: show(o.nodes) });
  return {
    ok: true,
    value: {
      nodes: o.nodes as number,
      topology: o.topology as TopologyKind,
      outbound: o.outbound as number,
      hashShares: [...(shares as number[])],
      blockInterval: o.blockInterval as number,
      blockSize: o.blockSize as number,
      txRate: o.txRate as number,
      wallets: o.wallets as number,
      links: o.links as LinkPresetId,
      loss: o.loss as number,
      validation: o.validation as ValidationMode,
    },
  };
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 40));
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'a list' : typeof v;
}
