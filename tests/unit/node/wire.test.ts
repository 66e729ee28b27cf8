/**
 * The wire codec, btcd style: each message beside its bytes, annotated field by field; then
 * framing faults, the limits (checked before any decoding work), truncation, and property-based
 * round trips of every command with fast-check.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import i18next from 'i18next';
import { resources } from '../../../src/ui/i18n/resources';
import { fieldName } from '../../../src/ui/views/messages/HexDump';
import { annotateFrame } from '../../../src/node/wire/annotate';
import { DecodeError, decodeBlock, fromHex, hashToHex, toHex, type Block, type Tx } from '../../../src/core';
import {
  COMMANDS,
  HEADER_LEN,
  MAX_ADDR,
  MAX_CMPCT_TXS,
  MAX_HEADERS,
  MAX_INV,
  MAX_LOCATOR,
  MAX_MESSAGE,
  MAX_PAYLOAD,
  MSG_BLOCK,
  MSG_TX,
  REJECT_INVALID,
  decodePayload,
  encodeMessage,
  encodePayload,
  isKnownCommand,
  parseFrame,
  type Command,
  type Message,
} from '../../../src/node/wire/messages';
import { mainnetBlocks } from '../../helpers/vectors';

/** Joins annotated hex fragments (spaces allowed) into bytes. */
function h(...parts: string[]): Uint8Array {
  return fromHex(parts.join('').replace(/\s+/g, ''));
}

/** Bitcoin mainnet's magic, f9 be b4 d9 on the wire: a known frame to compare against. */
const MAINNET = 0xd9b4bef9;
const GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';
const GENESIS_WIRE = '6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000';
const ZERO = '0'.repeat(64);

/** The teacher key 07…07's signatures of the slow-motion and tamper-order commands below. */
const SLOW_SIG = '3045022100d37493c606fca3070e56ee381a28ab14faab06e23a6ae9263e5efdcfe17b2755022023e0f420b69a5406e6ef87e1a2b761fa2cc01ec0175280febd5506ebd8abcf05';
const TAMPER_SIG = '304502210093ac70698e5f3d06f46b492add52101959f13d814310f17ab60a4062a72af4ca0220431a8dc5c70220ded76aeda2266629a2b4b498232f55c4c43f8ec61806449210';
/** The teacher key 07…07's low-S RFC 6979 signature of the throttle command above. */
const TEACHER_SIG = '3045022100bb4dcb3e9a0a3dd88ce1cd26ed7c153dc33c786af5c77e1f5968efdf1ee29d0d02207a186e67a8c52f80e677694cf8aa24fc88b20d268b9417fc0cdafa0b5ab7bcaa';

const genesisBlock: Block = decodeBlock(fromHex(mainnetBlocks()[0].hex));
const genesisCoinbase: Tx = genesisBlock.txs[0];

/** The mainnet genesis coinbase, field by field. */
const COINBASE_HEX = [
  '01000000', // version 1
  '01', // 1 input
  '0000000000000000000000000000000000000000000000000000000000000000', // prevout txid (null)
  'ffffffff', // prevout index 0xffffffff (coinbase)
  '4d', // scriptSig length 77
  '04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73', // "The Times 03/Jan/2009 …"
  'ffffffff', // sequence
  '01', // 1 output
  '00f2052a01000000', // value 5,000,000,000 sat (50 BTC)
  '43', // scriptPubKey length 67
  '4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac', // <65-byte pubkey> OP_CHECKSIG
  '00000000', // locktime 0
];

interface Case {
  name: string;
  message: Message;
  payload: Uint8Array;
}

