import {
  ByteReader,
  ByteWriter,
  DecodeError,
  hashToHex,
  readBlock,
  readTx,
  encodeBlock,
  encodeTx,
  sha256d,
  blockHashHex,
  txidHex,
  type Block,
  type Tx,
} from '../../core';

/**
 * Bitcoin's P2P messages, byte for byte, over any transport that carries byte arrays.
 * Frame: magic (4, LE) | command (12, ASCII, zero-padded) | payload length (4, LE) |
 * checksum (first 4 bytes of SHA-256d(payload)) | payload. See docs/PROTOCOL.md.
 */

export const HEADER_LEN = 24;
/** One WebRTC message carries at most 256 KiB (Chromium's SCTP maxMessageSize); frames stay within it. */
export const MAX_MESSAGE = 262_144;
export const MAX_PAYLOAD = MAX_MESSAGE - HEADER_LEN;
/** Bitcoin Core's limits. */
export const MAX_INV = 50_000;
export const MAX_ADDR = 1_000;
export const MAX_LOCATOR = 101;
export const PROTOCOL_VERSION = 70001;
/** Longest peer id carried in version/addr (browser peers are ids, not IP:port). */
export const MAX_PEER_ID = 64;
/** Core's MAX_SUBVERSION_LENGTH. */
export const MAX_USER_AGENT = 256;
/** reject: the command it answers fits the 12-byte command field; Core's reason limit is 111 bytes when sent, 256 accepted. */
export const MAX_REJECT_MESSAGE = 12;
export const MAX_REJECT_REASON = 256;

/** inv vector types (Bitcoin's MSG_TX, MSG_BLOCK). */
export const MSG_TX = 1;
export const MSG_BLOCK = 2;

export interface InvItem {
  type: number;
  /** Display hex of the hash. */
  hash: string;
}

/** A peer address: Bitcoin's net_addr with a peer id in place of IP and port (a browser deviation). */
export interface PeerAddress {
  time: number;
  services: bigint;
  id: string;
}

export interface VersionPayload {
  version: number;
  services: bigint;
  timestamp: bigint;
  /** The receiving peer's id as the sender sees it. */
  addrRecv: string;
  /** The sender's own id. */
  addrFrom: string;
  nonce: bigint;
  userAgent: string;
  startHeight: number;
  relay: boolean;
  /** tabchain addition: genesis hash (display hex), so nodes of different chains refuse each other. */
  genesis: string;
  /** addr_recv's services field, when not 0 (Core fills in what it believes the receiver offers). */
  addrRecvServices?: bigint;
  /** addr_from's services field, when it differs from `services` (Core repeats `services` there). */
  addrFromServices?: bigint;
}

/** Every message tabchain speaks, as a tagged union. */
export type Message =
  | { command: 'version'; payload: VersionPayload }
  | { command: 'verack' }
  | { command: 'getaddr' }
  | { command: 'addr'; addrs: PeerAddress[] }
  | { command: 'inv'; items: InvItem[] }
  | { command: 'getdata'; items: InvItem[] }
  | { command: 'notfound'; items: InvItem[] }
  | { command: 'getblocks'; version: number; locator: string[]; stop: string }
  | { command: 'block'; block: Block }
  | { command: 'tx'; tx: Tx }
  | { command: 'ping'; nonce: bigint }
  | { command: 'pong'; nonce: bigint }
  | { command: 'reject'; message: string; code: number; reason: string; hash?: string }
  | { command: 'getparams' }
  | { command: 'params'; json: string };

export type Command = Message['command'];
export const COMMANDS: readonly Command[] = [
  'version', 'verack', 'getaddr', 'addr', 'inv', 'getdata', 'notfound', 'getblocks', 'block', 'tx', 'ping', 'pong', 'reject', 'getparams', 'params',
];

/** Bitcoin's reject codes (BIP61). */
export const REJECT_MALFORMED = 0x01;
export const REJECT_INVALID = 0x10;
export const REJECT_OBSOLETE = 0x11;
export const REJECT_DUPLICATE = 0x12;
export const REJECT_NONSTANDARD = 0x40;

const ZERO_HASH = '0'.repeat(64);

