/**
 * Simulator benchmarks (`npm run bench -- sim`). Each run is `scripts/sim.ts` in a child process
 * (its own heap, so its peak memory is its own), and reports wall time, CPU time and peak RSS.
 *  1. 100 nodes, full validation: Bitcoin-like topology (8 out, 125 in), world links, 10-minute
 *     blocks up to 1 MB filled by 9 signed payments a second (192-byte 1-in-1-out payments: a
 *     full block is ≈ 5,200 signatures, as a 2017 mainnet block's ≈ 4,800 inputs), the first
 *     900 virtual seconds. Figure: simulated seconds per wall second, beside the same per CPU
 *     second (the machine is shared); that one beside the speed if checking signatures were the
 *     only work (verifies per CPU second in this process ÷ the signatures the network must check
 *     per virtual second: nodes × payments per second). Bar: ≥ 20× real time.
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

/** The V8 flags of the `sim` script in package.json. */
const SIM_FLAGS = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { sim: string } }).scripts.sim.split(/\s+/).filter((a) => /^--max-/.test(a));

/** One `npm run sim` in a child process; its result file. */
function sim(args: string[]): SimResult {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'simbench-')), 'run.json');
  // Exactly as `npm run sim` runs it, with its V8 flags: a larger young generation (measured, 1,000
  // nodes × 20 blocks, 3 runs each, alternated: 128 MB semi-spaces take 8 % less wall time than 64 MB).
  const r = spawnSync(process.execPath, [...SIM_FLAGS, '--import', 'tsx', 'scripts/sim.ts', ...args, '--out', out], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`sim ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  console.log(r.stdout.split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n'));
  return (JSON.parse(readFileSync(out, 'utf8')) as { result: SimResult }).result;
}

/** libsecp256k1 verifies per CPU second in this process (the engine's own verifySignature). */
async function verifyRate(ms = 3_000): Promise<number> {
  const { secp256k1 } = await import('@noble/curves/secp256k1.js');
  const { verifySignature, sha256d } = await import('../src/core');
  const priv = new Uint8Array(32).fill(9);
  const pub = secp256k1.getPublicKey(priv, true);
  const msg = sha256d(new Uint8Array([1, 2, 3]));
  const sig = secp256k1.sign(msg, priv, { prehash: false, format: 'der' });
  let n = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms)
    for (let i = 0; i < 100; i++, n++) if (verifySignature(msg, sig, pub, { lowS: true, strictDer: true }) !== null) throw new Error('the bench signature does not verify');
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}

export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const idle = sim(['--nodes', '2', '--miners', '1', '--wallets', '2', '--seconds', '1']);

  await warmUpSignatures();
  const verifies = await verifyRate();
  const payments = 9;
  const seconds = 900;
  const hundred = sim(['--nodes', '100', '--topology', 'bitcoin', '--links', 'world', '--interval', '600', '--block-size', '1000000', '--tx-rate', String(payments), '--wallets', '100', '--validation', 'full', '--seconds', String(seconds), '--seed', '7']);
  const speed = hundred.virtualSeconds / hundred.wallSeconds;
  const perCpu = hundred.virtualSeconds / hundred.cpuSeconds;
  // If checking signatures were all the work: verifies per CPU second ÷ signatures per virtual second.
  const ceiling = verifies / (100 * payments);
  const setup = `world links, 8 out, 10-min blocks ≤ 1 MB, ${payments} payments/s; ${hundred.blocks} blocks in ${seconds} s, largest ${Math.round(hundred.largestBlock / 1000)} kB`;
  figures.push(
    figure(`simulator: 100 nodes, full validation, simulated seconds per wall second (${setup})`, speed, '× real time',
      'same run, per CPU second (the shared machine gives a process part of a core)', perCpu, { text: '>= 20× real time', pass: speed >= 20 }),
    figure('simulator: 100 nodes, full validation, simulated seconds per CPU second', perCpu, '× real time',
      `signature checks alone: ${Math.round(verifies)} verifies per CPU second ÷ ${100 * payments} signatures per virtual second`, ceiling),
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
