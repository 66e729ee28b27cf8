/**
 * The Tutorial as a teacher runs it, in English and in Korean, through the UI only (roles, labels,
 * visible text): the first screen (language, network name, chain parameters, Start the tutorial,
 * the teacher dashboard), then one click per step in the tab whose node does it. Every action is
 * counted, tab switches included: the whole seed scenario takes at most 12. Then every tab shows
 * 9 of 9 and the six balances 9, 9, 1, 1, 10, 10 for every node, so does the dashboard, a reload
 * keeps the progress, the Korean UI has no English left, axe finds nothing serious, and
 * screenshots at 390, 1280 and 1920 px are saved for a person to look at.
 */
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { screenshot, useApp, waitRunning } from './support/harness';

const app = useApp();

const EXPECTED: Record<string, string> = { WALLET_1: '9', WALLET_2: '9', WALLET_3: '1', WALLET_4: '1', MINER_WALLET: '10', CENTRAL_NODE: '10' };

/** What the test reads and clicks, in each language. */
const UI = {
  en: {
    language: 'English', network: 'Network name', preset: 'Chain parameters', start: 'Start the tutorial', dashboard: 'Open teacher dashboard',
    fund: (to: string) => `Send 10 to ${to} and mine it now`, pay: (from: string, to: string) => `Send 1 from ${from} to ${to}`,
  },
  ko: {
    language: '한국어', network: '네트워크 이름', preset: '체인 매개변수', start: '튜토리얼 시작', dashboard: '교사용 대시보드 열기',
    fund: (to: string) => `${to}에 10 보내고 바로 채굴하기`, pay: (from: string, to: string) => `1 코인 보내기: ${from} → ${to}`,
  },
} as const;

/**
 * Counts what a person does: every click, fill or choice is one action, and so is bringing
 * another tab to the front. (The Tutorial opens its tabs itself; the dashboard link opens one.)
 */
class Person {
  actions: string[] = [];
  private front: Page | null = null;
  async in(page: Page, what: string, act: () => Promise<unknown>): Promise<void> {
    if (this.front !== page) {
      if (this.front) this.actions.push(`switch to ${page.url().replace(/^.*\?/, '?').slice(0, 40)}`);
      await page.bringToFront();
      this.front = page;
    }
    this.actions.push(what);
    await act();
  }
  /** A link or button that opens a new tab puts that tab in front. */
  opened(page: Page): void {
    this.front = page;
  }
}

/** Latin words left in a Korean page: visible text and accessible names, less protocol words and data. */
async function englishIn(page: Page, network: string): Promise<string[]> {
  const text = await page.evaluate(() => {
    const parts = [document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]'))
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) parts.push(v);
      }
    return parts.join('\n');
  });
  const cleaned = text
    .replace(/\b[1-9A-HJ-NP-Za-km-z]{25,40}\b/g, ' ') // addresses
    .replace(/\b[0-9a-f]{6,}\b/g, ' ') // hashes
    .replace(/\b(?:m|n)[1-9A-HJ-NP-Za-km-z]{3,8}…[1-9A-HJ-NP-Za-km-z]{2,6}\b/g, ' ') // short addresses
    .replace(/\b0x[0-9a-f]+\b/gi, ' ')
    .replace(/[A-Za-z0-9]+…/g, ' ') // shortened hashes and addresses
    .replace(/\/tabchain:[^/\s]*\//g, ' ') // user agents
    .replace(/\bhttps?:\/\/\S+/g, ' ') // links (the join card's)
    .replace(/\bOP_[A-Z0-9_]+\b/g, ' ') // opcode names
    .split(network).join(' ');
  const ALLOWED = new Set([
    'tabchain', 'English', 'version', 'verack', 'getaddr', 'addr', 'inv', 'getdata', 'notfound', 'getblocks', 'block', 'tx', 'ping', 'pong', 'reject',
    'getparams', 'params', 'nodeinfo', 'send', 'mine', 'UTXO', 'txid', 'index', 'WIF', 'sat', 'BTC', 'SHA', 'MSG_TX', 'MSG_BLOCK', 'WALLET_1', 'WALLET_2',
    'WALLET_3', 'WALLET_4', 'MINER_WALLET', 'CENTRAL_NODE', 'IndexedDB', 'WebRTC', 'PeerJS', 'npm', 'start', 'KiB', 'MB', 'ms', 'txn', 'mempool', 'conflict',
    'headers', 'sendheaders', 'getheaders', 'sendcmpct', 'cmpctblock', 'getblocktxn', 'blocktxn', 'teacher', 'MSG_CMPCT_BLOCK', 'BIP', 'wtxid', 'ID', 'QR', 'Go', 'H/s', 'kH', 'MH', 'Ctrl', 'https', 'http', 'TCP', 'CPU', 'wasm', 'simd', 'SIMD', 'JavaScript', 'WebAssembly',
  ]);
  const words = cleaned.match(/[A-Za-z][A-Za-z_0-9]{2,}/g) ?? [];
  return [...new Set(words.filter((w) => !ALLOWED.has(w) && !/^v\d+$/.test(w)))]; // v70001: a protocol version
}

