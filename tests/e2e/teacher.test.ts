/**
 * The teacher in control, in real tabs: the central tab shows how to join (room code, link, QR
 * code) and the teacher link; the teacher dashboard opened from it pauses mining in every tab,
 * resumes it, splits the class and heals it, and sends a message to every screen; a dashboard
 * holding another key is refused by every node, which says so on screen. Driven through the UI.
 */
import type { Page } from '@playwright/test';
import { describe, expect, it, vi } from 'vitest';
import { mineNow, nodeUrl, openNode, showView, tipOf, useApp, waitHeight, waitPeers } from './support/harness';

const app = useApp();

async function height(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { tabchain: { node: { height: number } } }).tabchain.node.height);
}

describe('teacher controls', () => {
  it('join card and teacher link; pause, resume, split, heal and a message reach every tab; a forged dashboard is refused', async () => {
    const network = `teach${Date.now() % 100000}`;
    const central = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'central', preset: 'regtest' }));
    const wallet = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'wallet' }));
    const miner = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'miner' }));
    await waitPeers(central, 2);
    const tabs = [central, wallet, miner];

    // How students join: the room code, a link and a QR code of it.
    await central.locator('#tab-overview').click();
    const card = central.getByTestId('join-card');
    expect(await card.getByTestId('room-code').textContent()).toBe(network);
    const joinHref = await card.getByTestId('join-link').getAttribute('href');
    expect(joinHref).toBe(`${app.server.url}/?join=${network}`);
    expect(await card.getByTestId('join-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const joiner = await app.ctx.newPage();
    await joiner.goto(joinHref!);
    expect(await joiner.getByRole('textbox').first().inputValue()).toBe(network);
    expect(await joiner.getByRole('radio', { name: /wallet/i }).isChecked()).toBe(true);
    await joiner.close();

    // The teacher link opens the dashboard with the controls.
    const href = await central.getByTestId('teacher-dashboard-link').getAttribute('href');
    expect(href).toMatch(/#teacher=[0-9a-f]{64}$/);
    const dash = await app.ctx.newPage();
    await dash.goto(`${app.server.url}/${href}`);
    const panel = dash.getByTestId('teacher-panel');
    await vi.waitFor(async () => expect(await dash.getByTestId('dash-online').textContent()).toBe('3'), { timeout: 30_000 });

    await panel.getByRole('button', { name: 'Pause mining' }).click();
    for (const tab of tabs) await vi.waitFor(async () => expect(await tab.getByTestId('mining-paused').isVisible()).toBe(true), { timeout: 15_000 });
    await vi.waitFor(async () => expect(await panel.getByTestId('teacher-paused-count').textContent()).toContain('3 of 3'), { timeout: 15_000 });
    // "Mine a block now" does nothing while paused.
    const h0 = await height(central);
    await (await showView(miner, 'miner')).getByRole('button', { name: 'Mine a block now' }).click();
    await miner.waitForTimeout(1_500);
    expect(await height(miner)).toBe(h0);

    await panel.getByRole('button', { name: 'Resume mining' }).click();
    for (const tab of tabs) await vi.waitFor(async () => expect(await tab.getByTestId('mining-paused').count()).toBe(0), { timeout: 15_000 });
    const b1 = await mineNow(central);
    await waitHeight(wallet, h0 + 1, b1);

    // Split: 3000 and 3002 on one side, the wallet 3001 alone; a block does not cross; heal.
    await panel.getByRole('button', { name: 'Split the class in two' }).click();
    await vi.waitFor(async () => expect(await wallet.getByTestId('partitioned').isVisible()).toBe(true), { timeout: 15_000 });
    await vi.waitFor(async () => expect(await wallet.evaluate(() => (window as unknown as { tabchain: { node: { peerIds(): string[] } } }).tabchain.node.peerIds())).toEqual([]), { timeout: 15_000 });
    const b2 = await mineNow(central);
    await waitHeight(miner, h0 + 2, b2);
    expect(await height(wallet)).toBe(h0 + 1);
    await panel.getByRole('button', { name: 'Heal the split' }).click();
    await waitHeight(wallet, h0 + 2, b2, 30_000);
    // The block can arrive (≈30 ms after the heal on one machine) before the screen's next refresh (100 ms).
    await vi.waitFor(async () => expect(await wallet.getByTestId('partitioned').count()).toBe(0), { timeout: 15_000 });

    // A message on every screen.
    await panel.getByLabel('Message to every screen').fill('Look at block 2 / 2번 블록을 보세요');
    await panel.getByRole('button', { name: 'Send' }).click();
    for (const tab of tabs) await vi.waitFor(async () => expect(await tab.getByTestId('teacher-message').textContent()).toContain('Look at block 2 / 2번 블록을 보세요'), { timeout: 15_000 });

    // A dashboard with another key (a student who guessed the page): every node refuses and says so.
    await dash.close();
    const forged = await app.ctx.newPage();
    await forged.goto(`${app.server.url}/?dashboard=${network}#teacher=${'ab'.repeat(32)}`);
    await vi.waitFor(async () => expect(await forged.getByTestId('dash-online').textContent()).toBe('3'), { timeout: 30_000 });
    await forged.getByTestId('teacher-panel').getByRole('button', { name: 'Pause mining' }).click();
    for (const tab of tabs) await vi.waitFor(async () => expect(await tab.getByTestId('teacher-refused').textContent()).toContain('teacher-forged'), { timeout: 15_000 });
    expect(await central.getByTestId('mining-paused').count()).toBe(0);
    expect(await tipOf(wallet)).toBe(b2);
    expect(app.ctx.errors).toEqual([]);
  }, 180_000);
});
