/**
 * One decoder for every simulated node: the same block or transaction bytes decode to the same
 * immutable object, so a thousand nodes hold one copy of each block (objects are never changed;
 * hashes cached on them are computed once). Each node still runs every check on what it gets.
 * A different payload never shares: a hit needs the same length, the same fingerprint and then
 * every byte equal.
 */
import { decodePayload, type Command, type Message } from '../node/wire/messages';
import { HEADER_LEN } from '../node/wire/protocol';
import { BoundedMap } from '../core';

/** Transactions and blocks remembered (least recently used forgotten first). */
const MAX_ENTRIES = 50_000;
/** Hash strings of announcements remembered, so every node's tables point at one copy. */
const MAX_HASHES = 200_000;

export class SharedDecoder {
  private readonly cache = new BoundedMap<string, { bytes: Uint8Array; message: Message }>(MAX_ENTRIES);
  private readonly hashes = new BoundedMap<string, string>(MAX_HASHES);
  hits = 0;
  misses = 0;

  /**
   * Messages by the frame they came in: a simulated link passes frames without copying, and a
   * node announcing a block sends one frame to every peer (wire/frame.ts), so its receivers decode
   * it once (and hash its header once). Keyed by the frame's buffer, which holds nothing else.
   */
  private readonly byFrame = new WeakMap<ArrayBufferLike, { command: Command; message: Message }>();

  readonly decode = (command: Command, payload: Uint8Array): Message => {
    const whole = payload.byteOffset === HEADER_LEN && payload.buffer.byteLength === HEADER_LEN + payload.length;
    if (whole && SHAREABLE.has(command)) {
      const seen = this.byFrame.get(payload.buffer);
      if (seen && seen.command === command) return seen.message;
      const message = this.decodeNew(command, payload);
      this.byFrame.set(payload.buffer, { command, message });
      return message;
    }
    return this.decodeNew(command, payload);
  };

  private decodeNew(command: Command, payload: Uint8Array): Message {
    if (command === 'inv' || command === 'getdata' || command === 'notfound') {
      // Every peer of every node remembers announced hashes (the known-inventory sets): one
      // string per hash for the whole simulation, not one per message (measured: most of the
      // memory of 100 nodes relaying 9 payments a second).
      const m = decodePayload(command, payload);
      if (m.command !== 'inv' && m.command !== 'getdata' && m.command !== 'notfound') return m;
      for (const item of m.items) {
        const known = this.hashes.get(item.hash);
        if (known !== undefined) item.hash = known;
        else this.hashes.set(item.hash, item.hash);
      }
      return m;
    }
    if (command !== 'tx' && command !== 'block') return decodePayload(command, payload);
    const key = fingerprint(command, payload);
    const hit = this.cache.get(key);
    if (hit && sameBytes(hit.bytes, payload)) {
      this.hits++;
      return hit.message;
    }
    const message = decodePayload(command, payload);
    this.misses++;
    this.cache.set(key, { bytes: payload, message });
    return message;
  }
}

/** Immutable once decoded, the same for every receiver (inv-like messages are interned per hash instead). */
const SHAREABLE = new Set<Command>(['headers', 'cmpctblock', 'block', 'tx', 'blocktxn']);

/** Command, length and a 32-bit FNV-1a of the first 1,024 bytes and every 61st byte after. */
function fingerprint(command: string, b: Uint8Array): string {
  let h = 0x811c9dc5;
  const head = Math.min(b.length, 1024);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (let i = head; i < b.length; i += 61) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `${command}${b.length}:${h >>> 0}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
