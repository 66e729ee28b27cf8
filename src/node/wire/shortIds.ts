/**
 * BIP 152's short transaction ids: the block header and a nonce, hashed once with SHA-256, key a
 * SipHash-2-4 of each txid (version 1 compact blocks: txids; SegWit's version 2 uses wtxids), of
 * which the low 6 bytes are kept. A short id is a number below 2^48 here (exact in a double).
 */
import { encodeHeader, sha256, sipHash24, sipKeyFromBytes, txid, type Block, type BlockHeader, type SipKey } from '../../core';
import type { CompactBlock } from './protocol';

/** 2^32, to join the halves of a 48-bit short id. */
const TWO32 = 0x1_0000_0000;

/** The SipHash key of a compact block: SHA-256(header ‖ nonce as 8 little-endian bytes), first 16 bytes. */
export function shortIdKey(header: BlockHeader, nonce: bigint): SipKey {
  const pre = new Uint8Array(88);
  pre.set(encodeHeader(header), 0);
  new DataView(pre.buffer).setBigUint64(80, BigInt.asUintN(64, nonce), true);
  return sipKeyFromBytes(sha256(pre));
}

/** The 6-byte short id of a txid (internal byte order) under a block's key, as a number below 2^48. */
export function shortTxId(key: SipKey, txidBytes: Uint8Array): number {
  const [hi, lo] = sipHash24(key, txidBytes);
  return (hi & 0xffff) * TWO32 + lo;
}

/**
 * A block as BIP 152 sends it: every transaction a short id except those at `prefill` (always the
 * coinbase, index 0, which a receiver cannot have), sent whole. `nonce` salts the short ids, so a
 * collision found in one block does not repeat in the next (Core picks it at random per block).
 */
export function compactFromBlock(block: Block, nonce: bigint, prefill: readonly number[] = [0]): CompactBlock {
  const key = shortIdKey(block.header, nonce);
  const whole = new Set(prefill);
  whole.add(0);
  const shortIds: number[] = [];
  const prefilled: CompactBlock['prefilled'] = [];
  block.txs.forEach((tx, index) => {
    if (whole.has(index)) prefilled.push({ index, tx });
    else shortIds.push(shortTxId(key, txid(tx)));
  });
  return { header: block.header, nonce, shortIds, prefilled };
}
