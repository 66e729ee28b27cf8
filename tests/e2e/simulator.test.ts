/**
 * The Simulator in real Chromium (the production build): a teacher opens it from the first
 * screen, starts 200 nodes on world links, splits the network and heals it, pauses, steps one
 * message and one block, saves the run file and replays it from the file, and reads the plots —
 * while the page's main thread stays free (the nodes run in a Web Worker). A corrupt file is
 * refused with its reason; the page speaks Korean too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, useApp } from './support/harness';

const app = useApp();
let ctx: BrowserContext;
const errors: string[] = [];

beforeAll(async () => {
  ctx = await app.browser.newContext({ acceptDownloads: true });
  await ctx.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
});
afterAll(async () => {
  await ctx?.close();
});

async function openSimulator(viewport = { width: 1280, height: 900 }, lang = 'en'): Promise<Page> {
  const page = await ctx.newPage();
  await page.setViewportSize(viewport);
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.server.url}/?lang=${lang}`);
  await page.getByRole('link', { name: lang === 'ko' ? '시뮬레이터' : 'Simulator' }).click();
  await page.getByRole('heading', { name: lang === 'ko' ? '설정' : 'Settings' }).waitFor();
  return page;
}

const num = async (page: Page, testId: string) => Number(((await page.getByTestId(testId).textContent()) ?? '').replace(/[^\d]/g, ''));
/**
 * The page's main thread while `ms` pass: long tasks as the browser reports them (> 50 ms of wall
 * time, which on a busy shared machine includes time the OS gave other processes), and, from a
 * trace, the tasks that used more than 50 ms of the thread's own CPU time, and its busy CPU ms.
 */
async function mainThread(page: Page, ms: number): Promise<{ longTasks: number[]; cpuLongTasks: number[]; busyCpuMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  const events: { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as typeof events)));
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await page.waitForTimeout(ms);
  await cdp.send('Tracing.end');
  await complete;
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name]));
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain');
  return {
    longTasks,
    cpuLongTasks: tasks.filter((e) => (e.tdur ?? 0) > 50_000).map((e) => Math.round((e.tdur ?? 0) / 1000)),
    busyCpuMs: Math.round(tasks.reduce((a, e) => a + (e.tdur ?? 0), 0) / 1000),
  };
}

