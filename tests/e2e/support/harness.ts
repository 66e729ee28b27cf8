/**
 * End-to-end support: the real app server (`scripts/start.mjs`: Vite + the PeerJS signalling
 * server on one port) as a child process, Chromium (see browser.ts), and tabs that record their node's
 * events from the first moment so tests can count messages and time propagation. Tests drive the
 * UI; `window.tabchain` is only read (and used for setup steps that are not the point of a test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { addressFromHash, fromHex, parseP2PKH } from '../../../src/core';
import { launchChromium } from './browser';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const screenshotDir = path.join(root, 'artifacts', 'screenshots');

export { CHROMIUM_ARGS, launchChromium } from './browser';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** `node scripts/start.mjs --port N` as a child process that can be stopped and started again. */
export class AppServer {
  private child: ChildProcess | null = null;
  private log = '';
  constructor(readonly port: number, private readonly extraArgs: string[] = []) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the server and resolves once it listens (its banner names the URL). */
  start(timeoutMs = 60_000): Promise<void> {
    if (this.child) return Promise.resolve();
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', String(this.port), ...this.extraArgs], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${this.log}`)), timeoutMs);
      const onData = (d: Buffer) => {
        this.log += d.toString();
        if (this.log.includes(`:${this.port}/`)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (this.child === child) this.child = null;
        reject(new Error(`server exited with ${code}:\n${this.log}`));
      });
    });
  }

  /** Stops the server (SIGTERM, as Ctrl-C would) and resolves when the process has exited. */
  stop(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    this.child = null;
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  output(): string {
    return this.log;
  }
}

/** Every file under `p` (recursively), sorted. */
function filesUnder(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).sort().flatMap((f) => filesUnder(path.join(p, f)));
}

/**
 * Builds the app (`vite build`, exactly as `npm run build` without the type check) into
 * artifacts/e2e-build/<hash of the sources>/ and returns that directory. The tests serve this
 * build (`start.mjs --prod --dist`): a fixed snapshot of the app, no dev-server dependency
 * re-optimisation reloading pages mid-test, no HMR client. Test files running at the same time
 * share one build (a lock directory), and a build is reused until a source file changes.
 */
