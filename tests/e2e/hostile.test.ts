/**
 * A hostile peer against an honest central tab, over real WebRTC (issue 9, items 3 and 4). The
 * attacker is a blank page of the app's origin in a browser context of its own, running PeerJS
 * (tests/e2e/pages/hostile.js) against the same signalling server: it offers connections an
 * honest tab never offers (binary, json, "bogus" and "constructor" serializations, another label,
 * metadata, an id outside the network) and on links that open sends text, junk, oversized
 * messages and a flood of never-finished PeerJS chunks. The honest tab must throw nothing, count
 * each refusal with its reason, keep its heap bounded, cut the flooding link and still serve an
 * honest wallet tab.
 */
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { NODE_LABEL } from '../../src/adapters/peerjs/transport';
import { mineNow, nodeUrl, onNode, openNode, root, showView, useApp, waitHeight, waitPeers } from './support/harness';

const app = useApp();
const network = `hostile${Date.now() % 100000}`;
const centralId = `tabchain-${network}-3000`;
let central: Page;
let hostileCtx: BrowserContext;
let hostile: Page;

type Action = { kind: 'none' | 'null' | 'junk' | 'text' } | { kind: 'big' | 'chunks'; bytes: number };
type Offer = { serialization: string; label?: string; metadata?: unknown; action: Action };
type HostileConn = { state: 'pending' | 'open' | 'closed'; sent: number; floodDone?: boolean; error?: string };
type Hostile = { start(id: string): Promise<string>; dial(name: string, dst: string, o: Offer): void; conns: Record<string, HostileConn> };

/**
 * The app's setup page (no node runs there) plus PeerJS and the attacker script, registered as
 * `id`. A page the test fulfils itself would count as public address space, and Chromium's local
 * network access checks would block its websocket to the signalling server on 127.0.0.1.
 */
