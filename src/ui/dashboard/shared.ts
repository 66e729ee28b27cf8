import type { TipGroup } from './derived';
import { COMMAND_COLORS as NODE_COMMAND_COLORS, commandColor as nodeCommandColor } from '../views/network/commandColors';

/**
 * Fill colours of the P2P commands on the dashboard (graph packets, legend, chips): the node view's
 * one command-colour table (`views/network/commandColors.ts`), lightened halfway to white because
 * the dashboard prints the command's name in dark text on the fill. Colour is never the only cue.
 */
export function commandColor(cmd: string): string {
  return lighten(nodeCommandColor(cmd));
}

/** Every command of the table, with its dashboard fill. */
export const COMMAND_COLORS: Record<string, string> = Object.fromEntries(Object.keys(NODE_COMMAND_COLORS).map((c) => [c, commandColor(c)]));

/** A `#rgb` or `#rrggbb` colour mixed half and half with white. */
function lighten(hex: string): string {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
  const mixed = [1, 3, 5].map((i) => Math.round((parseInt(full.slice(i, i + 2), 16) + 255) / 2));
  return `#${mixed.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Colours of fork branches A, B, C…; always shown with the branch letter. */
export const BRANCH_COLORS = ['#1d7a34', '#b42318', '#6f42c1', '#0b6bcb', '#8a5a00', '#087d84'];

/** Branch letter (A, B, …) of each tip, in the order of `tipGroups` (most work first). */
export function branchOf(groups: TipGroup[]): Map<string, { letter: string; color: string }> {
  const m = new Map<string, { letter: string; color: string }>();
  groups.forEach((g, i) => m.set(g.tip ?? '', { letter: String.fromCharCode(65 + (i % 26)), color: BRANCH_COLORS[i % BRANCH_COLORS.length]! }));
  return m;
}

/** A relative time for propagation rows: "+0 ms", "+85 ms", "+1.24 s". */
export function plusMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const v = Math.max(0, ms);
  return v < 1000 ? `+${Math.round(v)} ms` : `+${(v / 1000).toFixed(2)} s`;
}
