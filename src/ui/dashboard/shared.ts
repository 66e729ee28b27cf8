import type { TipGroup } from './derived';

/**
 * Fill colours of the P2P commands on the dashboard (graph packets, legend, chips). Every use
 * also prints the command's name: colour is never the only cue.
 */
export const COMMAND_COLORS: Record<string, string> = {
  version: '#b9a5e8',
  verack: '#d3c6f2',
  getaddr: '#d9c3a5',
  addr: '#e3cfb3',
  ping: '#cfd5dd',
  pong: '#dde1e7',
  getblocks: '#8fc1ff',
  inv: '#8fdc9f',
  getdata: '#ffd36b',
  block: '#ff9d4d',
  tx: '#7fd8e3',
  notfound: '#f0a5cf',
  reject: '#ff8a7f',
  params: '#c7e08a',
};

export function commandColor(cmd: string): string {
  return COMMAND_COLORS[cmd] ?? '#e0e0e0';
}

/** Colours of fork branches A, B, C…; always shown with the branch letter. */
export const BRANCH_COLORS = ['#1d7a34', '#b42318', '#6f42c1', '#0b6bcb', '#8a5a00', '#087d84'];

/** Branch letter (A, B, …) of each tip, in the order of `tipGroups` (most work first). */
export function branchOf(groups: TipGroup[]): Map<string, { letter: string; color: string }> {
  const m = new Map<string, { letter: string; color: string }>();
  groups.forEach((g, i) => m.set(g.tip ?? '', { letter: String.fromCharCode(65 + (i % 26)), color: BRANCH_COLORS[i % BRANCH_COLORS.length] }));
  return m;
}

/** A relative time for propagation rows: "+0 ms", "+85 ms", "+1.24 s". */
export function plusMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const v = Math.max(0, ms);
  return v < 1000 ? `+${Math.round(v)} ms` : `+${(v / 1000).toFixed(2)} s`;
}
