/**
 * Byte-level reading and writing in Bitcoin's conventions: little-endian integers and
 * CompactSize counts (1, 3, 5 or 9 bytes). Readers never read past the end: truncation is a
 * DecodeError naming what was being read. Also the engine's one set of hex and byte helpers:
 * @noble/hashes/utils where it does the job (hex decoding, concatenation, UTF-8), our own hex
 * encoder where it does not: noble's bytesToHex appends two digits at a time (a rope, see `hexOf`)
 * and cannot reverse; as outpoint-style Map keys ours measured ≈1.4× faster on Node 20.
 */
import { concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** Thrown for malformed bytes; `reason` is a short string a student can read. */
export class DecodeError extends Error {
  constructor(public readonly reason: string) {
    super(reason);
    this.name = 'DecodeError';
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });
const strictTextDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Sequential reader over a byte array with Bitcoin's integer and CompactSize encodings. Every read
 * names its field (`what`, also the DecodeError's wording); decoders mark repeated parts with
 * `enter`/`leave`, which cost nothing here and let a `TracingReader` record where each field lies.
 */
export class ByteReader {
  pos = 0;
  private readonly view: DataView;
  constructor(public readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  private need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) throw new DecodeError(`truncated: ${what}`);
  }
  u8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u16be(what = 'u16be'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(what = 'i32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i64(what = 'i64'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytesN(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** A 32-byte hash in internal byte order (a view into the input). */
  hash32(what = 'hash'): Uint8Array {
    return this.bytesN(32, what);
  }
  /** CompactSize, rejecting non-canonical (non-minimal) encodings as Bitcoin Core does. */
  compactSize(what = 'count'): number {
    const first = this.u8(what);
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      const v = this.u16(what);
      if (v < 0xfd) throw new DecodeError(`non-canonical CompactSize: ${what}`);
      return v;
    }
    if (first === 0xfe) {
      const v = this.u32(what);
      if (v < 0x10000) throw new DecodeError(`non-canonical CompactSize: ${what}`);
      return v;
    }
    const v = this.u64(what);
    if (v < 0x100000000n) throw new DecodeError(`non-canonical CompactSize: ${what}`);
    // Core caps sizes at MAX_SIZE (0x02000000); anything larger cannot describe real data.
    throw new DecodeError(`CompactSize too large: ${what}`);
  }
  /** CompactSize count bounded by `max` (checked before any allocation). */
  count(max: number, what = 'count'): number {
    const n = this.compactSize(what);
    if (n > max) throw new DecodeError(`too many ${what}: ${n} > ${max}`);
    return n;
  }
  varBytes(max: number, what = 'bytes'): Uint8Array {
    const n = this.count(max, what);
    return this.bytesN(n, what);
  }
  /**
   * A CompactSize-prefixed UTF-8 string of at most `max` bytes. `strict`: invalid UTF-8 is a
   * DecodeError (lenient decoding would accept bytes that re-encode differently, as U+FFFD).
   */
  varString(max: number, what = 'string', strict = false): string {
    const bytes = this.varBytes(max, what);
    if (!strict) return textDecoder.decode(bytes);
    try {
      return strictTextDecoder.decode(bytes);
    } catch {
      throw new DecodeError(`invalid UTF-8: ${what}`);
    }
  }
  /** The fields read next belong to part `index` of a repeated kind (`in 0`, `tx 3`), until `leave`. */
  enter(_kind: string, _index: number): void {}
  /** Ends the part begun by the last `enter`. */
  leave(): void {}
  end(what = 'message'): void {
    if (this.remaining !== 0) throw new DecodeError(`${this.remaining} trailing bytes after ${what}`);
  }
}

/** Growable writer producing Bitcoin's little-endian and CompactSize encodings. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  u16be(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, false);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }
  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v | 0, true);
    this.pos += 4;
    return this;
  }
  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
    return this;
  }
  u64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  compactSize(n: number): this {
    if (n < 0xfd) return this.u8(n);
    if (n <= 0xffff) return this.u8(0xfd).u16(n);
    if (n <= 0xffffffff) return this.u8(0xfe).u32(n);
    return this.u8(0xff).u64(BigInt(n));
  }
  varBytes(b: Uint8Array): this {
    return this.compactSize(b.length).bytes(b);
  }
  varString(s: string): this {
    return this.varBytes(textEncoder.encode(s));
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
  /** Starts over, keeping the buffer (a writer reused for many small messages allocates once). */
  reset(): this {
    this.pos = 0;
    return this;
  }
}

/** Size in bytes of a CompactSize encoding of n. */
export function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Character codes of the 16 lower-case hex digits. */
const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Bytes per String.fromCharCode.apply call (keeps the argument list far below engine limits). */
const HEX_CHUNK = 8192;

/**
 * Hex of b[start..end), forwards or byte-reversed, built in one String.fromCharCode call. The
 * result is a flat string: appending two digits at a time would build a rope of 2n pieces that
 * the engine flattens again every time a new string containing it (such as an outpoint key
 * `${txid}:${vout}`) is used as a Map key, several times the cost of the Map operation itself.
 */
function hexOf(b: Uint8Array, reverse: boolean): string {
  const n = b.length;
  if (n > HEX_CHUNK) {
    if (reverse) throw new RangeError('hashToHex is for hashes, not long byte strings');
    const parts: string[] = [];
    for (let i = 0; i < n; i += HEX_CHUNK) parts.push(hexOf(b.subarray(i, Math.min(n, i + HEX_CHUNK)), false));
    return parts.join('');
  }
  const codes = new Array<number>(2 * n);
  for (let i = 0; i < n; i++) {
    const v = b[reverse ? n - 1 - i : i]!;
    codes[2 * i] = HEX_DIGITS[v >> 4]!;
    codes[2 * i + 1] = HEX_DIGITS[v & 15]!;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Lower-case hex of bytes, in the given order. */
export function toHex(b: Uint8Array): string {
  return hexOf(b, false);
}

/** Bytes from hex (either case); throws DecodeError on odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array {
  try {
    return hexToBytes(hex);
  } catch (e) {
    if (e instanceof RangeError) throw new DecodeError(hex.length % 2 ? 'odd-length hex' : 'invalid hex');
    throw e;
  }
}

/** Hex of a 32-byte hash in Bitcoin's display order (byte-reversed). */
export function hashToHex(hash: Uint8Array): string {
  return hexOf(hash, true);
}

/** Internal-order bytes from a display-order (reversed) hash hex; throws DecodeError on bad hex. */
export function hexToHash(hex: string): Uint8Array {
  return fromHex(hex).reverse();
}

/** True when two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenation of byte arrays (@noble/hashes). */
export { concatBytes };

/** UTF-8 bytes of a string (@noble/hashes' utf8ToBytes). */
export const utf8: (s: string) => Uint8Array = utf8ToBytes;

/** Reads a little-endian uint32 (a header field) at `offset`. */
export function readU32LE(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** Writes a little-endian uint32 (a header field) in place at `offset`. */
export function writeU32LE(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}
