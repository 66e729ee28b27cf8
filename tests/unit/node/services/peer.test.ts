/**
 * One peer on a fake link: the version/verack state machine, ping/pong and round-trip time, the
 * two timeouts, and frames refused before anyone reads them. Each story names the rule it keeps;
 * the refusal codes are those of misbehavior.ts.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, newPeer, readyPeer, versionPayload } from '../../../helpers/fakePeers';
import { frameOf } from '../../../integration/support/rawPeer';
import { refusal } from '../../../../src/node/misbehavior';
import { MAX_PAYLOAD, encodeMessage } from '../../../../src/node/wire/messages';
import type { NodeRefusalCode } from '../../../../src/node/misbehavior';

describe('handshake', () => {
  it('an inbound peer waits for the version, answers version + verack, and is ready at its verack', () => {
    const host = new FakeHost();
    const { peer, link } = newPeer(host, 'A');
    expect(link.sent).toEqual([]); // the dialler speaks first

    link.deliver({ command: 'version', payload: versionPayload('A', 'self', { startHeight: 7, role: 'miner' }) });
    expect(link.commands()).toEqual(['version', 'verack']);
    expect(peer).toMatchObject({ ready: false, claimedHeight: 7, bestHeight: -1, role: 'miner' });

    link.deliver({ command: 'verack' });
    expect(peer.ready).toBe(true);
    expect(host.readied).toEqual([peer]);
  });

  it('an outbound peer sends its version at once and answers the reply with a verack', () => {
    const host = new FakeHost();
    const { peer, link } = newPeer(host, 'A', { outbound: true });
    expect(link.commands()).toEqual(['version']);
    link.deliver({ command: 'version', payload: versionPayload('A', 'self') });
    link.deliver({ command: 'verack' });
    expect(link.commands()).toEqual(['version', 'verack']);
    expect(peer.ready).toBe(true);
  });

  it('a message before the version is refused (before-version) and not handed on', () => {
    const host = new FakeHost();
    const { peer, link } = newPeer(host, 'A');
    link.deliver({ command: 'inv', items: [] });
    expect(host.refusals).toMatchObject([{ peer: 'A', command: 'inv', code: 'before-version', punish: false }]);
    expect(host.handedOn).toEqual([]);
    expect(peer.closed).toBe(false);
  });

  it('a message after the version but before the verack is refused (before-verack)', () => {
    const host = new FakeHost();
    const { peer, link } = newPeer(host, 'A');
    link.deliver({ command: 'version', payload: versionPayload('A', 'self') });
    link.deliver({ command: 'ping', nonce: 1n });
    expect(host.codes()).toEqual(['before-verack']);
    expect(link.got('pong')).toEqual([]);
    expect(peer.ready).toBe(false);
  });

  it('a second version and a second verack are refused as redundant; the handshake stands', () => {
    const host = new FakeHost();
    const { peer, link } = readyPeer(host, 'A', { startHeight: 3 });
    link.deliver({ command: 'version', payload: versionPayload('A', 'self', { startHeight: 900 }) });
    link.deliver({ command: 'verack' });
    expect(host.codes()).toEqual(['redundant-version', 'redundant-verack']);
    expect(peer).toMatchObject({ ready: true, claimedHeight: 3 });
    expect(host.readied).toHaveLength(1);
  });

  it('an obsolete protocol version is refused with the version number only in the debug text', () => {
    const host = new FakeHost();
    const { peer, link } = newPeer(host, 'A');
    link.deliver({ command: 'version', payload: versionPayload('A', 'self', { version: 60002 }) });
    expect(host.refusals).toMatchObject([{ code: 'obsolete-version', debug: 'protocol version 60002 is too old' }]);
    expect(peer.version).toBeUndefined();
    expect(link.closedWith).toBe('Version must be 70001 or greater');
  });

  it("the node's own version check (here: a self-connection) is refused before anything else", () => {
    const host = new FakeHost();
    host.versionCheck = () => refusal('self-connection', 'version nonce is our own');
    const { peer, link } = newPeer(host, 'A');
    link.deliver({ command: 'version', payload: versionPayload('A', 'self', { version: 1 }) });
    expect(host.codes()).toEqual(['self-connection']);
    expect(peer.closed).toBe(true);
  });

  it('a peer that has not completed the handshake within handshakeTimeout is closed', () => {
    const host = new FakeHost();
    const { peer: silent } = newPeer(host, 'S');
    const { peer: ready } = readyPeer(host, 'R');
    host.clock.advance(host.timing.handshakeTimeout - 1);
    expect(silent.closed).toBe(false);
    host.clock.advance(1);
    expect(host.closed).toEqual([{ peer: 'S', reason: 'handshake timeout' }]);
    expect(ready.closed).toBe(false);
  });
});

describe('ping and pong', () => {
  it('a ping is answered with a pong carrying the same nonce', () => {
    const host = new FakeHost();
    const { link } = readyPeer(host, 'A');
    link.deliver({ command: 'ping', nonce: 0xabcdefn });
    expect(link.sent).toEqual([{ command: 'pong', nonce: 0xabcdefn }]);
  });

  it('a pong with our ping nonce sets the round trip; minRtt keeps the smallest; a wrong nonce is ignored', () => {
    const host = new FakeHost();
    const { peer, link } = readyPeer(host, 'A');
    host.clock.advance(host.timing.pingInterval);
    const [first] = link.got('ping');
    host.clock.advance(120);
    link.deliver({ command: 'pong', nonce: first.nonce + 1n });
    expect(peer.rtt).toBeUndefined();
    link.deliver({ command: 'pong', nonce: first.nonce });
    expect(peer).toMatchObject({ rtt: 120, minRtt: 120 });

    host.clock.advance(host.timing.pingInterval - 120);
    const second = link.got('ping')[1];
    expect(second.nonce).not.toBe(first.nonce);
    host.clock.advance(300);
    link.deliver({ command: 'pong', nonce: second.nonce });
    expect(peer).toMatchObject({ rtt: 300, minRtt: 120 });
    expect(host.refusals).toEqual([]);
  });

  it('a peer that leaves a ping unanswered for pingTimeout is closed', () => {
    const host = new FakeHost();
    const { peer, link } = readyPeer(host, 'A');
    const { peer: answering, link: answeringLink } = readyPeer(host, 'B');
    // The first ping goes out after pingInterval; B answers every ping, A never does. (With the
    // default timers the check that finds A's ping pingTimeout old falls exactly at 45 s.)
    const deadline = host.timing.pingInterval + host.timing.pingTimeout;
    for (let t = 1000; t < deadline; t += 1000) {
      host.clock.advance(1000);
      for (const ping of answeringLink.got('ping').slice(-1)) answeringLink.deliver({ command: 'pong', nonce: ping.nonce });
    }
    expect(link.got('ping')).toHaveLength(1); // one ping outstanding, not a new one each interval
    expect(peer.closed).toBe(false);
    host.clock.advance(1000);
    expect(host.closed).toEqual([{ peer: 'A', reason: 'ping timeout: peer vanished' }]);
    expect(answering.closed).toBe(false);
  });
});

describe('frames refused before they are read', () => {
  type Case = { name: string; code: NodeRefusalCode; closed: boolean; frame: (magic: number) => Uint8Array };
  const cases: Case[] = [
    { name: 'another network', code: 'wrong-magic', closed: true, frame: (magic) => encodeMessage(magic ^ 0x01010101, { command: 'ping', nonce: 1n }) },
    {
      name: 'corrupted in transit', code: 'bad-checksum', closed: false, frame: (magic) => {
        const f = encodeMessage(magic, { command: 'ping', nonce: 1n });
        f[20] ^= 0xff;
        return f;
      },
    },
    {
      name: 'a header declaring more than 256 KiB', code: 'oversized-message', closed: true, frame: (magic) => {
        const f = encodeMessage(magic, { command: 'ping', nonce: 1n }).slice(0, 24);
        new DataView(f.buffer).setUint32(16, MAX_PAYLOAD + 1, true);
        return f;
      },
    },
    { name: 'shorter than a header', code: 'truncated-header', closed: true, frame: (magic) => encodeMessage(magic, { command: 'verack' }).slice(0, 20) },
    {
      name: 'a command with a control character', code: 'bad-command', closed: true, frame: (magic) => {
        const f = encodeMessage(magic, { command: 'ping', nonce: 1n });
        f[5] = 0x07;
        return f;
      },
    },
    { name: 'a payload longer than its header says', code: 'bad-length', closed: true, frame: (magic) => Uint8Array.from([...encodeMessage(magic, { command: 'ping', nonce: 1n }), 0]) },
    { name: 'a payload that does not decode', code: 'malformed-payload', closed: true, frame: (magic) => frameOf(magic, 'ping', new Uint8Array(3)) },
  ];
  it.each(cases)('$name → $code', ({ code, closed, frame }) => {
    const host = new FakeHost();
    const { peer, link } = readyPeer(host, 'A');
    link.deliverRaw(frame(host.magic));
    expect(host.codes()).toEqual([code]);
    expect(host.handedOn).toEqual([]);
    expect(peer.closed).toBe(closed);
    // The message log shows the dropped frame with the refusal's reason.
    expect(host.events.filter((e) => e.type === 'message' && e.dir === 'in').at(-1)).toMatchObject({ peer: 'A', reason: expect.any(String) });
  });

  it('an unknown command is logged and ignored, with no refusal', () => {
    const host = new FakeHost();
    const { peer, link } = readyPeer(host, 'A');
    link.deliverRaw(frameOf(host.magic, 'feefilter', new Uint8Array(0)));
    expect(host.refusals).toEqual([]);
    expect(host.handedOn).toEqual([]);
    expect(peer.closed).toBe(false);
    expect(host.events.filter((e) => e.type === 'message' && e.dir === 'in').at(-1)).toMatchObject({ command: 'feefilter', summary: 'unknown command, ignored' });
  });

  it('messages after the handshake that the peer does not handle itself go to the host', () => {
    const host = new FakeHost();
    const { link } = readyPeer(host, 'A');
    link.deliver({ command: 'getaddr' });
    expect(host.handedOn).toEqual([{ peer: 'A', message: { command: 'getaddr' } }]);
  });
});
