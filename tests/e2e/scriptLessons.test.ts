/**
 * Real Bitcoin Script in two real tabs (central and a wallet, regtest, real WebRTC), driven
 * through the UI as two students would: both build the same 2-of-2 multisig address from each
 * other's public key; central funds it; the wallet proposes a payment and signs; the hex goes to
 * central, which adds its signature and broadcasts. A time lock refuses to open early — first not
 * final, then the script's "Locktime requirement not satisfied"; a note rides in an OP_RETURN.
 * Then the Script debugger steps through the multisig spend to its verdict, with the signature
 * hash shown field by field. Screenshots at 390, 1280 and 1920 px in English and Korean; axe-core.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { mineNow, nodeUrl, onNode, openNode, screenshot, screenshotDir, showView, waitHeight, waitPeers, walletAddresses, useApp } from './support/harness';

const app = useApp();

async function axe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

async function lessons(page: Page, tab: 'Shared (multisig)' | 'Time lock' | 'Note (OP_RETURN)'): Promise<Locator> {
  const panel = (await showView(page, 'wallet')).page().getByTestId('panel-lessons');
  await panel.getByRole('button', { name: tab }).click();
  return panel;
}

describe('Script lessons and the Script debugger in real tabs', () => {
  it('a 2-of-2 multisig across two tabs, a time lock, a note, and the debugger stepping through the spend', async () => {
    const network = `script${Date.now() % 100000}`;
    const central = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'central', preset: 'regtest' }));
    const wallet = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'wallet', preset: 'regtest' }));
    await waitPeers(wallet, 1);
    await waitHeight(wallet, 0);
    const [W] = await walletAddresses(wallet);

    // Each student reads their public key and pastes the other's: both get the same 2-of-2 address.
    const cPanel = await lessons(central, 'Shared (multisig)');
    const wPanel = await lessons(wallet, 'Shared (multisig)');
    const cKey = await cPanel.getByTestId('my-pubkey').inputValue();
    const wKey = await wPanel.getByTestId('my-pubkey').inputValue();
    for (const [panel, other] of [[cPanel, wKey], [wPanel, cKey]] as const) {
      await panel.getByTestId('multisig-keys').fill(other);
      await panel.getByTestId('multisig-m').selectOption('2');
      await panel.getByRole('button', { name: 'Make the shared address' }).click();
    }
    const shared = (await cPanel.getByTestId('shared-address-text').textContent())!;
    expect(shared).toMatch(/^2/);
    expect(await wPanel.getByTestId('shared-address-text').textContent()).toBe(shared);

    // Central pays 3 coins to the shared address and mines it.
    await onNode(central, (t, to: string) => t.node.send(t.node.keys[0].address, to, 300_000_000n, { mine: true }), shared);
    await waitHeight(wallet, 1);

    // The wallet proposes 2 coins to itself and signs: 1 of 2 signatures.
    const proposal = wPanel.getByTestId('shared-address');
    await proposal.getByLabel('To address').fill(W!);
    await proposal.getByLabel('Amount (coins)').fill('2');
    await proposal.getByRole('button', { name: 'Propose a payment and sign it' }).click();
    await expect.poll(() => proposal.getByTestId('multisig-status').textContent()).toContain('1 of 2 signatures');
    const hex = await proposal.getByTestId('multisig-paste').inputValue();
    // Central pastes it, adds its signature, broadcasts.
    await cPanel.getByTestId('multisig-paste').last().fill(hex);
    await expect.poll(() => cPanel.getByTestId('multisig-status').last().textContent()).toContain('1 of 2 signatures');
    await cPanel.getByRole('button', { name: 'Add my signature' }).last().click();
    await expect.poll(() => cPanel.getByTestId('multisig-status').last().textContent()).toContain('2 of 2 signatures');
    await cPanel.getByTestId('multisig-broadcast').last().click();
    await expect.poll(() => cPanel.getByTestId('multisig-result').last().textContent()).toContain('Accepted into the mempool');
    await mineNow(central);
    await waitHeight(wallet, 2);

    // A time lock of 3 blocks: neither honest nor lying spends get through yet. (Mining shows the
    // miner view, so the lesson is opened again after each block.)
    let tPanel = await lessons(central, 'Time lock');
    await tPanel.getByTestId('timelock-blocks').fill('3');
    await tPanel.getByRole('button', { name: 'Lock the coins' }).click();
    await mineNow(central);
    tPanel = await lessons(central, 'Time lock');
    let locked = tPanel.getByTestId('timelock-address');
    await locked.getByTestId('timelock-spend').click();
    await expect.poll(() => locked.getByTestId('timelock-result').textContent()).toContain('bad-txns-nonfinal');
    await locked.getByTestId('timelock-cheat').click();
    await expect.poll(() => locked.getByTestId('timelock-result').textContent()).toContain('mandatory-script-verify-flag-failed (Locktime requirement not satisfied)');
    await mineNow(central);
    await mineNow(central);
    tPanel = await lessons(central, 'Time lock');
    locked = tPanel.getByTestId('timelock-address');
    await locked.getByTestId('timelock-spend').click();
    await expect.poll(() => locked.getByTestId('timelock-result').textContent()).toContain('Accepted into the mempool');

    // A note.
    const nPanel = await lessons(central, 'Note (OP_RETURN)');
    await nPanel.getByLabel('To address').fill(W!);
    await nPanel.getByTestId('note-text').fill('hello from the central node');
    await nPanel.getByRole('button', { name: 'Send with the note' }).click();
    await expect.poll(() => nPanel.getByTestId('note-result').textContent()).toContain('Sent');
    await mineNow(central);

    // The debugger: the multisig spend (block 2), stepped to its verdict.
    const view = await showView(central, 'script');
    await view.getByTestId('script-block').selectOption(await onNode(central, (t) => t.node.chain.entryAt(2).hash as string));
    await view.getByTestId('script-step').click();
    await view.getByTestId('script-step').click();
    expect(await view.getByTestId('script-stack').locator('li').count()).toBeGreaterThan(0);
    await view.getByTestId('script-run').click();
    await expect.poll(() => view.getByTestId('script-verdict').textContent()).toContain('Valid');
    expect(await view.getByTestId('script-sighash').textContent()).toContain('SHA-256d');
    expect(await axe(central)).toEqual([]);
    // What if one bit of a signature were different? CHECKMULTISIG finds no match: false on top.
    await view.locator('summary', { hasText: 'What if?' }).click();
    await view.getByTestId('whatif-break').click();
    await view.getByTestId('script-run').click();
    await expect.poll(() => view.getByTestId('script-error').textContent()).toBe(
      'SCRIPT_ERR_EVAL_FALSE: Script evaluated without error but finished with a false/empty top stack element',
    );
    await view.screenshot({ path: path.join(screenshotDir, 'script-debugger-failure-en-1280.png') });
    // And a scriptSig that does work instead of pushing data: OP_DUP on an empty stack.
    await view.getByTestId('whatif-scriptsig').fill('DUP');
    await view.getByTestId('whatif-run').click();
    await view.getByTestId('script-run').click();
    await expect.poll(() => view.getByTestId('script-error').textContent()).toContain('SCRIPT_ERR_INVALID_STACK_OPERATION');
    expect(await view.locator('.ops .op.failed').textContent()).toContain('OP_DUP');

    for (const lang of ['en', 'ko'] as const) {
      if (lang === 'ko') await central.getByRole('combobox', { name: 'Language' }).selectOption('ko');
      for (const width of [390, 1280, 1920]) {
        await central.setViewportSize({ width, height: width === 390 ? 844 : width === 1280 ? 800 : 1080 });
        // The debugger at the multisig spend's first signature check.
        const panel = await showView(central, 'script');
        await panel.getByTestId('script-block').selectOption(await onNode(central, (t) => t.node.chain.entryAt(2).hash as string));
        while (!(await panel.getByTestId('script-sighash').count())) await panel.getByTestId('script-step').click();
        await screenshot(central, `script-debugger-${lang}-${width}`);
        await panel.screenshot({ path: path.join(screenshotDir, `script-debugger-panel-${lang}-${width}.png`) });
        await showView(central, 'wallet');
        const lessonsPanel = central.getByTestId('panel-lessons');
        await screenshot(central, `script-lessons-${lang}-${width}`);
        await lessonsPanel.screenshot({ path: path.join(screenshotDir, `script-lessons-panel-${lang}-${width}.png`) });
        for (const l of ['timelock', 'note'] as const) {
          await lessonsPanel.getByTestId(`lesson-tab-${l}`).click();
          await lessonsPanel.screenshot({ path: path.join(screenshotDir, `script-lessons-${l}-${lang}-${width}.png`) });
        }
      }
    }
    expect(await central.evaluate(() => (window as unknown as { __missingKeys?: string[] }).__missingKeys ?? [])).toEqual([]);
    expect(app.ctx.errors).toEqual([]);
  }, 240_000);
});
