/**
 * Property-based round trips of every codec (fast-check, seeded): transactions, blocks, headers,
 * CompactSize (non-canonical encodings refused), scripts, addresses, WIF, hex, parameters JSON.
 * And the decoders' contract: on arbitrary or corrupted input they return a value or throw a
 * DecodeError with a readable reason — never anything else.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ByteReader,
  ByteWriter,
  DecodeError,
  MAX_MONEY,
  addressFromHash,
  blockMerkleRoot,
  coinbaseHasHeight,
  coinbaseScript,
  compactSizeLength,
  concatBytes,
  decodeBlock,
  decodeHeader,
  decodeTx,
  encodeBlock,
  encodeHeader,
  encodeTx,
  fromHex,
  hashFromAddress,
  hashToHex,
  hexToHash,
  isValidPrivateKey,
  outpointFromKey,
  outpointKey,
  merkleRoot,
  p2pkhInputScript,
  p2pkhScript,
  paramsFromJSON,
  paramsToJSON,
  parseP2PKH,
  parseP2PKHInput,
  parsePushes,
  privateKeyToWif,
  pushData,
  sha256d,
  toHex,
  txid,
  wifToPrivateKey,
  type Block,
  type BlockHeader,
  type ChainParams,
  type Tx,
} from '../../../src/core';

const RUNS = { seed: 4242, numRuns: 300 };

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const script = fc.uint8Array({ maxLength: 300 });

const txArb: fc.Arbitrary<Tx> = fc.record({
  version: i32,
  inputs: fc.array(fc.record({ prevout: fc.record({ txid: bytes(32), vout: u32 }), scriptSig: script, sequence: u32 }), { maxLength: 4 }),
  outputs: fc.array(fc.record({ value: i64, script }), { maxLength: 4 }),
  locktime: u32,
});
const headerArb: fc.Arbitrary<BlockHeader> = fc.record({ version: i32, prevHash: bytes(32), merkleRoot: bytes(32), time: u32, bits: u32, nonce: u32 });
const blockArb: fc.Arbitrary<Block> = fc.record({ header: headerArb, txs: fc.array(txArb, { maxLength: 4 }) });

/** Runs a decoder; it may return or throw DecodeError, nothing else. */
function onlyDecodeErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw new Error(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect(e.reason.length).toBeGreaterThan(3);
  }
}

/** Random corruption of valid bytes: truncation, byte flips, insertions. */
const corrupt = (valid: fc.Arbitrary<Uint8Array>) =>
  fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), { maxLength: 4 })).map(([b, edits]) => {
    let out = Array.from(b);
    for (const [pos, val, kind] of edits) {
      const p = out.length ? pos % out.length : 0;
      if (kind === 0) out = out.slice(0, p);
      else if (kind === 1) out[p] = val;
      else out.splice(p, 0, val);
    }
    return Uint8Array.from(out);
  });

describe('transaction, header and block codecs', () => {
  it('tx: decode(encode(tx)) = tx, and re-encoding gives the same bytes and txid', () => {
    fc.assert(
      fc.property(txArb, (tx) => {
        const bytes = encodeTx(tx);
        const back = decodeTx(bytes);
        expect(back).toEqual(tx);
        expect(encodeTx({ ...back })).toEqual(bytes);
        expect(txid(back)).toEqual(sha256d(bytes));
      }),
      RUNS,
    );
  });

  it('header: 80 bytes, round trip', () => {
    fc.assert(
      fc.property(headerArb, (h) => {
        const b = encodeHeader(h);
        expect(b.length).toBe(80);
        expect(decodeHeader(b)).toEqual(h);
      }),
      RUNS,
    );
  });

  it('block: round trip, and trailing bytes are refused', () => {
    fc.assert(
      fc.property(blockArb, fc.uint8Array({ minLength: 1, maxLength: 3 }), (block, extra) => {
        const b = encodeBlock(block);
        expect(decodeBlock(b)).toEqual(block);
        expect(() => decodeBlock(concatBytes(b, extra))).toThrow(DecodeError);
      }),
      { ...RUNS, numRuns: 150 },
    );
  });

  it('merkle root: duplicating the last of an odd list keeps the root and is flagged (CVE-2012-2459)', () => {
    fc.assert(
      fc.property(fc.array(bytes(32), { minLength: 1, maxLength: 9 }), (hashes) => {
        const { root, mutated } = merkleRoot(hashes);
        const distinct = new Set(hashes.map(toHex)).size === hashes.length;
        if (distinct) expect(mutated).toBe(false);
        if (hashes.length % 2 === 1 && hashes.length > 1) {
          const m = merkleRoot([...hashes, hashes[hashes.length - 1]]);
          expect(m.root).toEqual(root);
          expect(m.mutated).toBe(true);
        }
      }),
      RUNS,
    );
    const tx: Tx = { version: 1, inputs: [], outputs: [], locktime: 0 };
    expect(blockMerkleRoot({ header: {} as BlockHeader, txs: [tx] }).root).toEqual(txid(tx));
  });

  it('decoders on random bytes and on corrupted valid encodings throw only DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        onlyDecodeErrors(() => decodeTx(b));
        onlyDecodeErrors(() => decodeBlock(b));
        onlyDecodeErrors(() => decodeHeader(b));
      }),
      { ...RUNS, numRuns: 1000 },
    );
    fc.assert(
      fc.property(corrupt(txArb.map(encodeTx)), (b) => onlyDecodeErrors(() => decodeTx(b))),
      { ...RUNS, numRuns: 1000 },
    );
    fc.assert(
      fc.property(corrupt(blockArb.map(encodeBlock)), (b) => onlyDecodeErrors(() => decodeBlock(b))),
      { ...RUNS, numRuns: 500 },
    );
  });

  it('a declared count larger than the data is refused before allocating', () => {
    // version, then 0xfe ffffffff inputs.
    const b = Uint8Array.of(1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff);
    expect(() => decodeTx(b)).toThrow(/too many tx inputs/);
  });
});

