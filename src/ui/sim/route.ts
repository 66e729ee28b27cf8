/** True when the page should show the Simulator (`/?sim`). */
export function isSimulator(search: string): boolean {
  return new URLSearchParams(search).has('sim');
}

/** The URL search string that opens the Simulator. */
export const SIMULATOR_SEARCH = '?sim';
