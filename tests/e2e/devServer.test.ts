/**
 * `npm start` in dev mode (`scripts/start.mjs` without `--prod`: Vite middleware + the PeerJS
 * signalling server on one port), as a teacher runs it. Loading the first screen and a node tab
 * must log no page error and no console error: Vite's client script opens its websocket on the
 * app's own port, beside the signalling socket at /peerjs.
 */
import type { Browser, ConsoleMessage, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServer, freePort, launchChromium, nodeUrl } from './support/harness';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = new AppServer(await freePort());
  [browser] = await Promise.all([launchChromium(), server.start()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Opens `url` in a fresh page, waits for `ready` and for Vite's client socket to settle (its first
 * message received, or an error logged), and returns every page error and console error.
 */
async function load(url: string, ready: (p: Page) => Promise<unknown>): Promise<string[]> {
  const page = await browser.newPage();
  const errors: string[] = [];
  let settle = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  page.on('pageerror', (e) => {
    errors.push(`pageerror: ${e.message}`);
    settle();
  });
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'error') return;
    errors.push(`console.error: ${m.text()}`);
    settle();
  });
  page.on('websocket', (ws) => {
    // The signalling socket lives under /peerjs; Vite's client socket is the other one.
    if (!new URL(ws.url()).pathname.startsWith('/peerjs')) ws.once('framereceived', () => settle());
  });
  await page.goto(url);
  await ready(page);
  const timer = setTimeout(() => {
    errors.push("Vite's client socket neither opened nor failed in 15 s");
    settle();
  }, 15_000);
  await settled;
  clearTimeout(timer);
  await page.close();
  return errors;
}

describe('dev server (npm start)', () => {
  it('serves the first screen with no page or console error', async () => {
    const errors = await load(`${server.url}/`, (p) => p.getByRole('button', { name: /create network/i }).waitFor());
    expect(errors).toEqual([]);
  });

  it('serves a node tab with no page or console error', async () => {
    const url = nodeUrl(server.url, { network: `dev${Date.now() % 1_000_000}`, role: 'central', preset: 'regtest' });
    const errors = await load(url, (p) => p.getByTestId('node-id').waitFor({ timeout: 60_000 }));
    expect(errors).toEqual([]);
  });
});
