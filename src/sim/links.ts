/**
 * Link models: where each node is, and the latency and bandwidth of each link, drawn from the
 * distributions of a preset with the simulation's seeded randomness.
 *
 * "world" uses the figures SimBlock's authors published for Bitcoin in 2019 (Aoki et al.,
 * "SimBlock: A Blockchain Network Simulator", 2019; simulator/.../NetworkConfiguration.java):
 * the share of nodes in six regions, the mean one-way latency between regions, and each region's
 * upload and download bandwidth; a message's bandwidth is min(upload of the sender, download of
 * the receiver), and latencies follow SimBlock's Pareto distribution around the mean
 * (shape 0.2 × mean, scale mean − 5 ms). SimBlock draws a latency per message; here one is drawn
 * per link, because a link is an ordered stream (a later message never overtakes an earlier one).
 *
 * "classroom" is an assumption, not a measurement: laptops on one school Wi-Fi, one-way latency
 * log-normal with a 3 ms median (p90 ≈ 6.5 ms), 20 Mbit/s up and down per laptop.
 */
import type { Random } from '../node/transport';
import type { LinkPresetId } from './settings';

export interface Region {
  id: string;
  /** Fraction of nodes in the region. */
  share: number;
  /** Bits per second. */
  upload: number;
  download: number;
}

export interface LinkPreset {
  id: LinkPresetId;
  regions: Region[];
  /** Mean one-way latency in ms between regions (symmetric). */
  latency: number[][];
  /** Draws one link's latency between two regions. */
  drawLatency(from: number, to: number, random: Random): number;
}

const WORLD_REGIONS: Region[] = [
  { id: 'north-america', share: 0.3316, upload: 19_200_000, download: 52_000_000 },
  { id: 'europe', share: 0.4998, upload: 20_700_000, download: 40_000_000 },
  { id: 'south-america', share: 0.009, upload: 5_800_000, download: 18_000_000 },
  { id: 'asia-pacific', share: 0.1177, upload: 15_700_000, download: 22_800_000 },
  { id: 'japan', share: 0.0224, upload: 10_200_000, download: 22_800_000 },
  { id: 'australia', share: 0.0195, upload: 11_300_000, download: 29_900_000 },
];

const WORLD_LATENCY = [
  [32, 124, 184, 198, 151, 189],
  [124, 11, 227, 237, 252, 294],
  [184, 227, 88, 325, 301, 322],
  [198, 237, 325, 85, 58, 198],
  [151, 252, 301, 58, 12, 126],
  [189, 294, 322, 198, 126, 16],
];

export const PRESETS: Record<LinkPresetId, LinkPreset> = {
  world: {
    id: 'world',
    regions: WORLD_REGIONS,
    latency: WORLD_LATENCY,
    drawLatency(from, to, random) {
      const mean = WORLD_LATENCY[from]?.[to] ?? 100;
      const shape = 0.2 * mean;
      const scale = mean - 5;
      return Math.round(scale / Math.pow(1 - random.next(), 1 / shape));
    },
  },
  classroom: {
    id: 'classroom',
    regions: [{ id: 'classroom', share: 1, upload: 20_000_000, download: 20_000_000 }],
    latency: [[3]],
    drawLatency(_from, _to, random) {
      // Log-normal, median 3 ms, sigma 0.6 (Box–Muller from two uniforms).
      const u = 1 - random.next();
      const v = random.next();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.max(1, Math.round(3 * Math.exp(0.6 * z) * 10) / 10);
    },
  },
};

/** Region of each node, drawn from the preset's shares (a seeded draw per node). */
export function assignRegions(nodes: number, preset: LinkPreset, random: Random): number[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (const r of preset.regions) cumulative.push((sum += r.share));
  return Array.from({ length: nodes }, () => {
    const x = random.next() * sum;
    const i = cumulative.findIndex((c) => x < c);
    return i < 0 ? preset.regions.length - 1 : i;
  });
}

/** One link's conditions: its latency (ms) and the bandwidth of each direction (bytes per ms). */
export interface LinkDraw {
  latency: number;
  /** a → b and b → a, bytes per ms (= kB/s). */
  forward: number;
  backward: number;
}

/** Draws the conditions of the link between nodes in regions `ra` and `rb`. */
export function drawLink(preset: LinkPreset, ra: number, rb: number, random: Random): LinkDraw {
  const a = preset.regions[ra];
  const b = preset.regions[rb];
  if (!a || !b) throw new RangeError(`no region ${ra} or ${rb} in the ${preset.id} preset`);
  return {
    latency: preset.drawLatency(ra, rb, random),
    forward: Math.min(a.upload, b.download) / 8000,
    backward: Math.min(b.upload, a.download) / 8000,
  };
}
