#!/usr/bin/env node
// One command, one URL: the tabchain app and its PeerJS signalling server on one port.
//   npm start                      -> http://127.0.0.1:5173 (this machine only)
//   npm start -- --host            -> bind every interface, print the LAN addresses for a classroom
//   npm start -- --port 8080       -> another port
//   npm start -- --prod            -> serve the static build in dist/ (run `npm run build` first)
//   npm start -- --prod --dist D   -> serve the static build in D instead
import { EventEmitter } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { ExpressPeerServer } from 'peer';

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

const app = express();
const server = http.createServer(app);
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
  const urls = [];
  if (host === '0.0.0.0') {
    for (const list of Object.values(os.networkInterfaces()))
      for (const a of list ?? []) if (a.family === 'IPv4') urls.push(`http://${a.address}:${port}/`);
  } else urls.push(`http://${host}:${port}/`);
  console.log(`tabchain ${prod ? '(static build)' : '(dev)'} with signalling at /peerjs`);
  for (const u of urls) console.log(`  ${u}`);
});

const stop = () => {
  server.close();
  for (const s of sockets) s.destroy();
  void Promise.resolve(closeVite()).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
