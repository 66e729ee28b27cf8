/**
 * Finds the Chromium-based browser that the browser tests and benches drive, on Linux, macOS and
 * Windows, so `npm test` and `npm run bench` work on a teacher's laptop as on this machine.
 * Order: an explicit override (TABCHAIN_CHROMIUM, then CHROME_PATH), the browser Playwright
 * downloaded (`npx playwright install chromium`), Chrome / Chromium / Edge at their usual install
 * paths, then `chromium`, `google-chrome`, … on PATH. None found: one error naming the fix.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';

/** The flags FACTS.md lists for headless Chromium as root (harmless as any other user). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

/** Environment variables that name the browser to use, strongest first. */
export const BROWSER_ENV = ['TABCHAIN_CHROMIUM', 'CHROME_PATH'] as const;

/** What the search reads of the machine; injected by the unit tests. */
export interface BrowserSearchHost {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** True when `file` exists and is a file. */
  isFile(file: string): boolean;
  /** Where Playwright keeps its own Chromium (whether downloaded or not), or undefined. */
  playwrightChromium(): string | undefined;
}

/** One place the search looked at, and why it looked there. */
export interface BrowserCandidate {
  path: string;
  source: 'env' | 'playwright' | 'installed' | 'PATH';
}

/** Thrown when no browser is found; its message says what to run. */
export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
  constructor(message: string, readonly looked: readonly string[]) {
    super(message);
  }
}

/** The real machine: process.env, process.platform, the file system and Playwright's registry. */
export const realHost: BrowserSearchHost = {
  env: process.env,
  platform: process.platform,
  isFile: (file) => existsSync(file) && statSync(file).isFile(),
  playwrightChromium: () => {
    try {
      return chromium.executablePath() || undefined;
    } catch {
      // Playwright throws "Browser is not supported on current platform" where it has no build.
      return undefined;
    }
  },
};

/** Usual install locations of Chrome, Chromium and Edge on the host's platform. */
function installedPaths(host: BrowserSearchHost): string[] {
  const { env, platform } = host;
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
    const roots = ['/Applications', ...(env.HOME ? [path.posix.join(env.HOME, 'Applications')] : [])];
    return roots.flatMap((r) => apps.map((a) => path.posix.join(r, a)));
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    const exes = ['Google\\Chrome\\Application\\chrome.exe', 'Chromium\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
    return exes.flatMap((e) => roots.map((r) => path.win32.join(r, e)));
  }
  return [
    '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome', '/snap/bin/chromium', '/usr/bin/microsoft-edge', '/usr/bin/microsoft-edge-stable',
  ];
}

/** `chromium`, `google-chrome`, … in every directory of PATH (with PATHEXT's extensions on Windows). */
function pathCandidates(host: BrowserSearchHost): string[] {
  const win = host.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  // Windows spells it Path; process.env ignores case there but an injected env does not.
  const dirs = (host.env.PATH ?? host.env.Path ?? '').split(p.delimiter).filter(Boolean);
  const names = ['chromium', 'google-chrome', 'chromium-browser', 'google-chrome-stable', ...(win ? ['chrome', 'msedge'] : [])];
  const exts = win ? (host.env.PATHEXT ?? '.EXE').split(';').filter(Boolean).map((e) => e.toLowerCase()) : [''];
  return dirs.flatMap((d) => names.flatMap((n) => exts.map((e) => p.join(d, n + e))));
}

/** Every place the search looks at, in order (the override, if set, is the only one). */
export function browserCandidates(host: BrowserSearchHost = realHost): BrowserCandidate[] {
  for (const name of BROWSER_ENV) {
    // A path pasted from Windows Explorer comes in quotes.
    const v = host.env[name]?.trim().replace(/^"(.*)"$/, '$1');
    if (v) return [{ path: v, source: 'env' }];
  }
  const pw = host.playwrightChromium();
  return [
    ...(pw ? [{ path: pw, source: 'playwright' as const }] : []),
    ...installedPaths(host).map((p) => ({ path: p, source: 'installed' as const })),
    ...pathCandidates(host).map((p) => ({ path: p, source: 'PATH' as const })),
  ];
}

/** What to run when nothing was found, for this platform. */
function howToFix(host: BrowserSearchHost): string {
  const row = (cmd: string, why: string) => `  ${cmd.padEnd(34)} ${why}`;
  const lines = [row('npx playwright install chromium', "(Playwright's own Chromium; any OS)")];
  if (host.platform === 'linux') lines.push(row('sudo apt-get install -y chromium', '(Debian/Ubuntu: gives /usr/bin/chromium)'));
  if (host.platform === 'darwin') lines.push('  or install Google Chrome into /Applications');
  if (host.platform === 'win32') lines.push('  or install Google Chrome or Microsoft Edge');
  lines.push('  or set TABCHAIN_CHROMIUM to a Chrome/Chromium/Edge executable');
  return lines.join('\n');
}

/**
 * The browser to drive: the first candidate that is a file. An override that names a missing
 * file is an error (it is never silently replaced by another browser). Throws
 * BrowserNotFoundError, with the command to run, when there is none.
 */
export function findBrowser(host: BrowserSearchHost = realHost): BrowserCandidate {
  const candidates = browserCandidates(host);
  const found = candidates.find((c) => host.isFile(c.path));
  if (found) return found;
  const looked = candidates.map((c) => c.path);
  if (candidates[0]?.source === 'env') {
    const name = BROWSER_ENV.find((n) => host.env[n]?.trim()) ?? BROWSER_ENV[0];
    throw new BrowserNotFoundError(`${name}=${candidates[0].path}: no such file. Point it at a Chrome/Chromium/Edge executable, or unset it to search the usual places.`, looked);
  }
  throw new BrowserNotFoundError(
    `No Chromium-based browser found for the browser tests and benches. Looked at Playwright's Chromium, ` +
      `the usual install paths and PATH (${looked.length} places). Run one of:\n${howToFix(host)}`,
    looked,
  );
}

/**
 * Launches the browser findBrowser() picks, headless, with CHROMIUM_ARGS. The search runs before
 * this returns, so a machine without a browser fails at once (a thrown BrowserNotFoundError),
 * before a caller that launches first starts any server.
 */
export function launchChromium(host: BrowserSearchHost = realHost): Promise<Browser> {
  const { path: executablePath } = findBrowser(host);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