describe('CompactSize', () => {
  const sizes = fc.oneof(fc.integer({ min: 0, max: 0xfc }), fc.integer({ min: 0xfd, max: 0xffff }), fc.integer({ min: 0x10000, max: 0xffffffff }));

  it('round trip with the canonical length (1, 3 or 5 bytes)', () => {
    fc.assert(
      fc.property(sizes, (n) => {
        const b = new ByteWriter().compactSize(n).finish();
        expect(b.length).toBe(compactSizeLength(n));
        const r = new ByteReader(b);
        expect(r.compactSize()).toBe(n);
        expect(r.remaining).toBe(0);
      }),
      RUNS,
    );
  });

  it('non-canonical (non-minimal) encodings are refused', () => {
    const le = (v: bigint, n: number) => Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xfc }), (v) => {
        expect(() => new ByteReader(Uint8Array.of(0xfd, ...le(BigInt(v), 2))).compactSize()).toThrow(/non-canonical/);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (v) => {
        expect(() => new ByteReader(Uint8Array.of(0xfe, ...le(BigInt(v), 4))).compactSize()).toThrow(/non-canonical/);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffn }), (v) => {
        expect(() => new ByteReader(Uint8Array.of(0xff, ...le(v, 8))).compactSize()).toThrow(/non-canonical/);
      }),
      RUNS,
    );
    expect(() => new ByteReader(Uint8Array.of(0xff, ...le(0x100000000n, 8))).compactSize()).toThrow(DecodeError);
  });
});

describe('scripts', () => {
  it('P2PKH locking script round trip; anything else is not P2PKH', () => {
    fc.assert(
      fc.property(bytes(20), (h) => {
        const s = p2pkhScript(h);
        expect(parseP2PKH(s)).toEqual(h);
        expect(parseP2PKH(s.subarray(0, 24))).toBeNull();
        const edited = s.slice();
        edited[24] = 0xad;
        expect(parseP2PKH(edited)).toBeNull();
      }),
      RUNS,
    );
  });

  it('data pushes (direct, PUSHDATA1, PUSHDATA2, and the empty push OP_0) round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 5 }), (items) => {
        expect(parsePushes(concatBytes(...items.map(pushData)))).toEqual(items);
      }),
      RUNS,
    );
  });

  it('P2PKH spending script <sig+hashtype> <pubkey> round trip', () => {
    const pubkey = fc.oneof(
      fc.tuple(fc.constantFrom(2, 3), bytes(32)).map(([p, x]) => Uint8Array.of(p, ...x)),
      bytes(64).map((x) => Uint8Array.of(4, ...x)),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 72 }), fc.integer({ min: 0, max: 255 }), pubkey, (sig, hashType, pk) => {
        expect(parseP2PKHInput(p2pkhInputScript(sig, hashType, pk))).toEqual({ signature: sig, hashType, pubkey: pk });
      }),
      RUNS,
    );
  });

  it('BIP34: a coinbase script names exactly one height', () => {
    const height = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 0x7fffffff }));
    fc.assert(
      fc.property(height, height, fc.uint8Array({ maxLength: 20 }), (h, other, tag) => {
        const s = coinbaseScript(h, tag);
        expect(coinbaseHasHeight(s, h)).toBe(true);
        expect(coinbaseHasHeight(s, other)).toBe(h === other);
        expect(s.length).toBeGreaterThanOrEqual(2);
      }),
      RUNS,
    );
  });
});