async function openHostile(ctx: BrowserContext, id: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${app.server.url}/`);
  await page.addScriptTag({ path: path.join(root, 'node_modules/peerjs/dist/peerjs.js') });
  await page.addScriptTag({ path: path.join(root, 'tests/e2e/pages/hostile.js') });
  await page.evaluate((i) => (window as unknown as { hostile: Hostile }).hostile.start(i), id);
  return page;
}

function dial(page: Page, name: string, offer: Offer, dst = centralId): Promise<void> {
  return page.evaluate(([n, d, o]) => (window as unknown as { hostile: Hostile }).hostile.dial(n, d, o), [name, dst, offer] as const);
}

function conns(page: Page): Promise<Record<string, HostileConn>> {
  return page.evaluate(() => (window as unknown as { hostile: Hostile }).hostile.conns);
}

/** The central transport's refusal counts by reason (empty until the first refusal, or without a counter). */
function refusals(): Promise<Record<string, number>> {
  return onNode(central, (t) => t.transport.refusals?.() ?? {});
}

/** Page errors (uncaught exceptions, unhandled rejections) of the honest tabs since this test began. */
let errorsBefore = 0;
beforeEach(() => {
  errorsBefore = app.ctx.errors.length;
});
const newErrors = () => app.ctx.errors.slice(errorsBefore);

/** Retries `check` until it passes, or stops early once an honest tab has thrown (so the failure names the error). */
async function until(check: () => Promise<void>, timeout = 20_000): Promise<void> {
  await vi.waitFor(async () => {
    if (newErrors().length) return;
    await check();
  }, { timeout, interval: 50 });
}

/**
 * The honest tab's live JS memory after a full garbage collection (CDP), in bytes: the V8 heap
 * plus ArrayBuffer backing stores (where received messages live; `usedSize` alone misses them).
 */
async function heapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number; backingStorageSize?: number };
  await cdp.detach();
  if (u.backingStorageSize === undefined) throw new Error('this Chromium reports no backingStorageSize: array buffers would go uncounted');
  return u.usedSize + (u.embedderHeapUsedSize ?? 0) + u.backingStorageSize;
}

beforeAll(async () => {
  central = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'central', preset: 'regtest' }));
  hostileCtx = await app.browser.newContext();
  hostile = await openHostile(hostileCtx, `tabchain-${network}-6666`);
});

describe('a hostile peer against an honest central tab', () => {
  it('offers that are not a node link are refused before PeerJS builds a connection, each counted by reason', async () => {
    await dial(hostile, 'binary-null', { serialization: 'binary', label: NODE_LABEL, action: { kind: 'null' } });
    await dial(hostile, 'json-null', { serialization: 'json', label: NODE_LABEL, action: { kind: 'null' } });
    await dial(hostile, 'binary-junk', { serialization: 'binary', label: NODE_LABEL, action: { kind: 'junk' } });
    await dial(hostile, 'bogus', { serialization: 'bogus', label: NODE_LABEL, action: { kind: 'none' } });
    await dial(hostile, 'constructor', { serialization: 'constructor', label: NODE_LABEL, action: { kind: 'none' } });
    await dial(hostile, 'label', { serialization: 'raw', label: 'evil', action: { kind: 'none' } });
    await dial(hostile, 'metadata', { serialization: 'raw', label: NODE_LABEL, metadata: { role: 'central' }, action: { kind: 'none' } });
    const outsider = await openHostile(hostileCtx, `tabchain-${network}-obs_6667`);
    await dial(outsider, 'outsider', { serialization: 'raw', label: NODE_LABEL, action: { kind: 'none' } });
    // The central tab's observer reporter accepts no connection at all.
    await dial(hostile, 'reporter', { serialization: 'bogus', label: 'observer', action: { kind: 'none' } }, `tabchain-${network}-obs_3000`);

    const expected = { serialization: 5, label: 1, metadata: 1, 'foreign-id': 1 };
    await until(async () => expect(await refusals()).toMatchObject(expected));
    expect(newErrors()).toEqual([]);
    expect(await refusals()).toEqual(expected);
    // Never answered: none of them opened.
    expect(Object.values({ ...(await conns(hostile)), ...(await conns(outsider)) }).map((c) => c.state)).not.toContain('open');
    await outsider.close();
    // The teacher sees them too, in the central tab's peers panel.
    await central.locator('#tab-overview').click();
    const panel = (await showView(central, 'peers')).getByTestId('transport-refusals');
    await vi.waitFor(async () => expect(await panel.textContent()).toContain('wrong serialization ×5'));
    expect(await panel.textContent()).toContain('not of this network ×1');
  });

  it('a node link that carries text or junk is cut; a message over the frame limit never arrives', async () => {
    const before = await refusals();
    // One link at a time: the node keeps one link per peer id and closes a second one at once,
    // before it reads anything (so a text link that opened while the junk one was up would be
    // cut unread, and never counted).
    await dial(hostile, 'text', { serialization: 'raw', label: NODE_LABEL, action: { kind: 'text' } });
    await until(async () => {
      expect((await conns(hostile)).text.state).toBe('closed'); // by the transport
      // Counted when the honest tab reads the text, which can be after the attacker sees its link close.
      expect((await refusals())['not-binary']).toBe(1);
    });
    await dial(hostile, 'junk', { serialization: 'raw', label: NODE_LABEL, action: { kind: 'junk' } });
    await until(async () => expect((await conns(hostile)).junk.state).toBe('closed')); // by the node (wrong magic)
    // 1.8 MB: only PeerJS's binary chunking can carry it (Chromium sends no single message over
    // 256 KiB), and PeerJS would reassemble it whole before the node's header check saw it.
    await dial(hostile, 'big', { serialization: 'binary', label: NODE_LABEL, action: { kind: 'big', bytes: 1_800_000 } });
    await until(async () => expect((await refusals()).serialization).toBe((before.serialization ?? 0) + 1));
    expect(newErrors()).toEqual([]);
    expect((await conns(hostile)).big.state).toBe('pending');
  });

  it('a flood of never-finished chunks does not grow the honest heap, and the flooding link is cut', async () => {
    // One link per attacker id: the node itself closes a second link from the same id.
    const [binary, raw] = await Promise.all([openHostile(hostileCtx, `tabchain-${network}-6670`), openHostile(hostileCtx, `tabchain-${network}-6671`)]);
    const before = await heapUsed(central);
    const refusedBefore = (await refusals()).serialization ?? 0;
    const flood = { kind: 'chunks', bytes: 96 << 20 } as const;
    await dial(binary, 'flood', { serialization: 'binary', label: NODE_LABEL, action: flood });
    await dial(raw, 'flood', { serialization: 'raw', label: NODE_LABEL, action: flood });
    await until(async () => {
      expect((await conns(raw)).flood.state).toBe('closed');
      // Refused, or (without the guard) the binary link opened and the whole flood went out.
      expect((await conns(binary)).flood.floodDone || ((await refusals()).serialization ?? 0) > refusedBefore).toBe(true);
    }, 40_000);
    const grown = (await heapUsed(central)) - before;
    expect(newErrors()).toEqual([]);
    expect(grown).toBeLessThan(30 << 20);
    expect((await conns(binary)).flood.state).toBe('pending');
    expect((await conns(raw)).flood.sent).toBeLessThan(96 << 20);
    expect(await onNode(central, (t) => t.node.peerIds())).toEqual([]);
    await Promise.all([binary.close(), raw.close()]);
  });

  it('the teacher dashboard takes only observer channels from reporters, and only text on them', async () => {
    const dash = await app.ctx.newPage();
    await dash.goto(`${app.server.url}/?dashboard=${network}`);
    type Rx = { status: { state: string }; connected(): string[]; refusals(): Record<string, number> };
    const rx = <R>(f: (r: Rx) => R): Promise<R> =>
      dash.evaluate((src) => new Function('r', `return (${src})(r)`)((window as unknown as { tabchainDashboard: { receiver: Rx } }).tabchainDashboard.receiver), f.toString()) as Promise<R>;
    await until(async () => expect(await rx((r) => r.status.state)).toBe('listening'));
    const reporter = await openHostile(hostileCtx, `tabchain-${network}-obs_6668`);
    const dashboardId = `tabchain-${network}-dashboard`;
    await dial(hostile, 'dash-node', { serialization: 'raw', label: 'observer', action: { kind: 'none' } }, dashboardId);
    await dial(reporter, 'dash-binary', { serialization: 'binary', label: 'observer', action: { kind: 'null' } }, dashboardId);
    await dial(reporter, 'dash-bytes', { serialization: 'raw', label: 'observer', action: { kind: 'junk' } }, dashboardId);
    await until(async () => {
      expect(await rx((r) => r.refusals())).toEqual({ 'foreign-id': 1, serialization: 1, 'not-text': 1 });
      expect((await conns(reporter))['dash-bytes'].state).toBe('closed');
    });
    // The central tab's own reporter is still heard.
    await until(async () => expect(await rx((r) => r.connected())).toContain('3000'));
    expect(newErrors()).toEqual([]);
    await Promise.all([reporter.close(), dash.close()]);
  });

  it('the honest tab still serves an honest wallet tab', async () => {
    await hostileCtx.close();
    const tip = await mineNow(central);
    const wallet = await openNode(app.ctx, nodeUrl(app.server.url, { network, role: 'wallet' }));
    await waitPeers(wallet, 1);
    await waitHeight(wallet, 1, tip);
    expect(newErrors()).toEqual([]);
  });
});
