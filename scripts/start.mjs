#!/usr/bin/env node
// One command, one URL: the tabchain app and its PeerJS signalling server on one port.
//   npm start                      -> http://127.0.0.1:5173 (this machine only)
//   npm start -- --host            -> bind every interface, print the LAN addresses for a classroom
//   npm start -- --port 8080       -> another port
//   npm start -- --prod            -> serve the static build in dist/ (run `npm run build` first)
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

// PeerJS signalling lives at /peerjs on the same origin, so a page finds it from its own URL.
const peerServer = ExpressPeerServer(server, { path: '/', allow_discovery: true, alive_timeout: 20_000 });
app.use('/peerjs', peerServer);
peerServer.on('connection', (c) => process.env.TABCHAIN_VERBOSE && console.log('peer connected', c.getId()));
peerServer.on('disconnect', (c) => process.env.TABCHAIN_VERBOSE && console.log('peer left', c.getId()));

if (prod) {
  const dist = path.join(root, 'dist');
  app.use(express.static(dist));
  app.use((_req, res) => res.sendFile(path.join(dist, 'index.html')));
} else {
  const { createServer } = await import('vite');
  // HMR is off: its websocket would compete with the signalling server's on this port.
  const vite = await createServer({ root, server: { middlewareMode: true, hmr: false }, appType: 'spa' });
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

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
