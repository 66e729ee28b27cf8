/**
 * The teacher dashboard's observer channel over PeerJS, kept apart from the node protocol:
 *
 * - every node tab runs an `ObserverReporter`: a *second* PeerJS peer (`tabchain-<net>-obs_<id>`)
 *   that looks for the dashboard's well-known id (`tabchain-<net>-dashboard`), and while it is
 *   there sends it JSON text reports (`raw` serialization, one report per data-channel message,
 *   label 'observer'). No dashboard: one failed look-up every few seconds, nothing queued.
 * - the dashboard tab runs a `DashboardReceiver` under the well-known id and accepts only
 *   'observer' connections (raw, no metadata) from `obs_` peers of its network, and only text
 *   messages of at most MAX_MESSAGE_CHARS; reporters accept no connection at all. Both are
 *   guarded as node links are (guard.ts): a refused offer is never built by PeerJS.
 *
 * This file is the reporter; the dashboard's side is `dashboardReceiver.ts`, and what both share
 * (ids, limits, PeerJS options) is `observerChannel.ts`.
 *
 * The node reads only one thing from this channel: the teacher's signed commands, which it checks
 * against the network's teacher key exactly as when a peer relays them (the reporter otherwise
 * notes *that* the dashboard's keepalives arrive, to notice a dashboard that vanished). Nodes never
 * link to `obs_` or `dashboard` peers, so consensus cannot depend on it.
 */
import { Peer, type DataConnection, type PeerError } from 'peerjs';
import type { NodeApi } from '../../node/api';
import { MAX_TEACHER_BYTES } from '../../node/wire/messages';
import { fromHex } from '../../core';
import type { Topology } from '../../node/events';
import type { SignalConfig } from './transport';
import { systemClock, type Clock } from '../../node/transport';
import { guardOutbound, guardPeer, type RefusalReason } from './guard';
import { ReportBuffer, type ReportLimits } from '../observer/reportBuffer';
import { OBSERVER_LABEL, type Report } from '../observer/protocol';
import {
  MAX_BUFFERED, MAX_MESSAGE_CHARS, OPEN_TIMEOUT_MS, SILENCE_MS, dashboardPeerId, observerPeerId, peerOptions, refusalCounter,
} from './observerChannel';

/**
 * Whether the dashboard is registered on the signalling server, asked over plain HTTP (PeerServer's
 * peer list, `allow_discovery`): far cheaper than a WebRTC offer to nobody every few seconds.
 * null when the server does not say (discovery off, network error): then just try to connect.
 */
async function dashboardRegistered(c: SignalConfig, network: string): Promise<boolean | null> {
  try {
    const path = c.path.endsWith('/') ? c.path : `${c.path}/`;
    const res = await fetch(`${c.secure ? 'https' : 'http'}://${c.host}:${c.port}${path}peerjs/peers`, { cache: 'no-store' });
    if (!res.ok) return null;
    const ids = (await res.json()) as unknown;
    return Array.isArray(ids) ? ids.includes(dashboardPeerId(network)) : null;
  } catch {
    return null;
  }
}

/** What the reporter is doing, for tests and the curious (`window.tabchain.observer`). */
export type ReporterState = 'starting' | 'searching' | 'connected' | 'stopped';

export interface ReporterOptions {
  network: string;
  topology: Topology;
  signal: SignalConfig;
  /** Batching interval (default 200 ms). */
  intervalMs?: number;
  /** An empty report keeps "last seen" fresh when nothing happens (default 2 s). */
  heartbeatMs?: number;
  /** Retry delays while no dashboard exists: doubling from `min` up to `max` (default 1 s … 3 s). */
  retry?: { min: number; max: number };
  limits?: Partial<ReportLimits>;
  /** Timers (default the page's; a tab passes its node's worker clock). */
  clock?: Clock;
}

/**
 * Streams a node's reports to the teacher dashboard whenever one is open: fire and forget, a
 * bounded queue, reconnection with backoff, and no exception ever reaches the node.
 */