const cases: Case[] = [
  {
    name: 'version',
    message: {
      command: 'version',
      payload: {
        version: 70001,
        services: 1n,
        timestamp: 1_700_000_000n,
        addrRecv: '3001',
        addrFrom: '3000',
        nonce: 0x0102030405060708n,
        userAgent: '/tabchain:0.1.0(central)/',
        startHeight: 2,
        relay: true,
        genesis: GENESIS,
      },
    },
    payload: h(
      '71110100', // protocol version 70001 (int32 LE)
      '0100000000000000', // services NODE_NETWORK (uint64 LE)
      '00f1536500000000', // timestamp 1,700,000,000 (int64 LE)
      '0000000000000000', // addr_recv services
      '04 33303031', // addr_recv: peer id "3001" (var_str; Bitcoin: 16-byte IP + 2-byte port)
      '0100000000000000', // addr_from services (= services)
      '04 33303030', // addr_from: peer id "3000"
      '0807060504030201', // nonce 0x0102030405060708 (self-connection detection)
      '19 2f746162636861696e3a302e312e302863656e7472616c292f', // user agent "/tabchain:0.1.0(central)/" (BIP14; role in the comment)
      '02000000', // start height 2
      '01', // relay (BIP37)
      GENESIS_WIRE, // tabchain: genesis hash (internal byte order)
    ),
  },
  { name: 'verack', message: { command: 'verack' }, payload: h('') },
  { name: 'getaddr', message: { command: 'getaddr' }, payload: h('') },
  { name: 'getparams', message: { command: 'getparams' }, payload: h('') },
  {
    name: 'addr',
    message: {
      command: 'addr',
      addrs: [
        { time: 1_700_000_000, services: 1n, id: '3000' },
        { time: 0xffffffff, services: 0n, id: '' },
      ],
    },
    payload: h(
      '02', // 2 addresses
      '00f15365', // time 1,700,000,000 (uint32 LE)
      '0100000000000000', // services
      '04 33303030', // peer id "3000" (var_str; Bitcoin: IP + port)
      'ffffffff', // time 0xffffffff
      '0000000000000000', // services 0
      '00', // empty peer id
    ),
  },
  ...(['inv', 'getdata', 'notfound'] as const).map((command) => ({
    name: command,
    message: { command, items: [{ type: MSG_TX, hash: GENESIS }, { type: MSG_BLOCK, hash: GENESIS }] } as Message,
    payload: h(
      '02', // 2 inventory vectors
      '01000000', // type MSG_TX
      GENESIS_WIRE, // hash (internal order)
      '02000000', // type MSG_BLOCK
      GENESIS_WIRE, // hash
    ),
  })),
  {
    name: 'getblocks',
    message: { command: 'getblocks', version: 70001, locator: [GENESIS, ZERO.replace(/0$/, '1')], stop: ZERO },
    payload: h(
      '71110100', // protocol version 70001 (uint32 LE)
      '02', // 2 locator hashes
      GENESIS_WIRE, // newest first
      '0100000000000000000000000000000000000000000000000000000000000000', // hash 000…01 (display) in internal order
      '0000000000000000000000000000000000000000000000000000000000000000', // stop hash: zero = as many as allowed (500)
    ),
  },
  {
    name: 'block (mainnet genesis)',
    message: { command: 'block', block: genesisBlock },
    payload: h(
      '01000000', // header version 1
      '0000000000000000000000000000000000000000000000000000000000000000', // previous block hash (none)
      '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a', // merkle root (internal order)
      '29ab5f49', // time 1231006505
      'ffff001d', // bits 0x1d00ffff
      '1dac2b7c', // nonce 2083236893
      '01', // 1 transaction
      ...COINBASE_HEX,
    ),
  },
  { name: 'tx (mainnet genesis coinbase)', message: { command: 'tx', tx: genesisCoinbase }, payload: h(...COINBASE_HEX) },
  { name: 'ping', message: { command: 'ping', nonce: 0xfedcba9876543210n }, payload: h('1032547698badcfe') /* nonce (uint64 LE) */ },
  { name: 'pong', message: { command: 'pong', nonce: 1n }, payload: h('0100000000000000') /* echoed nonce */ },
  {
    name: 'reject (with hash)',
    message: { command: 'reject', message: 'tx', code: REJECT_INVALID, reason: 'bad-txns-inputs-missingorspent', hash: GENESIS },
    payload: h(
      '02 7478', // rejected command "tx" (var_str)
      '10', // code REJECT_INVALID (BIP61)
      '1e 6261642d74786e732d696e707574732d6d697373696e676f727370656e74', // reason (var_str, 30 bytes)
      GENESIS_WIRE, // hash of the rejected tx or block
    ),
  },
  {
    name: 'reject (no hash)',
    message: { command: 'reject', message: 'version', code: 0x11, reason: '' },
    payload: h('07 76657273696f6e', /* "version" */ '11', /* REJECT_OBSOLETE */ '00' /* empty reason */),
  },
  {
    name: 'params',
    message: { command: 'params', json: '{"network":"test"}' },
    payload: h('12 7b226e6574776f726b223a2274657374227d' /* JSON (var_str) */),
  },
  { name: 'sendheaders (BIP 130)', message: { command: 'sendheaders' }, payload: h('') },
  {
    name: 'getheaders',
    message: { command: 'getheaders', version: 70014, locator: [GENESIS], stop: ZERO },
    payload: h(
      '7e110100', // protocol version 70014 (uint32 LE)
      '01', // 1 locator hash
      GENESIS_WIRE, // newest first
      '0000000000000000000000000000000000000000000000000000000000000000', // stop hash: zero = as many as allowed (2,000)
    ),
  },
  {
    name: 'headers',
    message: { command: 'headers', headers: [genesisBlock.header] },
    payload: h(
      '01', // 1 header
      '01000000', // version
      '0000000000000000000000000000000000000000000000000000000000000000', // previous block hash
      '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a', // merkle root
      '29ab5f49', // time
      'ffff001d', // bits
      '1dac2b7c', // nonce
      '00', // transaction count: always 0 in headers
    ),
  },
  {
    name: 'sendcmpct (BIP 152): high-bandwidth, version 1',
    message: { command: 'sendcmpct', announce: true, version: 1n },
    payload: h('01', /* announce: push cmpctblock to me */ '0100000000000000' /* compact block version 1 (txids; 2 = wtxids) */),
  },
  {
    name: 'cmpctblock (BIP 152 HeaderAndShortIDs)',
    message: { command: 'cmpctblock', compact: { header: genesisBlock.header, nonce: 0x0102030405060708n, shortIds: [0x1234_5678_9abc, 0xffff_ffff_ffff], prefilled: [{ index: 0, tx: genesisCoinbase }] } },
    payload: h(
      '01000000', '0000000000000000000000000000000000000000000000000000000000000000', // header: version, previous
      '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a', '29ab5f49', 'ffff001d', '1dac2b7c', // merkle root, time, bits, nonce
      '0807060504030201', // nonce salting the short ids (uint64 LE)
      '02', // 2 short ids
      'bc9a7856 3412', // 0x123456789abc: 6 bytes, little-endian
      'ffffffff ffff', // 0xffffffffffff
      '01', // 1 prefilled transaction
      '00', // index 0, differentially encoded (index − previous index − 1)
      ...COINBASE_HEX,
    ),
  },
  {
    name: 'getblocktxn (BIP 152 BlockTransactionsRequest)',
    message: { command: 'getblocktxn', hash: GENESIS, indexes: [1, 2, 5] },
    payload: h(
      GENESIS_WIRE, // block hash
      '03', // 3 indexes
      '01', // 1 (differential: 1 − (−1) − 1)
      '00', // 2 (2 − 1 − 1)
      '02', // 5 (5 − 2 − 1)
    ),
  },
  {
    name: 'blocktxn (BIP 152 BlockTransactions)',
    message: { command: 'blocktxn', hash: GENESIS, txs: [genesisCoinbase] },
    payload: h(GENESIS_WIRE, /* block hash */ '01', /* 1 transaction */ ...COINBASE_HEX),
  },
  {
    name: 'teacher (tabchain extension): throttle to 25 %, signed',
    message: {
      command: 'teacher',
      signed: { command: { network: 'test', counter: 1000, time: 1_700_000_000, action: { kind: 'throttle', percent: 25 } }, signature: fromHex(TEACHER_SIG) },
    },
    payload: h(
      '17', // command bytes (var_bytes, 23)
      '04 74657374', // network "test" (var_str)
      'e803000000000000', // counter 1000 (uint64)
      '00f1536500000000', // time 1,700,000,000 (uint64)
      '01', // action: throttle
      '19', // percent 25
      '47', // signature (var_bytes, 71): DER ECDSA over SHA-256d("tabchain teacher command" || command bytes)
      TEACHER_SIG,
    ),
  },
  {
    name: 'nodeinfo (tabchain extension: a wallet naming one address)',
    message: {
      command: 'nodeinfo',
      records: [{ node: '3001', role: 'wallet', seq: 1_700_000_000_000, height: 2, tip: GENESIS, labels: [{ label: 'WALLET_1', hash: fromHex('0102030405060708090a0b0c0d0e0f1011121314') }] }],
    },
    payload: h(
      '01', // 1 record
      '04 33303031', // node id "3001" (var_str)
      '03', // role 3 = wallet
      '0068e5cf8b010000', // seq 1,700,000,000,000 (uint64 LE)
      '02000000', // tip height 2 (int32)
      GENESIS_WIRE, // tip hash (internal byte order)
      '01', // 1 label
      '08 57414c4c45545f31', // "WALLET_1" (var_str)
      '0102030405060708090a0b0c0d0e0f1011121314', // HASH160 of the key it names (P2PKH)
    ),
  },
  {
    name: 'teacher (tabchain extension): slow motion, one message per 2 s in every node',
    message: {
      command: 'teacher',
      signed: { command: { network: 'test', counter: 1001, time: 1_700_000_000, action: { kind: 'delivery', mode: 'slow', intervalMs: 2000 } }, signature: fromHex(SLOW_SIG) },
    },
    payload: h(
      '1b', // command bytes (var_bytes, 27)
      '04 74657374', // network "test"
      'e903000000000000', // counter 1001
      '00f1536500000000', // time 1,700,000,000
      '05', // action: delivery
      '02', // mode: slow (0 live, 1 paused, 2 slow)
      'd0070000', // interval 2000 ms (uint32; 0 unless slow, else 50–60,000)
      '47',
      SLOW_SIG,
    ),
  },
  {
    name: 'teacher (tabchain extension): node 3002 tampers with block 7 and broadcasts it with its merkle root recomputed',
    message: {
      command: 'teacher',
      signed: { command: { network: 'test', counter: 1002, time: 1_700_000_000, action: { kind: 'lesson', node: '3002', order: { do: 'tamper', height: 7, stage: 2 } } }, signature: fromHex(TAMPER_SIG) },
    },
    payload: h(
      '21', // command bytes (var_bytes, 33)
      '04 74657374', // network "test"
      'ea03000000000000', // counter 1002
      '00f1536500000000', // time 1,700,000,000
      '07', // action: lesson
      '04 33303032', // node "3002" (var_str)
      '00', // order: tamper (0 tamper, 1 double-spend, 2 private, 3 release, 4 abandon)
      '07000000', // height 7 (uint32)
      '02', // stage 2: merkle root recomputed (1 edited, 3 re-mined)
      '47',
      TAMPER_SIG,
    ),
  },
];

