/**
 * Six tabs in mesh topology: nodes learn each other's ids with addr and link up directly, so a
 * block reaches every tab — and still does after the central node's tab is closed.
 */
import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import {
  mineNow, nodeUrl, openNode, waitHeight, useApp,
} from './support/harness';

const app = useApp();

function peersOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { tabchain: { node: { peerIds(): string[] } } }).tabchain.node.peerIds());
}

/** True if the links among `ids` (ignoring every other node) join them all into one component. */
function connected(ids: string[], links: Map<string, string[]>): boolean {
  const seen = new Set([ids[0]]);
  const todo = [ids[0]];
  while (todo.length) for (const p of links.get(todo.pop()!) ?? []) if (ids.includes(p) && !seen.has(p)) (seen.add(p), todo.push(p));
  return ids.every((id) => seen.has(id));
}

describe('six tabs in mesh topology', () => {
  it('relays a block to every tab, and still does with the central tab closed', async () => {
    const network = `mesh${Date.now() % 100000}`;
    const central = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'central', topology: 'mesh', preset: 'regtest' }));
    const others: Page[] = [];
    for (const role of ['miner', 'wallet', 'wallet', 'miner', 'wallet'] as const)
      others.push(await openNode(app.ctx, nodeUrl(app.server.url, { network, role, topology: 'mesh' })));
    const ids = await Promise.all(others.map((p) => p.getByTestId('node-id').textContent())) as string[];
    expect(ids).toEqual(['3001', '3002', '3003', '3004', '3005']);

    // The five non-central nodes find each other (addr) and link up without the central node.
    await expect.poll(async () => {
      const links = new Map<string, string[]>();
      for (const [i, p] of others.entries()) links.set(ids[i], await peersOf(p));
      return [...links.values()].every((l) => l.includes('3000')) && connected(ids, links);
    }, { timeout: 45_000, interval: 250 }).toBe(true);

    // A block mined at the central node reaches all five.
    const b1 = await mineNow(central);
    for (const p of others) await waitHeight(p, 1, b1);

    // A block mined by the first miner reaches every tab.
    const b2 = await mineNow(others[0]);
    for (const p of [central, ...others]) await waitHeight(p, 2, b2);

    // The central's peer table: a row per peer, in a box that scrolls under a fixed height (a
    // class of sixty lists sixty peers).
    await central.locator('#tab-overview').click();
    const table = central.getByTestId('peer-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(5);
    expect(await table.evaluate((e) => [getComputedStyle(e).overflowY, getComputedStyle(e).maxHeight.endsWith('px')])).toEqual(['auto', true]);

    // Close the central tab; the others notice, and a block mined by the second miner still reaches all.
    await central.close();
    await expect.poll(async () => (await Promise.all(others.map(peersOf))).every((l) => !l.includes('3000')), { timeout: 30_000, interval: 250 }).toBe(true);
    const b3 = await mineNow(others[3]);
    for (const p of others) await waitHeight(p, 3, b3);
    for (const p of others) await expect.poll(() => p.getByTestId('height').textContent()).toBe('3');
    expect(app.ctx.errors).toEqual([]);
  }, 150_000);
});
