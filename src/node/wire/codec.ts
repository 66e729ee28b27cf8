/**
 * The payload codec: each message's fields, byte for byte, in Bitcoin's order and encodings
 * (little-endian integers, CompactSize counts, internal-order hashes). Limits are checked on both
 * sides: the encoder refuses to build what every receiver would refuse.
 */
import {
  ByteReader,
  ByteWriter,
  DecodeError,
  hashToHex,
  hexToHash,
  readBlock,
  readHeader,
  readTx,
  encodeBlock,
  encodeHeader,
  encodeTx,
  writeTx,
  decodeSignedTeacherCommand,
  encodeSignedTeacherCommand,
} from '../../core';
import {
  MAX_CMPCT_TXS, MAX_HEADERS, MAX_ADDR, MAX_INV, MAX_LOCATOR, MAX_PAYLOAD, MAX_PEER_ID, MAX_REJECT_MESSAGE, MAX_REJECT_REASON, MAX_TEACHER_BYTES, MAX_USER_AGENT,
  type Command, type CompactBlock, type InvItem, type Message, type PeerAddress,
} from './protocol';
import { readNodeInfo, writeNodeInfo } from './nodeinfo';

/** BIP 152: a differentially encoded index may not pass 2^16 − 1 (Core: "index overflowed 16 bits"). */
const MAX_CMPCT_INDEX = 0xffff;
const TWO32 = 0x1_0000_0000;

/** Internal-order bytes of a display-hex hash; the sending side refuses what is not one (RangeError). */
function writeHash(w: ByteWriter, hex: string): void {
  if (hex.length !== 64) throw new RangeError(`a hash is 64 hex digits, got ${hex.length}`);
  let bytes: Uint8Array;
  try {
    bytes = hexToHash(hex);
  } catch (e) {
    if (e instanceof DecodeError) throw new RangeError(`not a hex hash: ${hex}`);
    throw e;
  }
  w.bytes(bytes);
}

/**
 * A CompactSize-prefixed UTF-8 string of at most `max` bytes. Invalid UTF-8 is a DecodeError:
 * decoding it leniently would accept bytes that re-encode differently (U+FFFD), so two nodes
 * could disagree on what a message said.
 */
function readString(r: ByteReader, max: number, what: string): string {
  return r.varString(max, what, true);
}

const utf8Encoder = new TextEncoder();

/** The sending side of the limits: refuse to build what every receiver would refuse. */
function checkLimit(n: number, max: number, what: string): void {
  if (n > max) throw new RangeError(`${what}: ${n} exceeds the limit of ${max}`);
}
function checkString(s: string, max: number, what: string): void {
  checkLimit(utf8Encoder.encode(s).length, max, `${what} (bytes)`);
}

/** One writer for every payload (JavaScript runs one at a time; `finish` copies what was written). */
const scratch = new ByteWriter(1024);

/** Serializes a message's payload. */
export function encodePayload(m: Message): Uint8Array {
  const w = scratch.reset();
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
    case 'sendheaders':
      break;
    case 'headers':
      checkLimit(m.headers.length, MAX_HEADERS, 'headers count');
      w.compactSize(m.headers.length);
      // Each header is followed by its transaction count, always 0 in `headers` (BIP 130 / Core).
      for (const h of m.headers) w.bytes(encodeHeader(h)).compactSize(0);
      break;
    case 'sendcmpct':
      w.u8(m.announce ? 1 : 0).u64(m.version);
      break;
    case 'cmpctblock':
      writeCompact(w, m.compact);
      break;
    case 'getblocktxn':
      checkLimit(m.indexes.length, MAX_CMPCT_TXS, 'getblocktxn indexes');
      writeHash(w, m.hash);
      w.compactSize(m.indexes.length);
      writeDifferential(w, m.indexes);
      break;
    case 'blocktxn':
      checkLimit(m.txs.length, MAX_CMPCT_TXS, 'blocktxn transactions');
      writeHash(w, m.hash);
      w.compactSize(m.txs.length);
      for (const tx of m.txs) writeTx(w, tx);
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
    case 'getheaders':
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
    case 'teacher':
      return encodeSignedTeacherCommand(m.signed);
    case 'nodeinfo':
      writeNodeInfo(w, m.records);
      break;
  }
  return w.finish();
}

