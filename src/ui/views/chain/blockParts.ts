/**
 * Pure helpers the chain, wallet and mempool views share: the byte layout of a serialized block
 * (Bitcoin's 80-byte header fields, the CompactSize transaction count, each transaction), targets
 * from compact bits, and addresses from P2PKH scripts.
 */
import {
  bitsToTarget,
  compactSizeLength,
  encodeTx,
  HEADER_FIELDS,
  HEADER_SIZE,
  hexToHash,
  leadingZeroBits,
  parseP2PKH,
  destinationOf,
  toHex,
  type Block,
} from '../../../core';

/** One labelled run of a block's bytes. */
export interface ByteGroup {
  /** 'header' fields carry the field key; 'count' is the tx count; 'tx' carries its index. */
  kind: 'header' | 'count' | 'tx';
  key: string;
  index?: number;
  start: number;
  hex: string;
}

/**
 * Splits `encodeBlock(block)` bytes into header fields, the transaction count and one group per
 * transaction, so the raw view can label every byte. Throws if the bytes do not match the block.
 */
export function blockByteGroups(bytes: Uint8Array, block: Block): ByteGroup[] {
  const groups: ByteGroup[] = HEADER_FIELDS.map((f) => ({ kind: 'header', key: f.key, start: f.start, hex: toHex(bytes.subarray(f.start, f.start + f.length)) }));
  let pos = HEADER_SIZE;
  const n = compactSizeLength(block.txs.length);
  groups.push({ kind: 'count', key: 'txCount', start: pos, hex: toHex(bytes.subarray(pos, pos + n)) });
  pos += n;
  block.txs.forEach((tx, index) => {
    const len = encodeTx(tx).length;
    groups.push({ kind: 'tx', key: 'tx', index, start: pos, hex: toHex(bytes.subarray(pos, pos + len)) });
    pos += len;
  });
  if (pos !== bytes.length) throw new RangeError(`block bytes: ${bytes.length} bytes, groups cover ${pos}`);
  return groups;
}

/** The 256-bit target that compact `bits` encode, as 64 hex digits (compare with a block hash). */
export function targetHex(bits: number): string {
  return bitsToTarget(bits).target.toString(16).padStart(64, '0');
}

/** Leading zero bits of a 64-hex display hash or target (a hash must have at least the target's). */
export function zeroBitsOfHex(hex: string): number {
  return leadingZeroBits(hexToHash(hex));
}

/** Compact bits as Bitcoin Core prints them (8 hex digits). */
export function bitsHex(bits: number): string {
  return (bits >>> 0).toString(16).padStart(8, '0');
}

/** The address a locking script pays (P2PKH or P2SH), "OP_RETURN" for a data output, or null. */
export function addressOfScript(script: Uint8Array): string | null {
  return destinationOf(script);
}

/** Groups a hex string in pairs (bytes) for reading, e.g. "01000000" → "01 00 00 00". */
export function spacedBytes(hex: string): string {
  return hex.replace(/(..)(?!$)/g, '$1 ');
}
