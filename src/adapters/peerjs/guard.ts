/**
 * The boundary between PeerJS and a peer that does not play by the rules.
 *
 * PeerJS trusts the remote side: an OFFER names the class PeerJS constructs for it
 * (`new this._serializers[payload.serialization](…)`, so `"bogus"` or `"constructor"` throw or build
 * a non-connection), a `binary` or `json` connection decodes every message before the app sees it
 * (`null` throws on `__peerData`), a `binary` connection keeps half-received chunks until the link
 * closes (memory a peer can grow without bound), and a signalling message for a connection it does
 * not know is stored for later, forever. All of that happens inside PeerJS's own handlers, where
 * a throw is an uncaught exception in the tab.
 *
 * So every Peer of ours is wrapped before any message reaches it:
 * - `screenSignal` checks each signalling message against what an honest tab sends. An OFFER is
 *   passed to PeerJS only for a data connection from an id of our network, with exactly our label,
 *   `raw` serialization, no metadata, reliable, and a well-formed SDP; anything else is refused and
 *   counted, and never constructed. ANSWER and CANDIDATE are passed only for a connection we have.
 * - the serializer table keeps only `raw`, in an object without a prototype.
 * - an accepted connection must open within a time limit, a peer may have only a few unopened
 *   ones, and the remote may open exactly one data channel, with our label, ordered.
 * - on a `raw` connection each message arrives as it was sent (one SCTP message, ≤ 256 KiB); the
 *   transport checks its type and size (`checkFrameMessage`, `checkTextMessage`) before anything
 *   else reads it, and cuts the link on anything else.
 */
import type { DataConnection, Peer } from 'peerjs';
import { HEADER_LEN, MAX_PAYLOAD } from '../../node/wire/messages';

/**
 * Why a peer's offer, signal or message was refused. Signalling: `malformed-signal` (not what
 * PeerJS sends), `media` (a call), `foreign-id` (an id outside this network, or of the wrong kind),
 * `not-accepting` (this peer takes no connections), `serialization`, `label`, `metadata`,
 * `unreliable`, `too-many-pending` (unopened connections over the limit), `never-opened` (open
 * timeout), `extra-channel` (a second data channel, or one with another label). Data channel:
 * `not-binary` / `not-text` (wrong message type), `oversized` (over the frame or report limit),
 * `handler-error` (our own code threw on the message: the link is cut rather than the tab).
 */
export type RefusalReason =
  | 'malformed-signal'
  | 'media'
  | 'foreign-id'
  | 'not-accepting'
  | 'serialization'
  | 'label'
  | 'metadata'
  | 'unreliable'
  | 'too-many-pending'
  | 'never-opened'
  | 'extra-channel'
  | 'not-binary'
  | 'not-text'
  | 'oversized'
  | 'handler-error';

/** Called once per refusal with the remote PeerJS id ('' when the message named none). */
export type RefusalListener = (reason: RefusalReason, peerId: string) => void;

/** What a Peer of ours accepts: data connections from `prefix` + an id matching `idPattern`, labelled `label`, raw. */
export interface ChannelPolicy {
  prefix: string;
  idPattern: RegExp;
  label: string;
}

/** Largest node message: the largest frame, the 24-byte header and at most MAX_PAYLOAD bytes (frames sent together stay below it, frames.ts). */
export const MAX_FRAME_BYTES = HEADER_LEN + MAX_PAYLOAD;
/** PeerJS's connection ids: `dc_` and a base-36 random token. */
const CONNECTION_ID = /^dc_[a-z0-9]{1,32}$/;
/** A data-only SDP is under 1 KB (candidates trickle separately); generous, but bounded. */
const MAX_SDP_CHARS = 32_768;
const MAX_CANDIDATE_CHARS = 1_024;
/** An accepted connection that has not opened by then is closed (WebRTC on a LAN opens in < 1 s). */
export const ACCEPT_OPEN_TIMEOUT_MS = 10_000;
/** Unopened inbound connections allowed per remote id, and in all. */
const MAX_UNOPENED_PER_PEER = 2;
const MAX_UNOPENED = 16;

/** Signalling message types only the server sends (a relayed message always carries the sender's `src`). */
const SERVER_ONLY = new Set(['OPEN', 'ERROR', 'ID-TAKEN', 'INVALID-KEY']);

/** What to do with one signalling message. */
export type SignalVerdict =
  | { action: 'pass' } // a server message: PeerJS handles it
  | { action: 'offer'; src: string; connectionId: string } // a data connection we accept
  | { action: 'forward'; src: string; connectionId: string } // ANSWER / CANDIDATE for a connection we have
  | { action: 'refuse'; reason: RefusalReason; src: string }
  | { action: 'drop' }; // nothing to count: a late candidate for a closed connection, a heartbeat echo

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSdp = (v: unknown, type: 'offer' | 'answer'): boolean => isObject(v) && v.type === type && typeof v.sdp === 'string' && v.sdp.length <= MAX_SDP_CHARS;
const optional = (v: unknown, type: 'string' | 'number'): boolean => v === undefined || v === null || typeof v === type;

