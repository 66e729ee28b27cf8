/** Shared fixtures for the mining tests: a seeded random source, the noble reference, mainnet headers. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { hashMeetsTarget, targetFromBits } from '../../../src/core/consensus/pow';
import { readU32LE } from '../../../src/core/encoding';

/** mulberry32: a tiny seeded PRNG, so every run tries the same headers. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0);
  };
}

/** n random bytes from a seeded source. */
export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() & 0xff;
  return out;
}

/** The reference: SHA-256d with @noble/hashes, on a copy of the header with `nonce` written in. */
export function nobleHash(header: Uint8Array, nonce?: number): Uint8Array {
  const h = header.slice();
  if (nonce !== undefined) new DataView(h.buffer).setUint32(76, nonce >>> 0, true);
  return sha256(sha256(h));
}

/** A seeded random 80-byte header with a fixed time and the given compact target. */
export function template(seed: number, bits: number): Uint8Array {
  const h = randomBytes(seeded(seed), 80);
  const v = new DataView(h.buffer);
  v.setUint32(68, 1_700_000_000, true);
  v.setUint32(72, bits, true);
  return h;
}

/** True when a solved header's hash (noble reference) meets the target its own bits name. */
export const meets = (h: Uint8Array): boolean => hashMeetsTarget(nobleHash(h), targetFromBits(readU32LE(h, 72)));

/** Top 32 bits of the hash read little-endian (what the kernels compare first). */
export function topWord(hash: Uint8Array): number {
  return ((hash[31] << 24) | (hash[30] << 16) | (hash[29] << 8) | hash[28]) >>> 0;
}

/** A mainnet block from the shared vectors: its 80-byte header, displayed hash and nonce. */
export interface MainnetHeader { name: string; header: Uint8Array; hash: string; nonce: number }

/** The real Bitcoin headers in ../shared/vectors (beside the repository, as in CI). */
export function mainnetHeaders(): MainnetHeader[] {
  const url = new URL('../../../../shared/vectors/bitcoin-mainnet-blocks.json', import.meta.url);
  const data = JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as { blocks: Array<{ name: string; hash: string; hex: string }> };
  return data.blocks.map((b) => {
    const header = hexToBytes(b.hex.slice(0, 160));
    return { name: b.name, header, hash: b.hash, nonce: new DataView(header.buffer).getUint32(76, true) };
  });
}
