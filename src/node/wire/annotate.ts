import { ByteReader, hashToHex, toHex } from '../../core';
import { HEADER_LEN, MAX_ADDR, MAX_INV, MAX_LOCATOR, MAX_PEER_ID } from './messages';

/** One field of a message: its name, byte range in the frame, and a readable value. */
export interface Field {
  name: string;
  start: number;
  end: number;
  value: string;
  /** Header, payload field, or a nested part (a transaction inside a block). */
  group: 'header' | 'payload' | 'tx';
}

/**
 * Splits a frame into named byte ranges (the message view's hex dump highlights them):
 * magic, command, length, checksum, then the payload's fields as Bitcoin defines them.
 * Stops quietly at the first field that does not fit (a malformed message still shows its header).
 */
export function annotateFrame(frame: Uint8Array): Field[] {
  const fields: Field[] = [];
  if (frame.length < HEADER_LEN) return [{ name: 'truncated header', start: 0, end: frame.length, value: toHex(frame), group: 'header' }];
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const command = String.fromCharCode(...frame.subarray(4, 16)).replace(/\0+$/, '');
  fields.push(
    { name: 'magic', start: 0, end: 4, value: `0x${view.getUint32(0, true).toString(16).padStart(8, '0')}`, group: 'header' },
    { name: 'command', start: 4, end: 16, value: command, group: 'header' },
    { name: 'length', start: 16, end: 20, value: String(view.getUint32(16, true)), group: 'header' },
    { name: 'checksum', start: 20, end: 24, value: toHex(frame.subarray(20, 24)), group: 'header' },
  );
  const r = new ByteReader(frame.subarray(HEADER_LEN));
  const at = () => HEADER_LEN + r.pos;
  const field = (name: string, read: () => string, group: Field['group'] = 'payload') => {
    const start = at();
    const value = read();
    fields.push({ name, start, end: at(), value, group });
  };
  try {
    switch (command) {
      case 'version':
        field('version', () => String(r.i32()));
        field('services', () => String(r.u64()));
        field('timestamp', () => new Date(Number(r.i64()) * 1000).toISOString());
        field('addr_recv services', () => String(r.u64()));
        field('addr_recv (peer id)', () => r.varString(MAX_PEER_ID));
        field('addr_from services', () => String(r.u64()));
        field('addr_from (peer id)', () => r.varString(MAX_PEER_ID));
        field('nonce', () => String(r.u64()));
        field('user agent', () => r.varString(256));
        field('start height', () => String(r.i32()));
        field('relay', () => String(r.u8()));
        field('genesis hash', () => hashToHex(r.bytesN(32)));
        break;
      case 'inv':
      case 'getdata':
      case 'notfound': {
        let n = 0;
        field('count', () => String((n = r.count(MAX_INV))));
        for (let i = 0; i < n; i++) {
          field(`item ${i} type`, () => { const t = r.u32(); return t === 1 ? 'MSG_TX (1)' : t === 2 ? 'MSG_BLOCK (2)' : String(t); });
          field(`item ${i} hash`, () => hashToHex(r.bytesN(32)));
        }
        break;
      }
      case 'getblocks': {
        field('version', () => String(r.u32()));
        let n = 0;
        field('locator count', () => String((n = r.count(MAX_LOCATOR))));
        for (let i = 0; i < n; i++) field(`locator ${i}`, () => hashToHex(r.bytesN(32)));
        field('stop hash', () => hashToHex(r.bytesN(32)));
        break;
      }
      case 'addr': {
        let n = 0;
        field('count', () => String((n = r.count(MAX_ADDR))));
        for (let i = 0; i < n; i++) {
          field(`addr ${i} time`, () => new Date(r.u32() * 1000).toISOString());
          field(`addr ${i} services`, () => String(r.u64()));
          field(`addr ${i} peer id`, () => r.varString(MAX_PEER_ID));
        }
        break;
      }
      case 'ping':
      case 'pong':
        field('nonce', () => String(r.u64()));
        break;
      case 'reject':
        field('message', () => r.varString(12));
        field('code', () => `0x${r.u8().toString(16).padStart(2, '0')}`);
        field('reason', () => r.varString(256));
        if (r.remaining >= 32) field('hash', () => hashToHex(r.bytesN(32)));
        break;
      case 'params':
        field('parameters (JSON)', () => r.varString(1 << 20));
        break;
      case 'nodeinfo': {
        let n = 0;
        field('record count', () => String((n = r.count(100))));
        for (let i = 0; i < n; i++) {
          field(`record ${i} node id`, () => r.varString(MAX_PEER_ID));
          field(`record ${i} role`, () => { const x = r.u8(); return `${['none', 'central', 'miner', 'wallet'][x] ?? '?'} (${x})`; });
          field(`record ${i} seq`, () => String(r.u64()));
          field(`record ${i} tip height`, () => String(r.i32()));
          field(`record ${i} tip hash`, () => hashToHex(r.bytesN(32)));
          let k = 0;
          field(`record ${i} label count`, () => String((k = r.count(16))));
          for (let j = 0; j < k; j++) {
            field(`record ${i} label ${j}`, () => r.varString(32));
            field(`record ${i} label ${j} key hash (HASH160)`, () => toHex(r.bytesN(20)));
          }
        }
        break;
      }
      case 'tx':
        annotateTx(r, at, fields, '');
        break;
      case 'block': {
        field('block version', () => String(r.i32()));
        field('previous block hash', () => hashToHex(r.bytesN(32)));
        field('merkle root', () => hashToHex(r.bytesN(32)));
        field('time', () => new Date(r.u32() * 1000).toISOString());
        field('bits', () => `0x${r.u32().toString(16).padStart(8, '0')}`);
        field('nonce', () => String(r.u32()));
        let n = 0;
        field('tx count', () => String((n = r.count(100_000))));
        for (let i = 0; i < n && i < 50; i++) annotateTx(r, at, fields, `tx ${i} `);
        break;
      }
    }
  } catch {
    // malformed from here on: the fields so far still describe the bytes
  }
  return fields;
}

function annotateTx(r: ByteReader, at: () => number, fields: Field[], prefix: string): void {
  const field = (name: string, read: () => string) => {
    const start = at();
    const value = read();
    fields.push({ name: prefix + name, start, end: at(), value, group: prefix ? 'tx' : 'payload' });
  };
  field('version', () => String(r.i32()));
  let nIn = 0;
  field('input count', () => String((nIn = r.count(100_000))));
  for (let i = 0; i < nIn; i++) {
    field(`in ${i} prev txid`, () => hashToHex(r.bytesN(32)));
    field(`in ${i} prev index`, () => String(r.u32()));
    field(`in ${i} scriptSig`, () => toHex(r.varBytes(10_000)));
    field(`in ${i} sequence`, () => `0x${r.u32().toString(16)}`);
  }
  let nOut = 0;
  field('output count', () => String((nOut = r.count(100_000))));
  for (let i = 0; i < nOut; i++) {
    field(`out ${i} value (sat)`, () => String(r.i64()));
    field(`out ${i} scriptPubKey`, () => toHex(r.varBytes(10_000)));
  }
  field('locktime', () => String(r.u32()));
}
