/**
 * BIP 152 compact blocks, from the definitions up: SipHash-2-4 against the reference vectors of
 * its paper and an independent 64-bit (BigInt) implementation written here from the paper; short
 * transaction ids computed here again from BIP 152's text (single SHA-256 of header ‖ nonce, the
 * key's two little-endian words, the low 6 bytes); a cmpctblock a Bitcoin node sent, rebuilt byte
 * for byte from its block; and the reconstruction rules (PartiallyDownloadedBlock): slots filled
 * from the mempool, collisions left empty and fetched, duplicate short ids and a merkle mismatch
 * falling back to the whole block, indexes past the end and wrong blocktxn counts invalid.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blockHashHex, encodeHeader, fromHex, sipHash24, sipKeyFromBytes, toHex, txid, txidHex, type Block, type Tx } from '../../../src/core';
import { compactFromBlock, decodePayload, encodeMessage, parseFrame, shortIdKey, shortTxId, type CompactBlock } from '../../../src/node/wire/messages';
import { fillPartial, initPartial } from '../../../src/node/sync/reconstruct';
import { vectorPath } from '../../helpers/vectors';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

// ------------------------------------------------------------------ an independent SipHash-2-4

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M64;
const le64 = (b: Uint8Array, at: number) => {
  let x = 0n;
  for (let i = 7; i >= 0; i--) x = (x << 8n) | BigInt(b[at + i] ?? 0);
  return x;
};

/** SipHash-2-4 as the paper writes it (§2), on 64-bit BigInts: nothing shared with the engine's 32-bit halves. */
function sipRef(k0: bigint, k1: bigint, m: Uint8Array): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & M64; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M64; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & M64; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & M64; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  // Message words, the last one padded with zeros and the length (mod 256) in its top byte.
  const padded = new Uint8Array(Math.floor(m.length / 8) * 8 + 8);
  padded.set(m);
  padded[padded.length - 1] = m.length & 0xff;
  for (let at = 0; at < padded.length; at += 8) {
    const w = le64(padded, at);
    v3 ^= w;
    round();
    round();
    v0 ^= w;
  }
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

const engineSip = (key: Uint8Array, m: Uint8Array) => {
  const [hi, lo] = sipHash24(sipKeyFromBytes(key), m);
  return (BigInt(hi) << 32n) | BigInt(lo);
};

/** BIP 152's short id, from its text: SHA-256(header ‖ nonce LE), k0/k1 its first two LE words, SipHash of the txid, low 48 bits. */
function shortIdRef(header: Uint8Array, nonce: bigint, txidInternal: Uint8Array): bigint {
  const pre = new Uint8Array(88);
  pre.set(header);
  for (let i = 0; i < 8; i++) pre[80 + i] = Number((nonce >> BigInt(8 * i)) & 0xffn);
  const h = new Uint8Array(createHash('sha256').update(pre).digest());
  return sipRef(le64(h, 0), le64(h, 8), txidInternal) & ((1n << 48n) - 1n);
}

describe('SipHash-2-4', () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const msg = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
  // The paper's reference vectors (key 00 01 … 0f, message 00 01 … of each length): its appendix
  // gives the 15-byte one; the reference implementation's vectors.h all 64.
  it.each([
    { length: 0, out: 0x726fdb47dd0e0e31n },
    { length: 1, out: 0x74f839c593dc67fdn },
    { length: 7, out: 0xab0200f58b01d137n },
    { length: 8, out: 0x93f5f5799a932462n },
    { length: 15, out: 0xa129ca6149be45e5n },
    { length: 32, out: 0x7127512f72f27ccen }, // a txid's length: Bitcoin Core's SipHashUint256 test uses this one
    { length: 63, out: 0x958a324ceb064572n },
  ])('reference vector, $length-byte message', ({ length, out }) => {
    expect(engineSip(key, msg(length))).toBe(out);
    expect(sipRef(le64(key, 0), le64(key, 8), msg(length))).toBe(out);
  });

  it('matches the independent implementation on random keys and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 70 }), (k, m) => {
        expect(engineSip(k, m)).toBe(sipRef(le64(k, 0), le64(k, 8), m));
      }),
      { numRuns: 2000, seed: 152 },
    );
  });
});

