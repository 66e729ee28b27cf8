/**
 * The teacher dashboard's picture of a network, built only from the nodes' observer reports.
 * Real FullNodes on the in-memory network report through ReportBuffers; the test plays the
 * observer channel by hand (no PeerJS, no timers) and folds what "arrives" into the model.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../helpers/testNetwork';
import { ReportBuffer } from '../../../src/adapters/observer/reportBuffer';
import { OBSERVER_PROTOCOL, parseReport, type Report } from '../../../src/adapters/observer/protocol';
import { emptyDashState, foldReport, foldReports, nodeWentAway, type DashState } from '../../../src/ui/dashboard/model';
import { blockTree, filterMessages, graphOf, messageMatrix, propagationOf, recentBlocks, tipGroups } from '../../../src/ui/dashboard/derived';
import type { FullNode } from '../../../src/node/node';

const H = (c: string) => c.repeat(64);

/** A 4-node classroom: central 3000, wallet 3001, miner 3002, wallet 3003. */
async function classroom(topology: 'star' | 'mesh' = 'star') {
  const tn = new TestNetwork({ seed: 7 });
  const central = tn.add('3000', 'central', { topology });
  const nodes: FullNode[] = [central];
  for (const [id, role] of [['3001', 'wallet'], ['3002', 'miner'], ['3003', 'wallet']] as const) nodes.push(tn.add(id, role, { seeds: ['3000'], topology, mining: 'off' }));
  return { tn, nodes };
}

/** The dashboard side of the observer channel, played by hand. */
class Dashboard {
  state: DashState = emptyDashState();
  /** Clock skew to apply to a node's reports, as if its computer's clock were off. */
  skew = new Map<string, number>();
  constructor(private readonly now: () => number) {}
  /** Everything each buffer has to send, "arriving" now (through JSON and the validator, like PeerJS text). */
  deliver(buffers: ReportBuffer[], first: Report[] = []): void {
    const arrivals = [];
    const all: Report[] = [...first];
    for (const b of buffers) for (let r = b.next(); r; r = b.next()) all.push(r);
    for (const r of all) {
      const parsed = parseReport(JSON.stringify(skewed(r, this.skew.get(r.node) ?? 0)));
      expect(parsed, `report from ${r.node} parses`).not.toBeNull();
      arrivals.push({ nodeId: r.node, report: parsed!, receivedAt: this.now() });
    }
    this.state = foldReports(this.state, arrivals);
  }
}

/** A report as a node whose clock is `ms` behind would have sent it. */
function skewed(r: Report, ms: number): Report {
  if (!ms) return r;
  if (r.kind === 'snapshot') return { ...r, time: r.time - ms, blocks: r.blocks.map((b) => ({ ...b, ...Object.fromEntries((['heard', 'received', 'mined', 'connected'] as const).filter((k) => b[k] !== undefined).map((k) => [k, b[k]! - ms])) })) };
  return { ...r, time: r.time - ms, events: r.events.map((e) => ({ ...e, time: e.time - ms })) };
}

