/** The network a page should show the teacher dashboard of (`?dashboard=NETWORK`), or null. */
export function dashboardNetwork(search: string): string | null {
  const n = new URLSearchParams(search).get('dashboard');
  return n && /^[A-Za-z0-9_-]{1,32}$/.test(n) ? n : null;
}

/** The URL search string that opens the dashboard of a network. */
export function dashboardSearch(network: string): string {
  return `?${new URLSearchParams({ dashboard: network }).toString()}`;
}
