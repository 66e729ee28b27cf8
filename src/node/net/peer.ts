/**
 * One connected peer (btcd's `peer`, bcoin's `net/peer.js`): the link, Bitcoin framing in and out,
 * the version/verack handshake as a small state machine, ping/pong with round-trip time, what the
 * peer is known to have (bounded), and the per-peer counters the services keep. The peer answers
 * version, verack, ping and pong itself and hands every other message to its host; every refusal
 * goes to the host as data (misbehavior.ts), which decides what it costs the peer.
 */
import { DecodeError, BoundedSet } from '../../core';
import {
  MAX_PAYLOAD,
  MIN_PEER_PROTO_VERSION,
  decodePayload,
  encodeMessage,
  hashesOf,
  isKnownCommand,
  parseFrame,
  summarize,
  type Command,
  type FrameFault,
  type Message,
  type VersionPayload,
} from '../wire/messages';
import { refusal, type NodeRefusalCode, type Refusal } from '../misbehavior';
import { KNOWN_INV_MAX, type Timing } from '../config';
import type { EventBus, Role } from '../events';
import type { Clock, Link, Random } from '../transport';
import { elapsedSince, type Liveness } from '../lessons/delivery';

/** What a peer needs from the node it belongs to. */
export interface PeerHost {
  readonly magic: number;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly random: Random;
  readonly timing: Timing;
  /** The node's request clocks: they stand still while its delivery gate holds messages (lessons/delivery.ts). */
  readonly liveness?: Liveness;
  /** Sequence number for the next message event (unique per node). */
  nextMessageId(): number;
  /** Our version message for this peer (its nonce is remembered to detect self-connections). */
  versionFor(peer: Peer): VersionPayload;
  /** Node-level checks of a received version: self-connection, genesis. A refusal, or null. */
  checkVersion(peer: Peer, v: VersionPayload): Refusal | null;
  /** The handshake completed. */
  onReady(peer: Peer): void;
  /** A message after the handshake that the peer does not handle itself. */
  onMessage(peer: Peer, m: Message, messageId: number): void;
  /** The peer sent something refused: record it and act as the refusal says. */
  refuse(peer: Peer, messageId: number, command: string, r: Refusal, hash?: string): void;
  /** The link closed (either side); called once. */
  onClosed(peer: Peer, reason: string): void;
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
}

/**
 * Messages that count as protocol work, beyond completing the handshake and answering pings. An
 * honest node always sends one of them right after the handshake (Core, and tabchain, advertise
 * themselves with `addr`), so only an idle peer stays at 0.
 */
const ACTIVE = new Set<Message['command']>([
  'addr', 'getaddr', 'inv', 'getdata', 'getblocks', 'block', 'tx', 'notfound', 'getparams', 'params',
  'getheaders', 'headers', 'cmpctblock', 'getblocktxn', 'blocktxn',
]);

const FAULTS: Record<FrameFault['kind'], NodeRefusalCode> = {
  'wrong-magic': 'wrong-magic',
  'bad-checksum': 'bad-checksum',
  oversized: 'oversized-message',
  'too-short': 'truncated-header',
  'bad-command': 'bad-command',
  'length-mismatch': 'bad-length',
};

export class Peer {
  readonly id: string;
  readonly outbound: boolean;
  /** When the link opened (node clock, ms): uptime protects a peer from eviction. */
  readonly connectedAt: number;
  version?: VersionPayload;
  verack = false;
  versionSent = false;
  role?: Role;
  /** Height the peer has proven: the highest valid block it announced, asked about, sent or was sent. */
  bestHeight = -1;
  /**
   * Height the peer claims (its version's start height, raised when it announces blocks we lack):
   * enough to decide whom to download from, never shown as the target of a sync (a peer can lie).
   */
  claimedHeight = -1;
  /** Hashes the peer has or was told about: never announced to it again. */
  readonly knownInv = new BoundedSet<string>(KNOWN_INV_MAX);
  readonly blocksInFlight = new Set<string>();
  readonly txInFlight = new Set<string>();
  /** Last time a requested block arrived (or the first request went out): the stall clock. */
  lastBlockAt: number;
  /**
   * Last time the peer did protocol work beyond staying connected (asked for or offered blocks,
   * transactions or parameters): an idle peer is the first to go when inbound slots are full.
   */
  lastActivity = 0;
  /** Last time this peer gave us a new valid block / transaction (Core's m_last_block_time, m_last_tx_time). */
  lastUsefulBlock = 0;
  lastUsefulTx = 0;
  pingNonce?: bigint;
  pingSentAt?: number;
  rtt?: number;
  /** Smallest round trip seen: low-latency peers are protected from eviction, as in Core. */
  minRtt?: number;
  /** Core's addr rate limit: a token bucket (0.1 address per second, burst 1000). */
  addrTokens: number;
  addrTokensAt: number;
  gaveAddr = false;
  /** Blocks this peer announced that we remember wanting. */
  wanted = 0;
  /** The nonce of the version we sent (forgotten once the handshake ends either way). */
  versionNonce?: bigint;
  /** When we last asked this peer for the network parameters (while we have no chain). */
  paramsAskedAt?: number;
  closed = false;
  private readonly timers: number[] = [];