describe('teacher dashboard: folding node reports', () => {
  it('dashboard first: sees all 4 nodes, their links, heights after a block, and the block reaching every node', async () => {
    const { tn, nodes } = await classroom('star');
    const dash = new Dashboard(() => tn.clock.now());
    // The dashboard is open before anything happens: every reporter connects and sends its snapshot.
    const buffers = nodes.map((n) => new ReportBuffer(n, 'star'));
    dash.deliver([], buffers.map((b) => b.open()));
    expect(Object.keys(dash.state.nodes).sort()).toEqual(['3000', '3001', '3002', '3003']);

    // The handshakes happen; reports arrive.
    await tn.settle();
    dash.deliver(buffers);
    const g = graphOf(dash.state);
    expect(g.nodes.map((n) => n.id)).toEqual(['3000', '3001', '3002', '3003']);
    expect(g.edges.map((e) => `${e.a}-${e.b}`).sort()).toEqual(['3000-3001', '3000-3002', '3000-3003']);
    expect(g.edges.every((e) => e.both)).toBe(true);
    expect(Object.values(dash.state.nodes).map((n) => n.height)).toEqual([0, 0, 0, 0]);
    expect(dash.state.nodes['3002'].role).toBe('miner');

    // The miner mines a block 100 ms later; it spreads through the central node.
    tn.clock.advance(100);
    nodes[2].mineOnce();
    await tn.settle();
    dash.deliver(buffers);
    expect(Object.values(dash.state.nodes).map((n) => n.height)).toEqual([1, 1, 1, 1]);
    expect(tipGroups(dash.state)).toHaveLength(1);

    const [newest] = recentBlocks(dash.state);
    expect(newest.hash).toBe(nodes[2].tipHash);
    const p = propagationOf(dash.state, newest.hash)!;
    expect(p.height).toBe(1);
    expect(p.reached).toBe(4);
    const row = Object.fromEntries(p.rows.map((r) => [r.node, r]));
    expect(row['3002'].mined).toBe(0);
    expect(row['3002'].connected).toBe(0);
    // Everyone else heard of it (its header, BIP 130) and received it (a compact block, BIP 152) before connecting it.
    for (const id of ['3000', '3001', '3003']) {
      expect(row[id].heard, id).toBeDefined();
      expect(row[id].received, id).toBeDefined();
      expect(row[id].connected, id).toBeGreaterThanOrEqual(row[id].received!);
    }

    // One record per message: the sender's report; in a star, no message goes between two leaves.
    const m = messageMatrix(dash.state, 'cmpctblock');
    expect(m.count('3002', '3000')).toBe(1);
    expect(m.count('3000', '3001')).toBe(1);
    expect(m.count('3000', '3003')).toBe(1);
    expect(m.count('3001', '3003')).toBe(0);
    expect(filterMessages(dash.state, { from: '3002', to: '3000', cmd: 'headers' }).map((x) => x.hashes)).toContainEqual([newest.hash]);
    // The header went out, the getdata (for a compact block) came back, the compact block followed: the pair filter tells the story.
    const story = filterMessages(dash.state, { from: '3002', to: '3000', cmd: '', either: true }).filter((x) => ['headers', 'getdata', 'cmpctblock'].includes(x.cmd) && x.hashes?.includes(newest.hash));
    expect(story.map((x) => `${x.from}>${x.to} ${x.cmd}`).sort()).toEqual(['3000>3002 getdata', '3002>3000 cmpctblock', '3002>3000 headers']);
  });

  it('dashboard opened after the nodes: the snapshots alone catch up (nodes, links, heights, the last block’s propagation)', async () => {
    const { tn, nodes } = await classroom('mesh');
    // Every tab starts its reporter with its node; with no dashboard it only remembers recent blocks.
    const buffers = nodes.map((n) => new ReportBuffer(n, 'mesh'));
    await tn.settle();
    nodes[0].mineOnce();
    await tn.settle();
    tn.clock.advance(50);
    nodes[2].mineOnce();
    await tn.settle();
    expect(buffers.every((b) => b.pending === 0)).toBe(true);

    const dash = new Dashboard(() => tn.clock.now() + 5_000);
    dash.deliver([], buffers.map((b) => b.open()));
    expect(Object.values(dash.state.nodes).map((n) => [n.id, n.role, n.height])).toEqual([
      ['3000', 'central', 2],
      ['3001', 'wallet', 2],
      ['3002', 'miner', 2],
      ['3003', 'wallet', 2],
    ]);
    // Mesh: everyone linked to everyone through addr.
    expect(graphOf(dash.state).edges).toHaveLength(6);
    const p = propagationOf(dash.state, nodes[2].tipHash!)!;
    expect(p.reached).toBe(4);
    expect(p.rows.find((r) => r.node === '3002')!.mined).toBe(0);
    // Both blocks are in the recent-block tree, each on every node's chain.
    const tree = blockTree(dash.state);
    expect(tree.map((r) => r.height)).toEqual([2, 1, 0]);
    expect(tree[0].blocks[0].tipOf).toEqual(['3000', '3001', '3002', '3003']);
    expect(tree[1].blocks[0].onChainOf).toHaveLength(4);
  });

  it('lines up times from computers whose clocks differ (offset = smallest arrival − report time)', async () => {
    const { tn, nodes } = await classroom('star');
    const dash = new Dashboard(() => tn.clock.now());
    dash.skew.set('3001', 60_000); // 3001's clock is a minute behind
    dash.skew.set('3003', -30_000); // 3003's half a minute ahead
    const buffers = nodes.map((n) => new ReportBuffer(n, 'star'));
    dash.deliver([], buffers.map((b) => b.open()));
    await tn.settle();
    dash.deliver(buffers);
    tn.clock.advance(100);
    nodes[2].mineOnce();
    await tn.settle();
    dash.deliver(buffers);
    expect(dash.state.nodes['3001'].offset).toBe(60_000);
    expect(dash.state.nodes['3003'].offset).toBe(-30_000);
    const p = propagationOf(dash.state, nodes[2].tipHash!)!;
    // Zero latency: the block reaches everyone at the same instant, whatever their clocks say.
    expect(p.rows.map((r) => r.connected)).toEqual([0, 0, 0, 0]);
  });

  it('shows a fork: two tips, a branch each, a height with two blocks; and a node leaving takes its links with it', () => {
    let s = emptyDashState();
    const chain = (...hs: string[]) => hs.map((h, i) => ({ hash: H(h), height: i, prev: i ? H(hs[i - 1]) : null }));
    const snap = (node: string, tip: string, peers: string[], blocks: ReturnType<typeof chain>): Report => ({
      kind: 'snapshot', v: OBSERVER_PROTOCOL, node, role: 'miner', topology: 'mesh', time: 1000, height: blocks.length - 1, tip: H(tip), peers, mining: false, cutOff: false, known: peers, chain: blocks, leaves: [], blocks: [],
    });
    s = foldReport(s, '3000', snap('3000', 'b', ['3001', '3002'], chain('0', 'a', 'b')), 1000);
    s = foldReport(s, '3001', snap('3001', 'b', ['3000'], chain('0', 'a', 'b')), 1000);
    s = foldReport(s, '3002', snap('3002', 'c', ['3000'], chain('0', 'a', 'c')), 1000);
    const groups = tipGroups(s);
    expect(groups.map((g) => [g.tip, g.nodes])).toEqual([
      [H('b'), ['3000', '3001']],
      [H('c'), ['3002']],
    ]);
    const tree = blockTree(s);
    expect(tree[0].height).toBe(2);
    expect(tree[0].blocks.map((b) => [b.hash, b.tipOf])).toEqual([
      [H('b'), ['3000', '3001']],
      [H('c'), ['3002']],
    ]);

    // 3002 reorganises onto b: its chain follows the events.
    s = foldReport(s, '3002', {
      kind: 'events', v: OBSERVER_PROTOCOL, node: '3002', seq: 1, time: 1200, height: 2, tip: H('b'), peers: ['3000'], mining: false, cutOff: false,
      events: [
        { t: 'disconnected', time: 1100, hash: H('c'), height: 2 },
        { t: 'connected', time: 1100, hash: H('b'), height: 2, prev: H('a') },
        { t: 'reorg', time: 1100, fork: H('a'), forkHeight: 1, disconnected: 1, connected: 1 },
      ],
    }, 1200);
    expect(tipGroups(s)).toHaveLength(1);
    const after = blockTree(s);
    expect(after[0].blocks.find((b) => b.hash === H('c'))!.side).toBe(true);
    expect(s.nodes['3002'].chain.map((b) => b.hash)).toEqual([H('0'), H('a'), H('b')]);
    expect(s.activity.some((a) => a.kind === 'reorg' && a.node === '3002')).toBe(true);

    // 3001 closes its tab: offline, kept in the table; its link stays (half-seen) until 3000 drops it too.
    s = nodeWentAway(s, '3001', 2000);
    expect(s.nodes['3001'].online).toBe(false);
    expect(graphOf(s).nodes.map((n) => [n.id, n.online])).toContainEqual(['3001', false]);
    expect(graphOf(s).edges.map((e) => `${e.a}-${e.b}`)).toEqual(['3000-3001', '3000-3002']);
    s = foldReport(s, '3000', {
      kind: 'events', v: OBSERVER_PROTOCOL, node: '3000', seq: 1, time: 2100, height: 2, tip: H('b'), peers: ['3002'], mining: false, cutOff: false,
      events: [{ t: 'peer-down', time: 2050, peer: '3001', reason: 'connection closed' }],
    }, 2100);
    expect(graphOf(s).edges.map((e) => `${e.a}-${e.b}`)).toEqual(['3000-3002']);
  });

  it('keeps the message log in time order when reports from different nodes interleave', () => {
    const msg = (node: string, peer: string, cmd: string, time: number, seq = 1): Report => ({
      kind: 'events', v: OBSERVER_PROTOCOL, node, seq, time, height: 0, tip: null, peers: [peer], mining: false, cutOff: false,
      events: [{ t: 'msg', time, dir: 'out', peer, cmd, bytes: 61, summary: cmd }],
    });
    let s = foldReports(emptyDashState(), [
      { nodeId: '3000', report: msg('3000', '3002', 'getdata', 20), receivedAt: 21 },
      { nodeId: '3002', report: msg('3002', '3000', 'inv', 10), receivedAt: 11 },
    ]);
    s = foldReport(s, '3002', msg('3002', '3000', 'block', 25, 2), 26);
    s = foldReport(s, '3001', msg('3001', '3000', 'tx', 5), 6); // folded last, happened first
    expect(s.messages.map((m) => m.cmd)).toEqual(['tx', 'inv', 'getdata', 'block']);
  });

  it('counts lost reports and keeps the newest messages only', () => {
    let s = foldReport(emptyDashState(), '3000', {
      kind: 'snapshot', v: OBSERVER_PROTOCOL, node: '3000', role: 'central', topology: 'star', time: 0, height: 0, tip: null, peers: [], mining: false, cutOff: false, known: [], chain: [], leaves: [], blocks: [],
    }, 0);
    const batch = (seq: number, n: number): Report => ({
      kind: 'events', v: OBSERVER_PROTOCOL, node: '3000', seq, time: seq, height: 0, tip: null, peers: ['3001'], mining: false, cutOff: false,
      events: Array.from({ length: n }, (_, i) => ({ t: 'msg' as const, time: seq, dir: 'out' as const, peer: '3001', cmd: 'ping', bytes: 32, summary: `ping ${seq}.${i}` })),
    });
    s = foldReport(s, '3000', batch(1, 2000), 1);
    s = foldReport(s, '3000', batch(3, 2000), 3); // report 2 was lost
    expect(s.nodes['3000'].gaps).toBe(1);
    expect(s.messages).toHaveLength(3000);
    expect(s.messages.at(-1)!.summary).toBe('ping 3.1999');
    expect(s.pairs['3000>3001'].ping).toBe(4000);
  });
});

