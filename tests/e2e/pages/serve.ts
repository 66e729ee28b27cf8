/**
 * Builds the mining test page with the project's Vite config (so the worker is bundled exactly as
 * in the app) and serves it on a free port; re-exports the browser launcher (support/browser.ts). Used by the e2e test and
 * by bench/pow.bench.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export { CHROMIUM_ARGS, launchChromium } from '../support/browser';

/** A built and served mining page: its URL and a function that stops the server and deletes the build. */
export interface MiningPage { url: string; close: () => Promise<void> }

/** Runs `vite build` for tests/e2e/pages/mining.html into a temp dir and serves it with `vite preview`. */
export function serveMiningPage(): Promise<MiningPage> {
  return servePage('tests/e2e/pages/mining.html');
}

/** Builds and serves one page under the repository root (e.g. tests/e2e/pages/scriptbench.html). */
export async function servePage(page: string): Promise<MiningPage> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'tabchain-mining-'));
  const configFile = path.join(root, 'vite.config.ts');
  await build({
    root, configFile, logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: path.join(root, page) } },
  });
  const server = await preview({
    root, configFile, logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return {
    url: new URL(page, url).href,
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