describe('payloads, byte by byte', () => {
  it('covers every command', () => {
    expect(new Set(cases.map((c) => c.message.command))).toEqual(new Set(COMMANDS));
  });
  for (const c of cases) {
    it(`${c.name}: encodes to the annotated bytes and decodes back`, () => {
      expect(toHex(encodePayload(c.message))).toBe(toHex(c.payload));
      expect(decodePayload(c.message.command, c.payload)).toEqual(c.message);
    });
    it(`${c.name}: every truncation and one trailing byte are DecodeErrors`, () => {
      for (let n = 0; n < c.payload.length; n++) {
        // A message whose payload can legitimately be empty, or a reject without its optional hash, is not a truncation.
        const prefix = c.payload.subarray(0, n);
        if (c.message.command === 'cmpctblock' && n === 0) continue; // (no payload is still a decode error below)
        if (c.message.command === 'reject' && n === c.payload.length - 32 && c.message.hash) continue;
        expect(() => decodePayload(c.message.command, prefix), `${c.name} cut at ${n}`).toThrow(DecodeError);
      }
      const longer = new Uint8Array(c.payload.length + 1);
      longer.set(c.payload);
      expect(() => decodePayload(c.message.command, longer)).toThrow(DecodeError);
    });
  }
});

describe('frame', () => {
  it("Bitcoin's own verack frame, byte for byte", () => {
    const frame = encodeMessage(MAINNET, { command: 'verack' });
    expect(toHex(frame)).toBe(
      toHex(h(
        'f9beb4d9', // magic (mainnet; tabchain derives one per network name)
        '76657261636b000000000000', // command "verack", NUL-padded to 12 bytes
        '00000000', // payload length 0
        '5df6e0e2', // checksum: first 4 bytes of SHA-256d("")
      )),
    );
    const parsed = parseFrame(MAINNET, frame);
    expect(parsed.ok && parsed.header.command).toBe('verack');
  });

  it('ping frame: header then payload', () => {
    const frame = encodeMessage(MAINNET, { command: 'ping', nonce: 0n });
    expect(frame.length).toBe(HEADER_LEN + 8);
    expect(toHex(frame.subarray(4, 16))).toBe('70696e670000000000000000'); // "ping" + 8 NULs
    expect(toHex(frame.subarray(16, 20))).toBe('08000000'); // length 8
  });

  const good = encodeMessage(MAINNET, { command: 'ping', nonce: 42n });
  const edit = (f: (b: Uint8Array) => void, bytes = good) => {
    const b = bytes.slice();
    f(b);
    return b;
  };
  const faults: [string, Uint8Array, string][] = [
    ['fewer than 24 bytes', good.subarray(0, 23), 'too-short'],
    ['wrong magic', edit((b) => (b[0] ^= 1)), 'wrong-magic'],
    ['non-printable command byte', edit((b) => (b[5] = 0x01)), 'bad-command'],
    ['command byte after the NUL padding', edit((b) => (b[15] = 0x41)), 'bad-command'],
    ['declared length above 256 KiB − 24, with no payload sent', edit((b) => new DataView(b.buffer).setUint32(16, MAX_PAYLOAD + 1, true), good.subarray(0, 24)), 'oversized'],
    ['declared length 4 GiB − 1', edit((b) => new DataView(b.buffer).setUint32(16, 0xffffffff, true)), 'oversized'],
    ['payload shorter than declared', good.subarray(0, good.length - 1), 'length-mismatch'],
    ['payload longer than declared', Uint8Array.from([...good, 0]), 'length-mismatch'],
    ['payload bit flipped', edit((b) => (b[HEADER_LEN] ^= 0x80)), 'bad-checksum'],
    ['checksum bit flipped', edit((b) => (b[20] ^= 1)), 'bad-checksum'],
  ];
  for (const [name, bytes, kind] of faults)
    it(`refuses: ${name} → ${kind}`, () => {
      const r = parseFrame(MAINNET, bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.fault.kind).toBe(kind);
    });

  it('an unknown command frames fine and is reported as unknown (Core ignores it)', () => {
    const b = edit((x) => x.set([0x66, 0x6f, 0x6f, 0, 0, 0, 0, 0, 0, 0, 0, 0], 4)); // "foo"
    const r = parseFrame(MAINNET, b);
    expect(r.ok && r.header.command).toBe('foo');
    expect(isKnownCommand('foo')).toBe(false);
  });

  it('serving the same block again costs no encoding, checksum or copy: the frame is the same array', () => {
    const first = encodeMessage(MAINNET, { command: 'block', block: genesisBlock });
    expect(encodeMessage(MAINNET, { command: 'block', block: genesisBlock })).toBe(first);
    expect(encodeMessage(MAINNET, { command: 'tx', tx: genesisCoinbase })).toBe(encodeMessage(MAINNET, { command: 'tx', tx: genesisCoinbase }));
    // A compact block is built once per block and sent to every peer as the same message object.
    const cmpct: Message = { command: 'cmpctblock', compact: { header: genesisBlock.header, nonce: 1n, shortIds: [], prefilled: [{ index: 0, tx: genesisCoinbase }] } };
    expect(encodeMessage(MAINNET, cmpct)).toBe(encodeMessage(MAINNET, cmpct));
    // Another network's magic is another frame.
    expect(toHex(encodeMessage(MAINNET + 1, { command: 'block', block: genesisBlock }).subarray(0, 4))).not.toBe(toHex(first.subarray(0, 4)));
  });

  it('will not build a frame above 256 KiB', () => {
    const json = 'x'.repeat(MAX_PAYLOAD - 5); // var_str prefix fe + uint32: exactly MAX_PAYLOAD
    expect(encodeMessage(MAINNET, { command: 'params', json }).length).toBe(MAX_MESSAGE);
    expect(() => encodeMessage(MAINNET, { command: 'params', json: json + 'x' })).toThrow(RangeError);
  });
});

