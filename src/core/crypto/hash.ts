import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256Into } from './sha256';

// Validation hashes thousands of short messages per block (headers, txids, merkle nodes, sighashes,
// public keys). @noble/hashes' one-shot `sha256(data)` builds a fresh hasher with fresh buffers
// each call, which costs more than the compressions themselves for messages this short. Here one
// scratch hasher per algorithm is reset from a pristine copy (`_cloneInto`) instead: the same
// noble code computes every hash, nothing is allocated but the result. Safe because these
// functions are synchronous and never re-entered (each worker has its own module instance).
const SHA256_EMPTY = sha256.create();
const shaScratch = sha256.create();
const RIPEMD160_EMPTY = ripemd160.create();
const ripemdScratch = ripemd160.create();
const inner = new Uint8Array(32);

/** SHA-256 applied twice: Bitcoin's hash for block headers, transactions and message checksums. */
export function sha256d(data: Uint8Array): Uint8Array {
  // The engine's own SHA-256 (sha256.ts): no per-call set-up on this, the hottest hashing path.
  sha256Into(data, inner);
  const out = new Uint8Array(32);
  sha256Into(inner, out);
  return out;
}

/** RIPEMD-160 of SHA-256: the 20-byte public key hash inside P2PKH scripts and addresses. */
export function hash160(data: Uint8Array): Uint8Array {
  SHA256_EMPTY._cloneInto(shaScratch).update(data).digestInto(inner);
  const out = new Uint8Array(20);
  RIPEMD160_EMPTY._cloneInto(ripemdScratch).update(inner).digestInto(out);
  return out;
}

export { sha256 };
