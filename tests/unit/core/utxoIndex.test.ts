/**
 * The UTXO set's index by locking script is built on the first lookup and kept up to date after:
 * whatever the order of adds, spends, lookups and clears, a lookup equals a scan of the set.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UtxoSet, type Coin } from '../../../src/core/chain/utxo';

const scripts = [0, 1, 2].map((i) => Uint8Array.of(0x76, 0xa9, 0x14, ...new Array(20).fill(i), 0x88, 0xac));
const coin = (s: number, v: number): Coin => ({ value: BigInt(v), script: scripts[s]!, height: 1, coinbase: false });

type Op = { op: 'add'; key: number; script: number } | { op: 'spend'; key: number } | { op: 'look'; script: number } | { op: 'clear' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('add' as const), key: fc.nat(30), script: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('spend' as const), key: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('look' as const), script: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

describe('UTXO index by script', () => {
  it('a lookup always equals a scan, however adds, spends, lookups and clears interleave (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const set = new UtxoSet();
        const scan = (s: number) => [...set.entries()].filter(([, c]) => c.script === scripts[s]).map(([k]) => k).sort();
        for (const o of ops) {
          if (o.op === 'add') { if (!set.has(`k${o.key}`)) set.add(`k${o.key}`, coin(o.script, o.key)); }
          else if (o.op === 'spend') set.spend(`k${o.key}`);
          else if (o.op === 'clear') set.clear();
          else expect(set.coinsForScript(scripts[o.script]!).map(([k]) => k).sort()).toEqual(scan(o.script));
        }
        for (const s of [0, 1, 2]) expect(set.coinsForScript(scripts[s]!).map(([k]) => k).sort()).toEqual(scan(s));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
