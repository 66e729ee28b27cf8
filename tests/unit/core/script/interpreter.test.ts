/**
 * The interpreter's own stories, beside Core's vectors: a pay-to-public-key-hash spend followed
 * opcode by opcode, the rules that make legacy signatures odd (FindAndDelete, OP_CODESEPARATOR,
 * the SIGHASH_SINGLE bug, lax DER before BIP66), and script numbers.
 */
import { describe, expect, it } from 'vitest';
import {
  FLAGS,
  SIGHASH_ONE,
  TxSignatureChecker,
  castToBool,
  concatBytes,
  decodeNum,
  disassemble,
  encodeNum,
  findAndDelete,
  fromHex,
  legacySighash,
  p2pkhInputScript,
  parseAsm,
  pushBytes,
  signDigest,
  toHex,
  traceInput,
  verifyScript,
  type Tx,
} from '../../../../src/core';
import { derDecode, derEncode, testKey } from '../../../helpers/chainBuilder';

const alice = testKey('ALICE');

/** A one-input, one-output transaction spending an output locked by `scriptPubKey`, signed by `sign`. */
function spend(scriptPubKey: Uint8Array, scriptSig: (tx: Tx) => Uint8Array, extra: Partial<Tx> = {}): Tx {
  const unsigned: Tx = {
    version: 1,
    inputs: [{ prevout: { txid: new Uint8Array(32).fill(7), vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xffffffff }],
    outputs: [{ value: 5000n, script: alice.script }],
    locktime: 0,
    ...extra,
  };
  return { ...unsigned, inputs: [{ ...unsigned.inputs[0]!, scriptSig: scriptSig(unsigned) }] };
}

const sigFor = (tx: Tx, scriptCode: Uint8Array, hashType = 1) => concatBytes(signDigest(legacySighash(tx, 0, scriptCode, hashType), alice.privateKey), Uint8Array.of(hashType));

describe('a P2PKH spend, one opcode at a time', () => {
  it('pushes signature and key, duplicates the key, hashes it, compares with the address, checks the signature', () => {
    const tx = spend(alice.script, (u) => p2pkhInputScript(sigFor(u, alice.script).subarray(0, -1), 1, alice.publicKey));
    const trace = traceInput(tx, 0, alice.script, FLAGS.P2SH | FLAGS.DERSIG);
    expect(trace.result).toBe('OK');
    // Stack items by size; a DER signature plus hash type is 71 or 72 bytes, shown as `sig`.
    const shape = trace.steps.map((s) => `${s.phase}:${s.opIndex} [${s.stack.map((v) => (v.length >= 70 ? 'sig' : v.length)).join(',')}]`);
    expect(shape).toEqual([
      'scriptSig:-1 []',
      'scriptSig:0 [sig]', // <signature>
      'scriptSig:1 [sig,33]', // <public key>
      'scriptPubKey:-1 [sig,33]',
      'scriptPubKey:0 [sig,33,33]', // OP_DUP
      'scriptPubKey:1 [sig,33,20]', // OP_HASH160
      'scriptPubKey:2 [sig,33,20,20]', // <the address's hash>
      'scriptPubKey:3 [sig,33]', // OP_EQUALVERIFY
      'scriptPubKey:4 [1]', // OP_CHECKSIG: true
    ]);
    expect(trace.steps[8]!.sigChecks).toMatchObject([{ valid: true, hashType: 1 }]);
  });

  it('with another key the trace stops at OP_EQUALVERIFY, and names it', () => {
    const bob = testKey('BOB');
    const tx = spend(alice.script, (u) => p2pkhInputScript(sigFor(u, alice.script).subarray(0, -1), 1, bob.publicKey));
    const trace = traceInput(tx, 0, alice.script, FLAGS.P2SH);
    expect(trace).toMatchObject({ result: 'EQUALVERIFY', failedAt: { phase: 'scriptPubKey', opIndex: 3 } });
  });
});

describe('legacy signature oddities, kept because they are consensus', () => {
  it('FindAndDelete removes a signature from the signed script only where an operation starts', () => {
    const sig = fromHex('3006020101020101' + '01');
    const push = pushBytes(sig);
    const script = concatBytes(push, Uint8Array.of(0x75), push);
    expect(findAndDelete(script, push)).toEqual({ script: Uint8Array.of(0x75), found: 2 });
    // Inside another push the same bytes are data, not an operation: nothing is removed.
    const hidden = pushBytes(concatBytes(Uint8Array.of(1), push));
    expect(findAndDelete(hidden, push).found).toBe(0);
  });

  it('a script that contains its own signature verifies (FindAndDelete), but not under CONST_SCRIPTCODE', () => {
    // scriptPubKey: <sig> OP_DROP <key> OP_CHECKSIG — signed over the script with the signature removed.
    const tx = spend(new Uint8Array(0), () => new Uint8Array(0));
    const code = concatBytes(Uint8Array.of(0x75), pushBytes(alice.publicKey), Uint8Array.of(0xac));
    const sig = sigFor(tx, code);
    const scriptPubKey = concatBytes(pushBytes(sig), code);
    const signed = { ...tx, inputs: [{ ...tx.inputs[0]!, scriptSig: pushBytes(sig) }] };
    expect(verifyScript(pushBytes(sig), scriptPubKey, FLAGS.P2SH, new TxSignatureChecker(signed, 0))).toBe('OK');
    expect(verifyScript(pushBytes(sig), scriptPubKey, FLAGS.P2SH | FLAGS.CONST_SCRIPTCODE, new TxSignatureChecker(signed, 0))).toBe('SIG_FINDANDDELETE');
  });

  it('OP_CODESEPARATOR: the signature covers only the script after the last one executed', () => {
    const tail = concatBytes(pushBytes(alice.publicKey), Uint8Array.of(0xac));
    const scriptPubKey = concatBytes(Uint8Array.of(0x61, 0xab), tail); // OP_NOP OP_CODESEPARATOR <key> OP_CHECKSIG
    const tx = spend(scriptPubKey, (u) => pushBytes(sigFor(u, tail)));
    expect(verifyScript(tx.inputs[0]!.scriptSig, scriptPubKey, FLAGS.P2SH, new TxSignatureChecker(tx, 0))).toBe('OK');
    // Signed over the whole script instead: no longer valid.
    const wrong = spend(scriptPubKey, (u) => pushBytes(sigFor(u, scriptPubKey)));
    expect(verifyScript(wrong.inputs[0]!.scriptSig, scriptPubKey, FLAGS.P2SH, new TxSignatureChecker(wrong, 0))).toBe('EVAL_FALSE');
  });

  it('the signed script leaves out OP_CODESEPARATORs; a push running past the end cuts it where Core\'s reader stopped', () => {
    const tx = spend(new Uint8Array(0), () => new Uint8Array(0));
    const withSep = parseAsm('1 CODESEPARATOR 2');
    expect(legacySighash(tx, 0, withSep, 1)).toEqual(legacySighash(tx, 0, parseAsm('1 2'), 1));
    // 0x4c 0x05 0xab: PUSHDATA1 of 5 bytes with one present. Core's reader stops after the length
    // byte and writes only what it read, while the length field still counts the whole script.
    const fields: { field: string; bytes: Uint8Array }[] = [];
    legacySighash(tx, 0, fromHex('ab4c05ab'), 1, fields);
    expect(toHex(fields.find((f) => f.field === 'input.script')!.bytes)).toBe('034c05');
  });

  it('SIGHASH_SINGLE with no output at the input\'s index signs the number 1 (the 2009 bug)', () => {
    const tx: Tx = { ...spend(alice.script, () => new Uint8Array(0)), outputs: [] };
    const two: Tx = { ...tx, inputs: [tx.inputs[0]!, { ...tx.inputs[0]!, prevout: { txid: new Uint8Array(32).fill(8), vout: 0 } }], outputs: [{ value: 1n, script: alice.script }] };
    expect(legacySighash(two, 1, alice.script, 3)).toEqual(SIGHASH_ONE);
    expect(legacySighash(two, 0, alice.script, 3)).not.toEqual(SIGHASH_ONE);
  });

  it('before BIP66 a signature with a needless zero byte in R still verifies; with DERSIG it is SIG_DER', () => {
    const tx = spend(alice.script, () => new Uint8Array(0));
    const { r, s } = derDecode(sigFor(tx, alice.script).subarray(0, -1));
    const padded = concatBytes(derEncode(r, s, { padR: true }), Uint8Array.of(1));
    const signed = { ...tx, inputs: [{ ...tx.inputs[0]!, scriptSig: concatBytes(pushBytes(padded), pushBytes(alice.publicKey)) }] };
    const check = (flags: number) => verifyScript(signed.inputs[0]!.scriptSig, alice.script, flags, new TxSignatureChecker(signed, 0));
    expect(check(FLAGS.P2SH)).toBe('OK');
    expect(check(FLAGS.P2SH | FLAGS.DERSIG)).toBe('SIG_DER');
  });
});

describe('script numbers', () => {
  it('are little-endian with a sign bit; zero is empty; a needless byte is refused under MINIMALDATA', () => {
    expect([0, 1, -1, 127, 128, -128, 255, 256, 0x7fffffff].map((n) => toHex(encodeNum(n)))).toEqual(['', '01', '81', '7f', '8000', '8080', 'ff00', '0001', 'ffffff7f']);
    expect(decodeNum(fromHex('0100'), false)).toBe(1);
    expect(() => decodeNum(fromHex('0100'), true)).toThrow('Script number');
    expect(() => decodeNum(fromHex('0000000001'), false)).toThrow('Script number'); // 5 bytes
    expect(decodeNum(fromHex('0000000001'), false, 5)).toBe(2 ** 32); // CLTV reads 5 bytes
  });

  it('negative zero is false', () => {
    expect([castToBool(new Uint8Array(0)), castToBool(fromHex('0080')), castToBool(fromHex('80')), castToBool(fromHex('0180'))]).toEqual([false, false, false, true]);
  });

  it('disassemble prints what Core\'s asm prints', () => {
    expect(disassemble(parseAsm("DUP HASH160 0x14 0x00112233445566778899aabbccddeeff00112233 EQUALVERIFY CHECKSIG"))).toBe('OP_DUP OP_HASH160 00112233445566778899aabbccddeeff00112233 OP_EQUALVERIFY OP_CHECKSIG');
    expect(disassemble(parseAsm("-1 0 16 17 'abc' NOP2"))).toBe('-1 0 16 17 6513249 OP_CHECKLOCKTIMEVERIFY');
  });
});