describe('observer reports: node side', () => {
  it('a node cut off from the network reports it, and the dashboard shows it until it reconnects', async () => {
    const { tn, nodes } = await classroom('star');
    const b = new ReportBuffer(nodes[1], 'star');
    b.open();
    nodes[1].setOffline(true);
    await tn.settle();
    const r = parseReport(JSON.parse(JSON.stringify(b.next(true))));
    expect(r?.cutOff).toBe(true);
    expect(r?.peers).toEqual([]);
    let s = foldReport(emptyDashState(), nodes[1].id, r!, 1);
    expect(s.nodes[nodes[1].id].cutOff).toBe(true);
    nodes[1].setOffline(false);
    await tn.settle();
    const back = parseReport(JSON.parse(JSON.stringify(b.next(true))));
    expect(back?.cutOff).toBe(false);
    s = foldReport(s, nodes[1].id, back!, 2);
    expect(s.nodes[nodes[1].id].cutOff).toBe(false);
    expect(s.nodes[nodes[1].id].peers.length).toBeGreaterThan(0);
    // A report whose flag is not a boolean does not claim the node is cut off.
    expect(parseReport({ ...JSON.parse(JSON.stringify(back)), cutOff: 'yes' })?.cutOff).toBe(false);
  });

  it('never queues while no dashboard listens, and collapses an overflowing queue into a snapshot', async () => {
    const { tn, nodes } = await classroom('star');
    const b = new ReportBuffer(nodes[0], 'star', { maxQueued: 5 });
    await tn.settle();
    expect(b.pending).toBe(0);
    expect(b.next(true)).toBeNull();
    b.open();
    nodes[0].mineOnce();
    await tn.settle(); // far more than 5 events
    const r = b.next();
    expect(r?.kind).toBe('snapshot');
    expect(r!.height).toBe(1);
    expect(b.next()).toBeNull();
    expect(b.next(true)?.kind).toBe('events'); // heartbeat
    b.close();
    nodes[0].mineOnce();
    await tn.settle();
    expect(b.pending).toBe(0);
    // The node's own behaviour is untouched: every node followed.
    expect(nodes.map((n) => n.height)).toEqual([2, 2, 2, 2]);
    b.dispose();
  });

  it('rejects reports that are not of this protocol, and cleans what it accepts', () => {
    expect(parseReport('not json')).toBeNull();
    expect(parseReport({ kind: 'snapshot', v: 99, node: '3000' })).toBeNull();
    expect(parseReport({ kind: 'events', v: OBSERVER_PROTOCOL, node: '../x', seq: 1, time: 0, height: 0 })).toBeNull();
    const r = parseReport({
      kind: 'events', v: OBSERVER_PROTOCOL, node: '3000', seq: 1, time: 5, height: 1, tip: 'nothex', peers: ['3001', '<script>'], mining: 'yes', teacher: { paused: 'yes', throttle: 900, group: -1 },
      events: [{ t: 'msg', time: 1, dir: 'out', peer: '3001', cmd: 'inv', bytes: 61, summary: 'x'.repeat(1000), hashes: [H('a'), 'bad'] }, { t: 'boom', time: 1 }, { t: 'tip', time: 'late' }],
    });
    expect(r).toEqual({
      kind: 'events', v: OBSERVER_PROTOCOL, node: '3000', seq: 1, time: 5, height: 1, tip: null, peers: ['3001'], mining: false, cutOff: false,
      // No teacher state in the report: nothing set (a bogus one is cleaned the same way).
      teacher: { paused: false, throttle: 100, group: 0 },
      events: [{ t: 'msg', time: 1, dir: 'out', peer: '3001', cmd: 'inv', bytes: 61, summary: 'x'.repeat(200), hashes: [H('a')] }],
    });
  });
});