export class ObserverReporter {
  state: ReporterState = 'starting';
  /** Reports sent on the current connection (for tests). */
  sent = 0;
  private readonly buffer: ReportBuffer;
  private peer: Peer | null = null;
  private conn: DataConnection | null = null;
  private attempt = 0;
  private retryTimer: number | null = null;
  private openTimer: number | null = null;
  private flushTimer: number | null = null;
  /** Timers on the node's clock (a worker's in a tab: a background tab keeps reporting). */
  private readonly clock: Clock;
  private lastSend = 0;
  private lastHeard = 0;
  private looking = false;
  private readonly intervalMs: number;
  private readonly heartbeatMs: number;
  private readonly retry: { min: number; max: number };
  private readonly refusal = refusalCounter(() => null);

  constructor(
    private readonly node: NodeApi,
    private readonly opts: ReporterOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.intervalMs = opts.intervalMs ?? 200;
    this.heartbeatMs = opts.heartbeatMs ?? 2_000;
    this.retry = opts.retry ?? { min: 1_000, max: 3_000 };
    this.buffer = new ReportBuffer(node, opts.topology, opts.limits);
    this.safely(() => this.createPeer());
  }

  /** Offers and signals refused by this reporter (it accepts no connection), by reason. */
  refusals(): Partial<Record<RefusalReason, number>> {
    return { ...this.refusal.counts };
  }

  /** Disconnects from the dashboard and the signalling server for good. */
  stop(): void {
    this.state = 'stopped';
    this.clearTimers();
    this.buffer.dispose();
    this.safely(() => this.conn?.close());
    this.safely(() => this.peer?.destroy());
    this.conn = null;
    this.peer = null;
  }

