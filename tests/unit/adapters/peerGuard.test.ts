/**
 * The PeerJS boundary (src/adapters/peerjs/guard.ts) without a browser: what an honest tab's
 * signalling looks like, every way a hostile one differs and the reason it is refused for, the
 * per-message type and size checks of node links and observer channels, and the guard installed
 * on PeerJS 1.5's real Peer (Node has no WebRTC, so only refusals and caught throws are visible
 * here; tests/e2e/hostile.test.ts runs the same attacks over real WebRTC).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Peer } from 'peerjs';
import {
  MAX_FRAME_BYTES, checkFrameMessage, checkTextMessage, guardPeer, screenSignal, type ChannelPolicy, type RefusalReason,
} from '../../../src/adapters/peerjs/guard';
import { HEADER_LEN, MAX_PAYLOAD } from '../../../src/node/wire/messages';
import { NODE_LABEL, peerJsId } from '../../../src/adapters/peerjs/transport';

const policy: ChannelPolicy = { prefix: peerJsId('class1', ''), idPattern: /^\d{1,8}$/, label: NODE_LABEL };
const nothingKnown = () => false;

/** The OFFER an honest tab (node 3001 of network class1) sends: PeerJS's payload for `connect(…, { serialization: 'raw', reliable: true, label })`. */
function honestOffer(payload: Record<string, unknown> = {}, src = 'tabchain-class1-3001'): Record<string, unknown> {
  return {
    type: 'OFFER',
    src,
    dst: 'tabchain-class1-3000',
    payload: {
      sdp: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' },
      type: 'data',
      connectionId: 'dc_k3j2h1g0f9',
      label: NODE_LABEL,
      reliable: true,
      serialization: 'raw',
      ...payload,
    },
  };
}

describe('screenSignal: offers', () => {
  it('passes the offer an honest node of the same network sends', () => {
    expect(screenSignal(honestOffer(), policy, nothingKnown)).toEqual({ action: 'offer', src: 'tabchain-class1-3001', connectionId: 'dc_k3j2h1g0f9' });
  });

  it.each([
    { what: 'binary serialization (PeerJS would unpack every message)', payload: { serialization: 'binary' }, reason: 'serialization' },
    { what: 'json serialization', payload: { serialization: 'json' }, reason: 'serialization' },
    { what: 'a serialization no serializer has', payload: { serialization: 'bogus' }, reason: 'serialization' },
    { what: 'an Object.prototype key as serialization', payload: { serialization: 'constructor' }, reason: 'serialization' },
    { what: '__proto__ as serialization', payload: { serialization: '__proto__' }, reason: 'serialization' },
    { what: 'no serialization (PeerJS would pick "default")', payload: { serialization: undefined }, reason: 'serialization' },
    { what: 'another label', payload: { label: 'evil' }, reason: 'label' },
    { what: 'the observer label on a node', payload: { label: 'observer' }, reason: 'label' },
    { what: 'metadata', payload: { metadata: { role: 'central' } }, reason: 'metadata' },
    { what: 'null metadata', payload: { metadata: null }, reason: 'metadata' },
    { what: 'an unreliable channel', payload: { reliable: false }, reason: 'unreliable' },
    { what: 'a media call', payload: { type: 'media' }, reason: 'media' },
    { what: 'a connection type PeerJS does not know', payload: { type: 'file' }, reason: 'malformed-signal' },
    { what: 'a connection id not of PeerJS form', payload: { connectionId: 'x'.repeat(5000) }, reason: 'malformed-signal' },
    { what: 'a connection id that is not a string', payload: { connectionId: 7 }, reason: 'malformed-signal' },
    { what: 'no SDP', payload: { sdp: undefined }, reason: 'malformed-signal' },
    { what: 'an answer where the offer goes', payload: { sdp: { type: 'answer', sdp: 'v=0' } }, reason: 'malformed-signal' },
    { what: 'an SDP that is not text', payload: { sdp: { type: 'offer', sdp: 42 } }, reason: 'malformed-signal' },
    { what: 'a 1 MB SDP', payload: { sdp: { type: 'offer', sdp: 'a'.repeat(1 << 20) } }, reason: 'malformed-signal' },
  ] as { what: string; payload: Record<string, unknown>; reason: RefusalReason }[])('refuses $what: $reason', ({ payload, reason }) => {
    expect(screenSignal(honestOffer(payload), policy, nothingKnown)).toEqual({ action: 'refuse', reason, src: 'tabchain-class1-3001' });
  });

  it.each([
    { what: 'a node of another network', src: 'tabchain-class2-3001' },
    { what: 'a network whose name extends ours', src: 'tabchain-class1-x-3001' },
    { what: "a node's observer reporter", src: 'tabchain-class1-obs_3001' },
    { what: 'the dashboard', src: 'tabchain-class1-dashboard' },
    { what: 'the bare prefix', src: 'tabchain-class1-' },
    { what: 'an id that is no node id', src: 'tabchain-class1-123456789' },
  ])('refuses $what as foreign-id', ({ src }) => {
    expect(screenSignal(honestOffer({}, src), policy, nothingKnown)).toEqual({ action: 'refuse', reason: 'foreign-id', src });
  });

  it('refuses every offer when the peer accepts none (a reporter), and a second offer for a connection it has', () => {
    expect(screenSignal(honestOffer(), null, nothingKnown)).toMatchObject({ action: 'refuse', reason: 'not-accepting' });
    expect(screenSignal(honestOffer(), policy, () => true)).toMatchObject({ action: 'refuse', reason: 'malformed-signal' });
  });
});

