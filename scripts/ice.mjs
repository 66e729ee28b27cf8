// ICE for a classroom LAN: a STUN/TURN server on the teacher's machine (node-turn), and `/ice`,
// which hands each page its ICE servers with TURN credentials of its own that expire.
//
// Why: with no STUN/TURN, Chromium offers only mDNS `*.local` host candidates, which fail where
// campus Wi-Fi blocks multicast and with Safari/iOS. A relay on the teacher's machine makes links
// independent of both: every student reaches the teacher's IP anyway (they loaded the page from it).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** How long a page's TURN credentials last (s): a school day; a page fetches fresh ones hourly. */
export const CREDENTIAL_TTL = 6 * 60 * 60;

/**
 * Starts the TURN server (UDP `turnPort`) and returns an Express handler for GET /ice, plus stop().
 * `enabled: false` gives a handler that answers "no ICE servers" (plain localhost use).
 */
export function startIce({ enabled, turnPort = 3478, log = () => {} }) {
  if (!enabled) return { handler: (_req, res) => res.json({ iceServers: [], ttl: CREDENTIAL_TTL }), stop() {}, turnPort: null };
  const Turn = require('node-turn');
  const turn = new Turn({
    listeningPort: turnPort,
    authMech: 'long-term',
    realm: 'tabchain',
    credentials: {},
    debugLevel: 'OFF',
    maxAllocateLifetime: 3600,
  });
  turn.start();
  log(`  STUN/TURN on udp ${turnPort} (credentials handed to each page at /ice)`);
  const live = new Map(); // username -> expiry timer
  const handler = (req, res) => {
    // The address the student's browser used to reach this machine is the one its TURN client can reach.
    const hostname = (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const expiry = Math.floor(Date.now() / 1000) + CREDENTIAL_TTL;
    const username = `${expiry}:${crypto.randomBytes(6).toString('hex')}`;
    const credential = crypto.randomBytes(12).toString('base64');
    turn.addUser(username, credential);
    const timer = setTimeout(() => {
      turn.removeUser(username);
      live.delete(username);
    }, CREDENTIAL_TTL * 1000);
    timer.unref();
    live.set(username, timer);
    res.set('Cache-Control', 'no-store');
    res.json({
      iceServers: [
        { urls: `stun:${hostname}:${turnPort}` },
        { urls: `turn:${hostname}:${turnPort}?transport=udp`, username, credential },
      ],
      ttl: CREDENTIAL_TTL,
    });
  };
  return {
    handler,
    turnPort,
    stop() {
      for (const t of live.values()) clearTimeout(t);
      try {
        turn.stop();
      } catch {
        // already stopped
      }
    },
  };
}
