/**
 * The views of one node in real Chromium: a fork built by two tabs (central and miner, regtest)
 * while partitioned, healed so the miner's longer branch wins. The central tab's chain view must
 * show its own block moved to a side branch, the miner's blocks active, and the payment of the
 * disconnected block back in its mempool view. Then every view is screenshotted at 1280×800 and
 * 1920×1080 (artifacts/screenshots/) and checked with axe-core (no serious or critical violation).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = path.join(root, 'artifacts/screenshots');
const VIEWS = [
  { id: 'chain', tab: 'Chain' },
  { id: 'wallet', tab: 'Wallet & UTXO' },
  { id: 'mempool', tab: 'Mempool' },
  { id: 'miner', tab: 'Miner' },
  { id: 'timeline', tab: 'Propagation' },
];
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/** What the tests read of `window.tabchain` (the page's session), loosely typed. */
type Tab = {
  node: {
    chain: { height: number };
    height: number;
    tipHash: string;
    keys: { address: string }[];
    mempool: { all(): { txid: string }[] };
    peerIds(): string[];
    mineOnce(): void;
    send(from: string, to: string, amount: bigint): { outputs: unknown[] };
    setMining(mode: string): void;
    disconnect(peer: string, reason: string): void;
    connect(peer: string): void;
  };
  transport: { connect(peer: string): void; onconnectfailed: ((peer: string, reason: string) => void) | null; __connect?: (peer: string) => void };
};
type Win = { tabchain: Tab };

