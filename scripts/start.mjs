#!/usr/bin/env node
// One command, one URL: the tabchain app and its PeerJS signalling server on one port.
//   npm start                      -> http://127.0.0.1:5173 (this machine only)
//   npm start -- --host            -> bind every interface, print the LAN addresses for a classroom
//   npm start -- --port 8080       -> another port
//   npm start -- --prod            -> serve the static build in dist/ (run `npm run build` first)
//   npm start -- --prod --dist D   -> serve the static build in D instead
//   npm start -- --turn            -> also run STUN/TURN (on by default with --host; --no-turn turns it off)
//   npm start -- --turn-port 3479  -> TURN on another UDP port (default 3478)
//   npm start -- --https           -> serve HTTPS with a certificate made for this machine's addresses
//   npm start -- --https --cert C --key K  -> serve HTTPS with your own certificate
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { startIce } from './ice.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--')) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(name + '='));
  return eq ? eq.slice(name.length + 1) : fallback;
};

const lan = flag('--host') || option('--host', undefined) !== undefined;
const host = lan ? (option('--host', '0.0.0.0') ?? '0.0.0.0') : '127.0.0.1';
const port = Number(option('--port', process.env.PORT ?? '5173'));
const prod = flag('--prod');
const useTurn = !flag('--no-turn') && (flag('--turn') || lan);
const turnPort = Number(option('--turn-port', '3478'));
const secure = flag('--https');

/** The machine's IPv4 addresses (what students type, and what an HTTPS certificate must name). */
function lanAddresses() {
  const out = [];
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4') out.push(a.address);
  return out;
}

/**
 * A certificate for HTTPS on a LAN: the given files, or one made now for this machine's addresses
 * (browsers warn once — it is self-signed — and then the page is a secure context: Web Locks and
 * the clipboard work on students' laptops).
 */
async function certificate() {
  const cert = option('--cert', undefined);
  const key = option('--key', undefined);
  if (cert && key) return { cert: readFileSync(cert), key: readFileSync(key) };
  const { generate } = await import('selfsigned');
  const ips = ['127.0.0.1', ...lanAddresses()];
  const pems = await generate([{ name: 'commonName', value: 'tabchain classroom' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, ...[...new Set(ips)].map((ip) => ({ type: 7, ip }))] }],
  });
  return { cert: pems.cert, key: pems.private };
}

const app = express();
const server = secure ? https.createServer(await certificate(), app) : http.createServer(app);
// Every open socket, so stopping closes the signalling websockets too (server.close() alone
// waits for them forever, and the tabs would go on believing the server is up).
const sockets = new Set();
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

// Two websocket servers share the port: PeerJS signalling under /peerjs and, in dev mode, Vite's
// client socket at /. PeerJS's `ws` server answers 400 and closes every upgrade that is not on its
// own path, so it must not see the others: it listens on an emitter that gets only /peerjs upgrades.
const signallingUpgrades = new EventEmitter();
server.on('upgrade', (req, socket, head) => {
  if (req.url?.startsWith('/peerjs')) signallingUpgrades.emit('upgrade', req, socket, head);
  else if (prod) socket.destroy();
  // else: Vite's own 'upgrade' listener takes it (see createServer below).
});

// PeerJS signalling lives at /peerjs on the same origin, so a page finds it from its own URL.
const peerServer = ExpressPeerServer(signallingUpgrades, { path: '/', allow_discovery: true, alive_timeout: 20_000 });
app.use('/peerjs', peerServer);
peerServer.on('connection', (c) => process.env.TABCHAIN_VERBOSE && console.log('peer connected', c.getId()));
peerServer.on('disconnect', (c) => process.env.TABCHAIN_VERBOSE && console.log('peer left', c.getId()));

// ICE servers for the pages: STUN/TURN on this machine with per-page expiring credentials.
const ice = startIce({ enabled: useTurn, turnPort, log: (m) => console.log(m) });
app.get('/ice', ice.handler);

let closeVite = () => {};
if (prod) {
  // --dist DIR serves another build (the e2e tests build into a directory of their own).
  const dist = path.resolve(root, option('--dist', 'dist'));
  app.use(express.static(dist));
  app.use((_req, res) => res.sendFile(path.join(dist, 'index.html')));
} else {
  const { createServer } = await import('vite');
  // Vite's client script (/@vite/client, in every dev page) always dials a websocket: with
  // `ws: false` in middleware mode it dials a fixed port (24678) where nobody listens, and the page
  // throws "WebSocket closed without opened." So the socket is served on this server's port
  // (`ws.server`); no second port, several servers on one machine do not collide. HMR stays off:
  // an edited file does not reload the tabs (a running classroom network must not restart).
  const vite = await createServer({ root, server: { middlewareMode: true, hmr: false, ws: { server } }, appType: 'spa' });
  closeVite = () => vite.close();
  app.use(vite.middlewares);
}

server.listen(port, host, () => {
  const scheme = secure ? 'https' : 'http';
  const urls = host === '0.0.0.0' ? lanAddresses().map((a) => `${scheme}://${a}:${port}/`) : [`${scheme}://${host}:${port}/`];
  console.log(`tabchain ${prod ? '(static build)' : '(dev)'} with signalling at /peerjs`);
  for (const u of urls) console.log(`  ${u}`);
});

const stop = () => {
  ice.stop();
  server.close();
  for (const s of sockets) s.destroy();
  void Promise.resolve(closeVite()).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
