/**
 * Seeded fuzzing of the message decoder: valid frames of every command, mutated (bit flips,
 * interesting bytes, truncation, insertion, deletion, a payload sent under another command's
 * name, header damage) plus random bytes. For every input `parseFrame` + `decodePayload` may only
 * refuse with a fault or a DecodeError, and whatever they accept must re-encode to the very same
 * bytes (one message, one encoding). A share of the inputs is then sent to a live node over the
 * in-memory network, which must never hit an internal error and must stay in sync.
 *
 * FUZZ_N=1000000 npx vitest run tests/unit/node/fuzz.test.ts   (default 100,000)
 */
import { signTeacherCommand } from '../../../src/core';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeBlock, fromHex, paramsToJSON, sha256d, toHex, type Block, type ChainParams } from '../../../src/core';
import {
  COMMANDS,
  HEADER_LEN,
  MAX_PAYLOAD,
  MSG_BLOCK,
  MSG_TX,
  decodePayload,
  encodeMessage,
  isKnownCommand,
  parseFrame,
  type Message,
} from '../../../src/node/wire/messages';
import { mainnetBlocks } from '../../helpers/vectors';
import { TestNetwork } from '../../helpers/testNetwork';
import { TestChain, testKey } from '../../helpers/chainBuilder';
import { RawPeer, handshaken } from '../../integration/support/rawPeer';

const N = Number(process.env.FUZZ_N ?? 100_000);
const MAGIC = 0xd9b4bef9;

/** mulberry32: small, fast, seeded. */
function prng(seed: number) {
  let s = seed >>> 0;
  const u32 = () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { u32, int: (n: number) => u32() % n, chance: (p: number) => u32() / 2 ** 32 < p };
}
type Rng = ReturnType<typeof prng>;

/** One valid message of every command (two of some), for a network with the given chain. */
function corpus(blocks: Block[], genesis: string, params?: ChainParams): Message[] {
  const h = (i: number) => i.toString(16).padStart(64, '0');
  const block = blocks[blocks.length - 1];
  const tx = blocks.flatMap((b) => b.txs).at(-1)!;
  return [
    { command: 'version', payload: { version: 70001, services: 1n, timestamp: 1_700_000_000n, addrRecv: 'C', addrFrom: 'fuzz', nonce: 99n, userAgent: '/fuzz:1.0(wallet)/', startHeight: 3, relay: true, genesis } },
    { command: 'verack' },
    { command: 'getaddr' },
    { command: 'getparams' },
    { command: 'addr', addrs: [{ time: 1_700_000_000, services: 1n, id: 'peer-a' }, { time: 5, services: 0n, id: 'b' }] },
    { command: 'inv', items: [{ type: MSG_TX, hash: h(1) }, { type: MSG_BLOCK, hash: h(2) }] },
    { command: 'getdata', items: [{ type: MSG_BLOCK, hash: genesis }, { type: MSG_TX, hash: h(3) }] },
    { command: 'notfound', items: [{ type: MSG_BLOCK, hash: h(4) }] },
    { command: 'getblocks', version: 70001, locator: [genesis, h(5)], stop: '0'.repeat(64) },
    { command: 'block', block },
    { command: 'block', block: blocks[0] },
    { command: 'tx', tx },
    { command: 'ping', nonce: 123456789n },
    { command: 'pong', nonce: 1n },
    { command: 'reject', message: 'tx', code: 0x10, reason: 'bad-txns-vin-empty', hash: h(6) },
    { command: 'reject', message: 'version', code: 0x11, reason: 'obsolete' },
    { command: 'params', json: params ? paramsToJSON({ ...params, genesisHex: undefined }) : '{"network":"fuzz"}' },
    { command: 'teacher', signed: signTeacherCommand({ network: 'fuzz', counter: 7, time: 1_700_000_000, action: { kind: 'partition', groups: [['a', 'b'], ['c']] } }, new Uint8Array(32).fill(3)) },
  ];
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfc, 0xfd, 0xfe];

/** Rewrites length and checksum to match the payload (so the decoder, not the framer, sees it). */
function refit(frame: Uint8Array): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  view.setUint32(16, frame.length - HEADER_LEN, true);
  frame.set(sha256d(frame.subarray(HEADER_LEN)).subarray(0, 4), 20);
  return frame;
}

