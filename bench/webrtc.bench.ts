/**
 * Real WebRTC (`npm run bench -- webrtc`): tabs of one headless Chromium, PeerJS data channels,
 * the real signalling server, the built app.
 *  1. Block propagation in an 8-tab mesh: from the miner's `block-mined` event to `block-connected`
 *     on every tab, p50 and p95 over BLOCKS blocks mined in turn by each tab. Anchor: the
 *     data-channel round trip measured in the same run (ping → pong of the nodes' own keep-alive).
 *     One hop of inv → getdata → block is 1.5 round trips plus validation. Bar: p50 ≤ 50 ms.
 *  2. Initial sync of a 2,000-block chain by a fresh tab: blocks/s from the tab's session start
 *     to its tip at height 2,000. Anchor: the same tab connecting the same blocks into a fresh
 *     Chain in memory (no network, no IndexedDB, no UI) right after.
 * Times in the pages are `performance.timeOrigin + performance.now()`: one clock for every tab.
 */
import type { Browser, Page } from '@playwright/test';
import { figure, type BenchFigure } from './harness';
import {
  type AppServer, type Recorded, launchChromium, newContext, nodeUrl, openNode, recorded, startApp, waitHeight, waitPeers,
} from '../tests/e2e/support/harness';

const TABS = 8;
const BLOCKS = 30;
const SYNC_BLOCKS = 2000;