function isCandidate(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.candidate === 'string' &&
    v.candidate.length <= MAX_CANDIDATE_CHARS &&
    optional(v.sdpMid, 'string') &&
    optional(v.sdpMLineIndex, 'number') &&
    optional(v.usernameFragment, 'string')
  );
}

/**
 * Judges one message from the signalling server before PeerJS sees it. `policy` null: this peer
 * accepts no connection at all. `known(src, id)`: whether we have connection `id` with `src`.
 */
export function screenSignal(message: unknown, policy: ChannelPolicy | null, known: (src: string, connectionId: string) => boolean): SignalVerdict {
  if (!isObject(message) || typeof message.type !== 'string') return { action: 'refuse', reason: 'malformed-signal', src: '' };
  const { type, payload } = message;
  const src = typeof message.src === 'string' ? message.src : '';
  if (SERVER_ONLY.has(type)) return src ? { action: 'drop' } : { action: 'pass' };
  if (type === 'LEAVE' || type === 'EXPIRE') return src ? { action: 'pass' } : { action: 'drop' };
  if (type !== 'OFFER' && type !== 'ANSWER' && type !== 'CANDIDATE') return { action: 'drop' };
  if (!src || !isObject(payload) || typeof payload.connectionId !== 'string') return { action: 'refuse', reason: 'malformed-signal', src };
  const connectionId = payload.connectionId;
  if (type !== 'OFFER') {
    if (!known(src, connectionId)) return { action: 'drop' };
    const ok = type === 'ANSWER' ? isSdp(payload.sdp, 'answer') : isCandidate(payload.candidate);
    return ok ? { action: 'forward', src, connectionId } : { action: 'refuse', reason: 'malformed-signal', src };
  }
  if (!policy) return { action: 'refuse', reason: 'not-accepting', src };
  if (payload.type === 'media') return { action: 'refuse', reason: 'media', src };
  if (!src.startsWith(policy.prefix) || !policy.idPattern.test(src.slice(policy.prefix.length))) return { action: 'refuse', reason: 'foreign-id', src };
  if (payload.type !== 'data' || !CONNECTION_ID.test(connectionId) || !isSdp(payload.sdp, 'offer') || known(src, connectionId))
    return { action: 'refuse', reason: 'malformed-signal', src };
  if (payload.serialization !== 'raw') return { action: 'refuse', reason: 'serialization', src };
  if (payload.label !== policy.label) return { action: 'refuse', reason: 'label', src };
  if (payload.metadata !== undefined) return { action: 'refuse', reason: 'metadata', src };
  if (payload.reliable !== true) return { action: 'refuse', reason: 'unreliable', src };
  return { action: 'offer', src, connectionId };
}

/** A node message as it arrived on a raw data channel: its bytes, or why the link must be cut. */
export type FrameCheck = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'not-binary' | 'oversized' };

/**
 * Checks one message of a node link before the node reads it: binary (an ArrayBuffer; raw
 * channels never deliver anything else from an honest tab) and no bigger than the largest frame
 * (MAX_FRAME_BYTES). Its frames and their headers are the node's business (frames.ts, parseFrame).
 */
export function checkFrameMessage(data: unknown): FrameCheck {
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else return { ok: false, reason: 'not-binary' };
  return bytes.byteLength > MAX_FRAME_BYTES ? { ok: false, reason: 'oversized' } : { ok: true, bytes };
}

/** An observer report as it arrived: its text, or why the link must be cut. */
export type TextCheck = { ok: true; text: string } | { ok: false; reason: 'not-text' | 'oversized' };

/** Checks one message of the observer channel: a string of at most `maxChars` UTF-16 units. */
export function checkTextMessage(data: unknown, maxChars: number): TextCheck {
  if (typeof data !== 'string') return { ok: false, reason: 'not-text' };
  return data.length > maxChars ? { ok: false, reason: 'oversized' } : { ok: true, text: data };
}

/** The parts of PeerJS 1.5's Peer this module replaces (private in its typings). */
interface PeerInternals {
  _handleMessage(message: unknown): void;
  _serializers: Record<string, new (peerId: string, provider: Peer, options: unknown) => DataConnection>;
}

/** What `guardPeer` keeps per Peer. */
interface Guarded {
  unopened: Map<DataConnection, ReturnType<typeof setTimeout>>;
}

