/**
 * A whole class (`npm run bench -- class`):
 *  1. Class join over real WebRTC: N wallet/miner tabs of one Chromium (all but the last in the
 *     background) join one central node that already holds a chain; seconds from the first tab
 *     opening until every tab is at the central's tip with a link. Anchor: the same number of tabs
 *     opening the app's first screen alone (page loads, no node) in the same run. Bar: ≤ 60 s for 24.
 *  2. Star fan-out: a block mined by the central node reaching all N leaves, p50 and p95 over
 *     BLOCKS blocks, for N = 8, 16, 24. Anchor: the nodes' own data-channel round trip (ping →
 *     pong) measured in the same run, under the same load.
 *  3. ASERT in a simulated class (in-memory network, 30 simulated laptops, 1× → 30× → 3×): mean
 *     block interval of the phase after the 30× jump ÷ the 10 s target; fixed difficulty beside it.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { figure, quantile, roundTrips, type BenchFigure } from './harness';
import { type AppServer, newContext, nodeUrl, openNode, recorded, startApp, waitHeight } from '../tests/e2e/support/harness';
import { launchChromium } from '../tests/e2e/support/browser';
import { LAPTOPS, SPACING, runClass } from '../tests/helpers/classSim';

const JOIN_TABS = 24;
const FANOUT = [8, 16, 24];
const BLOCKS = 15;

export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const sim = await asert();
  figures.push(
    figure(`ASERT: mean block interval after a 30× hash-rate jump (simulated class of ${LAPTOPS})`, sim.asert, 's', `target interval`, SPACING, {
      text: 'within ±25 %',
      pass: Math.abs(sim.asert / SPACING - 1) <= 0.25,
    }),
    figure(`fixed difficulty: mean block interval after the same jump (simulated)`, sim.fixed, 's', 'target interval', SPACING),
  );
  const browser = await launchChromium();
  const server = await startApp();
  try {
    const j = await classJoin(server, browser, JOIN_TABS);
    figures.push(figure(`class join: ${JOIN_TABS} tabs over WebRTC, seconds until all synced`, j.seconds, 's', `${JOIN_TABS} tabs loading the first screen (same run)`, j.anchor, { text: '<= 60 s', pass: j.seconds <= 60 }));
    for (const n of FANOUT) {
      const f = await fanout(server, browser, n);
      figures.push(
        figure(`star fan-out: block to ${n} tabs, p50 of ${f.blocks}`, f.p50, 'ms', 'data-channel round trip p50 (same run)', f.rtt50),
        figure(`star fan-out: block to ${n} tabs, p95 of ${f.blocks}`, f.p95, 'ms', 'data-channel round trip p95 (same run)', f.rtt95),
      );
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return figures;
}

async function asert(): Promise<{ asert: number; fixed: number }> {
  const a = await runClass(10 * SPACING, [1, LAPTOPS, 3]);
  const f = await runClass(0, [1, LAPTOPS], 200);
  console.log(`  ASERT phases: ${a.phaseMeans.map((p) => `${p.blocks} blocks, mean ${p.mean.toFixed(2)} s`).join(' | ')}`);
  return { asert: a.phaseMeans[1]!.mean, fixed: f.phaseMeans[1]!.mean };
}

async function centralWithChain(ctx: BrowserContext, server: AppServer, network: string, blocks: number): Promise<Page> {
  const central = await openNode(ctx, nodeUrl(server.url, { network, role: 'central', preset: 'regtest' }));
  for (let h = 1; h <= blocks; h++) {
    await central.evaluate('window.tabchain.node.mineOnce()');
    await waitHeight(central, h);
  }
  return central;
}

async function classJoin(server: AppServer, browser: Browser, n: number): Promise<{ seconds: number; anchor: number }> {
  // Anchor: n tabs loading the first screen only.
  const plain = await browser.newContext();
  const a0 = performance.now();
  const pages = await Promise.all(Array.from({ length: n }, () => plain.newPage()));
  await Promise.all(pages.map((p) => p.goto(server.url).then(() => p.getByRole('heading').first().waitFor())));
  const anchor = (performance.now() - a0) / 1000;
  await plain.close();

  const ctx = await newContext(browser);
  const network = `join${Date.now() % 100000}`;
  const central = await centralWithChain(ctx, server, network, 20);
  const tip = (await central.evaluate('window.tabchain.node.tipHash')) as string;
  const t0 = performance.now();
  const tabs = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const page = await ctx.newPage();
      await page.goto(nodeUrl(server.url, { network, role: i % 4 === 0 ? 'miner' : 'wallet' }));
      return page;
    }),
  );
  await Promise.all(tabs.map((t) => waitHeight(t, 20, tip, 120_000)));
  await Promise.all(tabs.map((t) => t.waitForFunction('window.tabchain.node.peerIds().length > 0', null, { timeout: 60_000 })));
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  ${n} tabs joined and synced 20 blocks in ${seconds.toFixed(1)} s (page loads alone: ${anchor.toFixed(1)} s)`);
  await ctx.close();
  return { seconds, anchor };
}

async function fanout(server: AppServer, browser: Browser, n: number) {
  const ctx = await newContext(browser);
  const network = `fan${n}${Date.now() % 10000}`;
  const central = await centralWithChain(ctx, server, network, 1);
  const leaves: Page[] = [];
  for (let i = 0; i < n; i++) leaves.push(await openNode(ctx, nodeUrl(server.url, { network, role: i % 2 ? 'miner' : 'wallet' })));
  await central.waitForFunction(`window.tabchain.node.peerIds().length >= ${n}`, null, { timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 6_000)); // one keep-alive round on every link
  const hashes: string[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const h = (await central.evaluate('window.tabchain.node.height')) as number;
    await central.evaluate('window.tabchain.node.mineOnce()');
    await waitHeight(central, h + 1);
    const tip = (await central.evaluate('window.tabchain.node.tipHash')) as string;
    hashes.push(tip);
    await Promise.all(leaves.map((t) => waitHeight(t, h + 1, tip, 30_000)));
    await new Promise((r) => setTimeout(r, 200));
  }
  const logs = await Promise.all([central, ...leaves].map((t) => recorded(t)));
  const found = new Map<string, number>();
  const connected = new Map<string, number[]>();
  for (const [i, log] of logs.entries())
    for (const e of log) {
      if (i === 0 && e.type === 'block-mined') found.set(e.hash, e.at);
      else if (i > 0 && e.type === 'chain' && e.event === 'block-connected' && e.hash) connected.set(e.hash, [...(connected.get(e.hash) ?? []), e.at]);
    }
  const delays = hashes.map((h) => Math.max(...(connected.get(h) ?? [NaN])) - (found.get(h) ?? NaN)).filter((d) => Number.isFinite(d));
  const rtts = logs.flatMap((l) => roundTrips(l));
  const r = { blocks: delays.length, p50: quantile(delays, 0.5), p95: quantile(delays, 0.95), rtt50: quantile(rtts, 0.5), rtt95: quantile(rtts, 0.95) };
  console.log(`  star of ${n}: block to all p50 ${r.p50.toFixed(1)} ms p95 ${r.p95.toFixed(1)} ms; round trip p50 ${r.rtt50.toFixed(2)} ms (${rtts.length} pings)`);
  await ctx.close();
  return r;
}
