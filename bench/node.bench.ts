/**
 * Node benchmarks (`npm run bench -- node`):
 *  1. Initial sync over the in-memory transport, zero latency: a fresh node downloads and fully
 *     validates 2,000 blocks × 2 signed payments from one peer. Anchor: the engine alone
 *     connecting the same blocks (same run). Bar: ≥ 1,000 blocks/s.
 *  2. Block propagation over an in-memory 8-node mesh with 1 ms links, in the ManualClock's
 *     virtual milliseconds, beside the ideal: eccentricity of the miner × 3 one-way trips
 *     (inv → getdata → block per hop).
 */
import { figure, type BenchFigure } from './harness';
import { Chain, decodeBlock, encodeBlock } from '../src/core';
import { FullNode } from '../src/node/node';
import { MemoryNetwork } from '../src/adapters/memory/network';
import { testKey, testParams } from '../tests/helpers/chainBuilder';
import { TestMiner } from '../tests/helpers/testMiner';
import { buildLongChain } from '../tests/integration/support/longChain';

const N = 2000;

export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const key = testKey('CENTRAL');
  const params = testParams(key, {}, 'regtest', 'bench');
  const t0 = performance.now();
  const chain = buildLongChain(params, key, N);
  console.log(`  (built ${N} blocks with ${chain.payments} signed payments in ${((performance.now() - t0) / 1000).toFixed(1)} s; not timed)`);

  // Anchor: the engine alone, same blocks, same validation. Each run gets freshly decoded copies
  // (decoded before the clock starts), as the syncing node does: no txid or hash caches warm
  // from building the chain.
  const engineRate = best(3, () => {
    const fresh = chain.blocks.map((b) => decodeBlock(encodeBlock(b)));
    const c = new Chain(params);
    const start = performance.now();
    for (const b of fresh) {
      const r = c.processBlock(b, 1_700_000_000);
      if (r.status !== 'accepted') throw new Error(`engine refused block: ${r.error?.reason}`);
    }
    return (N * 1000) / (performance.now() - start);
  });

  const syncRate = best(3, () => syncOnce(params, chain.blocks, key));
  figures.push(
    figure('initial sync, in-memory, 2,000 blocks × 2 payments', syncRate, 'blocks/s', 'engine connecting the same blocks', engineRate, {
      text: '>= 1000 blocks/s',
      pass: syncRate >= 1000,
    }),
  );

  for (const maxPeers of [8, 3]) {
    const p = await propagation(params, key, maxPeers);
    figures.push(figure(`propagation, 8-node mesh (max ${maxPeers} peers), 1 ms links, ecc ${p.ecc}`, p.ms, 'virtual ms', `ideal: ${p.ecc} hops × 3 trips × 1 ms`, p.ecc * 3));
  }
  return figures;
}

function best(runs: number, f: () => number): number {
  let b = 0;
  for (let i = 0; i < runs; i++) b = Math.max(b, f());
  return b;
}

/** One fresh node syncing the whole chain from one peer; returns blocks per second. */
function syncOnce(params: ReturnType<typeof testParams>, blocks: ReturnType<typeof buildLongChain>['blocks'], key: ReturnType<typeof testKey>): number {
  const net = new MemoryNetwork({ seed: 1 });
  const opts = { role: 'central' as const, network: params.network, clock: net.clock, random: net.random, params, keys: [key] };
  const server = new FullNode({ ...opts, id: 'S', transport: net.transport('S'), blocks });
  if (server.height !== N) throw new Error('server did not load the chain');
  server.start();
  const node = new FullNode({ ...opts, id: 'J', role: 'wallet', transport: net.transport('J'), seeds: ['S'] });
  const start = performance.now();
  node.start();
  while (net.flush() > 0 || net.pending > 0) {
    // zero latency: every delivery is due now
  }
  const ms = performance.now() - start;
  if (node.height !== N || node.tipHash !== server.tipHash) throw new Error(`sync stopped at ${node.height}`);
  node.stop();
  server.stop();
  return (N * 1000) / ms;
}

/** Mines one block on a settled mesh and measures virtual ms until every node has connected it. */
async function propagation(params: ReturnType<typeof testParams>, key: ReturnType<typeof testKey>, maxPeers: number): Promise<{ ms: number; ecc: number }> {
  const net = new MemoryNetwork({ seed: 7, latency: 1 });
  const clock = net.clock;
  const nodes: FullNode[] = [];
  for (let i = 0; i < 8; i++) {
    const id = `n${i}`;
    nodes.push(
      new FullNode({
        id,
        role: i === 0 ? 'central' : 'miner',
        network: params.network,
        transport: net.transport(id),
        clock,
        random: net.random,
        miner: new TestMiner(),
        params,
        ...(i === 0 ? { keys: [key] } : { seeds: ['n0'] }),
        topology: 'mesh',
        maxPeers,
        mining: 'off',
      }),
    );
  }
  nodes.forEach((n) => n.start());
  await runFor(net, 30_000); // let the mesh form (addr, getaddr, connections)
  const miner = nodes[7];
  const ecc = eccentricity(nodes, miner.id);
  let found = -1;
  let last = -1;
  let connected = 0;
  for (const n of nodes)
    n.on((e) => {
      if (e.type === 'block-mined') found = e.time;
      if (e.type === 'chain' && e.event.type === 'block-connected' && e.event.entry.height === 1) {
        connected++;
        last = Math.max(last, e.time);
      }
    });
  miner.mineOnce();
  await runFor(net, 1_000);
  if (connected !== nodes.length) throw new Error(`block reached ${connected} of ${nodes.length} nodes`);
  nodes.forEach((n) => n.stop());
  return { ms: last - found, ecc };
}

/** Hops from `from` to the farthest node over the current peer links (BFS). */
function eccentricity(nodes: FullNode[], from: string): number {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const dist = new Map([[from, 0]]);
  const queue = [from];
  while (queue.length) {
    const id = queue.shift()!;
    for (const p of byId.get(id)!.peerIds())
      if (!dist.has(p)) {
        dist.set(p, dist.get(id)! + 1);
        queue.push(p);
      }
  }
  if (dist.size !== nodes.length) throw new Error('mesh is not connected');
  return Math.max(...dist.values());
}

/** Runs the virtual clock timer by timer for `ms`, letting asynchronous mining finish in between. */
async function runFor(net: MemoryNetwork, ms: number): Promise<void> {
  const clock = net.clock;
  const end = clock.now() + ms;
  for (;;) {
    net.flush();
    await new Promise((r) => setImmediate(r));
    if (net.flush() > 0) continue;
    const next = clock.nextAt();
    if (next === undefined || next > end) break;
    clock.advance(next - clock.now());
  }
  clock.advance(end - clock.now());
  net.flush();
}
