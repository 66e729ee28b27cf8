/**
 * Fake peers for unit tests of the node's services, in the manner of btcd's
 * `netsync/manager_test.go`: no network and no FullNode, only what a service talks to.
 *
 * - `FakeLink` is a `Link` whose sent frames are parsed and decoded, so a test asserts on
 *   messages (`link.got('getdata')`), and whose remote side the test plays by hand
 *   (`link.deliver(message)`, `link.deliverRaw(bytes)`).
 * - `FakeHost` is a `PeerHost` on a `ManualClock`, a `SeededRandom` and its own `EventBus`; it
 *   records refusals and acts on them as the node does (punished or disconnecting refusals close
 *   the link), and records what the peer hands on.
 * - `FakePeers` is the `SyncPeers` the sync services see: a map of peers, made ready by feeding
 *   them a version and a verack through `receive`, that forgets a peer when its link closes and
 *   tells the service under test (`onPeerClosed`).
 *
 * Nothing happens until the test says so: time moves only with `host.clock.advance(ms)`.
 */
import { ManualClock, SeededRandom } from '../../src/adapters/memory/clock';
import { magicFor } from '../../src/core';
import { DEFAULT_TIMING, type Timing } from '../../src/node/config';
import { EventBus, type NodeEvent, type Role } from '../../src/node/events';
import type { Refusal } from '../../src/node/misbehavior';
import { Peer, type PeerHost } from '../../src/node/net/peer';
import type { SyncPeers } from '../../src/node/sync/blockSync';
import type { Link } from '../../src/node/transport';
import {
  MAX_ADDR,
  MIN_PEER_PROTO_VERSION,
  ZERO_HASH,
  decodePayload,
  encodeMessage,
  isKnownCommand,
  parseFrame,
  type Message,
  type VersionPayload,
} from '../../src/node/wire/messages';

/** The magic of `testParams()`'s network ('test'). */
export const TEST_MAGIC = magicFor('test');

/** One message of a given command. */
export type Msg<C extends Message['command']> = Extract<Message, { command: C }>;

/** A link whose far end is the test. */
export class FakeLink implements Link {
  /** Every message the node sent on this link, decoded, in order. */
  readonly sent: Message[] = [];
  /** Why the link closed, once it has. */
  closedWith: string | null = null;
  onmessage: ((data: Uint8Array) => void) | null = null;
  onclose: ((reason: string) => void) | null = null;
  /** Answer the node's pings (on the clock's next turn), so long stories are not cut by the ping timeout. */
  autoPong: { clock: ManualClock } | null = null;

  constructor(
    readonly peerId: string,
    readonly outbound: boolean,
    readonly magic: number = TEST_MAGIC,
  ) {}

  get closed(): boolean {
    return this.closedWith !== null;
  }

  send(data: Uint8Array): void {
    if (this.closed) return;
    const f = parseFrame(this.magic, data);
    if (!f.ok) throw new Error(`the node sent a bad frame: ${f.fault.kind}`);
    if (!isKnownCommand(f.header.command)) throw new Error(`the node sent an unknown command ${f.header.command}`);
    const m = decodePayload(f.header.command, f.payload);
    this.sent.push(m);
    if (m.command === 'ping' && this.autoPong) this.autoPong.clock.setTimer(0, () => this.deliver({ command: 'pong', nonce: m.nonce }));
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closedWith = reason;
    this.onclose?.(reason);
  }

  /** The remote side sends a well-formed message. */
  deliver(m: Message): void {
    this.deliverRaw(encodeMessage(this.magic, m));
  }

  /** The remote side sends any bytes at all. */
  deliverRaw(bytes: Uint8Array): void {
    if (!this.closed) this.onmessage?.(bytes);
  }

  /** Messages of one command sent so far. */
  got<C extends Message['command']>(command: C): Msg<C>[] {
    return this.sent.filter((m): m is Msg<C> => m.command === command);
  }

