import { Peer, type DataConnection, type PeerError } from 'peerjs';
import type { Link, Transport } from '../../node/transport';
import { checkFrameMessage, guardOutbound, guardPeer, type RefusalListener, type RefusalReason } from './guard';
import { signalFromPage } from './signal';
import { FrameCoalescer, framesOf } from './frames';

/** How long a link the node closed right after sending stays up so that last message gets through (ms). */
const CLOSE_GRACE_MS = 250;

/** Where the signalling server is and how WebRTC should find routes. */
export interface SignalConfig {
  host: string;
  port: number;
  /** Mount path of the PeerServer (npm start serves it at /peerjs). */
  path: string;
  secure: boolean;
  /** STUN/TURN servers (see signal.ts: the page address, or the server's /ice). */
  iceServers: RTCIceServer[];
  /** 'relay': every link through TURN (`?relay=1`). */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/** Signalling config of a page (see signal.ts), before its ICE servers are fetched. */
export function signalConfigFromLocation(loc: Location, buildUrl?: string): SignalConfig {
  return signalFromPage(loc, buildUrl);
}

/** State of the link to the signalling server, for the UI. */
export type SignalStatus =
  | { state: 'connecting' }
  | { state: 'online' }
  | { state: 'reconnecting'; attempt: number; inMs: number; reason: string }
  | { state: 'id-taken'; reason: string }
  | { state: 'failed'; reason: string };

/** PeerJS ids are global on one server: a node's PeerJS id is `tabchain-<network>-<node id>`. */
export function peerJsId(network: string, nodeId: string): string {
  return `tabchain-${network.replace(/[^A-Za-z0-9_-]/g, '_')}-${nodeId}`;
}

const OPEN_TIMEOUT_MS = 10_000;

/** PeerJS data-connection label of node links; an offer with any other label is refused. */
export const NODE_LABEL = 'node';
/** What follows a node's PeerJS prefix: the node id, digits (see runtime/url.ts). */
const NODE_ID = /^\d{1,8}$/;

/**
 * The node's Transport over PeerJS data channels: our own signalling server (never the PeerJS
 * cloud), `raw` serialization (whole frames back to back in each SCTP message, ≤ 256 KiB; frames.ts), connection-open
 * timeout, unreachable peers reported, and the signalling link re-established with backoff
 * while existing data channels keep working. Only node links of this network are accepted
 * (guard.ts: label, serialization, metadata and id checked before PeerJS builds anything), each
 * message is checked for type and size before the node reads it, and every refusal is counted.
 */
export class PeerJsTransport implements Transport {
  onlink: ((link: Link) => void) | null = null;
  onconnectfailed: ((peerId: string, reason: string) => void) | null = null;
  onstatus: ((s: SignalStatus) => void) | null = null;
  /** Called on every refused offer, signal or message (after it has been counted). */
  onrefused: ((reason: RefusalReason, peerId: string) => void) | null = null;
  private readonly refused: Partial<Record<RefusalReason, number>> = {};
  private peer: Peer;
  private readonly prefix: string;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending = new Map<string, DataConnection>();
  status: SignalStatus = { state: 'connecting' };

  constructor(
    readonly network: string,
    readonly localId: string,
    private readonly config: SignalConfig,
  ) {
    this.prefix = peerJsId(network, '');
    this.peer = new Peer(peerJsId(network, localId), {
      host: config.host,
      port: config.port,
      path: config.path,
      secure: config.secure,
      config: { iceServers: config.iceServers, ...(config.iceTransportPolicy ? { iceTransportPolicy: config.iceTransportPolicy } : {}) },
      debug: 0,
    });
    guardPeer(this.peer, { prefix: this.prefix, idPattern: NODE_ID, label: NODE_LABEL }, this.refuse);
    this.peer.on('open', () => {
      this.attempt = 0;
      this.setStatus({ state: 'online' });
    });
    this.peer.on('connection', (conn) => this.accept(conn));
    this.peer.on('disconnected', () => this.scheduleReconnect('signalling server connection lost'));
    this.peer.on('error', (err: PeerError<string>) => this.onError(err));
  }

