/**
 * The engine host as the Simulator page drives it (the Web Worker's only content): start a run,
 * step one message and one block while paused, split the network, go back in time (the run is
 * replayed from its start), point the node views at another node, and fetch a block for its
 * detail. The host's timers are the test's: nothing runs until the test lets it.
 */
import { describe, expect, it } from 'vitest';
import { SimHost, type HostClock } from '../../../src/ui/sim/host';
import type { Frame, FromEngine, ToEngine } from '../../../src/ui/sim/protocol';
import { DEFAULT_SETTINGS, type SimSettings } from '../../../src/sim/settings';

const SETTINGS: SimSettings = { ...DEFAULT_SETTINGS, nodes: 8, topology: 'random', outbound: 2, hashShares: [60, 40], blockInterval: 10, blockSize: 20_000, txRate: 1, wallets: 8, links: 'classroom' };

function harness() {
  const posted: FromEngine[] = [];
  const later: (() => void)[] = [];
  const clock: HostClock = { now: () => performance.now(), later: (_ms, fn) => void later.push(fn) };
  const host = new SimHost((m) => posted.push(m), clock);
  /** Sends a command and lets the host work until it has nothing scheduled. */
  const send = async (m: ToEngine) => {
    host.handle(m);
    for (let i = 0; i < 100_000 && later.length; i++) {
      later.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  const frames = () => posted.flatMap((m) => (m.type === 'frame' ? [m.frame] : []));
  const last = (): Frame => frames().at(-1)!;
  return { posted, send, frames, last };
}

describe('the simulator engine host', () => {
  it('starts paused, steps one message and one block, records a split, replays on a seek back, shows another node', async () => {
    const h = harness();
    await h.send({ type: 'start', run: { seed: 3, settings: SETTINGS, actions: [] }, speed: 0, node: 0, paused: true });
    const built = h.posted.find((m) => m.type === 'built');
    expect(built?.type === 'built' && built.graph.regions).toHaveLength(8);
    expect(h.last()).toMatchObject({ now: 0, delivered: 0, mode: 'paused', running: false });
    const view = h.posted.find((m) => m.type === 'view');
    expect(view?.type === 'view' && view.reset && view.patch.nodeId).toBe('n0');

    await h.send({ type: 'step', what: 'message' });
    expect(h.last()).toMatchObject({ delivered: 1, mode: 'paused' });
    await h.send({ type: 'step', what: 'block' });
    expect(h.last().summary.blocks).toBe(1);
    const at = h.last().now;
    expect(at).toBeGreaterThan(0);

    await h.send({ type: 'act', action: { kind: 'partition', groups: [[0, 1, 2, 3], [4, 5, 6, 7]] } });
    expect(h.last().partition).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(h.last().actions).toEqual([{ kind: 'partition', groups: [[0, 1, 2, 3], [4, 5, 6, 7]], step: expect.any(Number), at }]);

    // Back to half a second: the run is built again and replayed from its start (the split, recorded later, has not happened yet).
    const builds = h.posted.filter((m) => m.type === 'built').length;
    await h.send({ type: 'seek', to: 500 });
    expect(h.posted.filter((m) => m.type === 'built')).toHaveLength(builds + 1);
    expect(h.last()).toMatchObject({ now: 500, partition: null, mode: 'paused' });
    expect(h.last().actions).toHaveLength(1); // still recorded: it happens again when the run gets there
    await h.send({ type: 'seek', to: at + 1 });
    expect(h.last().partition).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);

    await h.send({ type: 'select', node: 5 });
    const shown = h.posted.filter((m) => m.type === 'view').at(-1);
    expect(shown?.type === 'view' && shown.reset && shown.patch.nodeId).toBe('n5');
    const tip = shown?.type === 'view' ? shown.patch.tip : null;
    await h.send({ type: 'block', hash: tip! });
    const block = h.posted.at(-1);
    expect(block?.type === 'block' && block.block?.txs.length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

describe('the simulator without a Web Worker', () => {
  it('runs the same host on the page: frames arrive, the node views fill, a command is recorded', async () => {
    const { SimConnection } = await import('../../../src/ui/sim/connection');
    const { viewStore } = await import('../../../src/ui/runtime/viewStore');
    const conn = new SimConnection(() => null);
    expect(conn.store.getState().onPage).toBe(true);
    conn.start({ seed: 4, settings: SETTINGS, actions: [] }, 0, 2);
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 2_000 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(ok()).toBe(true);
    };
    await until(() => (conn.store.getState().frame?.summary.blocks ?? 0) >= 1);
    expect(viewStore.getState().nodeId).toBe('n2');
    conn.act({ kind: 'txRate', rate: 2 });
    await until(() => conn.store.getState().frame?.actions.length === 1);
    conn.pause();
    await until(() => conn.store.getState().frame?.mode === 'paused');
    conn.close();
  }, 60_000);
});
