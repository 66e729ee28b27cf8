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
 * The node never reads anything from this channel (the reporter only notes *that* the dashboard's
 * keepalives arrive, to notice a dashboard that vanished) and nodes never link to `obs_` or
 * `dashboard` peers, so consensus cannot depend on it.
 */
import { Peer, type DataConnection, type PeerError } from 'peerjs';
import type { FullNode } from '../../node/node';
import type { Topology } from '../../node/events';
import { peerJsId, type SignalConfig } from './transport';
import { checkTextMessage, guardOutbound, guardPeer, type RefusalListener, type RefusalReason } from './guard';
import { ReportBuffer, type ReportLimits } from '../observer/reportBuffer';
import { OBSERVER_LABEL, parseReport, type Report } from '../observer/protocol';

/** What follows a reporter's PeerJS prefix (`…-obs_`): the node id. */
const REPORTER_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** A refusal counter for a guarded Peer: counts by reason, then tells `then()`'s listener, if any. */
function refusalCounter(then: () => RefusalListener | null): { counts: Partial<Record<RefusalReason, number>>; refuse: RefusalListener } {
  const counts: Partial<Record<RefusalReason, number>> = {};
  return {
    counts,
    refuse: (reason, peerId) => {
      counts[reason] = (counts[reason] ?? 0) + 1;
      then()?.(reason, peerId);
    },
  };
}

/**
 * PeerJS id of a node's reporter: beside the node's own id, never used by the node protocol.
 * `obs_` (not `obs-`): node ids are digits, so `tabchain-x-obs_3001` can be no node of any network
 * (`tabchain-x-obs-3001` would be node 3001 of a network called `x-obs`).
 */
export function observerPeerId(network: string, nodeId: string): string {
  return peerJsId(network, `obs_${nodeId}`);
}

/** The well-known PeerJS id of a network's teacher dashboard. */
export function dashboardPeerId(network: string): string {
  return peerJsId(network, 'dashboard');
}

/** Largest report sent as one data-channel message (Chromium's SCTP limit is 256 KiB). */
const MAX_MESSAGE_CHARS = 200_000;
/** Above this many bytes waiting in the data channel, reports wait (and may collapse into a snapshot). */
const MAX_BUFFERED = 1 << 20;
const OPEN_TIMEOUT_MS = 8_000;
/**
 * Liveness of the observer channel: the dashboard sends a tiny keepalive every 2 s and each node a
 * report at least as often; silence for 7 s means the other tab is gone (a closed or crashed tab
 * does not always close its WebRTC channel: ICE notices only after ~30 s).
 */
const KEEPALIVE_MS = 2_000;
const SILENCE_MS = 7_000;

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

function peerOptions(c: SignalConfig) {
  return { host: c.host, port: c.port, path: c.path, secure: c.secure, config: { iceServers: c.iceServers, ...(c.iceTransportPolicy ? { iceTransportPolicy: c.iceTransportPolicy } : {}) }, debug: 0 as const };
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
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private openTimer: ReturnType<typeof setTimeout> | null = null;
  private flushTimer: ReturnType<typeof setInterval> | null = null;
  private lastSend = 0;
  private lastHeard = 0;
  private looking = false;
  private readonly intervalMs: number;
  private readonly heartbeatMs: number;
  private readonly retry: { min: number; max: number };
  private readonly refusal = refusalCounter(() => null);

  constructor(
    private readonly node: FullNode,
    private readonly opts: ReporterOptions,
  ) {
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
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.openTimer) clearTimeout(this.openTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.retryTimer = this.openTimer = this.flushTimer = null;
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
    this.openTimer = setTimeout(() => this.safely(() => this.lost(conn)), OPEN_TIMEOUT_MS);
    conn.on('open', () => this.safely(() => this.opened(conn)));
    conn.on('data', () => (this.lastHeard = Date.now())); // keepalive: contents ignored
    conn.on('close', () => this.safely(() => this.lost(conn)));
    conn.on('error', () => this.safely(() => this.lost(conn)));
  }

  private opened(conn: DataConnection): void {
    if (conn !== this.conn || this.state === 'stopped') return;
    if (this.openTimer) clearTimeout(this.openTimer);
    this.openTimer = null;
    this.attempt = 0;
    this.state = 'connected';
    this.sent = 0;
    this.lastHeard = Date.now();
    this.send(this.buffer.open());
    this.flushTimer = setInterval(() => this.safely(() => this.flush()), this.intervalMs);
  }

  private lost(conn: DataConnection): void {
    if (conn !== this.conn) return;
    this.conn = null;
    this.buffer.close();
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.openTimer) clearTimeout(this.openTimer);
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
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.openTimer) clearTimeout(this.openTimer);
    this.flushTimer = this.openTimer = null;
    this.state = 'searching';
    const delay = Math.min(this.retry.max, this.retry.min * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 10);
    this.retryTimer = setTimeout(
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
      delay,
    );
  }
}

/** Starts reporting a node to the teacher dashboard (if and when one is open). */
export function startObserverReporter(node: FullNode, opts: ReporterOptions): ObserverReporter {
  return new ObserverReporter(node, opts);
}

/** The dashboard's link to the signalling server. */
export type ReceiverStatus = { state: 'connecting' } | { state: 'listening' } | { state: 'id-taken' } | { state: 'reconnecting'; reason: string };

/**
 * The dashboard side: registers the network's well-known dashboard id and receives reports from
 * every node's reporter. Reports are parsed and checked before they are handed on; a report
 * claiming to be from another node than its connection is dropped.
 */