describe('the Simulator', () => {
  it('runs 200 nodes: split, heal, pause, step, save and replay the run from its file; the plots fill; the main thread stays free', async () => {
    const page = await openSimulator();
    await page.getByLabel('Nodes (2–1,000)').fill('200');
    await page.getByLabel('Who connects to whom').selectOption('bitcoin');
    await page.getByLabel('Links').selectOption('world');
    await page.getByLabel('Block interval (s)').fill('10');
    await page.getByRole('button', { name: 'Start the simulation' }).click();
    await expect.poll(() => num(page, 'sim-height'), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('sim-nodes').textContent()).toBe('200');

    // The nodes run in the worker: the page only draws. No task on its main thread takes 50 ms
    // of CPU; the browser's own long-task count (wall time) is held to zero when the shared
    // machine is not overloaded (more runnable processes than cores stretch every task).
    const main = await mainThread(page, 6_000);
    const load = os.loadavg()[0]!;
    console.log(`main thread while 200 nodes run: ${main.busyCpuMs} ms CPU in 6 s; long tasks (wall) ${JSON.stringify(main.longTasks)}; over 50 ms CPU ${JSON.stringify(main.cpuLongTasks)}; load ${load.toFixed(1)} on ${os.cpus().length} cores`);
    expect(main.cpuLongTasks).toEqual([]);
    expect(main.busyCpuMs).toBeLessThan(6_000 * 0.25);
    if (load < os.cpus().length) expect(main.longTasks).toEqual([]);

    // Split in halves: each half keeps mining its own branch; heal: one tip again.
    await page.getByLabel('Split').selectOption({ label: 'in halves (100 | 100)' });
    await page.getByRole('button', { name: 'Split the network' }).click();
    await expect.poll(() => page.getByTestId('sim-partition').textContent()).toBe('Split: 100 | 100 nodes');
    await expect.poll(() => num(page, 'sim-tips'), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Heal' }).click();
    await expect.poll(() => page.getByTestId('sim-partition').textContent()).toBe('The network is whole.');
    await expect.poll(() => num(page, 'sim-tips'), { timeout: 90_000 }).toBe(1);

    // Pause: the clock stands still. One message, then the next block.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('sim-mode').textContent()).toBe('paused');
    const clock = await page.getByTestId('sim-clock').textContent();
    await page.waitForTimeout(1_000);
    expect(await page.getByTestId('sim-clock').textContent()).toBe(clock);
    const messages = await num(page, 'sim-messages');
    await page.getByRole('button', { name: 'Step one message' }).click();
    await expect.poll(() => num(page, 'sim-messages')).toBe(messages + 1);
    const found = await page.getByTestId('sim-stale').textContent();
    await page.getByRole('button', { name: 'To the next block' }).click();
    await expect.poll(() => page.getByTestId('sim-stale').textContent(), { timeout: 60_000 }).not.toBe(found);
    await expect.poll(() => page.getByTestId('sim-mode').textContent()).toBe('paused');

    // The plots: the propagation CDF with its percentiles, stale blocks, intervals, traffic.
    for (const id of ['plot-propagation', 'plot-stale', 'plot-intervals', 'plot-traffic']) expect(await page.getByTestId(id).locator('canvas').count(), id).toBe(1);
    await expect.poll(() => page.getByTestId('sim-percentiles').textContent()).toMatch(/^Half the nodes had a block after [\d.]+ m?s, 90 % after [\d.]+ m?s \(\d+ blocks\)\.$/);
    // Go to the next whole minute: a moment a replay can reach exactly (every event up to it has run).
    const [h, m, sec] = (await page.getByTestId('sim-clock').textContent())!.split(':').map(Number);
    const minute = (h! * 60 + m! + 1) * 60;
    const at = `${Math.floor(minute / 3600)}:${String(Math.floor(minute / 60) % 60).padStart(2, '0')}:00.0`;
    expect(sec).toBeLessThan(60);
    await page.getByLabel('Go to (s)').fill(String(minute));
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await expect.poll(() => page.getByTestId('sim-clock').textContent(), { timeout: 120_000 }).toBe(at);
    const legend = await page.locator('.sim-legend').textContent();
    const percentiles = await page.getByTestId('sim-percentiles').textContent();

    // Save the run file, start over from the file: the replay reaches the same state at the same time.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save run file' }).click()]);
    const file = path.join(os.tmpdir(), `sim-run-${Date.now()}.json`);
    await download.saveAs(file);
    const run = JSON.parse(readFileSync(file, 'utf8'));
    expect(run.actions.map((a: { kind: string }) => a.kind)).toEqual(['partition', 'heal']);
    await page.getByRole('button', { name: 'New run' }).click();
    await page.getByLabel('Open a run file…').setInputFiles(file);
    await expect.poll(() => page.getByTestId('sim-nodes').textContent()).toBe('200');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByLabel('Go to (s)').fill(String(minute));
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await expect.poll(() => page.getByTestId('sim-clock').textContent(), { timeout: 120_000 }).toBe(at);
    await expect.poll(() => page.locator('.sim-legend').textContent()).toBe(legend);
    expect(await page.getByTestId('sim-percentiles').textContent()).toBe(percentiles);
    await screenshot(page, 'simulator-200-en-1280');
    expect(errors).toEqual([]);
  }, 400_000);

  it('refuses a corrupt run file with its reason, and speaks Korean', async () => {
    const page = await openSimulator({ width: 390, height: 844 }, 'ko');
    const bad = path.join(os.tmpdir(), `sim-bad-${Date.now()}.json`);
    writeFileSync(bad, JSON.stringify({ kind: 'tabchain-simulation', version: 1, seed: 7, settings: { nodes: 5000 }, actions: [] }));
    await page.getByLabel('실행 파일 열기…').setInputFiles(bad);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^sim-bad-\d+\.json을\(를\) 열 수 없습니다: 노드 수: 2부터 1000까지의 정수여야 합니다\(입력값: 5000\)$/);
    await page.getByRole('button', { name: '시뮬레이션 시작' }).click();
    await expect.poll(() => num(page, 'sim-height'), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('heading', { name: '블록이 노드에 닿는 속도' }).isVisible()).toBe(true);
    await screenshot(page, 'simulator-30-ko-390');
    expect(errors).toEqual([]);
  }, 180_000);
});
