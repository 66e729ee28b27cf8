/**
 * What the dashboard adds for the tutorial, from real nodes' reports on the in-memory network: a
 * dashboard opened late still shows the messages sent before it opened; each node reports the
 * balances its own UTXO set gives every named address; and a propagation row never shows a node
 * receiving a block before the only peer that could have sent it, however wrong a clock estimate.
 */
import { describe, expect, it } from 'vitest';
import { COIN } from '../../../src/core';
import { TestNetwork } from '../../helpers/testNetwork';
import { ReportBuffer } from '../../../src/adapters/observer/reportBuffer';
import { parseReport, type Report } from '../../../src/adapters/observer/protocol';
import { emptyDashState, foldReports, type DashState } from '../../../src/ui/dashboard/model';
import { filterMessages, propagationOf } from '../../../src/ui/dashboard/derived';
import { causalPropagation, type CausalRow } from '../../../src/ui/dashboard/causal';
import { applyTutorialNames } from '../../../src/ui/runtime/tutorial';

async function star() {
  const tn = new TestNetwork({ seed: 17 });
  const central = tn.add('3000', 'central');
  const wallet = tn.add('3001', 'wallet', { seeds: ['3000'] });
  const miner = tn.add('3002', 'miner', { seeds: ['3000'], mining: 'off' });
  const nodes = [central, wallet, miner];
  const buffers = nodes.map((n) => new ReportBuffer(n, 'star'));
  await tn.settle();
  return { tn, nodes, buffers };
}

/**
 * Reports through JSON and the validator, as PeerJS would carry them, folded at `now`. `early`
 * shifts a node's event times back (ms) but not its report times: the dashboard's clock estimate
 * for that node is then off by that much.
 */
function deliver(state: DashState, reports: Report[], now: number, early: Record<string, number> = {}): DashState {
  return foldReports(state, reports.map((r) => {
    const s = early[r.node] ?? 0;
    const shifted = r.kind === 'events' ? { ...r, events: r.events.map((e) => ({ ...e, time: e.time - s })) } : r;
    return { nodeId: r.node, report: parseReport(JSON.stringify(shifted))!, receivedAt: now };
  }));
}

describe('dashboard for the tutorial', () => {
  it('opened late, it still lists the messages each node sent before (no pings)', async () => {
    const { tn, nodes, buffers } = await star();
    nodes[2]!.mineOnce();
    await tn.settle();
    const state = deliver(emptyDashState(), buffers.map((b) => b.open()), tn.clock.now());
    const block = filterMessages(state, { from: '3002', to: '3000', cmd: 'cmpctblock' });
    expect(block.map((m) => m.hashes?.[0])).toEqual([nodes[2]!.tipHash]);
    expect(filterMessages(state, { from: '3000', to: '3001', cmd: 'version' })).toHaveLength(1);
    expect(state.messages.some((m) => m.cmd === 'ping' || m.cmd === 'pong')).toBe(false);
  });

  it('each node reports its own names and what its UTXO set gives every named address', async () => {
    const { tn, nodes, buffers } = await star();
    for (const n of nodes) applyTutorialNames(n);
    await tn.advance(3_000, 250);
    const w1 = nodes[1]!.keys.find((k) => k.label === 'WALLET_1')!.address;
    nodes[0]!.send(nodes[0]!.keys[0]!.address, w1, 10n * COIN, { mine: true, fee: 0n });
    await tn.advance(3_000, 250);
    const state = deliver(emptyDashState(), buffers.map((b) => b.open()), tn.clock.now());
    expect(state.nodes['3001']!.names!.map((n) => n.label)).toEqual(['WALLET_1', 'WALLET_2', 'WALLET_3', 'WALLET_4']);
    expect(state.nodes['3002']!.names!.map((n) => n.label)).toEqual(['MINER_WALLET']);
    for (const id of ['3000', '3001', '3002']) expect(state.nodes[id]!.balances![w1], id).toBe(String(10n * COIN));
  });

  it('a wallet whose clock estimate runs early is still shown receiving the block after the central node had it', async () => {
    const { tn, nodes, buffers } = await star();
    let state = deliver(emptyDashState(), buffers.map((b) => b.open()), tn.clock.now());
    tn.clock.advance(100);
    nodes[2]!.mineOnce();
    await tn.settle();
    const reports = buffers.flatMap((b) => {
      const out: Report[] = [];
      for (let r = b.next(); r; r = b.next()) out.push(r);
      return out;
    });
    // The dashboard's estimate of the wallet's clock is 50 ms off: its events look 50 ms early.
    state = deliver(state, reports, tn.clock.now(), { '3001': 50 });
    const hash = nodes[2]!.tipHash!;
    const raw = Object.fromEntries(propagationOf(state, hash)!.rows.map((r) => [r.node, r]));
    expect(raw['3001']!.received!).toBeLessThan(raw['3000']!.connected!); // impossible in a star, as estimated
    const fixed = causalPropagation(propagationOf(state, hash)!, state.messages);
    const row: Record<string, CausalRow> = Object.fromEntries(fixed.rows.map((r) => [r.node, r]));
    expect(row['3001']!.received!).toBeGreaterThanOrEqual(row['3000']!.connected!);
    expect(row['3001']!.connected!).toBeGreaterThanOrEqual(row['3001']!.received!);
    expect(row['3001']!.heard!).toBeGreaterThanOrEqual(row['3000']!.connected!);
    expect(row['3001']!.adjusted).toBe(true);
    expect(row['3000']!.adjusted).toBeUndefined();
    expect(fixed.adjusted).toBe(1);
  });
});
