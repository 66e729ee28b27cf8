/**
 * A class joining at once, in real tabs (the small version of `npm run bench -- class`, which
 * opens 24): six student tabs of one browser — all but the last behind it — join a central node
 * that holds a chain, sync it, and all connect the next block. And a student whose central node is
 * not there says why on screen instead of retrying silently.
 */
import { describe, expect, it, vi } from 'vitest';
import { nodeUrl, openNode, useApp, waitHeight } from './support/harness';

const app = useApp();
const TABS = 6;

describe('a class joins', () => {
  it(`${TABS} tabs join at once, sync, and all connect the next block`, async () => {
    const network = `join${Date.now() % 100000}`;
    const central = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'central', preset: 'regtest' }));
    for (let h = 1; h <= 5; h++) {
      await central.evaluate('window.tabchain.node.mineOnce()');
      await waitHeight(central, h);
    }
    const tip = (await central.evaluate('window.tabchain.node.tipHash')) as string;
    const t0 = Date.now();
    const tabs = await Promise.all(
      Array.from({ length: TABS }, async (_, i) => {
        const page = await app.ctx.newPage();
        await page.goto(nodeUrl(app.server.url, { network, role: i % 3 === 0 ? 'miner' : 'wallet' }));
        return page;
      }),
    );
    await Promise.all(tabs.map((t) => waitHeight(t, 5, tip, 60_000)));
    expect(Date.now() - t0).toBeLessThan(60_000);
    const ids = await Promise.all(tabs.map((t) => t.evaluate(() => (window as unknown as { tabchain: { node: { id: string } } }).tabchain.node.id)));
    expect(new Set(ids).size).toBe(TABS);
    await central.evaluate('window.tabchain.node.mineOnce()');
    await waitHeight(central, 6);
    const next = (await central.evaluate('window.tabchain.node.tipHash')) as string;
    await Promise.all(tabs.map((t) => waitHeight(t, 6, next, 30_000)));
    expect(app.ctx.errors).toEqual([]);
    await Promise.all(tabs.map((t) => t.close()));
  }, 150_000);

  it('a student whose central node is not online says why on screen', async () => {
    const page = await openNode(app.ctx, nodeUrl(app.server.url, { network: `empty${Date.now() % 100000}`, role: 'wallet' }));
    await vi.waitFor(async () => expect(await page.getByTestId('no-link').textContent()).toMatch(/3000.*(unreachable|not on the signalling server)/), { timeout: 30_000 });
    await page.close();
  }, 60_000);
});