function tryClose(conn: DataConnection): void {
  try {
    conn.close();
  } catch (e) {
    console.warn('tabchain: closing a refused connection failed', e);
  }
}

/**
 * Lets the remote side open exactly the data channel we expect on `conn` (inbound: one, with
 * `label`, ordered; outbound: none, ours is created locally) and refuses the connection otherwise.
 * PeerJS would hand every further channel to the connection, replacing its own.
 */
function guardChannels(conn: DataConnection, expected: string | null, refuse: RefusalListener): void {
  const pc = conn.peerConnection;
  if (!pc) return;
  const original = pc.ondatachannel;
  let seen = expected === null;
  pc.ondatachannel = (evt: RTCDataChannelEvent) => {
    try {
      const ch = evt.channel;
      if (seen || ch.label !== expected || !ch.ordered) {
        refuse(seen ? 'extra-channel' : ch.label !== expected ? 'label' : 'unreliable', conn.peer);
        ch.close();
        tryClose(conn);
        return;
      }
      seen = true;
      original?.call(pc, evt);
    } catch (e) {
      refuse('handler-error', conn.peer);
      console.error('tabchain: data channel setup failed', e);
      tryClose(conn);
    }
  };
}

/** Guards a connection we opened ourselves: the remote may not open channels of its own on it. */
export function guardOutbound(conn: DataConnection, onrefused: RefusalListener): void {
  guardChannels(conn, null, onrefused);
}

/**
 * Puts `screenSignal` in front of a Peer's message handling, replaces its serializer table by
 * `{ raw }` without a prototype, and guards every connection it accepts (open timeout, unopened
 * limits, one data channel). Call right after `new Peer(…)`: messages only arrive once its
 * websocket opens. Throws if this PeerJS has not the internals this relies on (checked by a unit
 * test too), rather than run unguarded.
 */
export function guardPeer(peer: Peer, policy: ChannelPolicy | null, onrefused: RefusalListener): void {
  const inner = peer as unknown as PeerInternals;
  const handle = inner._handleMessage;
  const Raw = inner._serializers?.raw;
  if (typeof handle !== 'function' || typeof Raw !== 'function' || typeof peer.getConnection !== 'function')
    throw new Error('tabchain: this PeerJS version lacks _handleMessage/_serializers.raw/getConnection; the peer guard cannot be installed');
  inner._serializers = Object.assign(Object.create(null) as PeerInternals['_serializers'], { raw: Raw });
  const state: Guarded = { unopened: new Map() };
  const refuse: RefusalListener = (reason, peerId) => {
    try {
      onrefused(reason, peerId);
    } catch (e) {
      console.error('tabchain: refusal listener failed', e);
    }
  };
  const known = (src: string, id: string): boolean => !!peer.getConnection(src, id)?.peerConnection;

  inner._handleMessage = (message: unknown) => {
    let src = '';
    try {
      const v = screenSignal(message, policy, known);
      switch (v.action) {
        case 'pass':
          handle.call(peer, message);
          return;
        case 'drop':
          return;
        case 'refuse':
          refuse(v.reason, v.src);
          return;
        case 'forward': {
          src = v.src;
          const conn = peer.getConnection(v.src, v.connectionId) as DataConnection | null;
          // PeerJS's own default branch, with its promise caught: a failing SDP or candidate is the peer's problem.
          void Promise.resolve((conn as unknown as { handleMessage(m: unknown): unknown })?.handleMessage(message)).catch(() => refuse('malformed-signal', v.src));
          return;
        }
        case 'offer': {
          src = v.src;
          const mine = [...state.unopened.keys()].filter((c) => c.peer === v.src).length;
          if (mine >= MAX_UNOPENED_PER_PEER || state.unopened.size >= MAX_UNOPENED) return refuse('too-many-pending', v.src);
          handle.call(peer, message); // constructs the Raw connection and emits 'connection'
          const conn = peer.getConnection(v.src, v.connectionId) as DataConnection | null;
          if (!conn || conn.open) return; // closed by the 'connection' listener already
          guardChannels(conn, policy?.label ?? null, refuse);
          const forget = () => {
            const t = state.unopened.get(conn);
            if (t !== undefined) clearTimeout(t);
            state.unopened.delete(conn);
          };
          state.unopened.set(
            conn,
            setTimeout(() => {
              if (!state.unopened.has(conn)) return;
              forget();
              if (!conn.open) {
                refuse('never-opened', v.src);
                tryClose(conn);
              }
            }, ACCEPT_OPEN_TIMEOUT_MS),
          );
          conn.once('open', forget);
          conn.once('close', forget);
          return;
        }
      }
    } catch (e) {
      refuse('handler-error', src);
      console.error('tabchain: signalling message handling failed', e);
    }
  };
}
