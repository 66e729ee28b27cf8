/**
 * What a classroom meets when things go wrong: a second tab opened on a node that is already
 * running is refused (two tabs must never write one node's database), and the signalling server
 * going down and coming back — the header says so, existing WebRTC links keep carrying blocks
 * meanwhile, and every tab reconnects on its own (no reload) so new tabs can join again. Quick
 * start opens its three tabs at once, and each mines as promptly as the others.
 */
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppServer, launchChromium, mineNow, newContext, nodeUrl, openNode, screenshot, startApp, waitHeight, waitPeers, waitRunning,
} from './support/harness';

let server: AppServer;
let browser: Browser;
let ctx: Awaited<ReturnType<typeof newContext>>;
let central: Page;
let wallet: Page;
let miner: Page;
const network = `signal${Date.now() % 100000}`;

beforeAll(async () => {
  // The browser first: with none installed, launchChromium throws before a server starts.
  [browser, server] = await Promise.all([launchChromium(), startApp()]);
  ctx = await newContext(browser);
  central = await openNode(ctx, nodeUrl(server.url, { network, role: 'central', preset: 'regtest' }));
  wallet = await openNode(ctx, nodeUrl(server.url, { network, role: 'wallet' }));
  miner = await openNode(ctx, nodeUrl(server.url, { network, role: 'miner' }));
  for (const p of [wallet, miner]) await waitPeers(p, 1);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const signal = (p: Page) => p.getByTestId('signal-status').textContent();

describe('a second tab on the same node', () => {
  it('is refused, and the first tab keeps running', async () => {
    const again = await ctx.newPage();
    await again.goto(wallet.url());
    const refused = again.getByTestId('refused');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/already open in another tab/);
    await screenshot(again, 'e2e-refused');
    expect(await again.evaluate(() => 'tabchain' in window && !!(window as unknown as { tabchain?: unknown }).tabchain)).toBe(false);
    await again.close();
    const b = await mineNow(central);
    await waitHeight(wallet, 1, b);
  });
});

/** Quick start on the first screen (regtest): the setup tab and the three tabs it opens, running. */
async function quickStart(name: string): Promise<{ setup: Page; opened: Page[]; tab: (role: string) => Page }> {
  const setup = await ctx.newPage();
  await setup.goto(server.url + '/');
  await setup.getByLabel('Network name').fill(name);
  await setup.getByLabel('Chain parameters').selectOption('regtest');
  const opened: Page[] = [];
  const onPage = (p: Page) => opened.push(p);
  ctx.on('page', onPage);
  await setup.getByRole('button', { name: /Quick start/ }).click();
  await expect.poll(() => opened.length).toBe(3);
  ctx.off('page', onPage);
  for (const p of opened) await waitRunning(p);
  const tab = (role: string) => opened.find((p) => new URL(p.url()).searchParams.get('role') === role)!;
  return { setup, opened, tab };
}

describe('Quick start', () => {
  it('opens central, wallet and miner tabs at once; the two joining tabs get different ids', async () => {
    const { setup, opened } = await quickStart(`${network}q`);
    const seen = await Promise.all(opened.map(async (p) => [await p.getByTestId('node-id').textContent(), new URL(p.url()).searchParams.get('role')]));
    expect(seen.sort()).toEqual([['3000', 'central'], ['3001', expect.any(String)], ['3002', expect.any(String)]]);
    for (const p of opened) await waitPeers(p, 1);
    await Promise.all([...opened, setup].map((p) => p.close()));
  });

  it("'Mine a block now' takes as long in its central tab as in its miner tab (each clicked in front, as a person does)", async () => {
    // Reported: 3.5–4 s in the central tab against ~0.5 s in the miner tab. The nodes mine in
    // milliseconds in both; the clicks were made in the central tab while the miner tab, opened
    // last, was in front of it (see clickInFront in the harness).
    const { setup, opened, tab } = await quickStart(`${network}m`);
    const [c, m] = [tab('central'), tab('miner')];
    for (const p of opened) await waitPeers(p, 1);
    const took = { central: 0, miner: 0 };
    for (let round = 0; round < 3; round++) {
      for (const [role, p, other] of [['central', c, m], ['miner', m, c]] as const) {
        // Start from another view (so mineNow clicks twice), without bringing the tab to the front.
        await p.evaluate(() => (document.querySelector('#tab-overview') as HTMLElement).click());
        const t0 = Date.now();
        const hash = await mineNow(p);
        took[role] += Date.now() - t0;
        await waitHeight(other, 0, hash); // one chain: the next block builds on this one
      }
    }
    expect(took.central, JSON.stringify(took)).toBeLessThanOrEqual(2 * took.miner + 1000);
    await Promise.all([...opened, setup].map((p) => p.close()));
  });
});

describe('two browsers join at the same moment', () => {
  it('the one that loses the id race on the signalling server takes the next id instead of being refused', async () => {
    // Separate contexts share no IndexedDB and no Web Locks: like two laptops, only the
    // signalling server sees both, so both first pick 3001 for themselves.
    const net2 = `${network}r`;
    const c0 = await newContext(browser);
    const a = await newContext(browser);
    const b = await newContext(browser);
    const centralTab = await openNode(c0, nodeUrl(server.url, { network: net2, role: 'central', preset: 'regtest' }));
    const [pa, pb] = await Promise.all([a.newPage(), b.newPage()]);
    await Promise.all([pa.goto(nodeUrl(server.url, { network: net2, role: 'wallet' })), pb.goto(nodeUrl(server.url, { network: net2, role: 'wallet' }))]);
    await Promise.all([waitRunning(pa), waitRunning(pb)]);
    const ids = [await pa.getByTestId('node-id').textContent(), await pb.getByTestId('node-id').textContent()].sort();
    expect(ids).toEqual(['3001', '3002']);
    await waitPeers(centralTab, 2);
    for (const c of [c0, a, b]) {
      expect(c.errors).toEqual([]);
      await c.close();
    }
  }, 120_000);
});

describe('the signalling server stops and comes back', () => {
  it('shows it in the header, keeps existing links working, and recovers without a reload', async () => {
    const h0 = await central.evaluate(() => (window as unknown as { tabchain: { node: { height: number } } }).tabchain.node.height);
    await server.stop();
    for (const p of [central, wallet, miner]) await expect.poll(() => signal(p), { timeout: 20_000 }).not.toBe('online');
    expect(await signal(wallet)).toMatch(/lost, reconnecting/);
    await screenshot(wallet, 'e2e-signalling-lost');

    // Data channels do not need the server: a block still goes central → wallet and miner.
    const b = await mineNow(central);
    for (const p of [wallet, miner]) await waitHeight(p, h0 + 1, b);

    // Back on the same address: every tab re-registers by itself (same page, no reload).
    await server.start();
    for (const p of [central, wallet, miner]) await expect.poll(() => signal(p), { timeout: 45_000, interval: 250 }).toBe('online');

    // A new tab can join through the server again: it gets the next id, reaches central and syncs.
    const late = await openNode(ctx, nodeUrl(server.url, { network, role: 'wallet' }));
    expect(await late.getByTestId('node-id').textContent()).toBe('3003');
    await waitPeers(late, 1);
    await waitHeight(late, h0 + 1, b);
    expect(ctx.errors).toEqual([]);
  }, 120_000);
});