/** One fuzz input from the corpus frames. */
function mutate(rng: Rng, frames: Uint8Array[], magic: number): Uint8Array {
  const kind = rng.int(10);
  if (kind === 0) {
    // Random bytes, sometimes behind a valid header of a random command.
    const body = Uint8Array.from({ length: rng.int(200) }, () => rng.u32() & 0xff);
    if (rng.chance(0.3)) return body;
    const f = new Uint8Array(HEADER_LEN + body.length);
    new DataView(f.buffer).setUint32(0, magic, true);
    const cmd = COMMANDS[rng.int(COMMANDS.length)];
    for (let i = 0; i < cmd.length; i++) f[4 + i] = cmd.charCodeAt(i);
    f.set(body, HEADER_LEN);
    return refit(f);
  }
  let f = frames[rng.int(frames.length)].slice();
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const payloadLen = f.length - HEADER_LEN;
    const at = () => HEADER_LEN + rng.int(Math.max(1, payloadLen));
    switch (rng.int(7)) {
      case 0: // bit flip
        if (payloadLen) f[at()] ^= 1 << rng.int(8);
        break;
      case 1: // interesting byte
        if (payloadLen) f[at()] = INTERESTING[rng.int(INTERESTING.length)];
        break;
      case 2: // truncate
        f = f.slice(0, HEADER_LEN + rng.int(payloadLen + 1));
        break;
      case 3: {
        // insert bytes
        const pos = HEADER_LEN + rng.int(payloadLen + 1);
        const ins = Uint8Array.from({ length: 1 + rng.int(8) }, () => (rng.chance(0.5) ? INTERESTING[rng.int(INTERESTING.length)] : rng.u32() & 0xff));
        const g = new Uint8Array(f.length + ins.length);
        g.set(f.subarray(0, pos));
        g.set(ins, pos);
        g.set(f.subarray(pos), pos + ins.length);
        f = g;
        break;
      }
      case 4: {
        // delete bytes
        if (!payloadLen) break;
        const pos = HEADER_LEN + rng.int(payloadLen);
        const n = 1 + rng.int(Math.min(8, f.length - pos));
        f = Uint8Array.from([...f.subarray(0, pos), ...f.subarray(pos + n)]);
        break;
      }
      case 5: {
        // the payload under another command's name
        const cmd = COMMANDS[rng.int(COMMANDS.length)];
        f.fill(0, 4, 16);
        for (let i = 0; i < cmd.length; i++) f[4 + i] = cmd.charCodeAt(i);
        break;
      }
      case 6: // a 32-bit field overwritten with an extreme value
        if (payloadLen >= 4) new DataView(f.buffer).setUint32(HEADER_LEN + rng.int(payloadLen - 3), [0, 0xffffffff, 0x80000000, 0xfd, 50_001][rng.int(5)], true);
        break;
    }
  }
  if (rng.chance(0.9)) return refit(f);
  // Header damage: leave the stale checksum, or break magic, length or command bytes.
  switch (rng.int(4)) {
    case 0:
      f[rng.int(4)] ^= 0xff;
      break;
    case 1:
      new DataView(f.buffer).setUint32(16, rng.chance(0.5) ? MAX_PAYLOAD + 1 + rng.int(1000) : rng.u32(), true);
      break;
    case 2:
      f[4 + rng.int(12)] = rng.u32() & 0xff;
      break;
  }
  return f;
}

type Outcome = 'fault' | 'unknown' | 'decode-error' | 'accepted';

/** The property: refuse with a fault or DecodeError, or accept something that re-encodes identically. */
function check(magic: number, bytes: Uint8Array): Outcome {
  const frame = parseFrame(magic, bytes);
  if (!frame.ok) return 'fault';
  if (!isKnownCommand(frame.header.command)) return 'unknown';
  let m: Message;
  try {
    m = decodePayload(frame.header.command, frame.payload);
  } catch (e) {
    if (e instanceof DecodeError) return 'decode-error';
    throw new Error(`decodePayload threw ${(e as Error)?.name}: ${(e as Error)?.message} for ${toHex(bytes)}`);
  }
  // structuredClone: a fresh object graph, so no serialization cache can answer for the encoder.
  const again = encodeMessage(magic, structuredClone(m));
  if (toHex(again) !== toHex(bytes)) throw new Error(`${frame.header.command} re-encodes differently:\n in  ${toHex(bytes)}\n out ${toHex(again)}`);
  return 'accepted';
}