describe('screenSignal: everything else the signalling server delivers', () => {
  const known = (src: string, id: string) => src === 'tabchain-class1-3001' && id === 'dc_abc';
  const answer = (sdp: unknown, connectionId = 'dc_abc') => ({ type: 'ANSWER', src: 'tabchain-class1-3001', payload: { sdp, type: 'data', connectionId } });
  const candidate = (c: unknown, connectionId = 'dc_abc') => ({ type: 'CANDIDATE', src: 'tabchain-class1-3001', payload: { candidate: c, type: 'data', connectionId } });
  const goodCandidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };

  it.each([
    { what: 'the server confirming our id', msg: { type: 'OPEN' }, verdict: { action: 'pass' } },
    { what: 'a server error', msg: { type: 'ERROR', payload: { msg: 'x' } }, verdict: { action: 'pass' } },
    { what: 'our id taken', msg: { type: 'ID-TAKEN', payload: { msg: 'x' } }, verdict: { action: 'pass' } },
    { what: 'a server-only type with a sender (relayed, so forged)', msg: { type: 'OPEN', src: 'tabchain-class1-3001' }, verdict: { action: 'drop' } },
    { what: 'a peer leaving', msg: { type: 'LEAVE', src: 'tabchain-class1-3001' }, verdict: { action: 'pass' } },
    { what: 'a peer unreachable', msg: { type: 'EXPIRE', src: 'tabchain-class1-3001' }, verdict: { action: 'pass' } },
    { what: 'a heartbeat', msg: { type: 'HEARTBEAT' }, verdict: { action: 'drop' } },
    { what: 'a type nobody sends', msg: { type: 'HELLO', src: 'tabchain-class1-3001', payload: { connectionId: 'dc_abc' } }, verdict: { action: 'drop' } },
    { what: 'an answer for our connection', msg: answer({ type: 'answer', sdp: 'v=0' }), verdict: { action: 'forward', src: 'tabchain-class1-3001', connectionId: 'dc_abc' } },
    { what: 'a candidate for our connection', msg: candidate(goodCandidate), verdict: { action: 'forward', src: 'tabchain-class1-3001', connectionId: 'dc_abc' } },
    // PeerJS would store these for later, forever: an unbounded store a peer could fill.
    { what: 'an answer for a connection we do not have', msg: answer({ type: 'answer', sdp: 'v=0' }, 'dc_zzz'), verdict: { action: 'drop' } },
    { what: 'a candidate for a connection we do not have', msg: candidate(goodCandidate, 'dc_zzz'), verdict: { action: 'drop' } },
    { what: 'an answer whose SDP is not one', msg: answer({ type: 'offer', sdp: 'v=0' }), verdict: { action: 'refuse', reason: 'malformed-signal', src: 'tabchain-class1-3001' } },
    { what: 'an answer with no SDP', msg: answer(null), verdict: { action: 'refuse', reason: 'malformed-signal', src: 'tabchain-class1-3001' } },
    { what: 'a candidate that is not one', msg: candidate({ candidate: 5 }), verdict: { action: 'refuse', reason: 'malformed-signal', src: 'tabchain-class1-3001' } },
    { what: 'a 2 KB candidate', msg: candidate({ candidate: 'c'.repeat(2048) }), verdict: { action: 'refuse', reason: 'malformed-signal', src: 'tabchain-class1-3001' } },
    { what: 'null', msg: null, verdict: { action: 'refuse', reason: 'malformed-signal', src: '' } },
    { what: 'an array', msg: [1, 2], verdict: { action: 'refuse', reason: 'malformed-signal', src: '' } },
    { what: 'an offer without payload', msg: { type: 'OFFER', src: 'tabchain-class1-3001', payload: null }, verdict: { action: 'refuse', reason: 'malformed-signal', src: 'tabchain-class1-3001' } },
    { what: 'an offer without sender', msg: { ...honestOffer(), src: undefined }, verdict: { action: 'refuse', reason: 'malformed-signal', src: '' } },
  ])('$what', ({ msg, verdict }) => {
    expect(screenSignal(msg, policy, known)).toEqual(verdict);
  });
});

