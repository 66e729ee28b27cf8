/**
 * The transport's floor under the mesh figure: N pages of the same headless Chromium, every pair
 * linked by a plain RTCDataChannel (no tabchain code, no PeerJS, no signalling server: the offers
 * and answers are handed over by the bench). One page sends a SIZE-byte message to all others;
 * each page forwards its first copy to every peer but the one it came from, as a block floods a
 * mesh. The figure is the time until every page has a copy (p50 over ROUNDS, the sender taking
 * turns); what a tabchain mesh adds on top of it is its own work around a block.
 * Times are `performance.timeOrigin + performance.now()`: one clock for every page.
 */
import type { Browser, Page } from '@playwright/test';
import { quantile } from './harness';

const SIZE = 400; // about a compact block of a few payments

/** Installed in each page: its links, and what it does with a message (record the first copy, pass it on). */
const PAGE_SETUP = `(() => {
  window.pcs = {}; window.dcs = {}; window.got = {};
  window.wire = (peer, dc) => {
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (e) => {
      const id = new Uint8Array(e.data)[0] | (new Uint8Array(e.data)[1] << 8);
      if (window.got[id]) return;
      window.got[id] = performance.timeOrigin + performance.now();
      for (const k in window.dcs) if (+k !== peer) window.dcs[k].send(e.data);
    };
    window.dcs[peer] = dc;
  };
  window.gathered = (pc) => new Promise((r) => {
    if (pc.iceGatheringState === 'complete') r();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
  });
})()`;

async function link(a: Page, i: number, b: Page, j: number): Promise<void> {
  const offer = await a.evaluate(`(async () => {
    const pc = new RTCPeerConnection(); pcs[${j}] = pc;
    const dc = pc.createDataChannel('flood'); window['open${j}'] = new Promise((r) => (dc.onopen = r)); wire(${j}, dc);
    await pc.setLocalDescription(await pc.createOffer()); await gathered(pc); return pc.localDescription.toJSON();
  })()`);
  const answer = await b.evaluate(`(async () => {
    const pc = new RTCPeerConnection(); pcs[${i}] = pc;
    window['open${i}'] = new Promise((r) => (pc.ondatachannel = (e) => { wire(${i}, e.channel); e.channel.onopen = r; if (e.channel.readyState === 'open') r(); }));
    await pc.setRemoteDescription(${JSON.stringify(offer)}); await pc.setLocalDescription(await pc.createAnswer()); await gathered(pc);
    return pc.localDescription.toJSON();
  })()`);
  await a.evaluate(`pcs[${j}].setRemoteDescription(${JSON.stringify(answer)})`);
}

/** The flood's p50 and p95 (ms until every page has the message) over `rounds` messages. */
export async function floodFloor(browser: Browser, pages = 8, rounds = 15): Promise<{ p50: number; p95: number; rounds: number }> {
  const ctx = await browser.newContext();
  try {
    const ps: Page[] = [];
    for (let i = 0; i < pages; i++) {
      const p = await ctx.newPage();
      await p.evaluate(PAGE_SETUP);
      ps.push(p);
    }
    for (let i = 0; i < pages; i++) for (let j = i + 1; j < pages; j++) await link(ps[i]!, i, ps[j]!, j);
    for (const [i, p] of ps.entries()) for (let j = 0; j < pages; j++) if (j !== i) await p.evaluate(`window['open${j}']`);
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const id = r + 1;
      await new Promise((res) => setTimeout(res, 300));
      const t0 = (await ps[r % pages]!.evaluate(`(() => {
        const d = new Uint8Array(${SIZE}); d[0] = ${id} & 255; d[1] = ${id} >> 8;
        window.got[${id}] = performance.timeOrigin + performance.now();
        for (const k in dcs) dcs[k].send(d);
        return window.got[${id}];
      })()`)) as number;
      await new Promise((res) => setTimeout(res, 300));
      const at = (await Promise.all(ps.map((p) => p.evaluate(`window.got[${id}] ?? null`)))) as (number | null)[];
      if (at.some((x) => x === null)) throw new Error(`flood ${id}: a page never got the message`);
      times.push(Math.max(...(at as number[])) - t0);
    }
    return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), rounds };
  } finally {
    await ctx.close();
  }
}