// ------------------------------------------------------------------ a published cmpctblock

const published = JSON.parse(readFileSync(vectorPath('bip152/regtest-cmpctblock.json'), 'utf8')) as { magic: string; sipKey: [string, string]; cmpctblock: string; block: string };
/** The published frames' magic: bytes da b5 bf fa (regtest's fa bf b5 da in the opposite order, as they were recorded). */
const REGTEST = 0xfabfb5da;

function frameOf(hex: string) {
  const f = parseFrame(REGTEST, fromHex(hex));
  if (!f.ok) throw new Error(`bad frame: ${f.fault.kind}`);
  return f;
}

describe('a compact block a Bitcoin node sent (regtest block 102, 11 transactions)', () => {
  const blockFrame = frameOf(published.block);
  const cmpctFrame = frameOf(published.cmpctblock);
  const block = (decodePayload('block', blockFrame.payload) as { block: Block }).block;
  const sent = (decodePayload('cmpctblock', cmpctFrame.payload) as { compact: CompactBlock }).compact;

  it('both frames parse (magic, length, checksum) and the compact block names the block', () => {
    expect(cmpctFrame.header.command).toBe('cmpctblock');
    expect(block.txs).toHaveLength(11);
    expect(blockHashHex(sent.header)).toBe(blockHashHex(block.header));
    expect(sent.prefilled.map((p) => p.index)).toEqual([0]); // the coinbase
    expect(sent.shortIds).toHaveLength(10);
  });

  it('the SipHash key is the one published with it', () => {
    const k = shortIdKey(block.header, sent.nonce);
    expect([k.k0hi, k.k0lo, k.k1hi, k.k1lo].map((x) => x.toString(16).padStart(8, '0'))).toEqual([
      published.sipKey[0].slice(0, 8), published.sipKey[0].slice(8), published.sipKey[1].slice(0, 8), published.sipKey[1].slice(8),
    ]);
  });

  it('every short id, by the engine and by the reference here, is the one the node sent', () => {
    const key = shortIdKey(block.header, sent.nonce);
    block.txs.slice(1).forEach((tx, i) => {
      expect(shortTxId(key, txid(tx))).toBe(sent.shortIds[i]);
      expect(shortIdRef(encodeHeader(block.header), sent.nonce, txid(tx))).toBe(BigInt(sent.shortIds[i]!));
    });
    // The coinbase's, published beside it (txid 040a9221…8fd0, short id bytes 15 fc 7b 09 31 1c).
    expect(txidHex(block.txs[0]!)).toBe('040a9221f6b5545e3c40e3749b7ff627adc97d4f45efd3517cc49d45d9b58fd0');
    expect(shortTxId(key, txid(block.txs[0]!))).toBe(0x1c31097bfc15);
  });

  it('our cmpctblock for the block with the same nonce is the same frame, byte for byte', () => {
    expect(toHex(encodeMessage(REGTEST, { command: 'cmpctblock', compact: compactFromBlock(block, sent.nonce) }))).toBe(published.cmpctblock);
  });

  it('rebuilt from a mempool holding its transactions: the block, nothing to fetch', () => {
    const r = initPartial(sent, block.txs.slice(1).reverse().map((tx) => [tx, 'mempool'] as [Tx, 'mempool']));
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.partial.missing).toEqual([]);
    expect(r.partial.matched.mempool).toBe(10);
    const filled = fillPartial(r.partial, []);
    expect(filled.status === 'ok' && toHex(encodeMessage(REGTEST, { command: 'block', block: filled.block }))).toBe(published.block);
  });
});

// ------------------------------------------------------------------ reconstruction rules