  /** Counts a refusal and tells `onrefused`; `peerId` is a PeerJS id or a node id. */
  private readonly refuse: RefusalListener = (reason, peerId) => {
    this.refused[reason] = (this.refused[reason] ?? 0) + 1;
    this.onrefused?.(reason, peerId.startsWith(this.prefix) ? peerId.slice(this.prefix.length) : peerId);
  };

  /** How many offers, signals and messages were refused, by reason (for the UI and tests). */
  refusals(): Partial<Record<RefusalReason, number>> {
    return { ...this.refused };
  }

  /** Resolves when registered with the signalling server; rejects if the id is taken. */
  ready(): Promise<void> {
    if (this.status.state === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const prev = this.onstatus;
      this.onstatus = (s) => {
        prev?.(s);
        if (s.state === 'online') resolve();
        else if (s.state === 'id-taken' || s.state === 'failed') reject(new Error(s.reason));
      };
    });
  }

  private setStatus(s: SignalStatus): void {
    this.status = s;
    this.onstatus?.(s);
  }

  private onError(err: PeerError<string>): void {
    if (this.closed) return;
    switch (err.type) {
      case 'unavailable-id':
        this.setStatus({ state: 'id-taken', reason: `node id ${this.localId} is already in use on this network` });
        return;
      case 'peer-unavailable': {
        const m = /peer (\S+)/i.exec(err.message);
        const pj = m?.[1] ?? '';
        const id = pj.startsWith(this.prefix) ? pj.slice(this.prefix.length) : pj;
        const conn = this.pending.get(id);
        this.pending.delete(id);
        conn?.close();
        this.onconnectfailed?.(id, 'peer unreachable (not on the signalling server)');
        return;
      }
      case 'network':
      case 'socket-error':
      case 'socket-closed':
      case 'server-error':
      case 'disconnected':
        this.scheduleReconnect(`signalling: ${err.type}`);
        return;
      default:
        this.setStatus({ state: this.status.state === 'online' ? 'online' : 'connecting' });
    }
  }

  /** Reconnects to the signalling server with exponential backoff (1 s … 30 s). */
  private scheduleReconnect(reason: string): void {
    if (this.closed || this.reconnectTimer) return;
    const inMs = Math.min(30_000, 1000 * 2 ** this.attempt);
    this.attempt++;
    this.setStatus({ state: 'reconnecting', attempt: this.attempt, inMs, reason });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      if (this.peer.destroyed) return this.setStatus({ state: 'failed', reason: 'peer destroyed' });
      if (this.peer.disconnected) this.peer.reconnect();
      // If still not open shortly after, try again.
      setTimeout(() => {
        if (!this.closed && this.peer.disconnected) this.scheduleReconnect(reason);
      }, 3000);
    }, inMs);
  }

  connect(peerId: string): void {
    if (this.closed) return;
    const conn = this.peer.connect(peerJsId(this.network, peerId), { reliable: true, serialization: 'raw', label: NODE_LABEL });
    if (!conn) return this.onconnectfailed?.(peerId, 'signalling server not reachable');
    guardOutbound(conn, this.refuse);
    this.pending.set(peerId, conn);
    const timer = setTimeout(() => {
      if (!conn.open && this.pending.get(peerId) === conn) {
        this.pending.delete(peerId);
        conn.close();
        this.onconnectfailed?.(peerId, 'connection never opened (timeout)');
      }
    }, OPEN_TIMEOUT_MS);
    conn.on('open', () => {
      clearTimeout(timer);
      if (this.pending.get(peerId) !== conn) return conn.close();
      this.pending.delete(peerId);
      this.onlink?.(new PeerJsLink(conn, peerId, true, this.refuse));
    });
    conn.on('error', () => {
      clearTimeout(timer);
      if (this.pending.get(peerId) === conn) {
        this.pending.delete(peerId);
        this.onconnectfailed?.(peerId, 'connection failed');
      }
    });
  }

  /** An offer guardPeer let through: a raw node link from a node id of this network. */
  private accept(conn: DataConnection): void {
    if (this.closed) return conn.close();
    // guardPeer checked all of this already; kept here so no other path can skip it.
    const id = conn.peer.startsWith(this.prefix) ? conn.peer.slice(this.prefix.length) : '';
    if (!NODE_ID.test(id) || conn.label !== NODE_LABEL || conn.serialization !== 'raw') {
      this.refuse('foreign-id', conn.peer);
      return conn.close();
    }
    let linked = false;
    const open = () => {
      if (linked) return; // PeerJS emits 'open' again for every channel the remote opens
      linked = true;
      this.onlink?.(new PeerJsLink(conn, id, false, this.refuse));
    };
    if (conn.open) open();
    else conn.on('open', open);
  }

  /** Ids of nodes of this network on the signalling server (the mesh's DNS seed). */
  discover(): Promise<string[]> {
    return this.listNodes().then((ids) => ids.filter((id) => NODE_ID.test(id) && id !== this.localId));
  }

  /** Ids of nodes of this network currently registered on the signalling server. */
  listNodes(): Promise<string[]> {
    return new Promise((resolve) => {
      // PeerJS never calls back when the server cannot be reached: give up after 3 s.
      const timer = setTimeout(() => resolve([]), 3000);
      try {
        this.peer.listAllPeers((ids: string[]) => {
          clearTimeout(timer);
          resolve(ids.filter((i) => i.startsWith(this.prefix)).map((i) => i.slice(this.prefix.length)));
        });
      } catch {
        clearTimeout(timer);
        resolve([]);
      }
    });
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.peer.destroy();
  }
}