export async function buildApp(): Promise<string> {
  const inputs = ['src', 'index.html', 'vite.config.ts', 'public', 'package-lock.json'].flatMap((p) => filesUnder(path.join(root, p)));
  const h = createHash('sha256');
  // Always a production build (React's production runtime, JSX without dev checks): vitest runs
  // with NODE_ENV=test, and a build made under it was a development build that benches then
  // measured (and reused, as the hash named only the sources).
  h.update('NODE_ENV=production\0');
  for (const f of inputs) h.update(path.relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  const base = path.join(root, 'artifacts', 'e2e-build');
  const dir = path.join(base, h.digest('hex').slice(0, 16));
  const done = path.join(dir, '.done');
  if (existsSync(done)) return dir;
  mkdirSync(base, { recursive: true });
  const lock = `${dir}.lock`;
  for (const deadline = Date.now() + 180_000; ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(done)) return dir;
      // A lock older than three minutes belongs to a run that died.
      const st = statSync(lock, { throwIfNoEntry: false });
      if ((st && Date.now() - st.mtimeMs > 180_000) || Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (existsSync(done)) return dir;
    for (const old of readdirSync(base)) {
      const p = path.join(base, old);
      if (p !== dir && p !== lock && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    }
    const { build } = await import('vite');
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'error', mode: 'production', build: { outDir: dir, emptyOutDir: true } });
    } finally {
      if (env === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = env;
    }
    writeFileSync(done, new Date().toISOString());
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds (or reuses) the app and starts a server for it on a free port. */
export async function startApp(): Promise<AppServer> {
  const dist = await buildApp();
  const server = new AppServer(await freePort(), ['--prod', '--dist', dist]);
  await server.start();
  return server;
}

/** One recorded node event (a compact copy: no raw bytes, no blocks). */
export type Recorded =
  | { type: 'message'; dir: 'in' | 'out'; command: string; peer: string; hashes?: string[]; time: number; at: number }
  | { type: 'chain'; event: string; hash?: string; height?: number; time: number; at: number }
  | { type: 'block-mined'; hash: string; height: number; time: number; at: number }
  | { type: 'compact'; stage: string; hash: string; peer: string; total: number; mempool: number; missing: number; fetched: number; at: number }
  | { type: 'start'; height: number; at: number };

/**
 * Installed in every page of a context before any script: when the app publishes
 * `window.tabchain`, subscribe to its node at once (before any link opens), so the record holds
 * every message of the session. `at` is `performance.timeOrigin + performance.now()`: one clock
 * for all tabs of the browser, finer than Date.now().
 */
// Plain JavaScript text, not a function: the page must get it verbatim (a TypeScript function
// passed through tsx or Vite may be wrapped in helpers such as `__name` that the page lacks).
const RECORDER = `(() => {
  const events = [];
  window.__tabchainEvents = events;
  const now = () => performance.timeOrigin + performance.now();
  let session;
  Object.defineProperty(window, 'tabchain', {
    configurable: true,
    get() { return session; },
    set(v) {
      session = v;
      // The height the node starts with: restored from IndexedDB before any peer is reached.
      events.push({ type: 'start', height: v.node.height, at: now() });
      v.node.on((e) => {
        const at = now();
        if (e.type === 'message')
          events.push({ type: 'message', dir: e.dir, command: e.command, peer: e.peer, hashes: e.hashes, time: e.time, at });
        else if (e.type === 'chain')
          events.push({ type: 'chain', event: e.event.type, hash: e.event.entry && e.event.entry.hash, height: e.event.entry && e.event.entry.height, time: e.time, at });
        else if (e.type === 'block-mined')
          events.push({ type: 'block-mined', hash: e.hash, height: e.height, time: e.time, at });
        else if (e.type === 'compact-block')
          events.push({ type: 'compact', stage: e.stage, hash: e.hash, peer: e.peer, total: e.total, mempool: e.mempool, missing: e.missing, fetched: e.fetched, at });
      });
    },
  });
})();`;

/** A browser context whose pages record their node's events; page errors are collected. */
export async function newContext(browser: Browser): Promise<BrowserContext & { errors: string[] }> {
  const ctx = (await browser.newContext({ viewport: { width: 1400, height: 1000 } })) as BrowserContext & { errors: string[] };
  ctx.errors = [];
  await ctx.addInitScript({ content: RECORDER });
  ctx.on('page', (p) => watchErrors(p, ctx.errors));
  return ctx;
}

function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

/** The node query string of the seed tutorial's tabs. */
export function nodeUrl(base: string, q: { network: string; role: 'central' | 'miner' | 'wallet'; topology?: 'star' | 'mesh'; preset?: string; node?: string }): string {
  const s = new URLSearchParams({ network: q.network, role: q.role, topology: q.topology ?? 'star' });
  if (q.node) s.set('node', q.node);
  if (q.preset) s.set('preset', q.preset);
  return `${base}/?${s.toString()}`;
}

const POLL = { polling: 50 } as const;

/** Waits until the page's node is running (the node screen with its header is shown). */
export async function waitRunning(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => !!(window as unknown as { tabchain?: unknown }).tabchain || !!document.querySelector('[data-testid=refused]'),
    null,
    { ...POLL, timeout },
  );
  const refused = page.getByTestId('refused');
  if (await refused.count()) throw new Error(`${page.url()} was refused: ${await refused.textContent()}`);
  await page.getByTestId('node-id').waitFor({ timeout });
}

/**
 * Clicks as a person does: in the tab brought to the front first. Chromium paints a tab that is
 * behind another of its window at 2–3 frames a second (headless; none at all when headed), and
 * Playwright's click waits for the element to keep its box over two animation frames: about 2 s
 * per click. Quick start opens its three tabs in one window with the miner, opened last, in
 * front, so without this every click in its central tab took ~2 s (3.5–4 s for mineNow: two
 * clicks) against ~0.1 s in the miner tab, while the node itself mines in milliseconds in both.
 */
export async function clickInFront(target: Locator): Promise<void> {
  await target.page().bringToFront();
  await target.click();
}

/**
 * Shows one of the node screen's views (wallet, miner, mempool, chain, messages, …) by clicking
 * its tab, and returns its panel. Works whether views are tabs or all panels are shown at once.
 */
export async function showView(page: Page, id: string): Promise<Locator> {
  const tab = page.locator(`#tab-${id}`);
  if ((await tab.count()) && (await tab.getAttribute('aria-selected')) !== 'true') await clickInFront(tab);
  const panel = page.getByTestId(`panel-${id}`);
  await panel.first().waitFor();
  return panel.first();
}

/** Opens a node tab and waits until it runs. */
export async function openNode(ctx: BrowserContext, url: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(url);
  await waitRunning(page);
  return page;
}

/**
 * Evaluates `fn(window.tabchain, arg)` in the page (for setup steps and reads). `fn` is sent as
 * its source text: keep it free of named inner functions, which a transpiler may wrap in helpers.
 */
type Tab = { node: any; store: any; transport: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
export function onNode<R, A>(page: Page, fn: (t: Tab, arg: A) => R | Promise<R>, arg: A): Promise<R>;
export function onNode<R>(page: Page, fn: (t: Tab) => R | Promise<R>): Promise<R>;
export function onNode<R, A>(page: Page, fn: (t: Tab, arg?: A) => R | Promise<R>, arg?: A): Promise<R> {
  return page.evaluate(
    ([src, a]) => new Function('t', 'a', `return (${src})(t, a)`)((window as unknown as { tabchain: Tab }).tabchain, a),
    [fn.toString(), arg] as const,
  ) as Promise<R>;
}

/** Waits until the node's active chain reaches `height` (and, if given, has tip `tip`). */
export async function waitHeight(page: Page, height: number, tip?: string | null, timeout = 60_000): Promise<void> {
  try {
    await page.waitForFunction(
      ([h, t]) => {
        const n = (window as unknown as { tabchain?: { node: { height: number; tipHash: string } } }).tabchain?.node;
        return !!n && n.height >= h && (!t || n.tipHash === t);
      },
      [height, tip ?? null] as const,
      { ...POLL, timeout },
    );
  } catch (e) {
    // A rare miss must say what the tab saw: its height, peers and last messages.
    const seen = await describeTab(page).catch((d: Error) => `(tab unreadable: ${d.message})`);
    throw new Error(`${page.url()} did not reach height ${height}${tip ? ` (${tip.slice(0, 12)}…)` : ''}: ${(e as Error).message}\n${seen}`);
  }
}

/** What a tab's node shows: height, tip, peers, and its last 40 recorded messages and chain events. */
export async function describeTab(page: Page): Promise<string> {
  const node = await page.evaluate(() => {
    const n = (window as unknown as { tabchain: { node: { height: number; tipHash: string; peerIds(): string[] } } }).tabchain.node;
    return { height: n.height, tip: n.tipHash.slice(0, 12), peers: n.peerIds() };
  });
  const events = await recorded(page);
  const t0 = events[0]?.at ?? 0;
  const last = events.slice(-40).map((r) => {
    const ms = (r.at - t0).toFixed(0).padStart(6);
    if (r.type === 'message') return `${ms} ${r.dir} ${r.peer} ${r.command} ${(r.hashes ?? []).map((h) => h.slice(0, 8)).join(',')}`;
    if (r.type === 'chain') return `${ms} chain ${r.event} ${r.height ?? ''} ${r.hash?.slice(0, 8) ?? ''}`;
    return `${ms} ${r.type}`;
  });
  return `height ${node.height}, tip ${node.tip}…, peers [${node.peers.join(', ')}]\n${last.join('\n')}`;
}

/** Waits until the node has at least `n` peers past the handshake. */
export async function waitPeers(page: Page, n: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (k) => ((window as unknown as { tabchain?: { node: { peerIds(): string[] } } }).tabchain?.node.peerIds().length ?? 0) >= k,
    n,
    { ...POLL, timeout },
  );
}

/** The events this tab's node has reported since the page loaded. */
export function recorded(page: Page): Promise<Recorded[]> {
  return page.evaluate(() => (window as unknown as { __tabchainEvents: Recorded[] }).__tabchainEvents);
}

/** Inbound messages of one command recorded by this page. */
export async function inbound(page: Page, command: string): Promise<Extract<Recorded, { type: 'message' }>[]> {
  return (await recorded(page)).filter((e): e is Extract<Recorded, { type: 'message' }> => e.type === 'message' && e.dir === 'in' && e.command === command);
}

/** The node's tip hash. */
export function tipOf(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { tabchain: { node: { tipHash: string } } }).tabchain.node.tipHash);
}

