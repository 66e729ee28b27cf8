/**
 * One decoder for every simulated node: the same block or transaction bytes decode to the same
 * immutable object, so a thousand nodes hold one copy of each block (objects are never changed;
 * hashes cached on them are computed once). Each node still runs every check on what it gets.
 * A different payload never shares: a hit needs the same length, the same fingerprint and then
 * every byte equal.
 */
import { decodePayload, type Command, type Message } from '../node/wire/messages';
import { BoundedMap } from '../core';

/** Transactions and blocks remembered (least recently used forgotten first). */
const MAX_ENTRIES = 50_000;

export class SharedDecoder {
  private readonly cache = new BoundedMap<string, { bytes: Uint8Array; message: Message }>(MAX_ENTRIES);
  hits = 0;
  misses = 0;

  readonly decode = (command: Command, payload: Uint8Array): Message => {
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
  };
}

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
