/**
 * A wallet tab reloads (and later closes and comes back) like a student's laptop would: the same
 * node id, the same addresses and balances, the chain read back from IndexedDB — no block is
 * downloaded again — and only the blocks mined while it was away arrive over the network.
 */
import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import {
  inbound, mineNow, nodeUrl, openNode, recorded, showView, shownBalance, tipOf, utxoBalances, waitHeight, waitPeers, waitRunning, walletAddresses, useApp,
} from './support/harness';

const app = useApp();

/** Hashes of the blocks this tab received (inbound `block` and BIP 152 `cmpctblock` messages). */
async function blocksReceived(page: Page): Promise<string[]> {
  return [...(await inbound(page, 'block')), ...(await inbound(page, 'cmpctblock'))].flatMap((m) => m.hashes ?? []);
}

/** What a student sees of the wallet: node id, addresses and their confirmed balances. */
async function walletSnapshot(page: Page): Promise<{ id: string | null; balances: [string, string | null][] }> {
  const addresses = await walletAddresses(page);
  const balances: [string, string | null][] = [];
  for (const a of addresses) balances.push([a, await shownBalance(page, a)]);
  return { id: await page.getByTestId('node-id').textContent(), balances };
}

/** Lets the tab's IndexedDB writes finish (a setup step: the test is about reading them back). */
function flushed(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as { tabchain: { store: { flushed(): Promise<void> } } }).tabchain.store.flushed());
}

describe('a wallet tab reloads and comes back', () => {
  it('keeps its id, keys, balances and chain, and downloads only blocks it has not got', async () => {
    const network = `reload${Date.now() % 100000}`;
    const central = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'central', preset: 'regtest' }));
    let wallet = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'wallet' }));
    await waitPeers(wallet, 1);
    await (await showView(wallet, 'wallet')).getByRole('button', { name: 'New address' }).click();
    await expect.poll(() => walletAddresses(wallet).then((a) => a.length)).toBe(2);
    const [, W2] = await walletAddresses(wallet);

    // Central pays the wallet's second address and mines it; then two more blocks.
    const form = (await showView(central, 'wallet')).getByRole('form', { name: 'Send a payment' });
    await form.getByLabel('To address').fill(W2);
    await form.getByLabel('Amount (coins)').fill('10');
    await form.getByLabel('Fee rate (sat/byte)').fill('0'); // all 10 coins: no room for a fee
    await form.getByRole('checkbox', { name: /Mine it now/ }).check();
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await waitHeight(central, 1);
    await mineNow(central);
    await mineNow(central);
    await waitHeight(wallet, 3, await tipOf(central));
    await expect.poll(() => shownBalance(wallet, W2)).toBe('10');
    const before = await walletSnapshot(wallet);
    expect(before.id).toBe('3001');
    expect(new URL(wallet.url()).searchParams.get('node')).toBe('3001');
    expect(await blocksReceived(wallet)).toHaveLength(3);
    await flushed(wallet);

    // Reload: same node, chain from IndexedDB (height 3 before any peer is reached), nothing re-downloaded.
    await wallet.reload();
    await waitRunning(wallet);
    expect((await recorded(wallet)).find((e) => e.type === 'start')).toMatchObject({ height: 3 });
    await waitPeers(wallet, 1);
    expect(await walletSnapshot(wallet)).toEqual(before);
    // A new block after the reload is the only block this tab receives.
    const b4 = await mineNow(central);
    await waitHeight(wallet, 4, b4);
    expect(await blocksReceived(wallet)).toEqual([b4]);
    await flushed(wallet);

    // Close the tab; two blocks are mined while it is away; the same URL brings it back and it catches up.
    const url = wallet.url();
    await wallet.close();
    await expect.poll(() => central.evaluate(() => (window as unknown as { tabchain: { node: { peerIds(): string[] } } }).tabchain.node.peerIds().length), { timeout: 30_000 }).toBe(0);
    const b5 = await mineNow(central);
    const b6 = await mineNow(central);
    wallet = await openNode(app.ctx, url);
    expect((await recorded(wallet)).find((e) => e.type === 'start')).toMatchObject({ height: 4 });
    await waitHeight(wallet, 6, b6);
    expect(await blocksReceived(wallet)).toEqual([b5, b6]);
    expect(await walletSnapshot(wallet)).toEqual(before);
    await expect.poll(() => wallet.getByTestId('height').textContent()).toBe('6');
    expect(app.ctx.errors).toEqual([]);
  }, 120_000);

  it('a central tab keeps the genesis coin through a reload and a renderer crash', async () => {
    const network = `reloadc${Date.now() % 100000}`;
    const url = nodeUrl(app.server.url, { network, role: 'central', preset: 'regtest' });
    let central = await openNode(app.ctx, url);
    const [address] = await walletAddresses(central);
    for (let i = 0; i < 3; i++) await mineNow(central);
    // Genesis + 3 blocks: 4 unspent outputs, 40 coins, all this node's.
    await expect.poll(() => shownBalance(central, address)).toBe('40');
    expect((await utxoBalances(central)).get(address)).toBe(40);
    await flushed(central);

    await central.reload();
    await waitRunning(central);
    expect((await recorded(central)).find((e) => e.type === 'start')).toMatchObject({ height: 3 });
    await expect.poll(() => shownBalance(central, address)).toBe('40');
    expect((await utxoBalances(central)).get(address)).toBe(40);
    expect(await central.getByTestId('storage-repaired').count()).toBe(0);

    // A renderer crash right after a block: whatever was committed comes back whole (10 coins a block).
    await mineNow(central);
    await central.goto('chrome://crash').catch(() => undefined);
    await central.close().catch(() => undefined);
    central = await openNode(app.ctx, url);
    const height = (await recorded(central)).find((e) => e.type === 'start')!;
    expect([3, 4]).toContain((height as { height: number }).height);
    const coins = 10 * ((height as { height: number }).height + 1);
    await expect.poll(() => shownBalance(central, address)).toBe(String(coins));
    expect((await utxoBalances(central)).get(address)).toBe(coins);
    expect(await central.getByTestId('storage-repaired').count()).toBe(0);
  }, 120_000);
});