export class DashboardReceiver {
  onreport: ((nodeId: string, report: Report, receivedAt: number) => void) | null = null;
  onclose: ((nodeId: string) => void) | null = null;
  onstatus: ((s: ReceiverStatus) => void) | null = null;
  /** Called on every refused offer, signal or message (after it has been counted). */
  onrefused: RefusalListener | null = null;
  status: ReceiverStatus = { state: 'connecting' };
  private readonly refusal = refusalCounter(() => this.onrefused);
  private peer: Peer | null = null;
  private readonly conns = new Map<string, DataConnection>();
  private readonly lastData = new Map<string, number>();
  private readonly prefix: string;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly keepalive: ReturnType<typeof setInterval>;
  private attempt = 0;

  constructor(
    readonly network: string,
    private readonly signal: SignalConfig,
  ) {
    this.prefix = observerPeerId(network, '');
    this.createPeer();
    this.keepalive = setInterval(() => this.checkAlive(), KEEPALIVE_MS);
  }

  /** Sends each node a keepalive and drops nodes silent for too long (their tab is gone). */
  private checkAlive(): void {
    const now = Date.now();
    for (const [nodeId, conn] of [...this.conns]) {
      if (now - (this.lastData.get(nodeId) ?? now) > SILENCE_MS) {
        this.drop(nodeId, conn);
        continue;
      }
      try {
        if (conn.open) void conn.send('k');
      } catch {
        this.drop(nodeId, conn);
      }
    }
  }

  private drop(nodeId: string, conn: DataConnection): void {
    if (this.conns.get(nodeId) !== conn) return;
    this.conns.delete(nodeId);
    this.lastData.delete(nodeId);
    conn.close();
    this.onclose?.(nodeId);
  }

  private setStatus(s: ReceiverStatus): void {
    this.status = s;
    this.onstatus?.(s);
  }

  private createPeer(): void {
    const peer = new Peer(dashboardPeerId(this.network), peerOptions(this.signal));
    guardPeer(peer, { prefix: this.prefix, idPattern: REPORTER_ID, label: OBSERVER_LABEL }, this.refusal.refuse);
    this.peer = peer;
    this.setStatus({ state: 'connecting' });
    peer.on('open', () => {
      this.attempt = 0;
      this.setStatus({ state: 'listening' });
    });
    peer.on('connection', (conn) => this.accept(conn));
    peer.on('disconnected', () => this.retry(false, 'signalling server connection lost'));
    peer.on('error', (err: PeerError<string>) => {
      if (this.peer !== peer || this.closed) return;
      if (err.type === 'unavailable-id') {
        // Another dashboard for this network is open (or this one's previous page is still leaving).
        this.setStatus({ state: 'id-taken' });
        this.retry(true, err.type);
      } else if (peer.destroyed || peer.disconnected) this.retry(peer.destroyed, err.type);
    });
  }

  private retry(fresh: boolean, reason: string): void {
    if (this.closed || this.timer) return;
    if (this.status.state !== 'id-taken') this.setStatus({ state: 'reconnecting', reason });
    const delay = Math.min(5_000, 1_000 * 2 ** this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      const peer = this.peer;
      if (fresh || !peer || peer.destroyed) {
        peer?.destroy();
        this.createPeer();
      } else if (peer.disconnected) peer.reconnect();
    }, delay);
  }

  /** Offers and messages refused by this dashboard, by reason. */
  refusals(): Partial<Record<RefusalReason, number>> {
    return { ...this.refusal.counts };
  }

  private accept(conn: DataConnection): void {
    const nodeId = conn.peer.startsWith(this.prefix) ? conn.peer.slice(this.prefix.length) : '';
    if (this.closed) return conn.close();
    // guardPeer checked all of this already; kept here so no other path can skip it.
    if (conn.label !== OBSERVER_LABEL || conn.serialization !== 'raw' || !REPORTER_ID.test(nodeId)) {
      this.refusal.refuse('foreign-id', conn.peer);
      return conn.close();
    }
    const old = this.conns.get(nodeId);
    this.conns.set(nodeId, conn);
    this.lastData.set(nodeId, Date.now());
    old?.close();
    conn.on('data', (data: unknown) => {
      if (this.conns.get(nodeId) !== conn) return;
      // Reporters send JSON text, one report per message, at most MAX_MESSAGE_CHARS: anything else cuts the channel.
      const check = checkTextMessage(data, MAX_MESSAGE_CHARS);
      if (!check.ok) {
        this.refusal.refuse(check.reason, conn.peer);
        return this.drop(nodeId, conn);
      }
      this.lastData.set(nodeId, Date.now());
      try {
        const report = parseReport(check.text);
        if (report && report.node === nodeId) this.onreport?.(nodeId, report, Date.now());
      } catch (e) {
        this.refusal.refuse('handler-error', conn.peer);
        console.error(`tabchain: handling a report from ${nodeId} failed`, e);
        this.drop(nodeId, conn);
      }
    });
    const gone = () => this.drop(nodeId, conn);
    conn.on('close', gone);
    conn.on('error', gone);
  }

  /** Node ids with an open observer channel. */
  connected(): string[] {
    return [...this.conns.keys()];
  }

  close(): void {
    this.closed = true;
    clearInterval(this.keepalive);
    if (this.timer) clearTimeout(this.timer);
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
    this.peer?.destroy();
  }
}
