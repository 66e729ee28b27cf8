/**
 * Simulator benchmarks (`npm run bench -- sim`). Each run is `scripts/sim.ts` in a child process
 * (its own heap, so its peak memory is its own), and reports wall time, CPU time and peak RSS.
 *  1. 100 nodes, full validation: Bitcoin-like topology (8 out, 125 in), world links, 10-minute
 *     blocks up to 1 MB filled by 9 signed payments a second (192-byte 1-in-1-out payments: a
 *     full block is ≈ 5,200 signatures, as a 2017 mainnet block's ≈ 4,800 inputs), the first
 *     600 virtual seconds. Figure: simulated seconds per wall second. Anchor, same run: the speed
 *     if checking signatures were the only work (this process's verifies per second ÷ the
 *     signatures the network must check per virtual second: nodes × payments per second).
 *     Bar: ≥ 20× real time.
 *  2. 1,000 nodes × 100 blocks, shared validation: same topology and links, 10-second blocks,
 *     0.2 payments a second. Figure: wall seconds; anchor: the virtual seconds simulated.
 *     Bar: under 2 minutes.
 *  Peak memory of each, beside an idle engine (2 nodes for one virtual second), same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, type BenchFigure, warmUpSignatures } from './harness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface SimResult {
  virtualSeconds: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  blocks: number;
  delivered: number;
  payments: number;
  largestBlock: number;
  meanBlock: number;
  summary: { stale: number; p50: number | null; p90: number | null };
  validation: string;
}

/** One `npm run sim` in a child process; its result file. */
function sim(args: string[]): SimResult {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'simbench-')), 'run.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/sim.ts', ...args, '--out', out], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`sim ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  console.log(r.stdout.split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n'));
  return (JSON.parse(readFileSync(out, 'utf8')) as { result: SimResult }).result;
}

/** libsecp256k1 verifies per second in this process (the engine's own verifySignature). */
async function verifyRate(ms = 2_000): Promise<number> {
  const { secp256k1 } = await import('@noble/curves/secp256k1.js');
  const { verifySignature, sha256d } = await import('../src/core');
  const priv = new Uint8Array(32).fill(9);
  const pub = secp256k1.getPublicKey(priv, true);
  const msg = sha256d(new Uint8Array([1, 2, 3]));
  const sig = secp256k1.sign(msg, priv, { prehash: false, format: 'der' });
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms)
    for (let i = 0; i < 100; i++, n++) if (verifySignature(msg, sig, pub, { lowS: true, strictDer: true }) !== null) throw new Error('the bench signature does not verify');
  return (n * 1000) / (performance.now() - start);
}

export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const idle = sim(['--nodes', '2', '--miners', '1', '--wallets', '2', '--seconds', '1']);

  await warmUpSignatures();
  const verifies = await verifyRate();
  const payments = 9;
  const hundred = sim(['--nodes', '100', '--topology', 'bitcoin', '--links', 'world', '--interval', '600', '--block-size', '1000000', '--tx-rate', String(payments), '--wallets', '100', '--validation', 'full', '--seconds', '600', '--seed', '7']);
  const speed = hundred.virtualSeconds / hundred.wallSeconds;
  const ceiling = verifies / (100 * payments);
  figures.push(
    figure(`simulator: 100 nodes, full validation, simulated seconds per wall second (world links, 8 out, 10-min blocks ≤ 1 MB, ${payments} payments/s, ${hundred.blocks} blocks ≤ ${Math.round(hundred.largestBlock / 1000)} kB in 600 s)`, speed, '× real time',
      `signature checks alone (${Math.round(verifies)} verifies/s ÷ ${100 * payments} signatures per virtual s)`, ceiling, { text: '>= 20× real time', pass: speed >= 20 }),
    figure('simulator: 100 nodes, full validation, simulated seconds per CPU second', hundred.virtualSeconds / hundred.cpuSeconds, '× real time', 'same run, per wall second', speed),
    figure('simulator: 100 nodes, full validation, peak memory', hundred.peakRssMB, 'MB RSS', 'idle engine (2 nodes), same run', idle.peakRssMB),
  );

  const thousand = sim(['--nodes', '1000', '--topology', 'bitcoin', '--links', 'world', '--interval', '10', '--tx-rate', '0.2', '--wallets', '200', '--miners', '20', '--validation', 'shared', '--blocks', '100', '--seed', '7']);
  figures.push(
    figure(`simulator: 1,000 nodes × 100 blocks, wall seconds (shared validation, world links, 8 out, 10-s blocks; ${thousand.blocks} found, ${thousand.summary.stale} stale, p50 ${Math.round(thousand.summary.p50 ?? 0)} ms, ${thousand.delivered} messages)`, thousand.wallSeconds, 's',
      'virtual seconds simulated', thousand.virtualSeconds, { text: '< 120 s', pass: thousand.wallSeconds < 120 }),
    figure('simulator: 1,000 nodes × 100 blocks, CPU seconds', thousand.cpuSeconds, 's', 'same run, wall seconds', thousand.wallSeconds),
    figure('simulator: 1,000 nodes × 100 blocks, peak memory', thousand.peakRssMB, 'MB RSS', 'idle engine (2 nodes), same run', idle.peakRssMB),
    figure('simulator: messages delivered per CPU second, 1,000 nodes', thousand.delivered / thousand.cpuSeconds, 'messages/s', '100 nodes, full validation, same run', hundred.delivered / hundred.cpuSeconds),
  );
  return figures;
}