/** Decodes a known command's payload; throws DecodeError (with a readable reason) if malformed. */
export function decodePayload(command: Command, payload: Uint8Array): Message {
  const r = new ByteReader(payload);
  const m = readPayload(r, command);
  r.end(command);
  return m;
}

/**
 * Reads a known command's payload from `r` (the one description of every payload's layout: a
 * `TracingReader` makes it the hex dump's annotator too); throws DecodeError if malformed.
 */
export function readPayload(r: ByteReader, command: Command): Message {
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
      const genesis = hashToHex(r.hash32('genesis hash'));
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
    case 'sendheaders':
      m = { command };
      break;
    case 'getheaders': {
      const { version, locator, stop } = readLocator(r);
      m = { command, version, locator, stop };
      break;
    }
    case 'headers': {
      const n = r.count(MAX_HEADERS, 'headers');
      if (r.remaining < n * 81) throw new DecodeError('truncated: headers');
      const headers = new Array(n);
      for (let i = 0; i < n; i++) {
        r.enter('header', i);
        headers[i] = readHeader(r);
        if (r.compactSize('header tx count') !== 0) throw new DecodeError('a header in headers must have a tx count of 0');
        r.leave();
      }
      m = { command, headers };
      break;
    }
    case 'sendcmpct': {
      const flag = r.u8('announce');
      if (flag > 1) throw new DecodeError('sendcmpct announce flag must be 0 or 1');
      m = { command, announce: flag === 1, version: r.u64('compact version') };
      break;
    }
    case 'cmpctblock':
      m = { command, compact: readCompact(r) };
      break;
    case 'getblocktxn': {
      const hash = hashToHex(r.hash32('block hash'));
      const n = r.count(MAX_CMPCT_TXS, 'indexes');
      m = { command, hash, indexes: readDifferential(r, n) };
      break;
    }
    case 'blocktxn': {
      const hash = hashToHex(r.hash32('block hash'));
      const n = r.count(MAX_CMPCT_TXS, 'transactions');
      const txs = new Array(n);
      for (let i = 0; i < n; i++) {
        r.enter('tx', i);
        txs[i] = readTx(r);
        r.leave();
      }
      m = { command, hash, txs };
      break;
    }
    case 'addr': {
      const n = r.count(MAX_ADDR, 'addresses');
      const addrs: PeerAddress[] = [];
      for (let i = 0; i < n; i++) {
        r.enter('addr', i);
        addrs.push({ time: r.u32('addr time'), services: r.u64('addr services'), id: readString(r, MAX_PEER_ID, 'addr id') });
        r.leave();
      }
      m = { command, addrs };
      break;
    }
    case 'inv':
    case 'getdata':
    case 'notfound': {
      const n = r.count(MAX_INV, 'inventory items');
      if (r.remaining < n * 36) throw new DecodeError('truncated: inventory');
      const items: InvItem[] = new Array(n);
      for (let i = 0; i < n; i++) {
        r.enter('item', i);
        items[i] = { type: r.u32('inv type'), hash: hashToHex(r.hash32('inv hash')) };
        r.leave();
      }
      m = { command, items };
      break;
    }
    case 'getblocks': {
      const { version, locator, stop } = readLocator(r);
      m = { command, version, locator, stop };
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
      const hash = r.remaining >= 32 ? hashToHex(r.hash32('rejected hash')) : undefined;
      m = { command, message, code, reason, ...(hash ? { hash } : {}) };
      break;
    }
    case 'params':
      m = { command, json: readString(r, MAX_PAYLOAD, 'parameters') };
      break;
    case 'teacher': {
      if (r.remaining > MAX_TEACHER_BYTES) throw new DecodeError('too many bytes in a teacher command');
      // The command's own decoder bounds every field and refuses trailing bytes.
      m = { command, signed: decodeSignedTeacherCommand(r.bytesN(r.remaining, 'teacher command')) };
      break;
    }
    case 'nodeinfo':
      m = { command, records: readNodeInfo(r) };
      break;
  }
  return m;
}