describe('rebuilding a compact block (Core’s PartiallyDownloadedBlock)', () => {
  const CREATOR = testKey('CMPCT_CREATOR');
  const MINER = testKey('CMPCT_MINER');
  const params = testParams(CREATOR);
  const tc = new TestChain(params);
  // Four payments in a row from the creator's genesis coin, and a block holding them.
  const txs: Tx[] = [];
  for (let i = 0; i < 4; i++) {
    txs.push(tc.pay(CREATOR, MINER, 1));
    tc.mempool.accept(txs[i]!, tc.now);
  }
  const block = tc.mine(MINER, txs);
  const compact = compactFromBlock(block, 7n);
  const pool = (list: Tx[]) => list.map((tx) => [tx, 'mempool'] as [Tx, 'mempool']);

  it('the missing transactions are the slots the mempool could not fill, and blocktxn fills them', () => {
    const r = initPartial(compact, pool([txs[0]!, txs[2]!]));
    expect(r.status === 'ok' && r.partial.missing).toEqual([2, 4]);
    if (r.status !== 'ok') return;
    const f = fillPartial(r.partial, [txs[1]!, txs[3]!]);
    expect(f.status === 'ok' && blockHashHex(f.block.header)).toBe(blockHashHex(block.header));
    expect(f.status === 'ok' && f.block.txs.map(txidHex)).toEqual(block.txs.map(txidHex));
  });

  it('two of our transactions with one short id: the slot is left empty and fetched (a collision)', () => {
    const stranger = tc.pay(CREATOR, CREATOR, 1);
    // Forced: the stranger's short id is made equal to the second payment's.
    const key = shortIdKey(block.header, compact.nonce);
    const idOf = (_k: typeof key, id: Uint8Array) => shortTxId(key, toHex(id) === toHex(txid(stranger)) ? txid(txs[1]!) : id);
    const r = initPartial(compact, pool([stranger, ...txs]), idOf); // (Core stops looking once every slot is filled)
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.partial.collisions).toBe(1);
    expect(r.partial.missing).toEqual([2]);
    expect(r.partial.matched.mempool).toBe(3);
  });

  it('two equal short ids in the block itself: the whole block is asked for', () => {
    const twice = { ...compact, shortIds: [compact.shortIds[0]!, compact.shortIds[0]!, ...compact.shortIds.slice(2)] };
    expect(initPartial(twice, pool(txs))).toMatchObject({ status: 'failed' });
  });

  it('a short id that matches the wrong transaction: the merkle root fails once filled, the whole block is asked for', () => {
    const stranger = tc.pay(CREATOR, CREATOR, 2);
    const lying = { ...compact, shortIds: [shortTxId(shortIdKey(block.header, compact.nonce), txid(stranger)), ...compact.shortIds.slice(1)] };
    const r = initPartial(lying, pool([stranger, ...txs]));
    expect(r.status === 'ok' && r.partial.missing).toEqual([]);
    if (r.status !== 'ok') return;
    expect(fillPartial(r.partial, [])).toMatchObject({ status: 'failed' });
  });

  it('a prefilled index past the end, or an empty compact block, is invalid (the sender is punished)', () => {
    expect(initPartial({ ...compact, prefilled: [{ index: 9, tx: block.txs[0]! }] }, [])).toMatchObject({ status: 'invalid' });
    expect(initPartial({ ...compact, shortIds: [], prefilled: [] }, [])).toMatchObject({ status: 'invalid' });
  });

  it('blocktxn with more or fewer transactions than were missing is invalid', () => {
    const r = initPartial(compact, pool([txs[0]!]));
    if (r.status !== 'ok') throw new Error('expected ok');
    expect(fillPartial(r.partial, [txs[1]!, txs[2]!])).toMatchObject({ status: 'invalid' });
    expect(fillPartial(r.partial, [txs[1]!, txs[2]!, txs[3]!, txs[3]!])).toMatchObject({ status: 'invalid' });
  });
});
