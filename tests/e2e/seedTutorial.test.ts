/**
 * The seed tutorial ("Building Blockchain in Go", part 7) in three real tabs — central, wallet,
 * miner — over real WebRTC through the real signalling server, driven through the UI the way a
 * student would: create the network on the setup screen, join it from two more tabs, add
 * addresses, send with "Mine it now", send two payments from the wallet, let the miner mine at
 * its threshold of 2. Ends with balances 9, 9, 1, 1, miner 10, central 10 on every tab.
 */
import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import {
  screenshot, showView, shownBalance, utxoBalances, waitHeight, waitPeers, waitRunning, walletAddresses, useApp,
} from './support/harness';

const app = useApp();

/** Goes through the setup screen: network name, role, (preset), then Create or Join. */
async function joinFromSetup(page: Page, network: string, role: 'central' | 'wallet' | 'miner', preset?: string, shot?: string): Promise<void> {
  await page.goto(app.server.url + '/');
  await page.getByLabel('Network name').fill(network);
  await page.getByRole('radio', { name: new RegExp(`^${role}\\b`) }).check();
  if (preset) await page.getByLabel('Chain parameters').selectOption(preset);
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: role === 'central' ? 'Create network' : 'Join network' }).click();
  await waitRunning(page, 240_000); // the classroom genesis is mined before the node runs
}

/** Fills the send form and submits it; resolves with the result line's text. */
async function send(page: Page, from: string | null, to: string, amount: string, mineNow = false): Promise<string> {
  const form = (await showView(page, 'wallet')).getByRole('form', { name: 'Send a payment' });
  if (from) await form.getByLabel('From').selectOption(from);
  await form.getByLabel('To address').fill(to);
  await form.getByLabel('Amount (coins)').fill(amount);
  await form.getByLabel('Fee rate (sat/byte)').fill('0'); // the Go tutorial pays no fee: balances come out 9, 9, 1, 1, 10, 10
  // "Mine it now" stays as set: tick or untick it to what this send wants.
  const box = form.getByRole('checkbox', { name: /Mine it now/ });
  if (await box.count()) await box.setChecked(mineNow);
  const result = page.getByTestId('send-result');
  const before = (await result.count()) ? await result.textContent() : null;
  await form.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => result.textContent(), { timeout: 10_000 }).not.toBe(before);
  return (await result.textContent()) ?? '';
}

/**
 * The nine steps with the given chain parameters. `regtest` (Instant) makes proof of work
 * trivial; `classroom` is the default a class gets (a block takes seconds of real mining in the
 * tab's Web Workers). Screenshots are taken when `shots` is set.
 */
