/**
 * Bitcoin Core's script_tests.json: every case without SegWit or Taproot runs through the
 * interpreter with its flags on the crediting/spending transaction pair Core builds, and must end
 * with exactly the expected Core error. SegWit/Taproot rows are skipped by name and counted.
 */
import { describe, expect, it } from 'vitest';
import { FLAGS, TxSignatureChecker, parseAsm, traceInput, txid, verifyScript } from '../../../../src/core';
import { creditingTx, scriptCases, seeded, spendingTx, testFlags, type ScriptCase } from '../../../helpers/scriptVectors';

function run(c: ScriptCase, flags = testFlags(c.flags)) {
  const scriptPubKey = parseAsm(c.scriptPubKey);
  const scriptSig = parseAsm(c.scriptSig);
  const credit = creditingTx(scriptPubKey);
  const spend = spendingTx(scriptSig, txid(credit));
  return verifyScript(scriptSig, scriptPubKey, flags, new TxSignatureChecker(spend, 0));
}

describe('Bitcoin Core script_tests.json', () => {
  const { run: cases, skipped, comments } = scriptCases();

  it('accounts for every row: 1,086 legacy cases run, 136 SegWit/Taproot cases skipped, 51 comments', () => {
    expect({ run: cases.length, skipped: skipped.length, comments }).toEqual({ run: 1086, skipped: 136, comments: 51 });
  });

  it('every legacy case ends with Core\'s expected result', () => {
    const wrong = cases
      .map((c) => ({ row: c.row, sig: c.scriptSig, pub: c.scriptPubKey, flags: c.flags, expected: c.expected, got: run(c), comment: c.comment }))
      .filter((r) => r.got !== r.expected);
    expect(wrong).toEqual([]);
  });

  it('the step-through debugger reaches the same result on every case (it runs the same machine, one operation at a time)', () => {
    const wrong = cases.flatMap((c) => {
      const scriptPubKey = parseAsm(c.scriptPubKey);
      const spend = spendingTx(parseAsm(c.scriptSig), txid(creditingTx(scriptPubKey)));
      const t = traceInput(spend, 0, scriptPubKey, testFlags(c.flags));
      const stepsOk = t.result === 'OK' ? t.failedAt === null : t.failedAt !== null;
      return t.result === c.expected && stepsOk ? [] : [{ row: c.row, expected: c.expected, got: t.result }];
    });
    expect(wrong).toEqual([]);
  });

  it('flags only ever tighten: a valid case stays valid with flags removed, an invalid one stays invalid with flags added', () => {
    const rand = seeded(16);
    const broken: { row: number; flags: number }[] = [];
    for (const c of cases) {
      const base = testFlags(c.flags);
      const ok = c.expected === 'OK';
      for (let i = 0; i < 16; i++) {
        const extra = Math.floor(rand() * 0x10000);
        const combined = ok ? base & ~extra : base | extra;
        if (combined & FLAGS.CLEANSTACK && ~combined & (FLAGS.P2SH | FLAGS.WITNESS)) continue;
        if (combined & FLAGS.WITNESS && ~combined & FLAGS.P2SH) continue;
        if ((run(c, combined) === 'OK') !== ok) broken.push({ row: c.row, flags: combined });
      }
    }
    expect(broken).toEqual([]);
  });
});
