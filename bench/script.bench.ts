/**
 * Script verification bench (`npm run bench -- script`): every input of mainnet block 300,025
 * (1,427 inputs, 461 transactions) through the interpreter — scriptSig, scriptPubKey, signature
 * hash, libsecp256k1 — with P2SH + DERSIG, in Node and in a Chromium tab, each beside the raw
 * libsecp256k1 verification of the same signatures measured in the same run (the ceiling for
 * one core), and beside bcoin's figure for the same block (FACTS.md: ≈90 ms of one core here,
 * quiet machine). Node figures are CPU time of this process; Chromium's are the page's wall clock
 * (the tab's main thread does nothing else). Medians of 7 runs after 3 warm-up runs; the
 * decompressed-key cache is emptied before each run.
 */
import type {} from '../tests/e2e/pages/scriptbench'; // declares window.scriptBench
import { readFileSync } from 'node:fs';
import { launchChromium, servePage } from '../tests/e2e/pages/serve';
import { vectorPath } from '../tests/helpers/vectors';
import { figure, median, warmUpSignatures, type BenchFigure } from './harness';
import { prepareBlockScripts, type Prevout } from './scriptBlock';

/** FACTS.md: bcoin checks the same block's inputs in about 90 ms of one core here when the machine is quiet. */
const BCOIN_MS = 90;
const ROUNDS = 7;

function cpuMs(f: () => unknown): number {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

export async function run(): Promise<BenchFigure[]> {
  const data = JSON.parse(readFileSync(vectorPath('mainnet-block-300025.json'), 'utf8')) as { hex: string; prevouts: Prevout[] };
  await warmUpSignatures();
  const b = prepareBlockScripts(data.hex, data.prevouts);
  for (let i = 0; i < 3; i++) {
    b.verifyAll();
    b.rawAll();
  }
  const verify: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    verify.push(cpuMs(() => b.verifyAll()));
    raw.push(cpuMs(() => b.rawAll()));
  }
  const nodeVerify = median(verify);
  const nodeRaw = median(raw);
  const label = `mainnet block 300025, all ${b.inputs} inputs (${b.checks} signature checks)`;
  const figures = [
    figure(`script verify: ${label}, Node, one core (CPU ms)`, nodeVerify, 'ms', 'raw libsecp256k1 verify of the same signatures, same run', nodeRaw),
    figure(`script verify: ${label}, Node vs bcoin`, nodeVerify, 'ms', 'bcoin, native libsecp256k1 (FACTS.md, quiet machine)', BCOIN_MS),
  ];

  const browser = await launchChromium();
  const page = await servePage('tests/e2e/pages/scriptbench.html');
  try {
    const tab = await browser.newPage();
    await tab.goto(page.url);
    await tab.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    await tab.evaluate(([hex, prevouts]) => window.scriptBench.load(hex, prevouts), [data.hex, data.prevouts] as const);
    await tab.evaluate(() => window.scriptBench.run(3));
    const r = await tab.evaluate((n) => window.scriptBench.run(n), ROUNDS);
    const chromeVerify = median(r.verify);
    const chromeRaw = median(r.raw);
    figures.push(
      figure(`script verify: ${label}, Chromium tab main thread (wall ms)`, chromeVerify, 'ms', 'raw libsecp256k1 verify of the same signatures in the tab, same run', chromeRaw),
      figure(`script verify: ${label}, Chromium vs bcoin`, chromeVerify, 'ms', 'bcoin, native libsecp256k1 (FACTS.md, quiet machine)', BCOIN_MS),
      figure('script verify: Chromium tab vs Node, same block', chromeVerify, 'ms', 'Node, one core (CPU ms)', nodeVerify),
    );
  } finally {
    await page.close();
    await browser.close();
  }
  return figures;
}