async function seedTutorial(preset: 'regtest' | 'classroom', shots: boolean): Promise<void> {
  const network = `seed${preset}${Date.now() % 100000}`;
  const T = preset === 'regtest' ? 60_000 : 240_000; // waits that include mining

  // 1. The central node creates the network.
  const central = await app.ctx.newPage();
  await joinFromSetup(central, network, 'central', preset, shots ? 'e2e-setup' : undefined);
  await expect.poll(() => central.getByTestId('node-id').textContent()).toBe('3000');
  await expect.poll(() => central.getByTestId('height').textContent()).toBe('0');
  const [CENTRAL] = await walletAddresses(central);

  // 2.-3. A wallet tab and a miner tab join; each downloads the genesis block.
  const wallet = await app.ctx.newPage();
  await joinFromSetup(wallet, network, 'wallet');
  const miner = await app.ctx.newPage();
  await joinFromSetup(miner, network, 'miner');
  await expect.poll(() => wallet.getByTestId('node-id').textContent()).toBe('3001');
  await expect.poll(() => miner.getByTestId('node-id').textContent()).toBe('3002');
  for (const p of [wallet, miner]) {
    await waitPeers(p, 1);
    await waitHeight(p, 0);
  }
  await expect.poll(() => central.getByTestId('peer-count').textContent(), { timeout: 20_000 }).toBe('2');

  // The wallet makes WALLET_1..3 with "New address"; the miner keeps its own address and adds WALLET_4.
  const walletPanel = await showView(wallet, 'wallet');
  await walletPanel.getByRole('button', { name: 'New address' }).click();
  await walletPanel.getByRole('button', { name: 'New address' }).click();
  await expect.poll(() => walletAddresses(wallet).then((a) => a.length)).toBe(3);
  await (await showView(miner, 'wallet')).getByRole('button', { name: 'New address' }).click();
  await expect.poll(() => walletAddresses(miner).then((a) => a.length)).toBe(2);
  const [W1, W2, W3] = await walletAddresses(wallet);
  const [MINER, W4] = await walletAddresses(miner);
  const minerPanel = await showView(miner, 'miner');
  await expect.poll(() => minerPanel.getByTestId('miner-state').textContent()).toMatch(/threshold.*at 2 txs/);

  // 4. Central sends 10 to WALLET_1 and mines it at once, then 10 to WALLET_2 the same way.
  expect(await send(central, CENTRAL, W1, '10', true)).toMatch(/^Sent 10/);
  await waitHeight(central, 1, null, T);
  expect(await send(central, CENTRAL, W2, '10', true)).toMatch(/^Sent 10/);
  await waitHeight(central, 2, null, T);
  const tip2 = await central.evaluate(() => (window as unknown as { tabchain: { node: { tipHash: string } } }).tabchain.node.tipHash);
  for (const p of [wallet, miner]) await waitHeight(p, 2, tip2);
  await expect.poll(() => shownBalance(wallet, W1)).toBe('10');
  await expect.poll(() => shownBalance(wallet, W2)).toBe('10');

  // 5.-6. The wallet pays WALLET_1 → WALLET_3 1 and WALLET_2 → WALLET_4 1; at 2 transactions the miner mines.
  expect(await send(wallet, W1, W3, '1')).toMatch(/^Sent 1/);
  expect(await send(wallet, W2, W4, '1')).toMatch(/^Sent 1/);
  await waitHeight(miner, 3, null, T);
  const tip3 = await miner.evaluate(() => (window as unknown as { tabchain: { node: { tipHash: string } } }).tabchain.node.tipHash);

  // 7.-8. The block reaches the central node and the wallet.
  for (const p of [central, wallet]) await waitHeight(p, 3, tip3);
  for (const p of [central, wallet, miner]) await expect.poll(() => p.getByTestId('height').textContent()).toBe('3');

  // 9. Each tab's wallet panel shows its own balances…
  await expect.poll(() => shownBalance(central, CENTRAL)).toBe('10');
  for (const [a, v] of [[W1, '9'], [W2, '9'], [W3, '1']]) await expect.poll(() => shownBalance(wallet, a)).toBe(v);
  for (const [a, v] of [[MINER, '10'], [W4, '1']]) await expect.poll(() => shownBalance(miner, a)).toBe(v);
  // … and every node's UTXO set gives all six balances.
  for (const p of [central, wallet, miner]) {
    const b = await utxoBalances(p);
    expect([W1, W2, W3, W4, MINER, CENTRAL].map((a) => b.get(a) ?? 0)).toEqual([9, 9, 1, 1, 10, 10]);
    expect(await p.evaluate(() => (window as unknown as { tabchain: { node: { mempool: { size: number } } } }).tabchain.node.mempool.size)).toBe(0);
  }
  // Star topology: wallet and miner reach each other only through the central node.
  for (const p of [wallet, miner]) expect(await p.evaluate(() => (window as unknown as { tabchain: { node: { peerIds(): string[] } } }).tabchain.node.peerIds())).toEqual(['3000']);

  if (shots) {
    // Screenshots of each tab: its first view, its wallet, and the miner's miner view.
    for (const [p, name] of [[central, 'central'], [wallet, 'wallet'], [miner, 'miner']] as const) {
      await screenshot(p, `e2e-${name}-wallet`);
      await p.locator('[role=tab]').first().click().catch(() => {});
      await screenshot(p, `e2e-${name}`);
    }
    await showView(miner, 'miner');
    await screenshot(miner, 'e2e-miner-miner');
  }
  expect(app.ctx.errors).toEqual([]);
  await Promise.all([central, wallet, miner].map((p) => p.close()));
}

describe('seed tutorial in three tabs (central, wallet, miner) over WebRTC', () => {
  it('runs the nine steps and ends with 9, 9, 1, 1, miner 10, central 10 on every tab', () => seedTutorial('regtest', true), 120_000);
  it('does the same at the default classroom difficulty, mining for real in the tabs', () => seedTutorial('classroom', false), 300_000);
});
