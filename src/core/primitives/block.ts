import { ByteReader, ByteWriter, DecodeError, bytesEqual, hashToHex } from '../encoding';
import { sha256d } from '../crypto/hash';
import { readTx, writeTx, txid, encodeTx, type Tx } from './tx';
import { HEADER_SIZE } from './headerLayout';

/** The 80-byte block header: version, previous hash, merkle root, time, compact bits, nonce. */
export interface BlockHeader {
  version: number;
  prevHash: Uint8Array;
  merkleRoot: Uint8Array;
  time: number;
  bits: number;
  nonce: number;
}

/** A block: header and transactions (the first must be the coinbase). */
export interface Block {
  header: BlockHeader;
  txs: Tx[];
}

export * from './headerLayout';
/** Most transactions a block may declare while decoding: a 1 MB block cannot hold more. */
export const MAX_BLOCK_TXS = 1_000_000 / 60;

/** Serializes a header to its 80 bytes. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  const w = new ByteWriter(HEADER_SIZE);
  w.i32(h.version).bytes(h.prevHash).bytes(h.merkleRoot).u32(h.time).u32(h.bits).u32(h.nonce);
  return w.finish();
}

/** Reads an 80-byte header. */
export function readHeader(r: ByteReader): BlockHeader {
  return {
    version: r.i32('header version'),
    prevHash: r.hash32('previous block hash').slice(),
    merkleRoot: r.hash32('merkle root').slice(),
    time: r.u32('header time'),
    bits: r.u32('header bits'),
    nonce: r.u32('header nonce'),
  };
}

/** Decodes exactly 80 bytes into a header. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  const r = new ByteReader(bytes);
  const h = readHeader(r);
  r.end('header');
  return h;
}

const headerHashCache = new WeakMap<BlockHeader, Uint8Array>();

/** Block hash: SHA-256d of the 80-byte header, internal byte order. */
export function blockHash(h: BlockHeader): Uint8Array {
  let hash = headerHashCache.get(h);
  if (!hash) {
    hash = sha256d(encodeHeader(h));
    headerHashCache.set(h, hash);
  }
  return hash;
}

/** Block hash in Bitcoin's display order (reversed hex, leading zeros first). */
export function blockHashHex(h: BlockHeader): string {
  return hashToHex(blockHash(h));
}

const blockSerialCache = new WeakMap<Block, Uint8Array>();

/** Serializes a block: header, CompactSize tx count, transactions. */
export function encodeBlock(b: Block): Uint8Array {
  let bytes = blockSerialCache.get(b);
  if (!bytes) {
    const w = new ByteWriter(HEADER_SIZE + 1 + b.txs.reduce((n, t) => n + encodeTx(t).length, 0) + 8);
    w.bytes(encodeHeader(b.header));
    w.compactSize(b.txs.length);
    for (const tx of b.txs) writeTx(w, tx);
    bytes = w.finish();
    blockSerialCache.set(b, bytes);
  }
  return bytes;
}

/** Reads a block from a reader. */
export function readBlock(r: ByteReader): Block {
  const start = r.pos;
  const header = readHeader(r);
  const n = r.count(MAX_BLOCK_TXS, 'block transactions');
  const txs: Tx[] = new Array(n);
  for (let i = 0; i < n; i++) {
    r.enter('tx', i);
    txs[i] = readTx(r);
    r.leave();
  }
  const block = { header, txs };
  blockSerialCache.set(block, r.bytes.slice(start, r.pos));
  return block;
}

/** Decodes exactly one block from bytes (trailing bytes are an error). */
export function decodeBlock(bytes: Uint8Array): Block {
  const r = new ByteReader(bytes);
  const b = readBlock(r);
  r.end('block');
  return b;
}

/** Serialized size of a block in bytes. */
export function blockSize(b: Block): number {
  return encodeBlock(b).length;
}

/**
 * Merkle root as Bitcoin computes it: pairwise SHA-256d, the last hash duplicated on odd levels.
 * `mutated` reports the CVE-2012-2459 shape: two identical adjacent hashes at some level, which
 * lets a different transaction list produce the same root (Core's ComputeMerkleRoot).
 */
export function merkleRoot(hashes: Uint8Array[]): { root: Uint8Array; mutated: boolean } {
  if (hashes.length === 0) return { root: new Uint8Array(32), mutated: false };
  let level = hashes;
  let mutated = false;
  const pair = new Uint8Array(64);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i]!;
      const b = i + 1 < level.length ? level[i + 1]! : a;
      if (i + 1 < level.length && bytesEqual(a, b)) mutated = true;
      pair.set(a, 0);
      pair.set(b, 32);
      next.push(sha256d(pair));
    }
    level = next;
  }
  return { root: level[0]!, mutated };
}

/** All levels of the merkle tree, leaves first (for the UI's merkle view). */
export function merkleTree(hashes: Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [hashes];
  let level = hashes;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i]!;
      const b = i + 1 < level.length ? level[i + 1]! : a;
      const pair = new Uint8Array(64);
      pair.set(a, 0);
      pair.set(b, 32);
      next.push(sha256d(pair));
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** Merkle root over a block's transaction ids. */
export function blockMerkleRoot(b: Block): { root: Uint8Array; mutated: boolean } {
  return merkleRoot(b.txs.map(txid));
}
