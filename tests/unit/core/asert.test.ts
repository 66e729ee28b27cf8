/**
 * aserti3-2d against the published vectors (../shared/vectors/asert, 600 s ideal block time, two-day
 * half-life, limit 0x1d00ffff): every line of run01–run12, from steady blocks to half-life jumps,
 * heights across 2^31 and 2^63, negative solve times and a chain whose clock runs backwards.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asertNextBits, type AsertAnchor } from '../../../src/core/consensus/asert';
import { vectorPath } from '../../helpers/vectors';

const DIR = vectorPath('asert');
const PARAMS = { idealBlockTime: 600n, halfLife: 172_800n, powLimitBits: 0x1d00ffff };

interface Run {
  name: string;
  anchor: AsertAnchor;
  rows: { height: bigint; time: bigint; bits: number }[];
}

function parse(name: string): Run {
  const text = readFileSync(path.join(DIR, name), 'utf8');
  const header = (key: RegExp) => {
    const m = new RegExp(`^##\\s+${key.source}:\\s*(\\S+)`, 'm').exec(text);
    if (!m) throw new Error(`${name}: no ${key.source}`);
    return m[1]!;
  };
  const anchor = { height: BigInt(header(/anchor height/)), parentTime: BigInt(header(/anchor (?:ancestor|parent) time/)), bits: Number(header(/anchor nBits/)) };
  const rows = text
    .split('\n')
    .filter((l) => /^\d/.test(l))
    .map((l) => {
      const [, h, t, bits] = l.trim().split(/\s+/);
      return { height: BigInt(h!), time: BigInt(t!), bits: Number(bits) };
    });
  expect(rows.length).toBe(Number(header(/iterations/)));
  return { name, anchor, rows };
}

const runs = readdirSync(DIR).filter((f) => /^run\d+$/.test(f)).sort().map(parse);

describe('aserti3-2d', () => {
  it('has all twelve published runs', () => {
    expect(runs.map((r) => r.name)).toEqual(Array.from({ length: 12 }, (_, i) => `run${String(i + 1).padStart(2, '0')}`));
  });

  for (const run of runs)
    it(`${run.name}: ${run.rows.length} blocks, every nBits as published`, () => {
      const wrong = run.rows.filter((r) => asertNextBits(run.anchor, PARAMS, r.height, r.time) !== r.bits);
      expect(wrong.slice(0, 3)).toEqual([]);
    });
});