/** Clicks the central node's "Mine a block now" and waits for the block. Returns its hash. */
export async function mineNow(page: Page): Promise<string> {
  const h = await page.evaluate(() => (window as unknown as { tabchain: { node: { height: number } } }).tabchain.node.height);
  await clickInFront((await showView(page, 'miner')).getByRole('button', { name: 'Mine a block now' }));
  await waitHeight(page, h + 1);
  return tipOf(page);
}

/** Confirmed balance in whole coins of every address found in the node's UTXO set. */
export async function utxoBalances(page: Page): Promise<Map<string, number>> {
  const coins = (await page.evaluate(`[...window.tabchain.node.chain.utxo.entries()].map(([, c]) =>
    [Array.from(c.script, (x) => x.toString(16).padStart(2, '0')).join(''), c.value.toString()])`)) as [string, string][];
  const out = new Map<string, number>();
  for (const [script, value] of coins) {
    const h = parseP2PKH(fromHex(script));
    const addr = h ? addressFromHash(h) : `script:${script}`;
    out.set(addr, (out.get(addr) ?? 0) + Number(BigInt(value)) / 1e8);
  }
  return out;
}

/** Saves a full-page screenshot to artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Addresses listed in the tab's wallet panel, in order. */
export async function walletAddresses(page: Page): Promise<string[]> {
  return (await showView(page, 'wallet')).getByTestId('wallet-address').allTextContents();
}

/** The confirmed balance (coins) the wallet panel shows for an address. */
export async function shownBalance(page: Page, address: string): Promise<string | null> {
  return (await showView(page, 'wallet')).getByTestId(`balance-${address}`).textContent();
}

/** The app server, Chromium and one recording context shared by a test file. */
export interface App {
  server: AppServer;
  browser: Browser;
  ctx: BrowserContext & { errors: string[] };
}

/**
 * Registers a file's beforeAll/afterAll: start the app server and Chromium, open one context whose
 * tabs record their node's events; stop both at the end. The returned object is filled in before
 * the first test runs.
 */
export function useApp(): App {
  const app = {} as App;
  beforeAll(async () => {
    // The browser first: with none installed, launchChromium throws before a server starts.
    [app.browser, app.server] = await Promise.all([launchChromium(), startApp()]);
    app.ctx = await newContext(app.browser);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  return app;
}
