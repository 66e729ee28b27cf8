/**
 * Bitcoin Core's tx_valid.json and tx_invalid.json, as transaction_tests.cpp runs them: every
 * input verified against its listed coin with the listed flags (tx_valid: every flag except the
 * excluded ones; tx_invalid: exactly the listed ones), plus Core's checks that the flag lists are
 * maximal/minimal and that removing (valid) or adding (invalid) a flag never changes the answer.
 * Rows that need SegWit (witness serialization, witness-program coins, witness flags) are skipped
 * by name and counted.
 */
import { describe, expect, it } from 'vitest';
import {
  FLAGS,
  FLAG_NAMES,
  RuleError,
  WITNESS_ONLY_FLAGS,
  checkTransactionSanity,
  decodeTx,
  fromHex,
  hexToHash,
  isP2SH,
  makeParams,
  outpointKey,
  parseAsm,
  parseFlags,
  parsePushes,
  verifyInput,
  type Tx,
} from '../../../../src/core';
import { coreVectors } from '../../../helpers/scriptVectors';

const ALL = FLAG_NAMES.reduce((f, n) => f | FLAGS[n], 0);
const params = makeParams('vectors', 'regtest');

interface TxCase {
  row: number;
  tx: Tx | null;
  hex: string;
  coins: Map<string, Uint8Array>;
  flags: string;
}

/** Core's IsWitnessProgram: a version opcode then one direct push of 2..40 bytes. */
function isWitnessProgram(s: Uint8Array): boolean {
  return s.length >= 4 && s.length <= 42 && (s[0] === 0 || (s[0]! >= 0x51 && s[0]! <= 0x60)) && s[1]! + 2 === s.length;
}

function load(file: 'tx_valid.json' | 'tx_invalid.json') {
  const run: TxCase[] = [];
  const skipped: { row: number; why: string }[] = [];
  coreVectors(file).forEach((r, row) => {
    if (typeof r[0] === 'string') return;
    const [inputs, hex, flags] = r as [[string, number, string, number?][], string, string];
    const coins = new Map<string, Uint8Array>();
    for (const [txid, vout, script] of inputs) coins.set(outpointKey({ txid: hexToHash(txid), vout: vout >>> 0 }), parseAsm(script));
    const bytes = fromHex(hex);
    if (bytes[4] === 0 && bytes[5] === 1) return void skipped.push({ row, why: 'witness serialization' });
    if (flags !== 'BADTX' && parseFlags(flags) & WITNESS_ONLY_FLAGS & ~FLAGS.WITNESS) return void skipped.push({ row, why: `flags ${flags}` });
    if (file === 'tx_invalid.json' && flags !== 'BADTX' && parseFlags(flags) & FLAGS.WITNESS) return void skipped.push({ row, why: `flags ${flags}` });
    let tx: Tx | null = null;
    try {
      tx = decodeTx(bytes);
    } catch {
      tx = null; // does not decode: tabchain's CheckTransaction equivalent refuses it
    }
    if (tx) {
      const spendsWitness = tx.inputs.some((input) => {
        const script = coins.get(outpointKey(input.prevout));
        if (!script) return false;
        if (isWitnessProgram(script)) return true;
        const pushes = isP2SH(script) ? parsePushes(input.scriptSig) : null;
        return !!pushes && pushes.length === 1 && isWitnessProgram(pushes[0]!);
      });
      if (spendsWitness) return void skipped.push({ row, why: 'spends a SegWit output' });
    }
    run.push({ row, tx, hex, coins, flags });
  });
  return { run, skipped };
}

/** Verifies every input; the first failure's error, or 'OK'. */
function verifyTx(c: TxCase, flags: number): string {
  const tx = c.tx!;
  for (let i = 0; i < tx.inputs.length; i++) {
    const script = c.coins.get(outpointKey(tx.inputs[i]!.prevout));
    if (!script) return 'missing coin';
    const err = verifyInput(tx, i, script, flags);
    if (err !== 'OK') return err;
  }
  return 'OK';
}

function sane(tx: Tx | null): boolean {
  if (!tx) return false;
  try {
    checkTransactionSanity(tx, params);
    return true;
  } catch (e) {
    if (e instanceof RuleError) return false;
    throw e;
  }
}

/** transaction_tests.cpp's TrimFlags / FillFlags: WITNESS needs P2SH, CLEANSTACK needs WITNESS. */
const trim = (f: number) => {
  if (!(f & FLAGS.P2SH)) f &= ~FLAGS.WITNESS;
  if (!(f & FLAGS.WITNESS)) f &= ~FLAGS.CLEANSTACK;
  return f;
};
const fill = (f: number) => {
  if (f & FLAGS.CLEANSTACK) f |= FLAGS.WITNESS;
  if (f & FLAGS.WITNESS) f |= FLAGS.P2SH;
  return f;
};
/** Each flag of `flags` removed on its own (ExcludeIndividualFlags). */
const excludeEach = (flags: number) => [...new Set(FLAG_NAMES.map((n) => trim(flags & ~FLAGS[n])).filter((f) => f !== flags))];

describe('Bitcoin Core tx_valid.json', () => {
  const { run, skipped } = load('tx_valid.json');

  it('accounts for every case: legacy cases run, SegWit cases skipped by name', () => {
    expect({ run: run.length, skipped: skipped.length }).toEqual({ run: 92, skipped: 29 });
  });

  it('every case passes CheckTransaction and verifies with all flags but the excluded ones', () => {
    const bad = run.filter((c) => !sane(c.tx) || verifyTx(c, ALL & ~parseFlags(c.flags)) !== 'OK').map((c) => c.row);
    expect(bad).toEqual([]);
  });

  it('removing any one flag keeps it valid; adding back any excluded flag makes it invalid (the list is maximal)', () => {
    const bad: { row: number; why: string }[] = [];
    for (const c of run) {
      const excluded = parseFlags(c.flags);
      for (const n of FLAG_NAMES) if (verifyTx(c, trim(~(excluded | FLAGS[n]) & ALL)) !== 'OK') bad.push({ row: c.row, why: `${n} unset` });
      for (const f of excludeEach(excluded)) if (verifyTx(c, ~f & ALL) === 'OK') bad.push({ row: c.row, why: `too many flags unset: ${f}` });
    }
    expect(bad).toEqual([]);
  });
});

describe('Bitcoin Core tx_invalid.json', () => {
  const { run, skipped } = load('tx_invalid.json');

  it('accounts for every case: legacy cases run, SegWit cases skipped by name', () => {
    expect({ run: run.length, skipped: skipped.length }).toEqual({ run: 78, skipped: 15 });
  });

  it('BADTX cases fail CheckTransaction; every other case fails script verification with its flags', () => {
    const bad = run.filter((c) => (c.flags === 'BADTX' ? sane(c.tx) : !sane(c.tx) || verifyTx(c, parseFlags(c.flags)) === 'OK')).map((c) => c.row);
    expect(bad).toEqual([]);
  });

  it('adding any flag keeps it invalid; removing any listed flag makes it valid (the list is minimal)', () => {
    const bad: { row: number; why: string }[] = [];
    for (const c of run.filter((x) => x.flags !== 'BADTX')) {
      const flags = parseFlags(c.flags);
      for (const n of FLAG_NAMES) if (verifyTx(c, fill(flags | FLAGS[n])) === 'OK') bad.push({ row: c.row, why: `${n} set` });
      for (const f of excludeEach(flags)) if (verifyTx(c, f) !== 'OK') bad.push({ row: c.row, why: `too many flags: ${f}` });
    }
    expect(bad).toEqual([]);
  });
});
