/**
 * The classroom views of one node in real tabs: the guided scenario ticks its nine steps in order
 * as the network really does them; the Korean UI has no untranslated string; the network graph and
 * message view pass axe-core; screenshots of both at projector and laptop sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { launchChromium, newContext, nodeUrl, onNode, openNode, screenshot, startApp, waitHeight, waitPeers, type AppServer } from './support/harness';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium(); // first: with no browser installed it throws before a server starts
  server = await startApp();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Samples the scenario panel every 50 ms and records the order in which steps become done. */
async function watchSteps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __stepOrder: number[] };
    w.__stepOrder = [];
    setInterval(() => {
      for (let i = 1; i <= 9; i++) {
        const el = document.querySelector(`[data-testid=step-${i}]`);
        if (el?.getAttribute('data-state') === 'done' && !w.__stepOrder.includes(i)) w.__stepOrder.push(i);
      }
    }, 50);
  });
}

async function axe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

describe('classroom views in real tabs', () => {
  it('guided scenario ticks 1–9 in order in a Korean wallet tab; views pass axe; screenshots', async () => {
    const ctx = await newContext(browser);
    const network = `cls${Date.now() % 100000}`;
    const central = await openNode(ctx, nodeUrl(server.url, { network, role: 'central', preset: 'regtest' }));
    const wallet = await openNode(ctx, `${nodeUrl(server.url, { network, role: 'wallet' })}&lang=ko`);
    await watchSteps(wallet);
    const miner = await openNode(ctx, nodeUrl(server.url, { network, role: 'miner' }));
    await waitPeers(central, 2);

    // Setup (not the point here: the seed tutorial e2e test drives these through the UI).
    const [w1, w2] = await onNode(wallet, (t) => [t.node.keys[0].address, t.node.newAddress().address]);
    const w4 = await onNode(miner, (t) => t.node.newAddress().address);
    await onNode(central, (t, a: string) => t.node.send(t.node.keys[0].address, a, 10n * 100_000_000n, { mine: true }), w1);
    await waitHeight(wallet, 1);
    await onNode(central, (t, a: string) => t.node.send(t.node.keys[0].address, a, 10n * 100_000_000n, { mine: true }), w2);
    await waitHeight(wallet, 2);
    await waitHeight(miner, 2);
    await onNode(wallet, (t, [a, b, c]: string[]) => {
      t.node.send(a, b, 100_000_000n);
      t.node.send(b, c, 100_000_000n);
    }, [w1, w2, w4]);
    await waitHeight(wallet, 3);

    await wallet.waitForFunction(() => (window as unknown as { __stepOrder: number[] }).__stepOrder.length === 9, null, { timeout: 20_000 });
    expect(await wallet.evaluate(() => (window as unknown as { __stepOrder: number[] }).__stepOrder)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The central node ticks 1–8 (it cannot see the wallet read its balance).
    await central.waitForSelector('[data-testid=step-8][data-state=done]', { timeout: 20_000 });

    // Korean: every string translated, none missing.
    const scenarioText = await wallet.getByTestId('scenario').innerText();
    expect(scenarioText).toContain('따라하기');
    expect(scenarioText).not.toMatch(/The central node creates the chain|Wallets connect|waiting…|inferred/);
    expect(await wallet.evaluate(() => (window as unknown as { __missingKeys?: string[] }).__missingKeys ?? [])).toEqual([]);
    expect(await central.evaluate(() => (window as unknown as { __missingKeys?: string[] }).__missingKeys ?? [])).toEqual([]);

    // Accessibility of the overview (graph + scenario) and the message view with a message open.
    expect(await axe(wallet)).toEqual([]);
    await central.locator('#tab-messages').click();
    await central.locator('tr[data-command=cmpctblock]').first().click();
    await central.getByTestId('message-detail').getByText('merkle root').first().waitFor();
    expect(await axe(central)).toEqual([]);

    for (const [w, h] of [[1280, 800], [1920, 1080]]) {
      for (const [page, name] of [[central, 'central'], [wallet, 'wallet-ko']] as const) {
        await page.setViewportSize({ width: w, height: h });
        for (const view of ['overview', 'messages']) {
          await page.locator(`#tab-${view}`).click();
          if (view === 'messages') await page.locator('tr[data-command=cmpctblock]').first().click();
          await page.waitForTimeout(150); // let the graph lay out before the picture
          await screenshot(page, `classroom-${name}-${view}-${w}x${h}`);
        }
      }
    }
    expect(ctx.errors).toEqual([]);
    await ctx.close();
  }, 180_000);
});