  /** Commands sent so far, in order. */
  commands(): string[] {
    return this.sent.map((m) => m.command);
  }

  /** Forgets what was sent (e.g. the handshake) so a test sees only what follows. */
  clear(): void {
    this.sent.length = 0;
  }
}

/** A refusal as the host recorded it. */
export interface RecordedRefusal {
  peer: string;
  command: string;
  code: string;
  reason: string;
  debug: string;
  punish: boolean;
  hash?: string;
}

/** The node around a peer: clock, randomness, bus, and a record of what the peer asked of it. */
export class FakeHost implements PeerHost {
  readonly magic: number;
  readonly bus = new EventBus();
  readonly clock: ManualClock;
  readonly random: SeededRandom;
  readonly timing: Timing;
  readonly refusals: RecordedRefusal[] = [];
  /** Peers whose handshake completed, in order. */
  readonly readied: Peer[] = [];
  /** Messages the peers handed on after their handshake. */
  readonly handedOn: { peer: string; message: Message }[] = [];
  readonly closed: { peer: string; reason: string }[] = [];
  readonly logs: string[] = [];
  readonly events: NodeEvent[] = [];
  /** The node's checks of a received version (self-connection, genesis); none by default. */
  versionCheck: (p: Peer, v: VersionPayload) => Refusal | null = () => null;
  private readonly closeListeners: ((p: Peer, reason: string) => void)[] = [];
  private seq = 0;

  constructor(opts: { magic?: number; timing?: Partial<Timing>; start?: number; seed?: number } = {}) {
    this.magic = opts.magic ?? TEST_MAGIC;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.clock = new ManualClock(opts.start);
    this.random = new SeededRandom(opts.seed ?? 1);
    this.bus.on((e) => this.events.push(e));
  }

  /** Codes of the refusals so far, in order. */
  codes(): string[] {
    return this.refusals.map((r) => r.code);
  }