describe('limits, enforced before decoding work', () => {
  /** A payload that declares `n` entries and carries none: the count alone must be refused. */
  const declares = (n: number, prefix = '') => h(prefix, n < 0xfd ? n.toString(16).padStart(2, '0') : n <= 0xffff ? `fd${toHex(le(n, 2))}` : `fe${toHex(le(n, 4))}`);
  const le = (n: number, size: number) => {
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = (n >>> (8 * i)) & 0xff;
    return b;
  };
  it.each([
    ['inv', MAX_INV, 'inventory items'],
    ['getdata', MAX_INV, 'inventory items'],
    ['notfound', MAX_INV, 'inventory items'],
    ['addr', MAX_ADDR, 'addresses'],
  ] as [Command, number, string][])('%s: %i + 1 entries are refused by count', (command, max, what) => {
    expect(() => decodePayload(command, declares(max + 1))).toThrow(`too many ${what}: ${max + 1} > ${max}`);
    // At the limit the count passes and only the missing data is the problem.
    expect(() => decodePayload(command, declares(max))).toThrow(/truncated/);
  });
  it('getblocks: 102 locator hashes are refused by count', () => {
    expect(() => decodePayload('getblocks', declares(MAX_LOCATOR + 1, '71110100'))).toThrow('too many locator hashes: 102 > 101');
  });
  it('50,000 inventory items decode; the sender refuses to build 50,001', () => {
    const items = Array.from({ length: MAX_INV }, (_, i) => ({ type: MSG_TX, hash: i.toString(16).padStart(64, '0') }));
    const payload = encodePayload({ command: 'inv', items });
    expect(payload.length).toBe(3 + 36 * MAX_INV);
    expect((decodePayload('inv', payload) as { items: unknown[] }).items.length).toBe(MAX_INV);
    expect(() => encodePayload({ command: 'inv', items: [...items, items[0]] })).toThrow(RangeError);
  });
  it('the sender refuses 1,001 addresses, 102 locator hashes, a 65-byte peer id', () => {
    const a = { time: 0, services: 0n, id: 'x' };
    expect(() => encodePayload({ command: 'addr', addrs: Array(MAX_ADDR + 1).fill(a) })).toThrow(RangeError);
    expect(() => encodePayload({ command: 'getblocks', version: 1, locator: Array(MAX_LOCATOR + 1).fill(ZERO), stop: ZERO })).toThrow(RangeError);
    expect(() => encodePayload({ command: 'addr', addrs: [{ ...a, id: 'x'.repeat(65) }] })).toThrow(RangeError);
  });
  it('non-canonical CompactSize counts are refused', () => {
    expect(() => decodePayload('inv', h('fd0100'))).toThrow(/non-canonical/);
  });
  it('peer ids and user agents must be valid UTF-8 (else they would re-encode differently)', () => {
    const bad = h('01', '00000000', '0000000000000000', '01 ff');
    expect(() => decodePayload('addr', bad)).toThrow('invalid UTF-8: addr id');
  });
  it('headers: 2,001 are refused by count, a header with a transaction count is malformed', () => {
    expect(() => decodePayload('headers', declares(MAX_HEADERS + 1))).toThrow(`too many headers: ${MAX_HEADERS + 1} > ${MAX_HEADERS}`);
    const one = encodePayload({ command: 'headers', headers: [genesisBlock.header] });
    const withCount = one.slice();
    withCount[withCount.length - 1] = 1;
    expect(() => decodePayload('headers', withCount)).toThrow('a header in headers must have a tx count of 0');
  });
  it('compact blocks: indexes past 16 bits, and non-ascending indexes, are refused both ways (BIP 152)', () => {
    // getblocktxn: the first index 0xffff, the next one more: 0x10000.
    expect(() => decodePayload('getblocktxn', h(GENESIS_WIRE, '02', 'fdffff', '00'))).toThrow('compact block index overflowed 16 bits');
    expect(() => encodePayload({ command: 'getblocktxn', hash: GENESIS, indexes: [3, 3] })).toThrow(RangeError);
    expect(() => encodePayload({ command: 'getblocktxn', hash: GENESIS, indexes: [0x10000] })).toThrow(RangeError);
    expect(() => encodePayload({ command: 'cmpctblock', compact: { header: genesisBlock.header, nonce: 0n, shortIds: [2 ** 48], prefilled: [] } })).toThrow(RangeError);
    expect(() => decodePayload('getblocktxn', Uint8Array.from([...h(GENESIS_WIRE), ...declares(MAX_CMPCT_TXS + 1)]))).toThrow(/too many indexes/);
    expect(() => decodePayload('sendcmpct', h('02', '0100000000000000'))).toThrow('sendcmpct announce flag must be 0 or 1');
  });
  it('version: relay flag must be 0 or 1', () => {
    const v = cases[0].payload.slice();
    v[v.length - 33] = 2;
    expect(() => decodePayload('version', v)).toThrow(/relay/);
  });
});

