/**
 * A robust classroom LAN: `npm start` with STUN/TURN on the teacher's machine hands each page its
 * own expiring TURN credentials at /ice, and a tab that may only use relayed links (as on Wi-Fi
 * where mDNS host candidates never connect) still joins the network through that TURN server.
 * And static hosting: the built app served by a plain static server joins a network through a
 * PeerServer started elsewhere, named in the page address.
 */
import http from 'node:http';
import type https from 'node:https';
import express from 'express';
import { PeerServer } from 'peer';
import type { Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServer, buildApp, freePort, newContext, nodeUrl, openNode, waitPeers, mineNow, waitHeight, tipOf } from './support/harness';
import { launchChromium } from './support/browser';
import type { Browser, BrowserContext } from '@playwright/test';

let browser: Browser;
let ctx: BrowserContext & { errors: string[] };
let server: AppServer;
let turnPort: number;

beforeAll(async () => {
  browser = await launchChromium();
  const dist = await buildApp();
  turnPort = await freePort();
  server = new AppServer(await freePort(), ['--prod', '--dist', dist, '--turn', '--turn-port', String(turnPort)]);
  await server.start();
  ctx = await newContext(browser);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Types of the local candidates of every selected (succeeded, nominated) pair of a tab's node links. */
function selectedCandidateTypes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const t = (window as unknown as { tabchain: { transport: { peer: { _connections: Map<string, { peerConnection: RTCPeerConnection | null }[]> } } } }).tabchain.transport;
    const out: string[] = [];
    for (const list of t.peer._connections.values())
      for (const c of list) {
        if (!c.peerConnection) continue;
        const stats = await c.peerConnection.getStats();
        const byId = new Map<string, Record<string, unknown>>();
        stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
        stats.forEach((s: Record<string, unknown>) => {
          if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) out.push(String(byId.get(s.localCandidateId as string)?.candidateType));
        });
      }
    return out;
  });
}

describe('ICE on a classroom LAN', () => {
  it('/ice hands each page its own expiring TURN credentials for the address it used', async () => {
    const get = async () => (await (await fetch(`${server.url}/ice`)).json()) as { iceServers: { urls: string; username?: string; credential?: string }[]; ttl: number };
    const [a, b] = [await get(), await get()];
    expect(a.iceServers.map((s) => s.urls)).toEqual([`stun:127.0.0.1:${turnPort}`, `turn:127.0.0.1:${turnPort}?transport=udp`]);
    const turnA = a.iceServers[1]!;
    const turnB = b.iceServers[1]!;
    expect(turnA.username).not.toBe(turnB.username);
    expect(turnA.credential).not.toBe(turnB.credential);
    const expiry = Number(turnA.username!.split(':')[0]);
    expect(expiry - Date.now() / 1000).toBeGreaterThan(a.ttl - 60);
    expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(a.ttl);
  });

  it('a relay-only wallet tab joins the central through the bundled TURN server and gets its blocks', async () => {
    const network = `lan${Date.now() % 100000}`;
    const central = await openNode(ctx, nodeUrl(server.url, { network, role: 'central', preset: 'regtest' }));
    const wallet = await openNode(ctx, `${nodeUrl(server.url, { network, role: 'wallet' })}&relay=1`);
    await waitPeers(wallet, 1, 30_000);
    const b1 = await mineNow(central);
    await waitHeight(wallet, 1, b1);
    expect(await selectedCandidateTypes(wallet)).toEqual(['relay']);
    // The central tab was not forced: its side of the same link is whatever ICE found (host or relay).
    expect((await selectedCandidateTypes(central)).length).toBe(1);
    expect(await tipOf(wallet)).toBe(b1);
    expect(ctx.errors).toEqual([]);
  }, 90_000);
});

describe('static hosting', () => {
  it('the built app on a plain static server joins a network through a PeerServer named in the page address', async () => {
    const dist = await buildApp();
    const staticApp = express();
    staticApp.use(express.static(dist));
    staticApp.use((_req, res) => res.sendFile(`${dist}/index.html`));
    const staticPort = await freePort();
    const staticServer = http.createServer(staticApp);
    await new Promise<void>((r) => staticServer.listen(staticPort, '127.0.0.1', r));
    const signalPort = await freePort();
    let signalling: http.Server | https.Server | null = null;
    PeerServer({ port: signalPort, host: '127.0.0.1', path: '/peerjs', allow_discovery: true }, (s) => (signalling = s));
    try {
      const base = `http://127.0.0.1:${staticPort}`;
      const signal = `&signal=${encodeURIComponent(`http://127.0.0.1:${signalPort}/peerjs`)}`;
      const network = `static${Date.now() % 100000}`;
      const central = await openNode(ctx, `${nodeUrl(base, { network, role: 'central', preset: 'regtest' })}${signal}`);
      const wallet = await openNode(ctx, `${nodeUrl(base, { network, role: 'wallet' })}${signal}`);
      await waitPeers(wallet, 1, 30_000);
      const b1 = await mineNow(central);
      await waitHeight(wallet, 1, b1);
      expect(ctx.errors).toEqual([]);
      await central.close();
      await wallet.close();
    } finally {
      staticServer.close();
      (signalling as http.Server | null)?.close();
    }
  }, 90_000);
});