describe('decoder fuzz', () => {
  it(`${N.toLocaleString('en-US')} mutated and random frames: only DecodeError, and nothing accepted re-encodes differently`, () => {
    const vectors = mainnetBlocks().map((b) => decodeBlock(fromHex(b.hex)));
    const frames = corpus(vectors, vectors[0] && '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f').map((m) => encodeMessage(MAGIC, m));
    const rng = prng(0x7abc4a17);
    const tally: Record<Outcome, number> = { fault: 0, unknown: 0, 'decode-error': 0, accepted: 0 };
    const acceptedBy = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const input = mutate(rng, frames, MAGIC);
      const o = check(MAGIC, input);
      tally[o]++;
      if (o === 'accepted') {
        const c = parseFrame(MAGIC, input);
        if (c.ok) acceptedBy.set(c.header.command, (acceptedBy.get(c.header.command) ?? 0) + 1);
      }
    }
    // The fuzzer reaches the decoder, and sometimes gets past it, for every command.
    expect(tally['decode-error']).toBeGreaterThan(N / 5);
    expect(tally.accepted).toBeGreaterThan(N / 50);
    for (const c of COMMANDS) expect(acceptedBy.get(c) ?? 0, c).toBeGreaterThan(0);
    expect(tally.fault).toBeGreaterThan(0);
  });

  it('a live node fed 3,000 fuzz frames from ever-new peers never errors and stays in sync', async () => {
    const tn = new TestNetwork({ seed: 61 });
    const tc = new TestChain(tn.params);
    const miner = testKey('FUZZ_MINER');
    const blocks = [tc.mineAndAdd(miner, []), tc.mineAndAdd(miner, [tc.pay(tn.centralKey, miner, 3)]), tc.mineAndAdd(miner, [])];
    const central = tn.add('C', 'central', { blocks, mining: 'off' });
    const honest = tn.add('H', 'miner', { seeds: ['C'], mining: 'off' });
    await tn.settle();
    const frames = corpus(blocks, central.chain!.genesis.hash, tn.params).map((m) => encodeMessage(central.magic, m));
    const rng = prng(0x11ee);
    let peer: RawPeer | null = null;
    let peers = 0;
    const tally: Record<Outcome, number> = { fault: 0, unknown: 0, 'decode-error': 0, accepted: 0 };
    for (let i = 0; i < 3000; i++) {
      if (!peer || !peer.connected) peer = await handshaken(tn.net, () => tn.settle(), `fuzz-${peers++}`, central);
      const input = mutate(rng, frames, central.magic);
      tally[check(central.magic, input)]++;
      peer.sendRaw(input);
      await tn.settle();
      if (i % 500 === 499) {
        honest.mineOnce();
        await tn.settle();
        expect(central.tipHash).toBe(honest.tipHash);
        await tn.advance(5_000, 1_000); // stallers get dropped, timers run
      }
    }
    const log = tn.events.get('C')!;
    const errors = log.filter((e) => e.type === 'log' && e.level === 'error');
    expect(errors).toEqual([]);
    expect(peers).toBeGreaterThan(10); // many were disconnected (and discouraged) along the way
    expect(tally.accepted).toBeGreaterThan(100);
    // Still in sync, still serving: a new node joins and gets the whole chain.
    honest.mineOnce();
    await tn.settle();
    expect(central.tipHash).toBe(honest.tipHash);
    const late = tn.add('L', 'wallet', { seeds: ['C'] });
    await tn.settle();
    expect(late.tipHash).toBe(central.tipHash);
    const counts = central.resourceCounts();
    expect(counts.addrBook).toBeLessThanOrEqual(1000);
    expect(counts.orphans).toBeLessThanOrEqual(1000);
  });
});
