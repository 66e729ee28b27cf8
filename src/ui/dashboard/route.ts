/** The network a page should show the teacher dashboard of (`?dashboard=NETWORK`), or null. */
export function dashboardNetwork(search: string): string | null {
  const n = new URLSearchParams(search).get('dashboard');
  return n && /^[A-Za-z0-9_-]{1,32}$/.test(n) ? n : null;
}

/** The URL search string that opens the dashboard of a network. */
export function dashboardSearch(network: string): string {
  return `?${new URLSearchParams({ dashboard: network }).toString()}`;
}

/**
 * The teacher's link: the dashboard plus the teacher key in the fragment (`#teacher=<hex>`), which
 * a browser never sends to a server. Whoever has it controls the class: the central tab shows it
 * only to the teacher.
 */
export function teacherDashboardSearch(network: string, secretHex: string): string {
  return `${dashboardSearch(network)}#teacher=${secretHex}`;
}

/** The teacher's secret in a page fragment, or null. */
export function teacherSecretFromHash(hash: string): Uint8Array | null {
  const m = /(?:^#|&)teacher=([0-9a-f]{64})(?:&|$)/.exec(hash);
  if (!m) return null;
  const hex = m[1]!;
  return Uint8Array.from({ length: 32 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}
