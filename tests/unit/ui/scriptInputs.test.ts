/**
 * The Script debugger's helpers: the editor's script text reads back to the same bytes (and
 * accepts Core's assembly), and stack items are named the way a student would name them.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, multisigScript, parseAsm, toHex } from '../../../src/core';
import { hashTypeName, parseScriptText, readItem, scriptText } from '../../../src/ui/views/script/scriptInputs';
import { testKey } from '../../helpers/chainBuilder';

const alice = testKey('ALICE');

describe('script text in the debugger\'s editor', () => {
  it('round-trips P2PKH, multisig, numbers and a truncated push', () => {
    for (const script of [alice.script, multisigScript(2, [alice.publicKey, testKey('BOB').publicKey]), parseAsm('0 -1 16 17 1000 NOP CHECKLOCKTIMEVERIFY'), fromHex('4c05ab')])
      expect(toHex(parseScriptText(scriptText(script)))).toBe(toHex(script));
    expect(scriptText(alice.script)).toBe(`OP_DUP OP_HASH160 <${toHex(alice.pubkeyHash)}> OP_EQUALVERIFY OP_CHECKSIG`);
  });

  it('accepts Core\'s assembly too, and refuses what it cannot read', () => {
    expect(toHex(parseScriptText('DUP HASH160 <00> EQUAL'))).toBe(toHex(parseAsm('DUP HASH160 0x01 0x00 EQUAL')));
    expect(() => parseScriptText('OP_FOO')).toThrow('unknown opcode');
    expect(() => parseScriptText('<abc>')).toThrow('odd number');
  });
});

describe('stack items, read aloud', () => {
  it('numbers, signatures, keys, hashes, redeem scripts, text, data', () => {
    expect(readItem(new Uint8Array(0))).toEqual({ kind: 'empty' });
    expect(readItem(fromHex('81'))).toEqual({ kind: 'number', value: -1 });
    expect(readItem(fromHex('3006020101020101' + '81'))).toEqual({ kind: 'signature', hashType: 0x81 });
    expect(readItem(alice.publicKey)).toEqual({ kind: 'pubkey', compressed: true });
    expect(readItem(alice.pubkeyHash)).toEqual({ kind: 'hash', bits: 160 });
    expect(readItem(multisigScript(1, [alice.publicKey]))).toEqual({ kind: 'script', what: 'multisig' });
    expect(readItem(new TextEncoder().encode('hello class'))).toEqual({ kind: 'text', text: 'hello class' });
    expect(hashTypeName(0x01)).toBe('SIGHASH_ALL');
    expect(hashTypeName(0x83)).toBe('SIGHASH_SINGLE|ANYONECANPAY');
    expect(hashTypeName(0x04)).toBe('0x04');
  });
});