describe('addresses, WIF, hex', () => {
  it('address round trip; test-network addresses start with m or n', () => {
    fc.assert(
      fc.property(bytes(20), (h) => {
        const a = addressFromHash(h);
        expect(a).toMatch(/^[mn][1-9A-HJ-NP-Za-km-z]{25,34}$/);
        expect(hashFromAddress(a)).toEqual(h);
      }),
      RUNS,
    );
  });

  it('WIF round trip for every valid private key', () => {
    fc.assert(
      fc.property(bytes(32).filter(isValidPrivateKey), (k) => {
        const w = privateKeyToWif(k);
        expect(w).toMatch(/^c/);
        expect(wifToPrivateKey(w)).toEqual(k);
      }),
      RUNS,
    );
  });

  it('address, WIF and hex parsers throw only DecodeError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{20,55}$/), (s, b58) => {
        for (const x of [s, b58]) {
          onlyDecodeErrors(() => hashFromAddress(x));
          onlyDecodeErrors(() => wifToPrivateKey(x));
          onlyDecodeErrors(() => fromHex(x));
        }
      }),
      RUNS,
    );
  });

  it('hex and display-order hash round trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), bytes(32), (b, h) => {
        expect(fromHex(toHex(b))).toEqual(b);
        expect(fromHex(toHex(b).toUpperCase())).toEqual(b);
        expect(hexToHash(hashToHex(h))).toEqual(h);
        expect(hashToHex(h)).toBe(toHex(h.slice().reverse()));
        expect(toHex(b)).toBe(Buffer.from(b).toString('hex'));
      }),
      RUNS,
    );
    // Long byte strings (a whole block in the hex dump) are converted in chunks, same result.
    const long = Uint8Array.from({ length: 50_001 }, (_, i) => (i * 7919) & 0xff);
    expect(toHex(long)).toBe(Buffer.from(long).toString('hex'));
    expect(fromHex(toHex(long))).toEqual(long);
  });
});

describe('parameters JSON', () => {
  const paramsArb: fc.Arbitrary<ChainParams> = fc
    .record({
      network: fc.string({ maxLength: 30 }),
      magic: u32,
      blockReward: fc.bigInt({ min: 0n, max: MAX_MONEY }),
      halvingInterval: fc.nat(1_000_000),
      coinbaseMaturity: fc.nat(1000),
      targetSpacing: fc.integer({ min: 1, max: 100_000 }),
      retargetInterval: fc.nat(10_000),
      asertHalfLife: fc.nat(1_000_000),
      powLimitBits: u32,
      genesisBits: u32,
      maxBlockSize: fc.integer({ min: 1000, max: 4_000_000 }),
      maxFutureBlockTime: fc.nat(100_000),
      genesisHex: fc.option(fc.uint8Array({ maxLength: 200 }).map(toHex), { nil: undefined }),
    })
    .map((p) => {
      const { genesisHex, ...rest } = p;
      return genesisHex === undefined ? rest : { ...rest, genesisHex };
    });

  it('paramsFromJSON(paramsToJSON(p)) = p', () => {
    fc.assert(
      fc.property(paramsArb, (p) => {
        expect(paramsFromJSON(paramsToJSON(p))).toEqual(p);
      }),
      RUNS,
    );
  });

  it('arbitrary JSON from a peer is refused with a readable Error, never a TypeError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          paramsFromJSON(JSON.stringify(v));
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect(e).not.toBeInstanceOf(TypeError);
          expect((e as Error).message).toMatch(/param/);
        }
      }),
      RUNS,
    );
    expect(() => paramsFromJSON('null')).toThrow(/bad parameters/);
    expect(() => paramsFromJSON('{')).toThrow(/bad parameters/);
  });
});

describe('outpoint keys', () => {
  it('outpointFromKey inverts outpointKey and refuses anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(0xffffffff), (txid, vout) => {
        const back = outpointFromKey(outpointKey({ txid, vout }));
        expect(back.vout).toBe(vout);
        expect([...back.txid]).toEqual([...txid]);
      }),
    );
    for (const bad of ['', 'ab', `${'00'.repeat(32)}:-1`, `${'00'.repeat(32)}:x`, `${'zz'.repeat(32)}:0`]) expect(() => outpointFromKey(bad), bad).toThrow(DecodeError);
  });
});
