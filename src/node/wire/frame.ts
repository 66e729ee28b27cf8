/**
 * Framing: magic (4, LE) | command (12, ASCII, zero-padded) | payload length (4, LE) |
 * checksum (first 4 bytes of SHA-256d(payload)) | payload. The header is checked before any
 * payload work, as Core's `CNetMessage` does.
 */
import { ByteReader, sha256d } from '../../core';
import { encodePayload } from './codec';
import { HEADER_LEN, LENGTH_AT, MAX_PAYLOAD, type Message } from './protocol';

/**
 * Frames already built, by the message object (a compact block or a block announcement sent to every peer is one object)
 * and by payload (a block's or transaction's payload is the engine's cached serialization): serving
 * the same block again costs no encoding, no checksum and no copy. Frames are never written to
 * after they are built (links copy what they send).
 */
const framesByMessage = new WeakMap<Message, { magic: number; frame: Uint8Array }>();
const framesByPayload = new WeakMap<Uint8Array, { magic: number; command: string; frame: Uint8Array }>();

/**
 * Frames a message: 24-byte header + payload (one allocation; the checksum of a payload is computed
 * once). `maxPayload` is the link's limit (a WebRTC frame by default; see `Transport.maxFrameBytes`).
 */
export function encodeMessage(magic: number, m: Message, maxPayload = MAX_PAYLOAD): Uint8Array {
  const byMessage = framesByMessage.get(m);
  if (byMessage && byMessage.magic === magic) return checkSize(m, byMessage.frame.length - HEADER_LEN, maxPayload, byMessage.frame);
  const payload = encodePayload(m);
  const byPayload = framesByPayload.get(payload);
  if (byPayload && byPayload.magic === magic && byPayload.command === m.command) return checkSize(m, payload.length, maxPayload, byPayload.frame);
  const frame = buildFrame(magic, m, payload, maxPayload);
  if (m.command === 'block' || m.command === 'tx') framesByPayload.set(payload, { magic, command: m.command, frame });
  else if (m.command === 'cmpctblock' || m.command === 'headers') framesByMessage.set(m, { magic, frame });
  return frame;
}

/** A frame built for one link may be reused on another with a smaller limit: checked each time. */
function checkSize(m: Message, length: number, maxPayload: number, frame: Uint8Array): Uint8Array {
  if (length > maxPayload) throw new RangeError(`${m.command} payload of ${length} bytes exceeds ${maxPayload}`);
  return frame;
}

function buildFrame(magic: number, m: Message, payload: Uint8Array, maxPayload: number): Uint8Array {
  checkSize(m, payload.length, maxPayload, payload);
  const out = new Uint8Array(HEADER_LEN + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic >>> 0, true);
  for (let i = 0; i < m.command.length; i++) out[4 + i] = m.command.charCodeAt(i);
  view.setUint32(LENGTH_AT, payload.length, true);
  out.set(checksumOf(payload), 20);
  out.set(payload, HEADER_LEN);
  return out;
}

/**
 * First 4 bytes of SHA-256d(payload). Block and tx payloads are the engine's cached
 * serializations (the same array each time the same block is sent), so their checksum is cached
 * too: serving one block to many peers hashes it once.
 */
const checksumCache = new WeakMap<Uint8Array, Uint8Array>();
/**
 * Payloads shorter than this (inv, getdata, ping: built fresh for each message) are hashed at
 * once; remembering them only costs the WeakMap a key per message (measured: 6 % of a
 * 1,000-node simulation in the lookups alone).
 */
const CACHE_CHECKSUM_FROM = 160;
function checksumOf(payload: Uint8Array): Uint8Array {
  if (payload.length < CACHE_CHECKSUM_FROM) return sha256d(payload).subarray(0, 4);
  let sum = checksumCache.get(payload);
  if (!sum) {
    sum = sha256d(payload).slice(0, 4);
    checksumCache.set(payload, sum);
  }
  return sum;
}

/** Why a frame was refused, and what the receiver should do about the sender. */
export type FrameFault =
  | { kind: 'wrong-magic' } // Core disconnects
  | { kind: 'too-short' }
  | { kind: 'bad-command' }
  | { kind: 'oversized'; length: number } // Core disconnects
  | { kind: 'length-mismatch' }
  | { kind: 'bad-checksum' }; // Core drops the message, keeps the peer

