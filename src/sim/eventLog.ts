/**
 * The simulation's event log: every delivered message, every block found and every teacher
 * action, in the order they happened. Two runs from the same seed, settings and actions give the
 * same log byte for byte; its digest (a 64-bit FNV-1a over the lines) says so without keeping it.
 * The lines themselves are kept only when asked (tests, `npm run sim -- --log`).
 */
export class EventLog {
  readonly lines: string[] | null;
  count = 0;
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;

  constructor(keep: boolean, private readonly start: number) {
    this.lines = keep ? [] : null;
  }

  /** A message delivered from one node to another. */
  message(time: number, from: number, to: number, command: string, bytes: number): void {
    this.mix(time, 1, from, to, bytes);
    for (let i = 0; i < command.length; i++) this.word(command.charCodeAt(i));
    if (this.lines) this.lines.push(`${this.ms(time)} ${from}>${to} ${command} ${bytes}`);
  }

  /** A node found a block. */
  mined(time: number, node: number, height: number, hash: string): void {
    this.mix(time, 2, node, height, 0);
    for (let i = 0; i < 16; i++) this.word(hash.charCodeAt(i));
    if (this.lines) this.lines.push(`${this.ms(time)} mined ${node} ${height} ${hash}`);
  }

  /** Anything else worth replaying exactly (teacher actions, payments), as text. */
  note(time: number, text: string): void {
    this.mix(time, 3, 0, 0, 0);
    for (let i = 0; i < text.length; i++) this.word(text.charCodeAt(i));
    if (this.lines) this.lines.push(`${this.ms(time)} ${text}`);
  }

  /** Hex digest of everything logged so far. */
  digest(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  private ms(time: number): string {
    return (time - this.start).toFixed(3);
  }

  private mix(time: number, kind: number, a: number, b: number, c: number): void {
    this.count++;
    const us = Math.round((time - this.start) * 1000);
    this.word(us % 0x1_0000_0000);
    this.word(Math.floor(us / 0x1_0000_0000));
    this.word(kind);
    this.word(a);
    this.word(b);
    this.word(c);
  }

  private word(x: number): void {
    this.h1 = Math.imul(this.h1 ^ (x & 0xffff), 0x01000193);
    this.h1 = Math.imul(this.h1 ^ (x >>> 16), 0x01000193);
    this.h2 = Math.imul(this.h2 ^ this.h1 ^ x, 0x5bd1e995);
    this.h2 ^= this.h2 >>> 13;
  }
}
