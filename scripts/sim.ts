/**
 * `npm run sim -- --nodes 1000 --blocks 200 --seed 7 --out run.json`: the Simulator page's engine
 * from the command line. Every setting has a flag (see --help); `--file run.json` replays a run
 * file saved by the page (its seed, settings and actions). Writes the run file with the results
 * beside it (the page opens it like any run file); `--log events.txt` writes the event log.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { runBlocks } from '../src/sim/headless';
import { parseRunFile, runFileToJson, type SimAction } from '../src/sim/runFile';
import { DEFAULT_SETTINGS, checkSettings, equalShares, type SimSettings } from '../src/sim/settings';

const FLAGS: Record<string, [keyof SimSettings | 'miners', string]> = {
  '--nodes': ['nodes', 'number of nodes, 2–1000'],
  '--topology': ['topology', 'star | random | bitcoin'],
  '--outbound': ['outbound', 'links each node dials (random topology)'],
  '--miners': ['miners', 'number of miners with equal shares'],
  '--shares': ['hashShares', 'comma-separated hash shares in percent (sum 100)'],
  '--interval': ['blockInterval', 'seconds between blocks'],
  '--block-size': ['blockSize', 'largest block, bytes'],
  '--tx-rate': ['txRate', 'payments per second'],
  '--wallets': ['wallets', 'simulated wallets'],
  '--links': ['links', 'world | classroom'],
  '--loss': ['loss', 'probability a link loses a message'],
  '--validation': ['validation', 'full | shared'],
};

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
if (argv.includes('--help')) {
  console.log('npm run sim -- [--seed N] [--blocks N | --seconds S] [--out run.json] [--log events.txt] [--file run.json]');
  for (const [flag, [, help]] of Object.entries(FLAGS)) console.log(`  ${flag.padEnd(14)} ${help}`);
  process.exit(0);
}

let seed = Number(option('--seed') ?? 7);
let actions: SimAction[] = [];
let base: Record<string, unknown> = { ...DEFAULT_SETTINGS };
const file = option('--file');
if (file) {
  const r = parseRunFile(readFileSync(file, 'utf8'));
  if (!r.ok) fail(`${file}: ${r.reason}`);
  ({ seed, actions } = r.value);
  base = { ...r.value.settings };
}
for (const [flag, [key]] of Object.entries(FLAGS)) {
  const v = option(flag);
  if (v === undefined) continue;
  if (key === 'miners') base.hashShares = equalShares(Number(v));
  else if (key === 'hashShares') base.hashShares = v.split(',').map(Number);
  else base[key] = /^-?[\d.]+$/.test(v) ? Number(v) : v;
}
const checked = checkSettings(base);
if (!checked.ok) fail(checked.reason);
const settings = checked.value;
const blocks = Number(option('--blocks') ?? 10);
const seconds = option('--seconds');
const out = option('--out');
const logFile = option('--log');

const cpu0 = process.cpuUsage();
let peakHeap = 0;
const { sim, report } = await runBlocks(seed, settings, seconds !== undefined ? { seconds: Number(seconds) } : { blocks }, {
  keepLog: !!logFile,
  actions,
  progress: (s) => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    process.stderr.write(`\r  ${s.metrics.found} blocks, ${(s.now / 1000).toFixed(0)} virtual s, ${s.delivered} messages   `);
  },
});
const cpu = process.cpuUsage(cpu0);
process.stderr.write('\n');
const result = {
  ...report,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  speed: report.virtualSeconds / report.wallSeconds,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
  peakHeapMB: Math.max(peakHeap, process.memoryUsage().heapUsed) / 1e6,
  validation: settings.validation,
};
const s = result.summary;
console.log(`${settings.nodes} nodes, ${result.blocks} blocks (${s.stale} stale, ${(s.staleRate * 100).toFixed(1)} %), ${result.virtualSeconds.toFixed(0)} virtual s in ${result.wallSeconds.toFixed(1)} wall s (${result.speed.toFixed(1)}× real time, ${settings.validation} validation)`);
const num = (x: number | null, digits: number) => (x === null ? '—' : x.toFixed(digits));
console.log(`propagation p50 ${num(s.p50, 0)} ms, p90 ${num(s.p90, 0)} ms; mean interval ${num(s.meanInterval, 1)} s; ${result.payments} payments; ${result.delivered} messages; blocks up to ${result.largestBlock} bytes (mean ${result.meanBlock})`);
console.log(`peak RSS ${result.peakRssMB.toFixed(0)} MB, setup ${result.setupSeconds.toFixed(1)} s, CPU ${result.cpuSeconds.toFixed(1)} s; log digest ${result.digest}`);
if (out) {
  const run = JSON.parse(runFileToJson({ seed, settings, actions: sim.actions })) as Record<string, unknown>;
  writeFileSync(out, JSON.stringify({ ...run, result }, null, 1) + '\n');
  console.log(`wrote ${out}`);
}
if (logFile) writeFileSync(logFile, sim.log.lines!.join('\n') + '\n');

function fail(reason: string): never {
  console.error(`sim: ${reason}`);
  process.exit(2);
}