  private safely(f: () => void): void {
    try {
      f();
    } catch {
      // The observer must never break the node; a failure here just means no reports.
      if (this.state !== 'stopped') this.retryLater(true);
    }
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.openTimer, this.flushTimer]) if (t !== null) this.clock.clearTimer(t);
    this.retryTimer = this.openTimer = this.flushTimer = null;
  }

  /** Flushes every `intervalMs` while connected (a chain of timers on the clock). */
  private scheduleFlush(): void {
    this.flushTimer = this.clock.setTimer(this.intervalMs, () => {
      this.flushTimer = null;
      this.safely(() => this.flush());
      if (this.state === 'connected' && this.conn) this.scheduleFlush();
    });
  }

  private createPeer(): void {
    const peer = new Peer(observerPeerId(this.opts.network, this.node.id), peerOptions(this.opts.signal));
    guardPeer(peer, null, this.refusal.refuse); // nobody dials a reporter: every offer is refused unbuilt
    this.peer = peer;
    this.state = 'searching';
    peer.on('open', () => this.safely(() => this.lookForDashboard()));
    peer.on('connection', (c) => this.safely(() => c.close())); // nobody dials a reporter (a forged addr might)
    peer.on('disconnected', () => this.safely(() => this.retryLater(false)));
    peer.on('error', (err: PeerError<string>) =>
      this.safely(() => {
        if (this.peer !== peer || this.state === 'stopped') return;
        // 'unavailable-id' (an old tab of this node still registered) or a dead socket: start over.
        const fresh = err.type === 'unavailable-id' || err.type === 'invalid-id' || peer.destroyed;
        this.retryLater(fresh);
      }),
    );
  }

  /** Connects if the dashboard is there (or if the server will not say), else tries again later. */
  private lookForDashboard(): void {
    if (this.state === 'stopped' || this.conn || this.looking) return;
    this.looking = true;
    void dashboardRegistered(this.opts.signal, this.opts.network).then((present) =>
      this.safely(() => {
        this.looking = false;
        if (present === false) this.retryLater(false);
        else this.connect();
      }),
    );
  }

  /** Opens the observer data channel to the dashboard's well-known id. */
  private connect(): void {
    const peer = this.peer;
    if (!peer || peer.destroyed || peer.disconnected || this.state === 'stopped' || this.conn) return;
    const conn = peer.connect(dashboardPeerId(this.opts.network), { label: OBSERVER_LABEL, serialization: 'raw', reliable: true });
    if (!conn) return this.retryLater(false);
    guardOutbound(conn, this.refusal.refuse);
    this.conn = conn;
    this.openTimer = this.clock.setTimer(OPEN_TIMEOUT_MS, () => this.safely(() => this.lost(conn)));
    conn.on('open', () => this.safely(() => this.opened(conn)));
    conn.on('data', (data: unknown) => this.safely(() => this.fromDashboard(data)));
    conn.on('close', () => this.safely(() => this.lost(conn)));
    conn.on('error', () => this.safely(() => this.lost(conn)));
  }

  /**
   * What the dashboard sends: keepalives ('k'), and the teacher's signed commands as JSON
   * `{"teacher":"<hex>"}`, handed to the node, which checks the signature against the network's
   * teacher key exactly as for a command from a peer (anything else is ignored).
   */
  private fromDashboard(data: unknown): void {
    this.lastHeard = Date.now();
    const command = teacherCommandOf(data);
    if (command) this.node.teacherCommand(command);
  }

  private opened(conn: DataConnection): void {
    if (conn !== this.conn || this.state === 'stopped') return;
    if (this.openTimer !== null) this.clock.clearTimer(this.openTimer);
    this.openTimer = null;
    this.attempt = 0;
    this.state = 'connected';
    this.sent = 0;
    this.lastHeard = Date.now();
    this.send(this.buffer.open());
    this.scheduleFlush();
  }

  private lost(conn: DataConnection): void {
    if (conn !== this.conn) return;
    this.conn = null;
    this.buffer.close();
    for (const t of [this.flushTimer, this.openTimer]) if (t !== null) this.clock.clearTimer(t);
    this.flushTimer = this.openTimer = null;
    conn.close();
    if (this.state !== 'stopped') this.retryLater(false);
  }

  /** Sends every queued report (or a heartbeat), unless the channel is backed up. */
  private flush(): void {
    const conn = this.conn;
    if (!conn?.open) return;
    if (Date.now() - this.lastHeard > SILENCE_MS) return this.lost(conn);
    for (let i = 0; i < 20; i++) {
      if (conn.dataChannel.bufferedAmount > MAX_BUFFERED) return;
      const r = this.buffer.next(Date.now() - this.lastSend >= this.heartbeatMs);
      if (!r) return;
      this.send(r);
    }
  }

  private send(r: Report): void {
    const conn = this.conn;
    if (!conn?.open) return;
    const text = JSON.stringify(r);
    if (text.length > MAX_MESSAGE_CHARS && r.kind === 'events' && r.events.length > 1) {
      const half = Math.ceil(r.events.length / 2);
      this.send({ ...r, events: r.events.slice(0, half) });
      this.send({ ...r, events: r.events.slice(half) });
      return;
    }
    if (text.length > MAX_MESSAGE_CHARS) return; // cannot happen with the default limits
    void conn.send(text);
    this.sent++;
    this.lastSend = Date.now();
  }

  /** Tries again later: 1 s, 2 s, then every 3 s while no dashboard is there. */
  private retryLater(freshPeer: boolean): void {
    if (this.state === 'stopped' || this.retryTimer) return;
    if (this.conn) {
      const c = this.conn;
      this.conn = null;
      this.buffer.close();
      try {
        c.close();
      } catch {
        // already gone
      }
    }
    for (const t of [this.flushTimer, this.openTimer]) if (t !== null) this.clock.clearTimer(t);
    this.flushTimer = this.openTimer = null;
    this.state = 'searching';
    const delay = Math.min(this.retry.max, this.retry.min * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 10);
    this.retryTimer = this.clock.setTimer(
      delay,
      () =>
        this.safely(() => {
          this.retryTimer = null;
          if (this.state === 'stopped') return;
          const peer = this.peer;
          if (freshPeer || !peer || peer.destroyed) {
            peer?.destroy();
            this.createPeer();
          } else if (peer.disconnected) peer.reconnect();
          else this.lookForDashboard();
        }),
    );
  }
}

/** The bytes of a teacher command in a dashboard message (`{"teacher":"<hex>"}`), or null. */
export function teacherCommandOf(data: unknown): Uint8Array | null {
  if (typeof data !== 'string' || data.length > 2 * MAX_TEACHER_BYTES + 32 || !data.startsWith('{')) return null;
  try {
    const hex = (JSON.parse(data) as { teacher?: unknown }).teacher;
    return typeof hex === 'string' && /^(?:[0-9a-f]{2})+$/.test(hex) ? fromHex(hex) : null;
  } catch {
    return null;
  }
}

/** Starts reporting a node to the teacher dashboard (if and when one is open). */
export function startObserverReporter(node: NodeApi, opts: ReporterOptions): ObserverReporter {
  return new ObserverReporter(node, opts);
}