describe('checkFrameMessage: one node message, before the node reads it', () => {
  it('is at most one frame: the 24-byte header and MAX_PAYLOAD bytes', () => {
    expect(MAX_FRAME_BYTES).toBe(HEADER_LEN + MAX_PAYLOAD);
    expect(MAX_FRAME_BYTES).toBe(262_144);
  });

  it.each([
    { what: 'an empty message (too short is the node’s call)', data: new ArrayBuffer(0), length: 0 },
    { what: 'a header alone', data: new ArrayBuffer(HEADER_LEN), length: HEADER_LEN },
    { what: 'a whole frame at the limit', data: new ArrayBuffer(MAX_FRAME_BYTES), length: MAX_FRAME_BYTES },
  ])('accepts $what', ({ data, length }) => {
    const r = checkFrameMessage(data);
    expect(r.ok && r.bytes.length).toBe(length);
  });

  it('keeps a typed array view exactly (offset and length)', () => {
    const buf = new Uint8Array(100).map((_, i) => i);
    const r = checkFrameMessage(buf.subarray(10, 40));
    expect(r.ok && [r.bytes.length, r.bytes[0], r.bytes.byteOffset]).toEqual([30, 10, 10]);
  });

  it.each([
    { what: 'one byte over the limit', data: new ArrayBuffer(MAX_FRAME_BYTES + 1), reason: 'oversized' },
    { what: 'a reassembled 1.8 MB message', data: new Uint8Array(1_800_000), reason: 'oversized' },
    { what: 'text', data: '{"not":"a frame"}', reason: 'not-binary' },
    { what: 'null', data: null, reason: 'not-binary' },
    { what: 'undefined', data: undefined, reason: 'not-binary' },
    { what: 'a decoded object', data: { __peerData: 1, n: 0, total: 2 }, reason: 'not-binary' },
    { what: 'a number', data: 42, reason: 'not-binary' },
    { what: 'a Blob', data: new Blob([new Uint8Array(10)]), reason: 'not-binary' },
  ])('refuses $what: $reason', ({ data, reason }) => {
    expect(checkFrameMessage(data)).toEqual({ ok: false, reason });
  });
});

describe('checkTextMessage: one observer report', () => {
  it.each([
    { what: 'a report', data: '{"v":1}', max: 200_000, result: { ok: true, text: '{"v":1}' } },
    { what: 'a report at the limit', data: 'x'.repeat(200_000), max: 200_000, result: { ok: true, text: 'x'.repeat(200_000) } },
    { what: 'a report over the limit', data: 'x'.repeat(200_001), max: 200_000, result: { ok: false, reason: 'oversized' } },
    { what: 'bytes', data: new ArrayBuffer(8), max: 200_000, result: { ok: false, reason: 'not-text' } },
    { what: 'null', data: null, max: 200_000, result: { ok: false, reason: 'not-text' } },
  ])('$what', ({ data, max, result }) => {
    expect(checkTextMessage(data, max)).toEqual(result);
  });
});

