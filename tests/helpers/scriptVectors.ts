/**
 * Bitcoin Core's script and transaction test vectors (src/test/data/*.json), read and turned
 * into tabchain values: the crediting/spending transaction pair of script_tests.cpp, the flag
 * lists, and which rows need SegWit (skipped explicitly, and counted).
 */
import { readFileSync } from 'node:fs';
import { FLAGS, WITNESS_ONLY_FLAGS, parseAsm, parseFlags, type ScriptErrorName, type Tx } from '../../src/core';
import { vectorPath } from './vectors';

/** The rows of one of Core's JSON vector files (comment rows included). */
export function coreVectors(file: 'script_tests.json' | 'sighash.json' | 'tx_valid.json' | 'tx_invalid.json'): unknown[][] {
  return JSON.parse(readFileSync(vectorPath(`core/${file}`), 'utf8')) as unknown[][];
}

/** One script_tests.json case. */
export interface ScriptCase {
  row: number;
  scriptSig: string;
  scriptPubKey: string;
  flags: string;
  expected: ScriptErrorName;
  comment: string;
}

/** script_tests.json split into the cases tabchain runs and the SegWit/Taproot ones it skips. */
export function scriptCases(): { run: ScriptCase[]; skipped: { row: number; why: string }[]; comments: number } {
  const run: ScriptCase[] = [];
  const skipped: { row: number; why: string }[] = [];
  let comments = 0;
  coreVectors('script_tests.json').forEach((r, row) => {
    if (r.length === 1) {
      comments++;
      return;
    }
    if (Array.isArray(r[0])) {
      skipped.push({ row, why: 'witness data (SegWit)' });
      return;
    }
    const [scriptSig, scriptPubKey, flags, expected, comment] = r as string[];
    if (parseFlags(flags!) & WITNESS_ONLY_FLAGS) {
      skipped.push({ row, why: `flags ${flags}` });
      return;
    }
    run.push({ row, scriptSig: scriptSig!, scriptPubKey: scriptPubKey!, flags: flags!, expected: expected as ScriptErrorName, comment: comment ?? '' });
  });
  return { run, skipped, comments };
}

/** Core's BuildCreditingTransaction: a coinbase-like tx paying `amount` to `scriptPubKey`. */
export function creditingTx(scriptPubKey: Uint8Array, amount = 0n): Tx {
  return {
    version: 1,
    inputs: [{ prevout: { txid: new Uint8Array(32), vout: 0xffffffff }, scriptSig: Uint8Array.of(0, 0), sequence: 0xffffffff }],
    outputs: [{ value: amount, script: scriptPubKey }],
    locktime: 0,
  };
}

/** Core's BuildSpendingTransaction: spends output 0 of `credit` with `scriptSig`. */
export function spendingTx(scriptSig: Uint8Array, creditTxid: Uint8Array, amount = 0n): Tx {
  return {
    version: 1,
    inputs: [{ prevout: { txid: creditTxid, vout: 0 }, scriptSig, sequence: 0xffffffff }],
    outputs: [{ value: amount, script: new Uint8Array(0) }],
    locktime: 0,
  };
}

/** Flags as script_tests.cpp's DoTest applies them (CLEANSTACK implies P2SH and WITNESS). */
export function testFlags(list: string): number {
  let f = parseFlags(list);
  if (f & FLAGS.CLEANSTACK) f |= FLAGS.P2SH | FLAGS.WITNESS;
  return f;
}

/** A deterministic PRNG (mulberry32) for the flag-combination checks. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { parseAsm };