  /** Called with every peer whose link closed. */
  onAnyClose(listener: (p: Peer, reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  nextMessageId(): number {
    return this.seq++;
  }
  versionFor(p: Peer): VersionPayload {
    return versionPayload('self', p.id, { nonce: this.random.nonce64() });
  }
  checkVersion(p: Peer, v: VersionPayload): Refusal | null {
    return this.versionCheck(p, v);
  }
  onReady(p: Peer): void {
    this.readied.push(p);
  }
  onMessage(p: Peer, message: Message): void {
    this.handedOn.push({ peer: p.id, message });
  }
  /** Records the refusal and does what it says, as the node's router does (minus discouragement). */
  refuse(p: Peer, _messageId: number, command: string, r: Refusal, hash?: string): void {
    this.refusals.push({ peer: p.id, command, code: r.code, reason: r.reason, debug: r.debug, punish: r.punish, ...(hash ? { hash } : {}) });
    if (r.punish || r.disconnect) p.close(r.reason);
  }
  onClosed(p: Peer, reason: string): void {
    this.closed.push({ peer: p.id, reason });
    for (const l of this.closeListeners) l(p, reason);
  }
  log(text: string): void {
    this.logs.push(text);
  }
}

/** What a fake remote peer says about itself in its version message. */
export interface PeerOptions {
  /** True if our side dialled (we speak first). Default: inbound. */
  outbound?: boolean;
  startHeight?: number;
  /** The role its user agent claims (its eviction "network group"). */
  role?: Role;
  /** BIP37 relay flag: false asks for no transaction announcements. */
  relay?: boolean;
  genesis?: string;
  nonce?: bigint;
  /**
   * Protocol version: by default the first tabchain release's 70001, a peer synced the old way
   * (getblocks / inv); stories of headers-first sync and compact blocks pass PROTOCOL_VERSION.
   */
  version?: number;
}

/** A version message from `from` to `to`. */
export function versionPayload(from: string, to: string, o: PeerOptions = {}): VersionPayload {
  return {
    version: o.version ?? MIN_PEER_PROTO_VERSION,
    services: 1n,
    timestamp: 1_700_000_000n,
    addrRecv: to,
    addrFrom: from,
    nonce: o.nonce ?? 0x5eedn,
    userAgent: `/fake:0.0.1${o.role ? `(${o.role})` : ''}/`,
    startHeight: o.startHeight ?? 0,
    relay: o.relay ?? true,
    genesis: o.genesis ?? ZERO_HASH,
  };
}

/** A peer on a fake link, its handshake not started (an outbound one has sent its version). */
export function newPeer(host: FakeHost, id: string, o: PeerOptions = {}): { peer: Peer; link: FakeLink } {
  const link = new FakeLink(id, o.outbound ?? false, host.magic);
  const peer = new Peer(host, link, MAX_ADDR);
  return { peer, link };
}

/**
 * A peer that completed the handshake: the test's side sends its version and verack through the
 * peer's own `receive`, exactly as bytes from the wire. What the handshake sent is cleared.
 */
export function readyPeer(host: FakeHost, id: string, o: PeerOptions = {}): { peer: Peer; link: FakeLink } {
  const { peer, link } = newPeer(host, id, o);
  link.deliver({ command: 'version', payload: versionPayload(id, 'self', o) });
  link.deliver({ command: 'verack' });
  if (!peer.ready) throw new Error(`${id} did not complete the handshake: ${host.codes().join(', ')}`);
  link.clear();
  return { peer, link };
}

/** The peers a sync service sees, each on a fake link. */
export class FakePeers implements SyncPeers {
  readonly peers = new Map<string, Peer>();
  readonly links = new Map<string, FakeLink>();
  /** The service under test lets go of a peer that left (BlockSync/TxRelay `onPeerClosed`). */
  onPeerClosed: ((p: Peer) => void) | null = null;

  constructor(readonly host: FakeHost) {
    host.onAnyClose((p) => {
      if (this.peers.get(p.id) !== p) return;
      this.peers.delete(p.id);
      this.onPeerClosed?.(p);
    });
  }

  /** A new ready peer (handshake done, handshake messages cleared) that answers pings. */
  connect(id: string, o: PeerOptions = {}): Peer {
    const made = readyPeer(this.host, id, o);
    made.link.autoPong = { clock: this.host.clock };
    return this.add(made);
  }

  /** A peer whose link is open but whose handshake has not completed. */
  handshaking(id: string, o: PeerOptions = {}): Peer {
    return this.add(newPeer(this.host, id, o));
  }

  private add({ peer, link }: { peer: Peer; link: FakeLink }): Peer {
    this.peers.set(peer.id, peer);
    this.links.set(peer.id, link);
    return peer;
  }

  /** The fake link of a peer by id (also after it closed). */
  link(id: string): FakeLink {
    const l = this.links.get(id);
    if (!l) throw new Error(`no peer ${id}`);
    return l;
  }

  all(): Iterable<Peer> {
    return this.peers.values();
  }
  get(id: string): Peer | undefined {
    return this.peers.get(id);
  }
  refuse(p: Peer, messageId: number, command: string, r: Refusal, hash?: string): void {
    this.host.refuse(p, messageId, command, r, hash);
  }
  disconnect(p: Peer, reason: string): void {
    p.close(reason);
  }
  log(text: string): void {
    this.host.log(text);
  }
}

/** Display hashes that name no real block or transaction (for announcements nobody will deliver); `tag` is hex. */
export function fakeHashes(n: number, tag = 'f'): string[] {
  return Array.from({ length: n }, (_, i) => `${tag}${i.toString(16)}`.padStart(64, '0'));
}

/** The hashes an inv/getdata/notfound names. */
export function hashesIn(m: { items: { hash: string }[] }): string[] {
  return m.items.map((i) => i.hash);
}