// ------------------------------------------------------------------------------ round trips

const u32 = fc.bigInt(0n, 0xffffffffn).map(Number);
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u64 = fc.bigInt(0n, (1n << 64n) - 1n);
const i64 = fc.bigInt(-(1n << 63n), (1n << 63n) - 1n);
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hashToHex);
const utf8Len = (s: string) => new TextEncoder().encode(s).length;
const text = (maxBytes: number, maxLength = 16) => fc.string({ unit: 'grapheme', maxLength }).filter((s) => utf8Len(s) <= maxBytes);
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

const txArb: fc.Arbitrary<Tx> = fc.record({
  version: i32,
  inputs: fc.array(fc.record({ prevout: fc.record({ txid: fc.uint8Array({ minLength: 32, maxLength: 32 }), vout: u32 }), scriptSig: bytes(120), sequence: u32 }), { maxLength: 3 }),
  outputs: fc.array(fc.record({ value: i64, script: bytes(60) }), { maxLength: 3 }),
  locktime: u32,
});
const blockArb: fc.Arbitrary<Block> = fc.record({
  header: fc.record({ version: i32, prevHash: fc.uint8Array({ minLength: 32, maxLength: 32 }), merkleRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }), time: u32, bits: u32, nonce: u32 }),
  txs: fc.array(txArb, { maxLength: 3 }),
});
const inv = fc.array(fc.record({ type: u32, hash }), { maxLength: 20 });

