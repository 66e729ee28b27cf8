/**
 * BIP 152 compact blocks between real tabs over WebRTC: a block whose payment every tab already
 * holds arrives as a cmpctblock and is rebuilt from the mempool with nothing to fetch; a block
 * mined while its miner was cut off carries a payment nobody has seen, and the receivers ask for
 * it with getblocktxn. The message view shows the rebuild, in English and in Korean.
 */
import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { inbound, mineNow, nodeUrl, onNode, openNode, recorded, showView, tipOf, useApp, waitHeight, waitPeers, walletAddresses, type Recorded } from './support/harness';

const app = useApp();

type Compact = Extract<Recorded, { type: 'compact' }>;
const compactOf = async (page: Page, hash: string): Promise<Compact[]> =>
  (await recorded(page)).filter((e): e is Compact => e.type === 'compact' && e.hash === hash);
const outbound = async (page: Page, command: string, hash: string) =>
  (await recorded(page)).filter((e) => e.type === 'message' && e.dir === 'out' && e.command === command && e.hashes?.includes(hash));

describe('compact blocks between tabs (BIP 152)', () => {
  it('rebuilt from the mempool in one message; a payment nobody saw is fetched with getblocktxn; the message view shows it', async () => {
    const network = `cmpct${Date.now() % 100000}`;
    const central = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'central', preset: 'regtest' }));
    const miner = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'miner' }));
    const wallet = await openNode(app.ctx, `${nodeUrl(app.server.url, { network, role: 'wallet' })}&lang=ko`);
    await waitPeers(miner, 1);
    await waitPeers(wallet, 1);
    const [W] = await walletAddresses(wallet);

    // 1. A payment relayed to every tab, then mined by the miner: everyone rebuilds it from its mempool.
    await onNode(central, (t, to: string) => t.node.send(t.node.keys[0].address, to, 100_000_000n), W!);
    for (const p of [miner, wallet]) await p.waitForFunction(() => (window as unknown as { tabchain: { node: { mempool: { size: number } } } }).tabchain.node.mempool.size === 1, null, { polling: 50 });
    const b1 = await mineNow(miner);
    for (const p of [central, wallet]) await waitHeight(p, 1, b1);
    for (const p of [central, wallet]) {
      expect((await inbound(p, 'cmpctblock')).some((m) => m.hashes?.includes(b1))).toBe(true);
      expect((await inbound(p, 'block')).some((m) => m.hashes?.includes(b1))).toBe(false);
      expect(await outbound(p, 'getblocktxn', b1)).toEqual([]);
      expect(await compactOf(p, b1)).toMatchObject([{ stage: 'reconstructed', total: 2, mempool: 1, missing: 0 }]);
    }

    // 2. The miner, cut off, pays the wallet and mines: nobody has that payment.
    await onNode(miner, (t) => t.node.setOffline(true));
    await onNode(miner, (t, to: string) => t.node.send(t.node.keys[0].address, to, 200_000_000n), W!);
    const b2 = await mineNow(miner);
    await onNode(miner, (t) => t.node.setOffline(false));
    for (const p of [central, wallet]) await waitHeight(p, 2, b2, 30_000);
    const c = await compactOf(central, b2);
    expect(c.map((e) => e.stage)).toEqual(['fetching', 'filled']);
    expect(c[0]).toMatchObject({ peer: (await miner.getByTestId('node-id').textContent())!, total: 2, mempool: 0, missing: 1 });
    expect(await outbound(central, 'getblocktxn', b2)).toHaveLength(1);
    expect((await inbound(central, 'blocktxn')).some((m) => m.hashes?.includes(b2))).toBe(true);
    expect((await compactOf(wallet, b2)).map((e) => e.stage)).toEqual(['fetching', 'filled']);
    expect(await tipOf(wallet)).toBe(b2);

    // 3. The message view: the central tab's cmpctblock of b1 says it was rebuilt with nothing to fetch.
    const view = await showView(central, 'messages');
    await view.locator('tr[data-command=cmpctblock]').last().click();
    const rebuild = central.getByTestId('compact-rebuild');
    await expect.poll(() => rebuild.getAttribute('data-stage')).toBe('reconstructed');
    expect(await rebuild.innerText()).toMatch(/1 found in this node’s mempool by short id/);
    // …and the wallet, in Korean, the blocktxn that completed b2.
    const kview = await showView(wallet, 'messages');
    await kview.locator('tr[data-command=blocktxn]').last().click();
    const krebuild = wallet.getByTestId('compact-rebuild');
    await expect.poll(() => krebuild.getAttribute('data-stage')).toBe('filled');
    expect(await krebuild.innerText()).toMatch(/blocktxn으로 와서 블록이 완성되었습니다/);
    expect(await wallet.evaluate(() => (window as unknown as { __missingKeys?: string[] }).__missingKeys ?? [])).toEqual([]);
    expect(app.ctx.errors).toEqual([]);
  }, 150_000);
});