/**
 * One PeerJS data connection as a node Link. Each message is checked (binary, at most one frame's
 * size) before the node sees its frames, and a message that fails the check, or that the node's
 * handler throws on, cuts the link: nothing a peer sends reaches an uncaught path. Frames sent in
 * one task travel together (frames.ts).
 */
class PeerJsLink implements Link {
  onmessage: ((data: Uint8Array) => void) | null = null;
  onclose: ((reason: string) => void) | null = null;
  private closedFired = false;
  private readonly out = new FrameCoalescer((message) => this.write(message));
  constructor(
    private readonly conn: DataConnection,
    readonly peerId: string,
    readonly outbound: boolean,
    refuse: RefusalListener,
  ) {
    conn.on('data', (data: unknown) => {
      if (this.closedFired) return;
      const check = checkFrameMessage(data);
      if (!check.ok) {
        refuse(check.reason, peerId);
        return this.close(`refused: ${check.reason === 'oversized' ? 'message over the frame limit' : 'message is not binary'}`);
      }
      try {
        for (const frame of framesOf(check.bytes)) {
          if (this.closedFired) break;
          this.onmessage?.(frame);
        }
      } catch (e) {
        refuse('handler-error', peerId);
        console.error(`tabchain: handling a message from ${peerId} failed`, e);
        this.close('error handling a message');
      }
    });
    conn.on('close', () => this.fireClose('connection closed'));
    conn.on('error', (e) => this.fireClose(`connection error: ${e.type ?? e.message}`));
  }
  private fireClose(reason: string): void {
    if (this.closedFired) return;
    this.closedFired = true;
    this.onclose?.(reason);
  }
  send(frame: Uint8Array): void {
    if (this.conn.open && !this.closedFired) this.out.push(frame);
  }
  private write(message: Uint8Array): void {
    if (!this.conn.open) return;
    try {
      void this.conn.send(message);
    } catch (e) {
      this.fireClose(`send failed: ${(e as Error).message}`);
      this.conn.close();
    }
  }
  close(reason = 'closed'): void {
    // What the node sent in this task before closing (a reject saying why it cuts the link) still
    // goes, and the connection waits a moment for it: PeerJS closes the whole RTCPeerConnection at
    // once, which drops data still on its way.
    const sending = this.out.pending;
    this.out.flush();
    this.fireClose(reason);
    if (sending && this.conn.open) setTimeout(() => this.conn.close(), CLOSE_GRACE_MS);
    else this.conn.close();
  }
}