export async function run(): Promise<BenchFigure[]> {
  const browser = await launchChromium(); // first: with no browser installed it throws before a server starts
  const server = await startApp();
  try {
    const p = await propagation(server, browser);
    const s = await initialSync(server, browser);
    return [
      figure(`block propagation to all ${TABS} tabs (mesh, WebRTC), p50 of ${p.blocks}`, p.p50, 'ms', 'data-channel round trip p50 (same run)', p.rtt50, {
        text: '<= 50 ms',
        pass: p.p50 <= 50,
      }),
      figure(`block propagation to all ${TABS} tabs (mesh, WebRTC), p95 of ${p.blocks}`, p.p95, 'ms', 'data-channel round trip p95 (same run)', p.rtt95),
      figure(`initial sync over WebRTC, fresh tab, ${s.blocks} blocks`, s.rate, 'blocks/s', 'same tab connecting the same blocks in memory', s.anchorRate),
      figure(`initial sync over WebRTC incl. page load, ${s.blocks} blocks`, s.rateWithLoad, 'blocks/s', 'sync from session start', s.rate),
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
}

type Msg = Extract<Recorded, { type: 'message' }>;

/** Round trips of the nodes' keep-alive pings: each ping out paired with the next pong in from that peer. */
function roundTrips(events: Recorded[]): number[] {
  const sent = new Map<string, number>();
  const out: number[] = [];
  for (const e of events) {
    if (e.type !== 'message') continue;
    const m = e as Msg;
    if (m.dir === 'out' && m.command === 'ping') sent.set(m.peer, m.at);
    else if (m.dir === 'in' && m.command === 'pong' && sent.has(m.peer)) {
      out.push(m.at - sent.get(m.peer)!);
      sent.delete(m.peer);
    }
  }
  return out;
}

async function propagation(server: AppServer, browser: Browser) {
  const ctx = await newContext(browser);
  const network = `wrtc${Date.now() % 100000}`;
  const tabs: Page[] = [await openNode(ctx, nodeUrl(server.url, { network, role: 'central', topology: 'mesh', preset: 'regtest' }))];
  for (let i = 1; i < TABS; i++) tabs.push(await openNode(ctx, nodeUrl(server.url, { network, role: i % 2 ? 'miner' : 'wallet', topology: 'mesh' })));
  // Let the mesh form: everyone linked to everyone (7 peers each), or as close as it gets in 30 s.
  await Promise.all(tabs.map((t) => waitPeers(t, TABS - 1, 30_000).catch(() => undefined)));
  const degrees = await Promise.all(tabs.map((t) => t.evaluate('window.tabchain.node.peerIds().length') as Promise<number>));
  console.log(`  mesh formed: peers per tab ${degrees.join(' ')}`);
  // Keep-alive pings every 5 s give the round trips; wait for at least one round on every link.
  await new Promise((r) => setTimeout(r, 6_000));

  const hashes: string[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    const miner = tabs[i % TABS]!;
    const h = (await miner.evaluate('window.tabchain.node.height')) as number;
    await miner.evaluate('window.tabchain.node.mineOnce()');
    await waitHeight(miner, h + 1);
    const tip = (await miner.evaluate('window.tabchain.node.tipHash')) as string;
    hashes.push(tip);
    await Promise.all(tabs.map((t) => waitHeight(t, h + 1, tip, 30_000)));
    await new Promise((r) => setTimeout(r, 150)); // let each tab's UI flush before the next block
  }

  const logs = await Promise.all(tabs.map((t) => recorded(t)));
  const found = new Map<string, number>();
  const connected = new Map<string, number[]>();
  for (const log of logs)
    for (const e of log) {
      if (e.type === 'block-mined') found.set(e.hash, e.at);
      else if (e.type === 'chain' && e.event === 'block-connected' && e.hash) {
        const l = connected.get(e.hash) ?? [];
        l.push(e.at);
        connected.set(e.hash, l);
      }
    }
  const delays: number[] = [];
  const perTab: number[] = [];
  for (const h of hashes) {
    const t0 = found.get(h);
    const ts = connected.get(h) ?? [];
    if (t0 === undefined || ts.length !== TABS) throw new Error(`block ${h}: found ${t0 !== undefined}, connected on ${ts.length} tabs`);
    delays.push(Math.max(...ts) - t0);
    perTab.push(...ts.map((t) => t - t0));
  }
  const rtts = logs.flatMap(roundTrips);
  const r = {
    blocks: hashes.length,
    p50: quantile(delays, 0.5),
    p95: quantile(delays, 0.95),
    rtt50: quantile(rtts, 0.5),
    rtt95: quantile(rtts, 0.95),
  };
  console.log(`  propagation to all tabs: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms; ` +
    `per tab p50 ${quantile(perTab, 0.5).toFixed(1)} ms; round trip p50 ${r.rtt50.toFixed(2)} ms p95 ${r.rtt95.toFixed(2)} ms (${rtts.length} pings)`);
  await ctx.close();
  return r;
}

async function initialSync(server: AppServer, browser: Browser) {
  const ctx = await newContext(browser);
  const network = `wsync${Date.now() % 100000}`;
  const central = await openNode(ctx, nodeUrl(server.url, { network, role: 'central', preset: 'regtest' }));
  const tb = performance.now();
  // Mine continuously and stop from inside the page at the target height (no overshoot while
  // the test polls).
  await central.evaluate(`(() => {
    const node = window.tabchain.node;
    node.on((e) => { if (e.type === 'chain' && node.height >= ${SYNC_BLOCKS} && node.mining !== 'off') node.setMining('off'); });
    node.setMining('continuous');
  })()`);
  await waitHeight(central, SYNC_BLOCKS, null, 600_000);
  await central.waitForFunction('!window.tabchain.node.isMining', null, { polling: 50 });
  const height = (await central.evaluate('window.tabchain.node.height')) as number;
  const tip = (await central.evaluate('window.tabchain.node.tipHash')) as string;
  await central.evaluate('window.tabchain.store.flushed()');
  console.log(`  (central mined ${height} blocks in ${((performance.now() - tb) / 1000).toFixed(1)} s; not timed)`);

  const tabStart = Date.now();
  const fresh = await openNode(ctx, nodeUrl(server.url, { network, role: 'wallet' }));
  await waitHeight(fresh, height, tip, 600_000);
  const log = await recorded(fresh);
  const start = log.find((e) => e.type === 'start')!.at;
  const end = log.find((e) => e.type === 'chain' && e.event === 'block-connected' && e.hash === tip)!.at;
  const blocksIn = log.filter((e) => e.type === 'message' && e.dir === 'in' && e.command === 'block').length;
  const origin = (await fresh.evaluate('performance.timeOrigin')) as number;
  const rate = (height * 1000) / (end - start);
  const rateWithLoad = (height * 1000) / (end - Math.min(origin, tabStart));

  // Anchor: the same blocks, in order, into a fresh Chain in the same page.
  const anchorMs = (await fresh.evaluate(`(() => {
    const node = window.tabchain.node;
    const chain = node.chain;
    const blocks = [];
    for (let h = 1; h <= chain.height; h++) blocks.push(chain.getBlock(chain.entryAt(h).hash));
    const now = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    const c = new chain.constructor(chain.params);
    for (const b of blocks) { const r = c.processBlock(b, now); if (r.status !== 'accepted') throw new Error('refused: ' + (r.error && r.error.reason)); }
    return performance.now() - t0;
  })()`)) as number;
  const anchorRate = (height * 1000) / anchorMs;
  console.log(`  sync: ${height} blocks (${blocksIn} block messages) in ${(end - start).toFixed(0)} ms from session start = ${rate.toFixed(0)} blocks/s; ` +
    `${(end - Math.min(origin, tabStart)).toFixed(0)} ms from page load; in-memory connect ${anchorMs.toFixed(0)} ms = ${anchorRate.toFixed(0)} blocks/s`);
  await ctx.close();
  return { blocks: height, rate, rateWithLoad, anchorRate };
}