/** A parsed frame header (before the payload is decoded). */
export interface FrameHeader {
  magic: number;
  command: string;
  length: number;
  checksum: Uint8Array;
}

/**
 * Reads a frame header (the one description of its layout, shared with the hex dump's annotator):
 * magic, command (printable ASCII, zero-padded; `badCommand` when not), payload length, checksum.
 */
export function readFrameHeader(r: ByteReader): { header: FrameHeader; badCommand: boolean } {
  const magic = r.u32('magic');
  const raw = r.bytesN(12, 'command');
  const known = knownCommand(raw, 0);
  if (known !== undefined) {
    const length = r.u32('length');
    const checksum = r.bytesN(4, 'checksum');
    return { header: { magic, command: known, length, checksum }, badCommand: false };
  }
  let command = '';
  let ended = false;
  let badCommand = false;
  for (const c of raw) {
    if (c === 0) ended = true;
    else if (ended || c < 0x20 || c > 0x7e) badCommand = true;
    else command += String.fromCharCode(c);
  }
  if (!badCommand && commandCache.size < 64) commandCache.set(commandKey(raw, 0), { raw: raw.slice(), command });
  const length = r.u32('length');
  const checksum = r.bytesN(4, 'checksum');
  return { header: { magic, command, length, checksum }, badCommand };
}

/**
 * Well-formed commands read before (bounded: a peer sending made-up ones fills it once, and they
 * are then read the slow way). The same few commands arrive millions of times in a simulation:
 * one is looked up by its first 8 bytes and compared, not built again a character at a time.
 */
const commandCache = new Map<number, { raw: Uint8Array; command: string }>();

function commandKey(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) ^ Math.imul(b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24), 0x9e3779b1);
}

/** The well-formed command whose 12 bytes stand at `b[at]`, if it was read before. */
function knownCommand(b: Uint8Array, at: number): string | undefined {
  const known = commandCache.get(commandKey(b, at));
  if (!known) return undefined;
  for (let i = 0; i < 12; i++) if (b[at + i] !== known.raw[i]) return undefined;
  return known.command;
}

/**
 * The command of a frame for those that look at frames without parsing them (the delivery gate,
 * a simulation's log): its 12-byte field up to the first zero, unchecked; empty if the frame is
 * shorter than a header.
 */
export function frameCommand(frame: Uint8Array): string {
  if (frame.length < HEADER_LEN) return '';
  const known = knownCommand(frame, 4);
  if (known !== undefined) return known;
  let s = '';
  for (let i = 4; i < 16 && frame[i] !== 0; i++) s += String.fromCharCode(frame[i]!);
  return s;
}

/**
 * Checks a frame's header before any payload work: magic, command characters, declared length
 * within the link's `maxPayload` and equal to what arrived, checksum. Returns the command and payload view.
 */
export function parseFrame(magic: number, bytes: Uint8Array, maxPayload = MAX_PAYLOAD): { ok: true; header: FrameHeader; payload: Uint8Array } | { ok: false; fault: FrameFault; header?: FrameHeader } {
  if (bytes.length < HEADER_LEN) return { ok: false, fault: { kind: 'too-short' } };
  const { header, badCommand } = readFrameHeader(new ByteReader(bytes));
  const length = header.length;
  if (header.magic !== magic) return { ok: false, fault: { kind: 'wrong-magic' }, header };
  if (badCommand) return { ok: false, fault: { kind: 'bad-command' }, header };
  if (length > maxPayload) return { ok: false, fault: { kind: 'oversized', length }, header };
  if (bytes.length !== HEADER_LEN + length) return { ok: false, fault: { kind: 'length-mismatch' }, header };
  const payload = bytes.subarray(HEADER_LEN);
  const sum = sha256d(payload);
  for (let i = 0; i < 4; i++) if (sum[i] !== header.checksum[i]) return { ok: false, fault: { kind: 'bad-checksum' }, header };
  return { ok: true, header, payload };
}