let server: ChildProcess;
let base: string;
let browser: Browser;
let ctx: BrowserContext;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  // The browser first: with none installed, launchChromium throws before the server starts.
  browser = await launchChromium();
  const port = await freePort();
  server = spawn(process.execPath, ['scripts/start.mjs', '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
    server.stdout!.on('data', (d: Buffer) => {
      if (String(d).includes('http://')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  base = `http://127.0.0.1:${port}`;
  ctx = await browser.newContext({ viewport: SIZES[0] });
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

async function openNode(query: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${base}/?${query}`);
  await page.waitForFunction(() => !!(window as unknown as Partial<Win>).tabchain?.node.chain, null, { timeout: 90_000 });
  await page.getByTestId('node-id').waitFor();
  return page;
}

async function show(page: Page, tab: string): Promise<void> {
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await expect.poll(() => page.getByRole('tab', { name: tab, exact: true }).getAttribute('aria-selected')).toBe('true');
}

const height = (p: Page) => p.evaluate(() => (window as unknown as Win).tabchain.node.height);
const tip = (p: Page) => p.evaluate(() => (window as unknown as Win).tabchain.node.tipHash);

/** Mines one block on the page's node and waits for its height to grow by one. */
async function mine(p: Page): Promise<string> {
  const h = await height(p);
  await p.evaluate(() => (window as unknown as Win).tabchain.node.mineOnce());
  await p.waitForFunction((h0) => (window as unknown as Win).tabchain.node.height === h0 + 1, h, { timeout: 30_000 });
  return tip(p);
}

/** Card of a block in the chain view. */
const card = (p: Page, hash: string) => p.locator(`.block-card[data-hash="${hash}"]`);

describe('views of one node', () => {
  let central: Page;

  it('shows a fork: the side branch, the switch of the active branch, and the returned payment', async () => {
    const network = `views${Date.now().toString(36)}`;
    central = await openNode(`network=${network}&role=central&topology=star&preset=regtest`);
    const miner = await openNode(`network=${network}&role=miner&topology=star&preset=regtest`);
    await miner.waitForFunction(() => (window as unknown as Win).tabchain.node.peerIds().length > 0, null, { timeout: 30_000 });
    await mine(central);
    await mine(central);
    const common = await tip(central);
    await miner.waitForFunction((h) => (window as unknown as Win).tabchain.node.tipHash === h, common, { timeout: 30_000 });
    const fork = await height(central);

    // Partition: the miner drops its link to central and cannot dial again until healed.
    await miner.evaluate(() => {
      const t = (window as unknown as Win).tabchain.transport;
      t.__connect = t.connect;
      t.connect = (id: string) => void setTimeout(() => t.onconnectfailed?.(id, 'partitioned by the test'), 0);
      (window as unknown as Win).tabchain.node.disconnect('3000', 'partitioned by the test');
    });
    await central.waitForFunction(() => (window as unknown as Win).tabchain.node.peerIds().length === 0, null, { timeout: 30_000 });

    // Central pays the miner and mines it into block A at fork+1; the miner mines B1, B2.
    const to = await miner.evaluate(() => (window as unknown as Win).tabchain.node.keys[0].address);
    const payment = await central.evaluate((addr) => {
      const n = (window as unknown as Win).tabchain.node;
      n.send(n.keys[0].address, addr, 100_000_000n);
      return n.mempool.all()[0].txid;
    }, to);
    const a = await mine(central);
    await show(central, 'Chain');
    await expect.poll(() => card(central, a).getAttribute('data-branch')).toBe('active');
    const b1 = await mine(miner);
    const b2 = await mine(miner);

    // Heal: the miner dials central again; central learns the longer branch and reorganises.
    await miner.evaluate(() => {
      const tab = (window as unknown as Win).tabchain;
      tab.transport.connect = tab.transport.__connect!;
      tab.node.connect('3000');
    });
    await central.waitForFunction((h) => (window as unknown as Win).tabchain.node.tipHash === h, b2, { timeout: 60_000 });

    // The chain view: A is now a side branch beside B1 (same height), B1 and B2 are active, B2 is the tip.
    await expect.poll(() => card(central, a).getAttribute('data-branch'), { timeout: 10_000 }).toBe('side');
    expect(await card(central, b1).getAttribute('data-branch')).toBe('active');
    expect(await card(central, b2).getAttribute('class')).toContain('tip');
    expect(await central.getByTestId(`block-${fork + 1}`).count()).toBe(2);
    const banner = central.getByTestId('reorg-banner');
    await expect.poll(() => banner.textContent()).toContain(a.slice(0, 12));
    expect(await banner.textContent()).toContain(b2.slice(0, 12));
    expect(await central.getByTestId('reorg-returned-tx').textContent()).toContain(payment.slice(0, 12));

    // Its detail: the side block holds the payment; the merkle root matches the header.
    await card(central, a).click();
    await central.getByRole('button', { name: 'Transactions' }).click();
    expect(await central.locator(`[data-testid="block-tx"][data-txid="${payment}"]`).count()).toBe(1);
    await central.getByRole('button', { name: 'Merkle tree' }).click();
    expect(await central.getByTestId('merkle-root-check').textContent()).toContain('equals the merkle root in the header');

    // The mempool view: the payment is back, marked as returned by the reorg.
    await show(central, 'Mempool');
    const back = central.locator(`[data-testid="mempool-tx"][data-txid="${payment}"]`);
    await back.waitFor();
    expect(await back.getByTestId('returned-tag').textContent()).toContain(`#${fork + 1}`);
    await miner.close();
  }, 240_000);

  it('screenshots every view at 1280×800 and 1920×1080 and passes axe (no serious or critical violation)', async () => {
    // The miner view is shown on a classroom-difficulty node, so the hash rate has something to plot.
    const classroom = await openNode(`network=viewsminer${Date.now().toString(36)}&role=central&topology=star&preset=classroom`);
    await show(classroom, 'Miner');
    await classroom.getByRole('button', { name: 'Mine continuously' }).click();
    await expect.poll(() => classroom.getByTestId('hash-rate').textContent(), { timeout: 20_000 }).toMatch(/H\/s/);
    await classroom.waitForTimeout(3_000);

    const problems: string[] = [];
    for (const v of VIEWS) {
      const page = v.id === 'miner' ? classroom : central;
      await page.bringToFront();
      await show(page, v.tab);
      await page.getByTestId(`panel-${v.id}`).waitFor();
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.waitForTimeout(400);
        await page.screenshot({ path: path.join(shots, `views-${v.id}-${size.width}x${size.height}.png`) });
      }
      const result = await new AxeBuilder({ page }).include('#view').analyze();
      for (const violation of result.violations)
        if (violation.impact === 'serious' || violation.impact === 'critical')
          problems.push(`${v.id}: ${violation.id} (${violation.impact}) ${violation.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    }
    // Korean, projector mode: the chain view as a class sees it on the wall.
    await central.bringToFront();
    await show(central, 'Chain');
    await central.getByLabel('Projector mode').check();
    await central.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await central.waitForTimeout(400);
    await central.screenshot({ path: path.join(shots, 'views-chain-ko-projector-1920x1080.png') });
    await classroom.evaluate(() => (window as unknown as Win).tabchain.node.setMining('off'));
    expect(problems).toEqual([]);
  }, 240_000);

  it('the network graph draws no ping/pong packet unless asked (a tab at rest draws nothing)', async () => {
    // Pings every 500 ms on the one link: before the change, each of them and its pong kept the
    // packet layer redrawing, so a tab at rest never stopped drawing.
    const net = `ka${Date.now().toString(36)}`;
    const a = await openNode(`network=${net}&role=central&topology=star&preset=regtest&ping=500&lang=en`);
    const b = await openNode(`network=${net}&role=wallet&topology=star&ping=500`);
    await a.waitForFunction(() => document.querySelector('.graph-node:not(.self):not(.known)') !== null, null, { timeout: 30_000 });
    await a.bringToFront();
    const drawn = () => a.evaluate(() => (document.querySelector('canvas.packet-layer') as HTMLCanvasElement & { packetLayer: { drawn: number } }).packetLayer.drawn);
    // The messages this node sends and receives from here on, as the node reports them.
    await a.evaluate(() => {
      const w = window as unknown as { seen: [number, string][]; tabchain: { node: { on(l: (e: { type: string; command?: string }) => void): void } } };
      w.seen = [];
      w.tabchain.node.on((e) => {
        if (e.type === 'message') w.seen.push([performance.now(), e.command!]);
      });
    });
    const commands = (since: number) => a.evaluate((t) => (window as unknown as { seen: [number, string][] }).seen.filter(([at]) => at >= t).map(([, c]) => c), since);
    const now = () => a.evaluate(() => performance.now());
    // A window of 2 s in which nothing but keepalive moved (the handshake's last messages, a
    // nodeinfo, may fall in the first ones): the layer drew nothing in it.
    let d0 = -1;
    for (let attempt = 0; attempt < 8 && d0 < 0; attempt++) {
      const from = await now();
      const before = await drawn();
      await a.waitForTimeout(2_000);
      const seen = await commands(from - 700); // a packet drawn in the window may have left up to 600 ms before it
      if (seen.some((c) => c !== 'ping' && c !== 'pong')) continue;
      expect(seen.filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(2);
      expect(seen.filter((c) => c === 'pong').length).toBeGreaterThanOrEqual(2);
      expect(await drawn()).toBe(before);
      d0 = before;
    }
    expect(d0, 'no quiet window of 2 s in 8 tries').toBeGreaterThanOrEqual(0);
    // Asked for, the keepalive is drawn like any other message.
    await a.getByLabel('Show ping/pong (keepalive)').check();
    await expect.poll(drawn, { timeout: 5_000 }).toBeGreaterThan(d0);
    await b.close();
    await a.close();
  }, 120_000);

  it('a tab opened at a lesson shows it, and the page address keeps its settings beside the node id it picked', async () => {
    // The tab writes its node address into the URL once it has an id; the page-only parameters
    // (?lesson=, ?view=, the bench's ?ping=, ?par=, the signalling server) must survive that.
    const page = await openNode(`network=url${Date.now().toString(36)}&role=central&topology=star&preset=regtest&view=lessons&lesson=double&ping=1500&par=0`);
    await expect.poll(() => page.locator('#lesson-tab-double').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('lesson-double').waitFor();
    const q = new URLSearchParams(await page.evaluate(() => location.search));
    expect(q.get('node')).toBe('3000');
    expect([q.get('view'), q.get('lesson'), q.get('ping'), q.get('par')]).toEqual(['lessons', 'double', '1500', '0']);
    await page.close();
  }, 120_000);
});