/** Internal-order bytes of a display-hex hash, written straight into the writer (no regex per byte). */
function writeHash(w: ByteWriter, hex: string): void {
  if (hex.length !== 64) throw new RangeError(`a hash is 64 hex digits, got ${hex.length}`);
  const b = HASH_SCRATCH;
  for (let i = 0; i < 32; i++) {
    const hi = HEX_VALUE[hex.charCodeAt(62 - 2 * i)];
    const lo = HEX_VALUE[hex.charCodeAt(63 - 2 * i)];
    if (hi === undefined || lo === undefined || hi < 0 || lo < 0) throw new RangeError(`not a hex hash: ${hex}`);
    b[i] = (hi << 4) | lo;
  }
  w.bytes(b);
}
/** writeHash's scratch (the writer copies it; encoding is synchronous). */
const HASH_SCRATCH = new Uint8Array(32);
const HEX_VALUE: number[] = Array.from({ length: 128 }, (_, c) =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1,
);

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * A CompactSize-prefixed UTF-8 string of at most `max` bytes. Invalid UTF-8 is a DecodeError:
 * decoding it leniently would accept bytes that re-encode differently (U+FFFD), so two nodes
 * could disagree on what a message said.
 */
function readString(r: ByteReader, max: number, what: string): string {
  const bytes = r.varBytes(max, what);
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    throw new DecodeError(`invalid UTF-8: ${what}`);
  }
}

/** The sending side of the limits: refuse to build what every receiver would refuse. */
function checkLimit(n: number, max: number, what: string): void {
  if (n > max) throw new RangeError(`${what}: ${n} exceeds the limit of ${max}`);
}
function checkString(s: string, max: number, what: string): void {
  checkLimit(utf8Encoder.encode(s).length, max, `${what} (bytes)`);
}

/** Serializes a message's payload. */
export function encodePayload(m: Message): Uint8Array {
  const w = new ByteWriter(64);
  switch (m.command) {
    case 'version': {
      const p = m.payload;
      checkString(p.addrRecv, MAX_PEER_ID, 'addr_recv id');
      checkString(p.addrFrom, MAX_PEER_ID, 'addr_from id');
      checkString(p.userAgent, MAX_USER_AGENT, 'user agent');
      w.i32(p.version).u64(p.services).i64(p.timestamp);
      w.u64(p.addrRecvServices ?? 0n).varString(p.addrRecv);
      w.u64(p.addrFromServices ?? p.services).varString(p.addrFrom);
      w.u64(p.nonce).varString(p.userAgent).i32(p.startHeight).u8(p.relay ? 1 : 0);
      writeHash(w, p.genesis);
      break;
    }
    case 'verack':
    case 'getaddr':
    case 'getparams':
      break;
    case 'addr':
      checkLimit(m.addrs.length, MAX_ADDR, 'addr count');
      w.compactSize(m.addrs.length);
      for (const a of m.addrs) {
        checkString(a.id, MAX_PEER_ID, 'addr id');
        w.u32(a.time).u64(a.services).varString(a.id);
      }
      break;
    case 'inv':
    case 'getdata':
    case 'notfound':
      checkLimit(m.items.length, MAX_INV, `${m.command} count`);
      w.compactSize(m.items.length);
      for (const it of m.items) writeHash(w.u32(it.type), it.hash);
      break;
    case 'getblocks':
      checkLimit(m.locator.length, MAX_LOCATOR, 'locator length');
      w.u32(m.version).compactSize(m.locator.length);
      for (const h of m.locator) writeHash(w, h);
      writeHash(w, m.stop);
      break;
    case 'block':
      return encodeBlock(m.block);
    case 'tx':
      return encodeTx(m.tx);
    case 'ping':
    case 'pong':
      w.u64(m.nonce);
      break;
    case 'reject':
      checkString(m.message, MAX_REJECT_MESSAGE, 'rejected command');
      checkString(m.reason, MAX_REJECT_REASON, 'reject reason');
      w.varString(m.message).u8(m.code).varString(m.reason);
      if (m.hash) writeHash(w, m.hash);
      break;
    case 'params':
      w.varString(m.json);
      break;
  }
  return w.finish();
}

/**
 * Frames a message: 24-byte header + payload (one allocation; the checksum of a payload is computed
 * once). `maxPayload` is the link's limit (a WebRTC frame by default; see `Transport.maxFrameBytes`).
 */
