/**
 * What both ends of the teacher dashboard's observer channel share (see `observer.ts` for the
 * reporter and `dashboardReceiver.ts` for the dashboard): PeerJS ids, message and liveness limits,
 * PeerJS options, and the counter of refused offers and messages.
 */
import type { RefusalListener, RefusalReason } from './guard';
import { peerJsId, type SignalConfig } from './transport';

/** What follows a reporter's PeerJS prefix (`…-obs_`): the node id. */
export const REPORTER_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** A refusal counter for a guarded Peer: counts by reason, then tells `then()`'s listener, if any. */
export function refusalCounter(then: () => RefusalListener | null): { counts: Partial<Record<RefusalReason, number>>; refuse: RefusalListener } {
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
export const MAX_MESSAGE_CHARS = 200_000;
/** Above this many bytes waiting in the data channel, reports wait (and may collapse into a snapshot). */
export const MAX_BUFFERED = 1 << 20;
/** A reporter's data channel that has not opened within this time is given up and retried. */
export const OPEN_TIMEOUT_MS = 8_000;
/**
 * Liveness of the observer channel: the dashboard sends a tiny keepalive every 2 s and each node a
 * report at least as often; silence for 7 s means the other tab is gone (a closed or crashed tab
 * does not always close its WebRTC channel: ICE notices only after ~30 s).
 */
export const KEEPALIVE_MS = 2_000;
export const SILENCE_MS = 7_000;

/** PeerJS options for an observer peer on our signalling server (no debug output). */
export function peerOptions(c: SignalConfig) {
  return { host: c.host, port: c.port, path: c.path, secure: c.secure, config: { iceServers: c.iceServers, ...(c.iceTransportPolicy ? { iceTransportPolicy: c.iceTransportPolicy } : {}) }, debug: 0 as const };
}
