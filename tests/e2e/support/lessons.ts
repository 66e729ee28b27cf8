/**
 * Helpers for the lessons' browser tests: open a lesson in a node tab through the UI, read what a
 * tab shows, wait for heights, and take each lesson's screenshots at 390, 1280 and 1920 px wide in
 * English and Korean (switched with the header's language menu, as a student would).
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { clickInFront, screenshotDir, showView } from './harness';

/** Pages found wider than their window while taking screenshots (a test may assert it stays empty). */
export const overflow: string[] = [];

export const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

type Win = { tabchain: { node: { height: number; tipHash: string; peerIds(): string[]; query: { walletKeys(): { address: string }[] } } } };

/** Opens the Lessons view and one lesson (tamper, double, private, slow, files); returns its panel. */
export async function openLesson(page: Page, lesson: 'tamper' | 'double' | 'private' | 'slow' | 'files'): Promise<Locator> {
  await showView(page, 'lessons');
  const tab = page.locator(`#lesson-tab-${lesson}`);
  if ((await tab.getAttribute('aria-selected')) !== 'true') await clickInFront(tab);
  const panel = page.getByTestId(`lesson-${lesson}`);
  await panel.waitFor();
  return panel;
}

/** The tab's node height and tip. */
export function tip(page: Page): Promise<{ height: number; tip: string }> {
  return page.evaluate(() => {
    const n = (window as unknown as Win).tabchain.node;
    return { height: n.height, tip: n.tipHash };
  });
}

/** The first address of the tab's wallet, as its wallet view shows it. */
export async function firstAddress(page: Page): Promise<string> {
  const addresses = await (await showView(page, 'wallet')).getByTestId('wallet-address').allTextContents();
  return addresses[0]!.trim();
}

/** Ids of the tab's peers past the handshake. */
export function peersOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as Win).tabchain.node.peerIds());
}

/** Screenshots of what a tab shows now at every width, in English then Korean (back to English after). */
export async function shots(page: Page, name: string, target?: Locator): Promise<string[]> {
  const dir = path.join(screenshotDir, 'lessons');
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const size = page.viewportSize();
  for (const lang of ['en', 'ko'] as const) {
    await setLanguage(page, lang);
    for (const s of SIZES) {
      await page.setViewportSize(s);
      await page.waitForTimeout(300);
      const file = path.join(dir, `${name}-${lang}-${s.width}.png`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > s.width + 1) overflow.push(`${name}-${lang}-${s.width}: ${wide} px wide`);
      if (target) await target.screenshot({ path: file });
      else await page.screenshot({ path: file, fullPage: true });
      files.push(file);
    }
  }
  await setLanguage(page, 'en');
  if (size) await page.setViewportSize(size);
  return files;
}

/** Switches the page's language with its language menu (node tab header or dashboard). */
export async function setLanguage(page: Page, lang: 'en' | 'ko'): Promise<void> {
  const menu = page.getByRole('combobox', { name: /^(Language|언어)$/ }).first();
  await menu.selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l || !!document.querySelector(`option[value="${l}"]:checked`), lang);
}

/** Serious or critical accessibility violations (axe) inside `selector`. */
export async function axeProblems(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}