export function encodeMessage(magic: number, m: Message, maxPayload = MAX_PAYLOAD): Uint8Array {
  const payload = encodePayload(m);
  if (payload.length > maxPayload) throw new RangeError(`${m.command} payload of ${payload.length} bytes exceeds ${maxPayload}`);
  const out = new Uint8Array(HEADER_LEN + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic >>> 0, true);
  for (let i = 0; i < m.command.length; i++) out[4 + i] = m.command.charCodeAt(i);
  view.setUint32(16, payload.length, true);
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
 * Checks a frame's header before any payload work: magic, command characters, declared length
 * within the link's `maxPayload` and equal to what arrived, checksum. Returns the command and payload view.
 */
export function parseFrame(magic: number, bytes: Uint8Array, maxPayload = MAX_PAYLOAD): { ok: true; header: FrameHeader; payload: Uint8Array } | { ok: false; fault: FrameFault; header?: FrameHeader } {
  if (bytes.length < HEADER_LEN) return { ok: false, fault: { kind: 'too-short' } };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const gotMagic = view.getUint32(0, true);
  const length = view.getUint32(16, true);
  let command = '';
  let ended = false;
  let badCommand = false;
  for (let i = 4; i < 16; i++) {
    const c = bytes[i];
    if (c === 0) ended = true;
    else if (ended || c < 0x20 || c > 0x7e) badCommand = true;
    else command += String.fromCharCode(c);
  }
  const header: FrameHeader = { magic: gotMagic, command, length, checksum: bytes.subarray(20, 24) };
  if (gotMagic !== magic) return { ok: false, fault: { kind: 'wrong-magic' }, header };
  if (badCommand) return { ok: false, fault: { kind: 'bad-command' }, header };
  if (length > maxPayload) return { ok: false, fault: { kind: 'oversized', length }, header };
  if (bytes.length !== HEADER_LEN + length) return { ok: false, fault: { kind: 'length-mismatch' }, header };
  const payload = bytes.subarray(HEADER_LEN);
  const sum = sha256d(payload);
  for (let i = 0; i < 4; i++) if (sum[i] !== header.checksum[i]) return { ok: false, fault: { kind: 'bad-checksum' }, header };
  return { ok: true, header, payload };
}

/** Decodes a known command's payload; throws DecodeError (with a readable reason) if malformed. */
export function decodePayload(command: Command, payload: Uint8Array): Message {
  const r = new ByteReader(payload);
  let m: Message;
  switch (command) {
    case 'version': {
      const version = r.i32('version');
      const services = r.u64('services');
      const timestamp = r.i64('timestamp');
      const addrRecvServices = r.u64('addr_recv services');
      const addrRecv = readString(r, MAX_PEER_ID, 'addr_recv id');
      const addrFromServices = r.u64('addr_from services');
      const addrFrom = readString(r, MAX_PEER_ID, 'addr_from id');
      const nonce = r.u64('nonce');
      const userAgent = readString(r, MAX_USER_AGENT, 'user agent');
      const startHeight = r.i32('start height');
      const relayByte = r.u8('relay');
      if (relayByte > 1) throw new DecodeError('relay flag must be 0 or 1');
      const genesis = hashToHex(r.bytesN(32, 'genesis hash'));
      m = {
        command,
        payload: {
          version, services, timestamp, addrRecv, addrFrom, nonce, userAgent, startHeight, relay: relayByte === 1, genesis,
          ...(addrRecvServices !== 0n ? { addrRecvServices } : {}),
          ...(addrFromServices !== services ? { addrFromServices } : {}),
        },
      };
      break;
    }
    case 'verack':
    case 'getaddr':
    case 'getparams':
      m = { command };
      break;
    case 'addr': {
      const n = r.count(MAX_ADDR, 'addresses');
      const addrs: PeerAddress[] = [];
      for (let i = 0; i < n; i++) addrs.push({ time: r.u32('addr time'), services: r.u64('addr services'), id: readString(r, MAX_PEER_ID, 'addr id') });
      m = { command, addrs };
      break;
    }
    case 'inv':
    case 'getdata':
    case 'notfound': {
      const n = r.count(MAX_INV, 'inventory items');
      if (r.remaining < n * 36) throw new DecodeError('truncated: inventory');
      const items: InvItem[] = new Array(n);
      for (let i = 0; i < n; i++) items[i] = { type: r.u32('inv type'), hash: hashToHex(r.bytesN(32, 'inv hash')) };
      m = { command, items };
      break;
    }
    case 'getblocks': {
      const version = r.u32('version');
      const n = r.count(MAX_LOCATOR, 'locator hashes');
      const locator: string[] = [];
      for (let i = 0; i < n; i++) locator.push(hashToHex(r.bytesN(32, 'locator hash')));
      m = { command, version, locator, stop: hashToHex(r.bytesN(32, 'stop hash')) };
      break;
    }
    case 'block':
      m = { command, block: readBlock(r) };
      break;
    case 'tx':
      m = { command, tx: readTx(r) };
      break;
    case 'ping':
    case 'pong':
      m = { command, nonce: r.u64('nonce') };
      break;
    case 'reject': {
      const message = readString(r, MAX_REJECT_MESSAGE, 'rejected command');
      const code = r.u8('reject code');
      const reason = readString(r, MAX_REJECT_REASON, 'reject reason');
      const hash = r.remaining >= 32 ? hashToHex(r.bytesN(32, 'rejected hash')) : undefined;
      m = { command, message, code, reason, ...(hash ? { hash } : {}) };
      break;
    }
    case 'params':
      m = { command, json: readString(r, MAX_PAYLOAD, 'parameters') };
      break;
  }
  r.end(command);
  return m;
}

/** True if the string is a command this node understands (others are ignored, as Core does). */
export function isKnownCommand(c: string): c is Command {
  return (COMMANDS as readonly string[]).includes(c);
}

export { ZERO_HASH };

/** One-line human summary of a message for the message log. */
export function summarize(m: Message): string {
  switch (m.command) {
    case 'version':
      return `v${m.payload.version} ${m.payload.userAgent} height ${m.payload.startHeight} from ${m.payload.addrFrom}`;
    case 'verack':
      return 'handshake acknowledged';
    case 'getaddr':
      return 'asks for peer addresses';
    case 'addr':
      return `${m.addrs.length} address${m.addrs.length === 1 ? '' : 'es'}: ${m.addrs.slice(0, 4).map((a) => a.id).join(', ')}${m.addrs.length > 4 ? ', …' : ''}`;
    case 'inv':
    case 'getdata':
    case 'notfound':
      return invSummary(m.items);
    case 'getblocks':
      return `locator ${m.locator.length} hashes from ${short(m.locator[0] ?? ZERO_HASH)}${m.stop !== ZERO_HASH ? ` stop ${short(m.stop)}` : ''}`;
    case 'block':
      return `block ${short(blockHashHex(m.block.header))} with ${m.block.txs.length} tx`;
    case 'tx':
      return `tx ${short(txidHex(m.tx))} ${m.tx.inputs.length} in, ${m.tx.outputs.length} out`;
    case 'ping':
    case 'pong':
      return `nonce ${m.nonce}`;
    case 'reject':
      return `${m.message} rejected: ${m.reason}${m.hash ? ` ${short(m.hash)}` : ''}`;
    case 'getparams':
      return 'asks for network parameters';
    case 'params':
      return 'network parameters and genesis block';
  }
}

function invSummary(items: InvItem[]): string {
  const blocks = items.filter((i) => i.type === MSG_BLOCK).length;
  const txs = items.filter((i) => i.type === MSG_TX).length;
  const parts = [];
  if (blocks) parts.push(`${blocks} block${blocks > 1 ? 's' : ''}`);
  if (txs) parts.push(`${txs} tx`);
  const other = items.length - blocks - txs;
  if (other) parts.push(`${other} other`);
  return `${parts.join(', ') || 'empty'}${items.length ? ` (${short(items[0].hash)}${items.length > 1 ? '…' : ''})` : ''}`;
}

/** First 16 hex digits of a hash followed by an ellipsis, for one-line summaries. */
export function short(hash: string): string {
  // Skip leading zeros' worth of display so the distinctive part shows.
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}

/** The block and transaction hashes a message is about (for timelines and the dashboard). */
export function hashesOf(m: Message): { hashes?: string[] } {
  switch (m.command) {
    case 'inv':
    case 'getdata':
    case 'notfound':
      return { hashes: m.items.map((i) => i.hash) };
    case 'block':
      return { hashes: [blockHashHex(m.block.header)] };
    case 'tx':
      return { hashes: [txidHex(m.tx)] };
    default:
      return {};
  }
}
