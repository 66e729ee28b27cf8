/**
 * `npm run bench [-- filter]`: runs every bench/*.bench.ts, prints each figure beside its anchor
 * as a ratio, and writes bench/results.json.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, BenchModule } from './harness';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const all: BenchFigure[] = [];
for (const file of files) {
  console.log(`\n# ${file}`);
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as BenchModule;
  const figures = (await mod.run()).map((f) => ({ ...f, bench: file.replace(/\.bench\.ts$/, '') }));
  for (const f of figures) console.log(format(f));
  all.push(...figures);
}

// A filtered run replaces only its own benches' figures; the others stay as last measured.
const out = path.join(dir, 'results.json');
const ran = new Set(files.map((f) => f.replace(/\.bench\.ts$/, '')));
let previous: (BenchFigure & { bench?: string })[] = [];
try {
  previous = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  previous = [];
}
const merged = [...previous.filter((f) => f.bench && !ran.has(f.bench)), ...all];
writeFileSync(out, JSON.stringify(merged, null, 2) + '\n');
console.log('\n' + table(all));
console.log(`\nwrote ${path.relative(process.cwd(), out)} (${all.length} figures)`);
const failed = all.filter((f) => f.pass === false);
if (failed.length) console.log(`bars missed: ${failed.map((f) => f.name).join(', ')}`);

function format(f: BenchFigure): string {
  return `  ${f.name}: ${fmt(f.value)} ${f.unit}  vs ${f.anchor} ${fmt(f.anchorValue)}  ratio ${f.ratio}` +
    (f.bar ? `  bar ${f.bar} ${f.pass ? 'PASS' : 'MISS'}` : '');
}

function table(rows: BenchFigure[]): string {
  const head = ['figure', 'value', 'unit', 'anchor', 'anchor value', 'ratio', 'bar'];
  const body = rows.map((f) => [f.name, fmt(f.value), f.unit, f.anchor, fmt(f.anchorValue), String(f.ratio),
    f.bar ? `${f.bar} ${f.pass ? 'PASS' : 'MISS'}` : '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