async function axe(page: Page, include?: string): Promise<string[]> {
  const b = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']);
  const r = await (include ? b.include(include) : b).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** Each tab's balance table: name → the values shown in every node's column. */
async function tableValues(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const out: Record<string, string[]> = {};
    for (const row of document.querySelectorAll('[data-testid^="tutorial-balance-"]')) {
      const name = row.getAttribute('data-testid')!.replace('tutorial-balance-', '');
      out[name] = [...row.querySelectorAll('td[data-node]')].map((td) => td.getAttribute('data-value') ?? '');
    }
    return out;
  });
}

async function dashValues(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const out: Record<string, string[]> = {};
    for (const row of document.querySelectorAll('[data-testid^="dash-balance-"]')) {
      const name = row.getAttribute('data-testid')!.replace('dash-balance-', '');
      out[name] = [...row.querySelectorAll('td[data-node]')].map((td) => td.getAttribute('data-value') ?? '');
    }
    return out;
  });
}

const allExpected = (values: Record<string, string[]>, columns: number) =>
  Object.keys(EXPECTED).every((k) => values[k]?.length === columns && values[k]!.every((v) => v === EXPECTED[k]));

/** Networks the tutorial tests created (their nodes stay stored in this browser). */
const created: string[] = [];

async function tutorial(lang: 'en' | 'ko'): Promise<void> {
  const ui = UI[lang];
  const ctx = app.ctx;
  const person = new Person();
  const network = `tut${lang}${Date.now() % 100000}`;
  created.push(network);
  const setup = await ctx.newPage();
  await setup.goto(`${app.server.url}/`); // the address npm start prints

  // The first screen: language, network name, chain parameters (Instant keeps the test short).
  if (lang === 'ko') await person.in(setup, 'language', () => setup.getByRole('combobox', { name: 'Language' }).selectOption({ label: ui.language }));
  await person.in(setup, 'network name', () => setup.getByLabel(ui.network).fill(network));
  await person.in(setup, 'preset', () => setup.getByLabel(ui.preset).selectOption('regtest'));
  for (const w of [390, 1280, 1920]) {
    await setup.setViewportSize({ width: w, height: w === 390 ? 844 : w === 1280 ? 800 : 1080 });
    await screenshot(setup, `tutorial-${lang}-setup-${w}`);
  }
  await setup.setViewportSize({ width: 1400, height: 1000 });
  expect(await axe(setup)).toEqual([]);

  // Start the tutorial: three tabs open (central, wallet, miner), each names its addresses.
  const opened = new Promise<Page[]>((resolve) => {
    const pages: Page[] = [];
    const on = (p: Page) => {
      pages.push(p);
      if (pages.length === 3) {
        ctx.off('page', on);
        resolve(pages);
      }
    };
    ctx.on('page', on);
  });
  await person.in(setup, 'start the tutorial', () => setup.getByRole('button', { name: ui.start }).click());
  const tabs = await opened;
  for (const p of tabs) await waitRunning(p, 60_000);
  const byRole = (r: string) => tabs.find((p) => p.url().includes(`role=${r}`))!;
  const [central, wallet, miner] = [byRole('central'), byRole('wallet'), byRole('miner')];

  // The teacher dashboard, from the first screen.
  const dashOpened = ctx.waitForEvent('page');
  await person.in(setup, 'open the dashboard', () => setup.getByRole('link', { name: ui.dashboard }).click());
  const dashboard = await dashOpened;
  person.opened(dashboard);
  await dashboard.waitForLoadState();

  // Steps 1–3 happen by themselves: the chain exists, every node hears every name.
  for (const p of [central, wallet, miner]) await expect.poll(() => p.getByTestId('tutorial-progress').getAttribute('data-done'), { timeout: 30_000 }).toBe('3');

  // Step 4 in the central tab: two clicks.
  for (const to of ['WALLET_1', 'WALLET_2']) {
    const button = central.getByRole('button', { name: ui.fund(to) });
    await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
    await person.in(central, `fund ${to}`, () => button.click());
    await expect.poll(() => tableValues(central).then((v) => v[to]?.[0]), { timeout: 30_000 }).toBe('10'); // mined at once: confirmed here
    expect(await central.getByTestId('tutorial-result').textContent()).toContain(to);
  }
  // Steps 5–6 in the wallet tab: two clicks; the miner mines at 2 transactions by itself.
  for (const [from, to] of [['WALLET_1', 'WALLET_3'], ['WALLET_2', 'WALLET_4']] as const) {
    const button = wallet.getByRole('button', { name: ui.pay(from, to) });
    await expect.poll(() => button.isEnabled().catch(() => false), { timeout: 30_000 }).toBe(true);
    await person.in(wallet, `pay ${from} → ${to}`, () => button.click());
    await expect.poll(() => wallet.getByTestId(from === 'WALLET_1' ? 'step-5' : 'step-6').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
  }

  // Every tab reaches 9 of 9, and each shows the six balances for every node.
  for (const p of [central, wallet, miner]) {
    await expect.poll(() => p.getByTestId('tutorial-progress').getAttribute('data-done'), { timeout: 60_000 }).toBe('9');
    await expect.poll(() => tableValues(p).then((v) => allExpected(v, 3)), { timeout: 30_000 }).toBe(true);
  }
  // The dashboard shows them too, per node.
  await expect.poll(() => dashValues(dashboard).then((v) => allExpected(v, 3)), { timeout: 30_000 }).toBe(true);

  // The whole scenario, counted.
  console.log(`${lang}: ${person.actions.length} actions: ${person.actions.join('; ')}`);
  expect(person.actions.length).toBeLessThanOrEqual(12);

  if (lang === 'en') {
    // Beyond the count: a glossary term explains itself on keyboard focus; Copy says it copied.
    const term = central.locator('.term-button', { hasText: 'height' }).first();
    await term.focus();
    const tip = central.locator(`#${await term.getAttribute('aria-describedby')}`);
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/position in the chain/);
    const copy = wallet.getByRole('button', { name: /^Copy address / }).first();
    await wallet.locator('#tab-wallet').click();
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('✓ Copied');
    await wallet.locator('#tab-overview').click();
    // Keepalives stay out of the message log until asked for.
    await central.locator('#tab-messages').click();
    await central.locator('tr[data-command=version]').first().waitFor();
    expect(await central.locator('tr[data-command=ping], tr[data-command=pong]').count()).toBe(0);
    await central.getByRole('checkbox', { name: /Show ping\/pong/ }).check();
    await expect.poll(() => central.locator('tr[data-command=ping], tr[data-command=pong]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await central.getByRole('checkbox', { name: /Show ping\/pong/ }).uncheck();
    await central.locator('#tab-overview').click();
  }

  // A reload keeps the progress (before the network says anything again) and the table returns.
  await miner.reload();
  await waitRunning(miner);
  expect(await miner.getByTestId('tutorial-progress').getAttribute('data-done')).toBe('9');
  await expect.poll(() => tableValues(miner).then((v) => allExpected(v, 3)), { timeout: 30_000 }).toBe(true);

  // Pictures of each tab at phone, laptop and projector widths, and axe on what they show.
  const problems: string[] = [];
  for (const [page, name, view] of [[central, 'central', 'overview'], [wallet, 'wallet', 'wallet'], [miner, 'miner', 'messages'], [central, 'central', 'glossary']] as const) {
    await page.bringToFront();
    await page.locator(`#tab-${view}`).click();
    for (const w of [390, 1280, 1920]) {
      await page.setViewportSize({ width: w, height: w === 390 ? 844 : w === 1280 ? 800 : 1080 });
      await page.waitForTimeout(200);
      await screenshot(page, `tutorial-${lang}-${name}-${view}-${w}`);
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
    problems.push(...(await axe(page)).map((p) => `${name}/${view}: ${p}`));
  }
  await dashboard.bringToFront();
  for (const w of [390, 1280, 1920]) {
    await dashboard.setViewportSize({ width: w, height: w === 390 ? 844 : w === 1280 ? 800 : 1080 });
    await dashboard.waitForTimeout(300);
    await screenshot(dashboard, `tutorial-${lang}-dashboard-${w}`);
  }
  problems.push(...(await axe(dashboard)).map((p) => `dashboard: ${p}`));
  expect(problems).toEqual([]);

  if (lang === 'ko') {
    // No untranslated key and no English sentence anywhere a Korean class looks.
    const left: string[] = [];
    for (const view of ['overview', 'messages', 'chain', 'wallet', 'mempool', 'miner', 'timeline', 'glossary']) {
      await central.locator(`#tab-${view}`).click();
      await central.waitForTimeout(150);
      left.push(...(await englishIn(central, network)).map((w) => `${view}: ${w}`));
    }
    left.push(...(await englishIn(setup, network)).map((w) => `setup: ${w}`));
    left.push(...(await englishIn(dashboard, network)).map((w) => `dashboard: ${w}`));
    expect(left).toEqual([]);
    for (const p of [setup, central, wallet, miner, dashboard]) expect(await p.evaluate(() => (window as unknown as { __missingKeys?: string[] }).__missingKeys ?? [])).toEqual([]);

    // Switching the language on the first screen switches every open tab at once, with no reload.
    for (const p of [central, wallet, miner, dashboard]) await p.evaluate(() => ((window as unknown as { __sameTab: boolean }).__sameTab = true));
    await setup.bringToFront();
    await setup.getByRole('combobox', { name: '언어' }).selectOption({ label: 'English' });
    for (const p of [central, wallet, miner]) await expect.poll(() => p.locator('#tab-overview').textContent(), { timeout: 5_000 }).toBe('Network');
    await expect.poll(() => dashboard.locator('html').getAttribute('lang'), { timeout: 5_000 }).toBe('en');
    for (const p of [central, wallet, miner, dashboard]) expect(await p.evaluate(() => (window as unknown as { __sameTab?: boolean }).__sameTab)).toBe(true);
  }
  expect(ctx.errors).toEqual([]);
  await Promise.all([setup, central, wallet, miner, dashboard].map((p) => p.close()));
}

describe('the Tutorial, through the UI only', () => {
  it('in English: the seed scenario in ≤ 12 actions, 9/9 and the six balances on every tab and the dashboard, a reload keeps it', () => tutorial('en'), 240_000);
  it('in Korean: the same, and no English left in the Korean UI', () => tutorial('ko'), 240_000);

  it('started again on a network that exists, it asks: start fresh (under a new name) or continue', async () => {
    const old = created[0] ?? 'class1';
    const setup = await app.ctx.newPage();
    await setup.goto(`${app.server.url}/?lang=en`);
    await setup.getByLabel('Network name').fill(old);
    await setup.getByRole('button', { name: 'Start the tutorial' }).click();
    const ask = setup.getByRole('alertdialog');
    await ask.waitFor();
    expect(await ask.textContent()).toContain(`“${old}” exists already`);
    expect(await ask.textContent()).toMatch(/3000/);
    const tabs: Page[] = [];
    app.ctx.on('page', (p) => tabs.push(p));
    await ask.getByRole('button', { name: `Start fresh as “${old}-2”` }).click();
    await expect.poll(() => tabs.length).toBe(3);
    for (const p of tabs) await waitRunning(p);
    expect(tabs.map((p) => new URL(p.url()).searchParams.get('network'))).toEqual([`${old}-2`, `${old}-2`, `${old}-2`]);
    const central = tabs.find((p) => p.url().includes('role=central'))!;
    expect(await central.getByTestId('height').textContent()).toBe('0'); // a new chain, not the old one
    await Promise.all([setup, ...tabs].map((p) => p.close()));
  }, 120_000);
});
