/**
 * The 80-byte block header's byte layout (all integers little-endian), shared by the codec's
 * readers, the miner (which writes `time` and `nonce` in place) and the block view. Import-free so
 * a mining worker can use it without the rest of the engine.
 */

/** An 80-byte block header. */
export const HEADER_SIZE = 80;

/** The header fields in serialization order, with their byte ranges. */
export const HEADER_FIELDS = [
  { key: 'version', start: 0, length: 4 },
  { key: 'prevHash', start: 4, length: 32 },
  { key: 'merkleRoot', start: 36, length: 32 },
  { key: 'time', start: 68, length: 4 },
  { key: 'bits', start: 72, length: 4 },
  { key: 'nonce', start: 76, length: 4 },
] as const;

/** Byte offset of the header's `time` field (uint32), rolled by the miner when nonces run out. */
export const HEADER_TIME = 68;
/** Byte offset of the header's compact target `bits` (uint32). */
export const HEADER_BITS = 72;
/** Byte offset of the header's `nonce` (uint32), the field the miner searches. */
export const HEADER_NONCE = 76;

/** Checks that `header` is an 80-byte Uint8Array (the boundary check every miner entry point makes). */
export function assertHeader(header: unknown): asserts header is Uint8Array {
  if (!(header instanceof Uint8Array)) throw new TypeError('header must be a Uint8Array');
  if (header.length !== HEADER_SIZE) throw new RangeError(`header must be ${HEADER_SIZE} bytes, got ${header.length}`);
}
