/**
 * A ByteReader that records where every field it reads lies: its name, byte range, value and
 * kind. The codecs are the one description of every format's layout; handing them a
 * `TracingReader` instead of a `ByteReader` turns a decoder into an annotator (the message view's
 * hex dump), so the two can never disagree about a byte.
 */
import { ByteReader } from './encoding';

/** How a field's value reads: a number, a hash (shown byte-reversed), raw bytes or text. */
export type FieldKind = 'int' | 'hash' | 'bytes' | 'string';

/** One field a decoder read. */
export interface TracedField {
  /** `what` prefixed by the parts it belongs to: `tx 1 in 0: prevout txid`. */
  name: string;
  /** The decoder's own label for the field. */
  what: string;
  /** The enclosing parts, outermost first (`['tx 1', 'in 0']`). */
  parts: readonly string[];
  start: number;
  end: number;
  kind: FieldKind;
  value: number | bigint | string | Uint8Array;
}

/**
 * Records the outermost read of each call (a CompactSize inside a varBytes is one field), at
 * most `maxFields` of them (a large block keeps decoding but stops growing the list).
 */
export class TracingReader extends ByteReader {
  readonly fields: TracedField[] = [];
  private depth = 0;
  private parts: readonly string[] = [];

  constructor(bytes: Uint8Array, readonly maxFields = 2000) {
    super(bytes);
  }

  private traced<T extends TracedField['value']>(what: string, kind: FieldKind, read: () => T): T {
    const start = this.pos;
    this.depth++;
    let value: T;
    try {
      value = read();
    } finally {
      this.depth--;
    }
    if (this.depth === 0 && this.fields.length < this.maxFields) {
      const name = this.parts.length ? `${this.parts.join(' ')}: ${what}` : what;
      this.fields.push({ name, what, parts: this.parts, start, end: this.pos, kind, value });
    }
    return value;
  }

  override u8(what = 'u8'): number {
    return this.traced(what, 'int', () => super.u8(what));
  }
  override u16(what = 'u16'): number {
    return this.traced(what, 'int', () => super.u16(what));
  }
  override u16be(what = 'u16be'): number {
    return this.traced(what, 'int', () => super.u16be(what));
  }
  override u32(what = 'u32'): number {
    return this.traced(what, 'int', () => super.u32(what));
  }
  override i32(what = 'i32'): number {
    return this.traced(what, 'int', () => super.i32(what));
  }
  override i64(what = 'i64'): bigint {
    return this.traced(what, 'int', () => super.i64(what));
  }
  override u64(what = 'u64'): bigint {
    return this.traced(what, 'int', () => super.u64(what));
  }
  override bytesN(n: number, what = 'bytes'): Uint8Array {
    return this.traced(what, 'bytes', () => super.bytesN(n, what));
  }
  override hash32(what = 'hash'): Uint8Array {
    return this.traced(what, 'hash', () => super.hash32(what));
  }
  override compactSize(what = 'count'): number {
    return this.traced(what, 'int', () => super.compactSize(what));
  }
  override count(max: number, what = 'count'): number {
    return this.traced(what, 'int', () => super.count(max, what));
  }
  override varBytes(max: number, what = 'bytes'): Uint8Array {
    return this.traced(what, 'bytes', () => super.varBytes(max, what));
  }
  override varString(max: number, what = 'string', strict = false): string {
    return this.traced(what, 'string', () => super.varString(max, what, strict));
  }
  override enter(kind: string, index: number): void {
    this.parts = [...this.parts, `${kind} ${index}`];
  }
  override leave(): void {
    this.parts = this.parts.slice(0, -1);
  }
}