const arbitraries: Record<Command, fc.Arbitrary<Message>> = {
  version: fc
    .record({
      version: i32, services: u64, timestamp: i64, addrRecv: text(64), addrFrom: text(64), nonce: u64,
      userAgent: text(256, 40), startHeight: i32, relay: fc.boolean(), genesis: hash,
      addrRecvServices: fc.option(u64.filter((x) => x !== 0n), { nil: undefined }),
      addrFromServices: fc.option(u64, { nil: undefined }),
    })
    .map(({ addrRecvServices, addrFromServices, ...p }) => ({
      command: 'version' as const,
      payload: { ...p, ...(addrRecvServices !== undefined ? { addrRecvServices } : {}), ...(addrFromServices !== undefined && addrFromServices !== p.services ? { addrFromServices } : {}) },
    })),
  verack: fc.constant({ command: 'verack' }),
  getaddr: fc.constant({ command: 'getaddr' }),
  getparams: fc.constant({ command: 'getparams' }),
  addr: fc.array(fc.record({ time: u32, services: u64, id: text(64) }), { maxLength: 10 }).map((addrs) => ({ command: 'addr' as const, addrs })),
  inv: inv.map((items) => ({ command: 'inv' as const, items })),
  getdata: inv.map((items) => ({ command: 'getdata' as const, items })),
  notfound: inv.map((items) => ({ command: 'notfound' as const, items })),
  getblocks: fc.record({ version: u32, locator: fc.array(hash, { maxLength: 12 }), stop: hash }).map((g) => ({ command: 'getblocks' as const, ...g })),
  block: blockArb.map((block) => ({ command: 'block' as const, block })),
  tx: txArb.map((tx) => ({ command: 'tx' as const, tx })),
  ping: u64.map((nonce) => ({ command: 'ping' as const, nonce })),
  pong: u64.map((nonce) => ({ command: 'pong' as const, nonce })),
  reject: fc
    .record({ message: text(12, 12), code: fc.integer({ min: 0, max: 255 }), reason: text(256, 40), hash: fc.option(hash, { nil: undefined }) })
    .map(({ hash: hh, ...r }) => ({ command: 'reject' as const, ...r, ...(hh ? { hash: hh } : {}) })),
  params: text(2000, 200).map((json) => ({ command: 'params' as const, json })),
  sendheaders: fc.constant({ command: 'sendheaders' }),
  getheaders: fc.record({ version: u32, locator: fc.array(hash, { maxLength: 12 }), stop: hash }).map((g) => ({ command: 'getheaders' as const, ...g })),
  headers: fc.array(blockArb.map((b) => b.header), { maxLength: 5 }).map((headers) => ({ command: 'headers' as const, headers })),
  sendcmpct: fc.record({ announce: fc.boolean(), version: u64 }).map((m) => ({ command: 'sendcmpct' as const, ...m })),
  cmpctblock: fc
    .record({
      header: blockArb.map((b) => b.header), nonce: u64, shortIds: fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { maxLength: 6 }),
      prefilled: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 3 }).chain((idx) => fc.tuple(...idx.sort((a, b) => a - b).map((index) => txArb.map((tx) => ({ index, tx }))))),
    })
    .map((compact) => ({ command: 'cmpctblock' as const, compact })),
  getblocktxn: fc
    .record({ hash, indexes: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }).map((a) => a.sort((x, y) => x - y)) })
    .map((m) => ({ command: 'getblocktxn' as const, ...m })),
  blocktxn: fc.record({ hash, txs: fc.array(txArb, { maxLength: 3 }) }).map((m) => ({ command: 'blocktxn' as const, ...m })),
  teacher: fc
    .record({ network: text(64, 20), counter: fc.nat(), time: fc.nat(), percent: fc.integer({ min: 1, max: 100 }), signature: bytes(72) })
    .map(({ network, counter, time, percent, signature }) => ({ command: 'teacher' as const, signed: { command: { network, counter, time, action: { kind: 'throttle' as const, percent } }, signature } })),
  nodeinfo: fc
    .array(
      fc.record({
        node: text(64),
        role: fc.constantFrom(null, 'central' as const, 'miner' as const, 'wallet' as const),
        seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        height: i32,
        tip: hash,
        labels: fc.array(fc.record({ label: text(32), hash: fc.uint8Array({ minLength: 20, maxLength: 20 }) }), { maxLength: 4 }),
      }),
      { maxLength: 4 },
    )
    .map((records) => ({ command: 'nodeinfo' as const, records })),
};