describe("guardPeer on PeerJS 1.5's own Peer", () => {
  // Node has no WebRTC or `location`: `secure` given, and the Peer aborts itself a tick later
  // ('browser-incompatible', which destroys it). Messages are fed to it before that.
  const peers: Peer[] = [];
  const newPeer = () => {
    const p = new Peer('tabchain-class1-3000', { host: '127.0.0.1', port: 9, path: '/peerjs', secure: false, debug: 0 });
    p.on('error', () => {});
    peers.push(p);
    return p;
  };
  const handle = (p: Peer, m: unknown) => (p as unknown as { _handleMessage(m: unknown): void })._handleMessage(m);
  afterEach(async () => {
    await new Promise((r) => setTimeout(r, 5)); // let the aborts run, inside the test that caused them
    peers.length = 0;
    vi.restoreAllMocks();
  });

  it('without the guard, PeerJS throws on a "bogus" offer and files a String as a "constructor" connection', async () => {
    const p = newPeer();
    expect(() => handle(p, honestOffer({ serialization: 'bogus' }))).toThrow(/is not a constructor/);
    handle(p, honestOffer({ serialization: 'constructor' }));
    const filed = (p.connections as Record<string, unknown[]>)['tabchain-class1-3001'];
    expect(filed).toHaveLength(1);
    expect(typeof (filed[0] as { close?: unknown }).close).toBe('undefined'); // destroy() would throw on it
    (p as unknown as { _connections: Map<string, unknown> })._connections.clear();
  });

  it('with it: refused before anything is built, each counted by reason; the serializer table is { raw } without a prototype', () => {
    const p = newPeer();
    const refused: [RefusalReason, string][] = [];
    guardPeer(p, policy, (reason, id) => refused.push([reason, id]));
    const table = (p as unknown as { _serializers: object })._serializers;
    expect(Object.getPrototypeOf(table)).toBeNull();
    expect(Object.keys(table)).toEqual(['raw']);
    for (const serialization of ['binary', 'json', 'bogus', 'constructor', '__proto__', 'toString']) handle(p, honestOffer({ serialization }));
    handle(p, honestOffer({ label: 'evil' }));
    handle(p, honestOffer({}, 'tabchain-class2-3001'));
    handle(p, null);
    handle(p, { type: 'OFFER', src: 'tabchain-class1-3001', payload: null });
    for (let i = 0; i < 1000; i++) handle(p, { type: 'CANDIDATE', src: 'tabchain-class1-3001', payload: { connectionId: `dc_${i}`, candidate: { candidate: 'x' } } });
    expect(refused.map(([r]) => r)).toEqual([...Array(6).fill('serialization'), 'label', 'foreign-id', 'malformed-signal', 'malformed-signal']);
    expect(p.connections).toEqual({});
    expect((p as unknown as { _lostMessages: Map<string, unknown> })._lostMessages.size).toBe(0);
  });

  it('an honest offer that PeerJS itself throws on (here: no RTCPeerConnection in Node) is caught and counted, not thrown', () => {
    const p = newPeer();
    const refused: RefusalReason[] = [];
    guardPeer(p, policy, (reason) => refused.push(reason));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => handle(p, honestOffer())).not.toThrow();
    expect(refused).toEqual(['handler-error']);
    expect(logged).toHaveBeenCalledOnce();
  });

  it('a peer that accepts nothing (a reporter) refuses even an honest offer', () => {
    const p = newPeer();
    const refused: RefusalReason[] = [];
    guardPeer(p, null, (reason) => refused.push(reason));
    handle(p, honestOffer());
    expect(refused).toEqual(['not-accepting']);
    expect(p.connections).toEqual({});
  });

  it('refuses to install on a Peer without the internals it replaces', () => {
    expect(() => guardPeer({} as Peer, policy, () => {})).toThrow(/cannot be installed/);
  });
});
