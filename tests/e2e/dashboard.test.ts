/**
 * The teacher dashboard in real Chromium: `scripts/start.mjs` (the app and its PeerJS signalling
 * server) as a child process, one browser, a dashboard tab and a 4-node regtest network (central,
 * miner, two wallets, star). The dashboard is not a node: it only hears the nodes' observer
 * reports. Every wait is on something the page shows; the only setup step done through
 * `window.tabchain` is asking the miner to mine (the mining UI is another view's business).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServer, freePort, launchChromium, screenshotDir as shots } from './support/harness';

const NET = `dash${Date.now() % 1_000_000}`;
const IDS = ['3000', '3001', '3002', '3003'];

let server: AppServer;
let base = '';
let browser: Browser;
let ctx: BrowserContext;
const pageErrors: string[] = [];
const nodes = new Map<string, Page>();

/** The app in dev mode (`start.mjs` without `--prod`), as `npm start` runs it. */
async function startServer(): Promise<void> {
  server = new AppServer(await freePort());
  base = server.url;
  await server.start();
}

async function newPage(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await ctx.newPage();
  await page.setViewportSize(viewport);
  page.on('pageerror', (e) => pageErrors.push(`${url}: ${e.message}`));
  await page.goto(base + url);
  return page;
}

/** Opens a node tab and waits until its node runs (the header shows its id). */
async function openNode(role: 'central' | 'miner' | 'wallet'): Promise<Page> {
  const page = await newPage(`/?network=${NET}&role=${role}&topology=star&preset=regtest`);
  await page.getByTestId('node-id').waitFor({ timeout: 60_000 });
  const id = (await page.getByTestId('node-id').textContent())!.trim();
  nodes.set(id, page);
  return page;
}

async function openDashboard(viewport = { width: 1920, height: 1080 }, lang = 'en'): Promise<Page> {
  const page = await newPage(`/?dashboard=${NET}&lang=${lang}`, viewport);
  await page.getByTestId('dash-receiver').waitFor();
  await page.waitForFunction(() => (window as unknown as { tabchainDashboard?: { receiver: { status: { state: string } } } }).tabchainDashboard?.receiver.status.state === 'listening', null, { timeout: 30_000 });
  return page;
}

/** Heights the dashboard's node table shows, by node id. */
async function shownHeights(dash: Page): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const id of IDS) {
    const row = dash.getByTestId(`dash-node-${id}`);
    out[id] = (await row.count()) ? await row.getAttribute('data-height') : null;
  }
  return out;
}

async function waitForHeights(dash: Page, height: number, timeout = 30_000): Promise<void> {
  await dash.waitForFunction(
    ({ ids, h }) => ids.every((id) => document.querySelector(`[data-testid="dash-node-${id}"]`)?.getAttribute('data-height') === String(h) && document.querySelector(`[data-testid="dash-node-${id}"]`)?.getAttribute('data-online') === 'true'),
    { ids: IDS, h: height },
    { timeout, polling: 100 },
  );
}

async function waitForStarEdges(dash: Page): Promise<void> {
  await dash.waitForFunction(() => document.querySelector('[data-testid="dash-graph"]')?.getAttribute('data-edges')?.split(' ').sort().join(' ') === '3000-3001 3000-3002 3000-3003', null, { timeout: 30_000, polling: 100 });
}

async function mineOn(id: string): Promise<string> {
  const page = nodes.get(id)!;
  const before = await page.evaluate(() => (window as unknown as { tabchain: { node: { height: number } } }).tabchain.node.height);
  await page.evaluate(() => (window as unknown as { tabchain: { node: { mineOnce(): void } } }).tabchain.node.mineOnce());
  await page.waitForFunction((h) => (window as unknown as { tabchain: { node: { height: number } } }).tabchain.node.height > h, before, { timeout: 30_000 });
  return page.evaluate(() => (window as unknown as { tabchain: { node: { tipHash: string } } }).tabchain.node.tipHash);
}