describe('round trips (fast-check)', () => {
  for (const command of COMMANDS)
    it(`${command}: decode(encode(m)) = m and encode(decode(bytes)) = bytes, framed and unframed`, () => {
      fc.assert(
        fc.property(arbitraries[command], (m) => {
          const payload = encodePayload(m);
          const back = decodePayload(command, payload);
          expect(back).toEqual(m);
          // Re-encode a structured clone so no serialization cache can hide a difference.
          expect(toHex(encodePayload(structuredClone(back)))).toBe(toHex(payload));
          const frame = encodeMessage(MAINNET, m);
          const parsed = parseFrame(MAINNET, frame);
          expect(parsed.ok).toBe(true);
          if (parsed.ok) {
            expect(parsed.header.command).toBe(command);
            expect(toHex(parsed.payload)).toBe(toHex(payload));
          }
        }),
        { numRuns: 200, seed: 20240 + COMMANDS.indexOf(command) },
      );
    });
});

describe('the byte view names every field in Korean too', () => {
  it('every label and part the codec gives a field of any message has a Korean name; the English label stays beside it', async () => {
    const ko = resources.ko.translation as { wireField: Record<string, string>; wirePart: Record<string, string> };
    const labels = new Set<string>();
    const parts = new Set<string>();
    for (const c of cases)
      for (const f of annotateFrame(encodeMessage(MAINNET, c.message))) {
        labels.add(f.what);
        for (const p of f.parts) parts.add(p.replace(/ \d+$/, ''));
      }
    expect(labels.size).toBeGreaterThan(60);
    expect([...labels].filter((l) => !ko.wireField[l])).toEqual([]);
    expect([...parts].filter((p) => !ko.wirePart[p])).toEqual([]);

    const i = i18next.createInstance();
    await i.init({ lng: 'ko', resources, interpolation: { escapeValue: false } });
    const block = annotateFrame(encodeMessage(MAINNET, { command: 'block', block: genesisBlock }));
    const names = block.map((f) => fieldName(i.t, f));
    expect(names).toContain('머클 루트 (merkle root)');
    expect(names).toContain('거래 0 입력 0: 잠금 해제 스크립트 (scriptSig)');
    await i.changeLanguage('en');
    expect(block.map((f) => fieldName(i.t, f))).toEqual(block.map((f) => f.name)); // English: the codec's own names
  });
});
