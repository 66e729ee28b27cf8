/**
 * Node benchmarks (`npm run bench -- node`):
 *  1. Initial sync over the in-memory transport, zero latency: a fresh node downloads and fully
 *     validates 2,000 blocks × 2 signed payments from one peer (the serving node's work counted
 *     too). Anchor: the engine alone decoding and connecting the same blocks, same run. CPU time,
 *     median of 3. Bar: ≥ 1,000 blocks/s.
 *  2. Block propagation over an in-memory 8-node mesh with 1 ms links, counted as what it is: one-way
 *     message trips per hop (virtual ms from mined to connected everywhere ÷ (eccentricity × 1 ms)),
 *     for a block of relayed payments after two warm-up blocks from the same miner (so its peers
 *     picked it as a high-bandwidth compact-block peer: one trip), beside the old relay's three
 *     (inv → getdata → block).
 */
import { figure, median, type BenchFigure, warmUpSignatures } from './harness';
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

  // Anchor: the engine alone on the same blocks, decoding them from bytes as the node must.
  // Rates are in CPU time (process.cpuUsage), as in core.bench.ts: on a shared 2-core machine wall
  // time also counts other people's work. Median of three runs, interleaved; wall time beside.
  const bytes = chain.blocks.map((b) => encodeBlock(b));
  const engineRuns: Timing[] = [];
  const syncRuns: Timing[] = [];
  await warmUpSignatures();
  engineOnce(params, bytes); // warm-up pass: JIT and WebAssembly tier-up reach steady state
  for (let i = 0; i < 3; i++) {
    engineRuns.push(engineOnce(params, bytes));
    syncRuns.push(syncOnce(params, chain.blocks, key));
  }
  const engineRate = N / median(engineRuns.map((r) => r.cpu));
  const syncRate = N / median(syncRuns.map((r) => r.cpu));
  const syncWall = N / median(syncRuns.map((r) => r.wall));
  figures.push(
    figure('initial sync, in-memory, 2,000 blocks × 2 payments (CPU time, median of 3)', syncRate, 'blocks/s', 'engine alone: decode + connect the same blocks', engineRate, {
      text: '>= 1000 blocks/s',
      pass: syncRate >= 1000,
    }),
    figure('initial sync, wall clock (shared machine: includes other processes)', syncWall, 'blocks/s', 'same, CPU time', syncRate),
  );

  for (const maxPeers of [8, 3]) {
    const p = await propagation(params, key, maxPeers);
    figures.push(figure(`in-memory propagation, 8-node mesh (max ${maxPeers} peers, eccentricity ${p.ecc}), 1 ms links: message trips per hop`, p.ms / p.ecc, 'trips/hop',
      'inv → getdata → block (3 trips per hop)', 3));
  }
  return figures;
}

interface Timing {
  cpu: number;
  wall: number;
}

/** Runs `f`, returning its CPU seconds (this process, user + system) and wall seconds. */
function timed(f: () => void): Timing {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  f();
  const wall = (performance.now() - start) / 1000;
  const c = process.cpuUsage(cpu0);
  return { cpu: (c.user + c.system) / 1e6, wall };
}

/** The engine alone: a fresh chain decodes and connects every block. */
function engineOnce(params: ReturnType<typeof testParams>, bytes: Uint8Array[]): Timing {
  const c = new Chain(params);
  const t = timed(() => {
    for (const b of bytes) {
      const r = c.processBlock(decodeBlock(b), 1_700_000_000);
      if (r.status !== 'accepted') throw new Error(`engine refused block: ${r.error?.reason}`);
    }
  });
  if (c.height !== bytes.length) throw new Error('engine chain incomplete');
  return t;
}

/** One fresh node syncing the whole chain from one peer (both nodes in this process, both timed). */
function syncOnce(params: ReturnType<typeof testParams>, blocks: ReturnType<typeof buildLongChain>['blocks'], key: ReturnType<typeof testKey>): Timing {
  const net = new MemoryNetwork({ seed: 1 });
  const opts = { role: 'central' as const, network: params.network, clock: net.clock, random: net.random, params, keys: [key] };
  const server = new FullNode({ ...opts, id: 'S', transport: net.transport('S'), blocks });
  if (server.height !== N) throw new Error('server did not load the chain');
  server.start();
  const node = new FullNode({ ...opts, id: 'J', role: 'wallet', transport: net.transport('J'), seeds: ['S'] });
  const t = timed(() => {
    node.start();
    while (net.flush() > 0 || net.pending > 0) {
      // zero latency: every delivery is due now
    }
  });
  if (node.height !== N || node.tipHash !== server.tipHash) throw new Error(`sync stopped at ${node.height}`);
  node.stop();
  server.stop();
  return t;
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
        maxOutbound: maxPeers,
        mining: 'off',
      }),
    );
  }
  nodes.forEach((n) => n.start());
  await runFor(net, 30_000); // let the mesh form (addr, getaddr, connections)
  const miner = nodes[7]!;
  // Two warm-up blocks from the same miner, then a measured one; each carries a relayed payment.
  let found = -1;
  let last = -1;
  let connected = 0;
  let measuring = false;
  for (const n of nodes)
    n.on((e) => {
      if (!measuring) return;
      if (e.type === 'block-mined') found = e.time;
      if (e.type === 'chain' && e.event.type === 'block-connected' && e.event.entry.height === 3) {
        connected++;
        last = Math.max(last, e.time);
      }
    });
  for (let b = 1; b <= 3; b++) {
    nodes[0]!.send(key.address, key.address, 100_000n);
    await runFor(net, 500);
    measuring = b === 3;
    miner.mineOnce();
    await runFor(net, 1_000);
  }
  const ecc = eccentricity(nodes, miner.id);
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