  constructor(
    private readonly host: PeerHost,
    readonly link: Link,
    addrBurst: number,
    /** Largest payload this link carries (the transport's frame limit less the header). */
    private readonly maxPayload = MAX_PAYLOAD,
    private readonly decode: (command: Command, payload: Uint8Array) => Message = decodePayload,
  ) {
    this.id = link.peerId;
    this.outbound = link.outbound;
    const now = host.clock.now();
    this.connectedAt = now;
    this.lastBlockAt = now;
    this.addrTokens = addrBurst;
    this.addrTokensAt = now;
    link.onmessage = (data) => this.receive(data);
    link.onclose = (reason) => this.closedBy(reason);
    this.armHandshakeTimeout(host.timing.handshakeTimeout);
    if (this.outbound) this.sendVersion();
  }

  /** The handshake must end within `handshakeTimeout` of live time (held messages do not make it late). */
  private armHandshakeTimeout(ms: number): void {
    const { clock, timing, liveness } = this.host;
    this.timers.push(
      clock.setTimer(ms, () => {
        if (this.ready || this.closed) return;
        const waited = elapsedSince(liveness, clock, this.connectedAt);
        if (waited >= timing.handshakeTimeout) this.close('handshake timeout');
        else this.armHandshakeTimeout(Math.max(100, timing.handshakeTimeout - waited));
      }),
    );
  }

  /** Handshake complete and link open. */
  get ready(): boolean {
    return !!this.version && this.verack && !this.closed;
  }

  /** Notes that the peer has (or now knows of) an item. */
  remember(hash: string): void {
    this.knownInv.add(hash);
  }

  /** Frames and sends a message; false (and a warning) if it cannot be framed, e.g. a block over the link's frame limit. */
  send(m: Message): boolean {
    if (this.closed) return false;
    let raw: Uint8Array;
    try {
      raw = encodeMessage(this.host.magic, m, this.maxPayload);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.host.log(`cannot send ${m.command} to ${this.id}: ${e.message}`, 'warn');
      return false;
    }
    const id = this.host.nextMessageId();
    const bus = this.host.bus;
    // Summaries cost string work per message: built only when someone listens.
    if (bus.listening) bus.emit({ type: 'message', id, time: this.host.clock.now(), dir: 'out', peer: this.id, command: m.command, bytes: raw.length, summary: summarize(m), raw, ...hashesOf(m) });
    this.link.send(raw);
    return true;
  }

  /** Closes the link; the host hears of it once. */
  close(reason: string): void {
    if (this.closed) return;
    this.link.close(reason);
    this.closedBy(reason);
  }