async function waitForPropagation(dash: Page, hash: string): Promise<void> {
  await dash.waitForFunction(
    (h) => {
      const s = document.querySelector('[data-testid="dash-prop-summary"]');
      return s?.getAttribute('data-hash') === h && s.getAttribute('data-reached') === '4';
    },
    hash,
    { timeout: 30_000, polling: 100 },
  );
  for (const id of IDS) expect(await dash.getByTestId(`dash-prop-${id}`).getAttribute('data-done'), id).toBe('true');
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium(); // first: with no browser installed it throws before a server starts
  await startServer();
  ctx = await browser.newContext();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('teacher dashboard (4-node regtest network, star)', () => {
  let dash: Page;

  it('opened first, it sees every node, its links and heights, and a block reaching all 4 nodes', async () => {
    dash = await openDashboard();
    expect(await dash.getByRole('heading', { level: 1 }).textContent()).toContain(NET);

    await openNode('central');
    await openNode('miner');
    await openNode('wallet');
    await openNode('wallet');
    expect([...nodes.keys()].sort()).toEqual(IDS);

    await dash.bringToFront(); // the projector shows the dashboard (hidden tabs get no animation frames)
    await waitForHeights(dash, 0);
    await waitForStarEdges(dash);
    expect(await dash.getByTestId('dash-online').textContent()).toBe('4');
    expect(await dash.getByTestId('dash-graph').getAttribute('data-nodes')).toBe(IDS.join(' '));

    // The miner (3001: the second tab) mines; the block spreads through the central node.
    const hash = await mineOn('3001');
    await waitForHeights(dash, 1);
    expect(await shownHeights(dash)).toEqual({ '3000': '1', '3001': '1', '3002': '1', '3003': '1' });
    await waitForPropagation(dash, hash);
    // The matrix counts the block going out of the miner to the central node.
    expect(await dash.getByTestId('dash-matrix').getByRole('button', { name: /from 3001 to 3000/ }).textContent()).not.toBe('·');
    await expect.poll(() => dash.getByTestId('dash-verdict').textContent()).toMatch(/share one tip, at height 1/);

    // Another block, photographed while its messages travel along the edges.
    const hash2 = await mineOn('3000');
    await dash.waitForTimeout(350);
    await dash.screenshot({ path: path.join(shots, 'dashboard-1920x1080.png') });
    await waitForPropagation(dash, hash2);
    await dash.screenshot({ path: path.join(shots, 'dashboard-1920x1080-settled.png') });
    await dash.setViewportSize({ width: 1280, height: 800 });
    await dash.waitForTimeout(400);
    await dash.screenshot({ path: path.join(shots, 'dashboard-1280x800.png') });
    await dash.screenshot({ path: path.join(shots, 'dashboard-1280x800-full.png'), fullPage: true });

    expect(await seriousAxeViolations(dash)).toEqual([]);
  }, 180_000);

  it('opened after the nodes, it catches up from their snapshots (nodes, links, heights, the last block)', async () => {
    await dash.close();
    const hash = await mineOn('3001'); // nobody watching: height 3
    const late = await openDashboard({ width: 1920, height: 1080 }, 'ko');
    await waitForHeights(late, 3);
    await waitForStarEdges(late);
    await waitForPropagation(late, hash);
    await late.screenshot({ path: path.join(shots, 'dashboard-late-ko-1920x1080.png') });
    expect(await seriousAxeViolations(late)).toEqual([]);
    // Korean on the page, no missing translation keys.
    expect(await late.getByRole('heading', { level: 1 }).textContent()).toContain('교사용 대시보드');
    expect(await late.evaluate(() => (window as unknown as { __missingKeys?: string[] }).__missingKeys ?? [])).toEqual([]);
  }, 120_000);

  it('shows a fork (the miner cut off mines while the others mine too) and its end (a longer branch, reorgs)', async () => {
    const late = ctx.pages().find((p) => p.url().includes('dashboard='))!;
    await late.getByRole('combobox', { name: '언어' }).selectOption('en');
    const miner = nodes.get('3001')!;
    // The teacher cuts the miner off with its switch: it drops its link and dials nobody until told.
    const toggle = miner.getByTestId('offline-toggle');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await miner.getByTestId('offline-badge').waitFor();
    await late.waitForFunction(() => document.querySelector('[data-testid="dash-graph"]')?.getAttribute('data-edges')?.split(' ').sort().join(' ') === '3000-3002 3000-3003', null, { timeout: 10_000, polling: 50 });
    await late.getByTestId('dash-cutoff-3001').waitFor({ timeout: 10_000 });
    const a = await mineOn('3001');
    const b = await mineOn('3000');
    expect(a).not.toBe(b);
    // However long it waits, the cut-off miner stays alone (no redial of its seed after 5 s).
    await miner.waitForTimeout(6_000);
    expect(await miner.evaluate(() => (window as unknown as { tabchain: { node: { peerIds(): string[] } } }).tabchain.node.peerIds())).toEqual([]);
    await miner.screenshot({ path: path.join(shots, 'node-cut-off-1280x800.png') });
    // Back together, each side keeps the block it saw first: two tips of equal work.
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    await waitForStarEdges(late);
    // The edge is back as soon as either end reports it (the central may report first); the
    // cut-off tag goes with the miner's own next report.
    await late.getByTestId('dash-cutoff-3001').waitFor({ state: 'detached', timeout: 10_000 });
    await late.waitForFunction(() => document.querySelector('[data-testid="dash-verdict"]')?.getAttribute('data-tips') === '2', null, { timeout: 30_000, polling: 100 });
    expect(await late.getByTestId('dash-verdict').textContent()).toMatch(/Disagreement: the nodes are on 2 different tips/);
    expect(await late.getByTestId('dash-node-3001').textContent()).toContain('branch B');
    expect(await late.getByTestId('dash-node-3002').textContent()).toContain('branch A');
    await late.screenshot({ path: path.join(shots, 'dashboard-fork-1920x1080.png') });
    // Both ends of the new link fetched the other's block: each node tab shows the live fork.
    for (const id of ['3000', '3001']) await nodes.get(id)!.getByTestId('live-fork').waitFor({ timeout: 15_000 });

    // The miner finds the next block: its branch is longer, everyone reorganises onto it.
    const c = await mineOn('3001');
    await waitForHeights(late, 5);
    await late.waitForFunction(() => document.querySelector('[data-testid="dash-verdict"]')?.getAttribute('data-tips') === '1', null, { timeout: 30_000, polling: 100 });
    await expect.poll(() => late.locator(`.dash-block.side[data-hash="${b}"]`).count()).toBe(1);
    expect(await late.locator('.dash-activity').textContent()).toMatch(/3000 reorganised: 1 block\(s\) off, 2 on, from height 3/);
    await waitForPropagation(late, c);
    await nodes.get('3000')!.getByTestId('live-fork').waitFor({ state: 'detached', timeout: 15_000 }); // the next block decided
    await late.screenshot({ path: path.join(shots, 'dashboard-after-reorg-1920x1080.png') });
  }, 120_000);

  it('the first screen links to the dashboard of the network typed there', async () => {
    const setup = await newPage('/?lang=en');
    await setup.getByLabel('Network name').fill('room42');
    const link = setup.getByRole('link', { name: 'Open teacher dashboard' });
    expect(await link.getAttribute('href')).toBe('?dashboard=room42');
    expect(await link.getAttribute('target')).toBe('_blank');
    await setup.close();
  }, 60_000);

  it('a node tab that closes goes offline on the dashboard, its link disappears, and nothing threw', async () => {
    const late = ctx.pages().find((p) => p.url().includes('dashboard='))!;
    await nodes.get('3003')!.close();
    await late.waitForFunction(() => document.querySelector('[data-testid="dash-node-3003"]')?.getAttribute('data-online') === 'false', null, { timeout: 30_000 });
    await late.waitForFunction(() => document.querySelector('[data-testid="dash-graph"]')?.getAttribute('data-edges')?.split(' ').sort().join(' ') === '3000-3001 3000-3002', null, { timeout: 30_000 });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
