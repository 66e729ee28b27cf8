/**
 * Bitcoin Core's sighash.json: 500 random transactions and scripts (OP_CODESEPARATORs, truncated
 * pushes, every hash type incl. unknown ones) whose legacy signature hash must match Core's.
 */
import { describe, expect, it } from 'vitest';
import { decodeTx, fromHex, hashToHex, legacySighash } from '../../../../src/core';
import { coreVectors } from '../../../helpers/scriptVectors';

describe('Bitcoin Core sighash.json (legacy SignatureHash)', () => {
  const rows = coreVectors('sighash.json').filter((r) => r.length === 5) as [string, string, number, number, string][];

  it('has 500 cases', () => {
    expect(rows.length).toBe(500);
  });

  it('every case hashes to Core\'s value', () => {
    const wrong = rows.flatMap(([rawTx, script, index, hashType, expected], i) => {
      const got = hashToHex(legacySighash(decodeTx(fromHex(rawTx)), index, fromHex(script), hashType));
      return got === expected ? [] : [{ i, hashType, got, expected }];
    });
    expect(wrong).toEqual([]);
  });

  it('covers every hash type family: ALL, NONE, SINGLE, each with and without ANYONECANPAY, and undefined ones', () => {
    const kinds = new Set(rows.map(([, , , h]) => `${h & 0x1f}${h & 0x80 ? '|ACP' : ''}`));
    for (const k of ['1', '2', '3', '1|ACP', '2|ACP', '3|ACP']) expect(kinds).toContain(k);
    expect([...kinds].some((k) => !/^[123](\|ACP)?$/.test(k))).toBe(true);
  });
});