  private closedBy(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) this.host.clock.clearTimer(t);
    this.host.onClosed(this, reason);
  }

  private sendVersion(): void {
    const v = this.host.versionFor(this);
    this.versionNonce = v.nonce;
    this.versionSent = true;
    this.send({ command: 'version', payload: v });
  }

  /** One data-channel message: a whole frame, checked before anything reads it. */
  receive(data: Uint8Array): void {
    if (this.closed) return;
    const host = this.host;
    const id = host.nextMessageId();
    const time = host.clock.now();
    const frame = parseFrame(host.magic, data, this.maxPayload);
    if (!frame.ok) {
      const command = frame.header?.command || '?';
      const r = refusal(FAULTS[frame.fault.kind], faultDebug(frame.fault, data.length, this.maxPayload));
      host.bus.emit({ type: 'message', id, time, dir: 'in', peer: this.id, command, bytes: data.length, summary: `dropped: ${r.reason}`, raw: data, reason: r.reason });
      host.refuse(this, id, command, r);
      return;
    }
    const command = frame.header.command;
    if (!isKnownCommand(command)) {
      const r = refusal('unknown-command', `command "${command}" is not part of this protocol`);
      host.bus.emit({ type: 'message', id, time, dir: 'in', peer: this.id, command, bytes: data.length, summary: 'unknown command, ignored', raw: data, reason: r.reason });
      return;
    }
    let m: Message;
    try {
      m = this.decode(command, frame.payload);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      const r = refusal(e.reason.startsWith('too many') ? 'oversized-payload' : 'malformed-payload', `${command}: ${e.reason}`);
      host.bus.emit({ type: 'message', id, time, dir: 'in', peer: this.id, command, bytes: data.length, summary: `dropped: ${e.reason}`, raw: data, reason: r.reason });
      host.refuse(this, id, command, r);
      return;
    }
    if (host.bus.listening) host.bus.emit({ type: 'message', id, time, dir: 'in', peer: this.id, command, bytes: data.length, summary: summarize(m), raw: data, ...hashesOf(m) });
    try {
      this.handle(m, id);
    } catch (e) {
      // A bug must never take the node down: report it and drop the message.
      host.log(`error handling ${command} from ${this.id}: ${(e as Error).message}`, 'error');
    }
  }

  /** The handshake state machine; everything after it goes to the host. */
  private handle(m: Message, id: number): void {
    if (m.command === 'version') return this.onVersion(m.payload, id);
    if (!this.version) return this.host.refuse(this, id, m.command, refusal('before-version', `${m.command} before version: ignored`));
    if (m.command === 'verack') {
      if (this.verack) return this.host.refuse(this, id, m.command, refusal('redundant-verack', 'ignored'));
      this.verack = true;
      return this.handshakeDone();
    }
    if (!this.verack) return this.host.refuse(this, id, m.command, refusal('before-verack', `${m.command} before verack: ignored`));
    if (m.command === 'ping') {
      this.send({ command: 'pong', nonce: m.nonce });
      return;
    }
    if (m.command === 'pong') {
      if (this.pingNonce === m.nonce && this.pingSentAt !== undefined) {
        this.rtt = this.host.clock.now() - this.pingSentAt;
        this.minRtt = Math.min(this.minRtt ?? Infinity, this.rtt);
        this.pingNonce = undefined;
      }
      return;
    }
    if (ACTIVE.has(m.command)) this.lastActivity = this.host.clock.now();
    this.host.onMessage(this, m, id);
  }

  private onVersion(v: VersionPayload, id: number): void {
    if (this.version) return this.host.refuse(this, id, 'version', refusal('redundant-version', 'ignored'));
    const self = this.host.checkVersion(this, v);
    if (self?.code === 'self-connection') return this.host.refuse(this, id, 'version', self);
    if (v.version < MIN_PEER_PROTO_VERSION) return this.host.refuse(this, id, 'version', refusal('obsolete-version', `protocol version ${v.version} is too old`));
    if (self) return this.host.refuse(this, id, 'version', self);
    this.version = v;
    this.claimedHeight = v.startHeight;
    const role = /\((central|miner|wallet)\)/.exec(v.userAgent)?.[1] as Role | undefined;
    if (role) this.role = role;
    if (!this.versionSent) this.sendVersion();
    this.send({ command: 'verack' });
    if (this.verack) this.handshakeDone();
  }

  private handshakeDone(): void {
    this.schedulePing();
    this.host.onReady(this);
  }

  private schedulePing(): void {
    const { clock, timing, random } = this.host;
    this.timers.push(
      clock.setTimer(timing.pingInterval, () => {
        if (this.closed) return;
        if (this.pingNonce !== undefined && clock.now() - (this.pingSentAt ?? 0) >= timing.pingTimeout) return this.close('ping timeout: peer vanished');
        if (this.pingNonce === undefined) {
          this.pingNonce = random.nonce64();
          this.pingSentAt = clock.now();
          this.send({ command: 'ping', nonce: this.pingNonce });
        }
        this.schedulePing();
      }),
    );
  }
}

function faultDebug(f: FrameFault, bytes: number, maxPayload: number): string {
  switch (f.kind) {
    case 'oversized':
      return `header declares ${f.length} bytes of payload; the limit is ${maxPayload}`;
    case 'wrong-magic':
      return 'peer is on another network';
    case 'bad-checksum':
      return 'message corrupted in transit? dropped';
    default:
      return `frame of ${bytes} bytes`;
  }
}

/** How far ahead a peer may be: the larger of what it proved and what it claims. */
export function heightAhead(p: Peer): number {
  return Math.max(p.bestHeight, p.claimedHeight);
}