/** getblocks and getheaders: version, locator (newest first), stop hash. */
function readLocator(r: ByteReader): { version: number; locator: string[]; stop: string } {
  const version = r.u32('version');
  const n = r.count(MAX_LOCATOR, 'locator hashes');
  const locator: string[] = [];
  for (let i = 0; i < n; i++) {
    r.enter('locator', i);
    locator.push(hashToHex(r.hash32('locator hash')));
    r.leave();
  }
  return { version, locator, stop: hashToHex(r.hash32('stop hash')) };
}

/**
 * BIP 152's differential indexes: each written as its distance from the previous index + 1, so
 * ascending indexes cost one byte each. Indexes must ascend and stay within 16 bits.
 */
function writeDifferential(w: ByteWriter, indexes: readonly number[]): void {
  let prev = -1;
  for (const i of indexes) {
    if (!Number.isInteger(i) || i <= prev || i > MAX_CMPCT_INDEX) throw new RangeError(`compact block indexes must ascend within 16 bits, got ${i} after ${prev}`);
    w.compactSize(i - prev - 1);
    prev = i;
  }
}

function readDifferential(r: ByteReader, n: number): number[] {
  const out = new Array<number>(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const index = prev + 1 + r.compactSize('index (differential)');
    if (index > MAX_CMPCT_INDEX) throw new DecodeError('compact block index overflowed 16 bits');
    out[i] = prev = index;
  }
  return out;
}

/** HeaderAndShortIDs: header, nonce, short ids (6 bytes, little-endian), prefilled transactions. */
function writeCompact(w: ByteWriter, c: CompactBlock): void {
  checkLimit(c.shortIds.length + c.prefilled.length, MAX_CMPCT_TXS, 'compact block transactions');
  w.bytes(encodeHeader(c.header)).u64(c.nonce).compactSize(c.shortIds.length);
  for (const id of c.shortIds) {
    if (!Number.isInteger(id) || id < 0 || id >= TWO32 * 0x10000) throw new RangeError(`a short id is 48 bits, got ${id}`);
    w.u32(id % TWO32).u16(Math.floor(id / TWO32));
  }
  w.compactSize(c.prefilled.length);
  let prev = -1;
  for (const p of c.prefilled) {
    if (!Number.isInteger(p.index) || p.index <= prev || p.index > MAX_CMPCT_INDEX) throw new RangeError(`prefilled indexes must ascend within 16 bits, got ${p.index}`);
    w.compactSize(p.index - prev - 1);
    prev = p.index;
    writeTx(w, p.tx);
  }
}

function readCompact(r: ByteReader): CompactBlock {
  const header = readHeader(r);
  const nonce = r.u64('nonce');
  const n = r.count(MAX_CMPCT_TXS, 'short ids');
  if (r.remaining < n * 6) throw new DecodeError('truncated: short ids');
  const shortIds = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    r.enter('short id', i);
    const lo = r.u32('short id low');
    shortIds[i] = r.u16('short id high') * TWO32 + lo;
    r.leave();
  }
  const k = r.count(MAX_CMPCT_TXS - n, 'prefilled transactions');
  const prefilled: CompactBlock['prefilled'] = new Array(k);
  let prev = -1;
  for (let i = 0; i < k; i++) {
    r.enter('prefilled', i);
    const index = prev + 1 + r.compactSize('index (differential)');
    if (index > MAX_CMPCT_INDEX) throw new DecodeError('compact block index overflowed 16 bits');
    prefilled[i] = { index, tx: readTx(r) };
    prev = index;
    r.leave();
  }
  return { header, nonce, shortIds, prefilled };
}
