/**
 * The version handshake (Bitcoin's version → verack both ways), told as short stories:
 * two honest nodes, then a raw peer checking that nothing but the handshake flows before it
 * completes, a node connected to itself, a peer that never speaks, and the message log.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { RawPeer } from './support/rawPeer';
import { TimedNetwork } from './support/timedNetwork';
import type { MessageEvent, NodeEvent } from '../../src/node/events';
import { PROTOCOL_VERSION } from '../../src/node/wire/messages';
import { COIN } from '../../src/core';
import { testKey } from '../helpers/chainBuilder';

const messages = (log: NodeEvent[], dir?: 'in' | 'out') => log.filter((e): e is MessageEvent => e.type === 'message' && (!dir || e.dir === dir));
const rejected = (log: NodeEvent[]) => log.filter((e): e is Extract<NodeEvent, { type: 'rejected' }> => e.type === 'rejected');

describe('handshake between two nodes', () => {
  it('exchanges version (best height, nonce, role, genesis) and verack, then syncs', async () => {
    const tn = new TestNetwork({ seed: 1 });
    const central = tn.add('C', 'central');
    central.mineOnce();
    await tn.settle();
    central.mineOnce();
    await tn.settle();
    const wallet = tn.add('W', 'wallet', { seeds: ['C'], params: tn.params });
    await tn.settle();

    const out = messages(tn.events.get('W')!, 'out');
    const into = messages(tn.events.get('W')!, 'in');
    // The dialler speaks first; each side's first message is its version, its second a verack.
    expect(out[0].command).toBe('version');
    expect(into[0].command).toBe('version');
    expect(into[1].command).toBe('verack');
    const cOut = messages(tn.events.get('C')!, 'out').filter((e) => e.peer === 'W');
    expect(cOut.slice(0, 2).map((e) => e.command)).toEqual(['version', 'verack']);
    // Central's version announced its height (2) and role: the wallet records both.
    expect(into[0].summary).toBe(`v${PROTOCOL_VERSION} /tabchain:0.1.0(central)/ height 2 from C`);
    const connected = tn.events.get('W')!.find((e) => e.type === 'peer-connected');
    expect(connected).toMatchObject({ peer: 'C', outbound: true, role: 'central', height: 2 });
    expect(tn.events.get('C')!.find((e) => e.type === 'peer-connected')).toMatchObject({ peer: 'W', outbound: false, role: 'wallet', height: 0 });
    expect(wallet.height).toBe(2);
    expect(wallet.peerIds()).toEqual(['C']);
    expect(central.peerIds()).toEqual(['W']);
  });

  it('refuses a peer on another chain (different genesis) and an obsolete protocol version', async () => {
    const tn = new TestNetwork({ seed: 2 });
    const central = tn.add('C', 'central');
    await tn.settle();
    const raw = RawPeer.for(tn.net, 'X', central);
    raw.dial('C');
    await tn.settle();
    raw.send(raw.version(central, { genesis: '11'.repeat(32) }));
    await tn.settle();
    expect(rejected(tn.events.get('C')!).at(-1)).toMatchObject({ peer: 'X', code: 'different-genesis', reason: 'different genesis', punished: false });
    expect(raw.got('reject')[0]).toMatchObject({ message: 'version', reason: 'different genesis' });
    expect(raw.connected).toBe(false);
    expect(central.isDiscouraged('X')).toBe(false);

    const old = RawPeer.for(tn.net, 'Y', central);
    old.dial('C');
    await tn.settle();
    old.send(old.version(central, { version: 60002 }));
    await tn.settle();
    expect(rejected(tn.events.get('C')!).at(-1)).toMatchObject({ peer: 'Y', code: 'obsolete-version', debug: 'protocol version 60002 is too old' });
    // Bitcoin Core's own words and code (REJECT_OBSOLETE).
    expect(old.got('reject')[0]).toMatchObject({ message: 'version', code: 0x11, reason: 'Version must be 70001 or greater' });
    expect(old.connected).toBe(false);
  });
});

describe('handshake with a raw peer', () => {
  it('sends nothing but version and verack until the handshake completes', async () => {
    const tn = new TestNetwork({ seed: 4 });
    const central = tn.add('C', 'central');
    await tn.settle();
    const raw = RawPeer.for(tn.net, 'R', central);
    central.connect('R'); // the node dials: it must speak first, with its version only
    await tn.settle();
    expect(raw.commands()).toEqual(['version']);
    const v = raw.got('version')[0].payload;
    expect(v).toMatchObject({ version: PROTOCOL_VERSION, addrRecv: 'R', addrFrom: 'C', startHeight: 0, relay: true, genesis: central.chain!.genesis.hash });
    expect(typeof v.nonce).toBe('bigint');

    raw.send(raw.version(central));
    await tn.settle();
    expect(raw.commands()).toEqual(['version', 'verack']);

    // Before our verack the node must neither relay, announce blocks, nor answer anything but the handshake.
    const before = tn.events.get('C')!.length;
    central.send(tn.centralKey.address, testKey('SOMEONE').address, 1n * COIN);
    central.mineOnce();
    raw.send({ command: 'ping', nonce: 7n });
    raw.send({ command: 'getaddr' });
    await tn.settle();
    expect(central.height).toBe(1);
    expect(raw.commands()).toEqual(['version', 'verack']);
    const refusals = rejected(tn.events.get('C')!.slice(before));
    expect(refusals.map((r) => r.reason)).toEqual(['unsupported message prior to verack', 'unsupported message prior to verack']);
    expect(refusals.every((r) => !r.punished)).toBe(true);

    raw.send({ command: 'verack' });
    await tn.settle();
    expect(central.peerIds()).toEqual(['R']);
    // Now the node advertises itself; a ping is answered.
    expect(raw.got('addr')[0].addrs.map((a) => a.id)).toEqual(['C']);
    raw.send({ command: 'ping', nonce: 8n });
    await tn.settle();
    expect(raw.got('pong').map((p) => p.nonce)).toEqual([8n]);
  });

  it('ignores (without punishing) anything sent before version, then completes the handshake', async () => {
    const tn = new TestNetwork({ seed: 5 });
    const central = tn.add('C', 'central');
    const raw = RawPeer.for(tn.net, 'R', central);
    raw.dial('C');
    await tn.settle();
    raw.send({ command: 'ping', nonce: 1n });
    raw.send({ command: 'verack' });
    raw.send({ command: 'inv', items: [{ type: 2, hash: 'ab'.repeat(32) }] });
    await tn.settle();
    expect(rejected(tn.events.get('C')!).map((r) => [r.command, r.reason, r.punished])).toEqual([
      ['ping', 'non-version message before version handshake', false],
      ['verack', 'non-version message before version handshake', false],
      ['inv', 'non-version message before version handshake', false],
    ]);
    expect(raw.received).toEqual([]); // an inbound node waits for the dialler's version
    raw.send(raw.version(central));
    raw.send({ command: 'verack' });
    await tn.settle();
    expect(raw.commands().slice(0, 2)).toEqual(['version', 'verack']);
    expect(central.peerIds()).toEqual(['R']);
  });

  it('a second version is refused without punishment; the peer stays', async () => {
    const tn = new TestNetwork({ seed: 6 });
    const central = tn.add('C', 'central');
    const raw = RawPeer.for(tn.net, 'R', central);
    raw.dial('C');
    await tn.settle();
    raw.send(raw.version(central));
    raw.send({ command: 'verack' });
    await tn.settle();
    raw.send(raw.version(central, { startHeight: 99 }));
    await tn.settle();
    expect(rejected(tn.events.get('C')!).at(-1)).toMatchObject({ command: 'version', reason: 'redundant version message', punished: false });
    expect(central.peerIds()).toEqual(['R']);
    expect(central.peerInfo()[0]!.claimed).toBe(0); // the second version changed nothing
  });

  it('detects a connection to itself by the version nonce', async () => {
    const tn = new TestNetwork({ seed: 7 });
    const central = tn.add('C', 'central');
    const mirror = RawPeer.for(tn.net, 'M', central);
    // A "mirror" sends the node's own version back, as happens when a node dials itself through
    // another name (Bitcoin: an IP address that turns out to be our own).
    mirror.onmessage = (m, peer) => {
      if (m.command === 'version') peer.send({ command: 'version', payload: { ...m.payload, addrFrom: 'M', addrRecv: 'C' } });
    };
    central.connect('M');
    await tn.settle();
    expect(rejected(tn.events.get('C')!).at(-1)).toMatchObject({ peer: 'M', reason: 'connected to self', punished: false });
    expect(tn.events.get('C')!.find((e) => e.type === 'peer-disconnected')).toMatchObject({ peer: 'M', reason: 'connected to self' });
    expect(central.peerIds()).toEqual([]);
    expect(central.isDiscouraged('M')).toBe(false);
  });

  it('drops a peer that does not finish the handshake in time', async () => {
    const tn = new TestNetwork({ seed: 8 });
    const central = tn.add('C', 'central');
    const silent = RawPeer.for(tn.net, 'S', central);
    silent.dial('C');
    const half = RawPeer.for(tn.net, 'H', central);
    half.dial('C');
    await tn.settle();
    half.send(half.version(central)); // version but never verack
    await tn.settle();
    expect(central.peerInfo().map((p) => p.ready)).toEqual([false, false]);
    await tn.advance(central.timing.handshakeTimeout - 100);
    expect(silent.connected).toBe(true);
    await tn.advance(200);
    expect(silent.connected).toBe(false);
    expect(half.connected).toBe(false);
    const drops = tn.events.get('C')!.filter((e) => e.type === 'peer-disconnected');
    expect(drops.map((d) => (d as { reason: string }).reason)).toEqual(['handshake timeout', 'handshake timeout']);
    expect(central.isDiscouraged('S')).toBe(false);
  });
});

describe('observability', () => {
  it('every message in and out is an event with time, direction, peer, command, size, summary, hashes, reason', async () => {
    const tn = new TimedNetwork({ seed: 9, latency: 5 });
    const central = tn.add('C', 'central');
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.runFor(100);
    const t0 = tn.clock.now();
    central.mineOnce();
    await tn.runFor(50);
    expect(wallet.height).toBe(1);
    const hash = central.tipHash!;

    const wIn = messages(tn.events.get('W')!, 'in').filter((e) => e.time >= t0);
    // BIP 130: the new block is announced with its header; BIP 152: it is fetched as a compact block.
    expect(wIn.map((e) => e.command)).toEqual(['headers', 'cmpctblock']);
    const [inv, block] = wIn;
    expect(inv).toMatchObject({ dir: 'in', peer: 'C', command: 'headers', bytes: 24 + 1 + 81, hashes: [hash], summary: `1 header from ${hash.slice(0, 16)}…` });
    expect(block.summary).toBe(`compact block ${hash.slice(0, 16)}…: 0 short ids, 1 prefilled`);
    expect(block.bytes).toBe(block.raw.length);
    expect(block.time - inv.time).toBe(10); // getdata out and compact block back: two 5 ms trips
    const getdata = messages(tn.events.get('W')!, 'out').find((e) => e.command === 'getdata' && e.time >= t0)!;
    expect(getdata).toMatchObject({ peer: 'C', hashes: [hash], time: inv.time, summary: `1 compact block (${hash.slice(0, 16)}…)` });
    // Ids are unique per node, and the central node logged the same frames the other way.
    const ids = tn.events.get('W')!.filter((e) => e.type === 'message').map((e) => (e as MessageEvent).id);
    expect(new Set(ids).size).toBe(ids.length);
    const cBlock = messages(tn.events.get('C')!, 'out').find((e) => e.command === 'cmpctblock')!;
    expect(cBlock.raw).toEqual(block.raw);

    // A refused frame is logged with its reason.
    const raw = RawPeer.for(tn.net, 'R', central);
    raw.dial('C');
    await tn.runFor(20);
    const frame = raw.version(central);
    const { encodeMessage } = await import('../../src/node/wire/messages');
    const bytes = encodeMessage(central.magic, frame);
    bytes[30] ^= 1;
    raw.sendRaw(bytes);
    await tn.runFor(20);
    const bad = messages(tn.events.get('C')!, 'in').at(-1)!;
    expect(bad).toMatchObject({ peer: 'R', command: 'version', reason: 'bad checksum', summary: 'dropped: bad checksum', bytes: bytes.length });
  });
});
