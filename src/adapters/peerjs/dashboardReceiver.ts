/**
 * The dashboard side of the observer channel (see `observer.ts` for the whole picture): the tab
 * registers the network's well-known dashboard id and accepts only raw 'observer' connections from
 * `obs_` peers of its network, each report checked before it is handed on.
 */
import { toHex } from '../../core';
import { Peer, type DataConnection, type PeerError } from 'peerjs';
import type { SignalConfig } from './transport';
import { checkTextMessage, guardPeer, type RefusalListener, type RefusalReason } from './guard';
import { OBSERVER_LABEL, parseReport, type Report } from '../observer/protocol';
import {
  KEEPALIVE_MS, MAX_MESSAGE_CHARS, REPORTER_ID, SILENCE_MS, dashboardPeerId, observerPeerId, peerOptions, refusalCounter,
} from './observerChannel';

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

  /**
   * Sends a signed teacher command (wire bytes) to every node this dashboard hears from; each node
   * checks it and relays it to its peers. Returns how many nodes it went to.
   */
  sendTeacherCommand(bytes: Uint8Array): number {
    const text = JSON.stringify({ teacher: toHex(bytes) });
    let sent = 0;
    for (const [nodeId, conn] of [...this.conns]) {
      try {
        if (conn.open) {
          void conn.send(text);
          sent++;
        }
      } catch {
        this.drop(nodeId, conn);
      }
    }
    return sent;
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
