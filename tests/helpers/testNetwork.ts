import { FullNode, type NodeOptions } from '../../src/node/node';
import type { NodeEvent, Role, Topology } from '../../src/node/events';
import { MemoryNetwork } from '../../src/adapters/memory/network';
import { COIN, type ChainParams, type WalletKey } from '../../src/core';
import { TestMiner } from './testMiner';
import { testKey, testParams } from './chainBuilder';

/**
 * Several full nodes on one deterministic in-memory network. Nothing happens until the test
 * calls `settle()` (deliver everything, let miners finish) or `advance(ms)` (let time pass).
 */
export class TestNetwork {
  readonly net: MemoryNetwork;
  readonly nodes = new Map<string, FullNode>();
  /** The TestMiner of each node that uses one (nodes given another miner, e.g. a SimulatedMiner, have none). */
  readonly miners = new Map<string, TestMiner>();
  readonly events = new Map<string, NodeEvent[]>();
  params: ChainParams;
  readonly centralKey: WalletKey;

  constructor(opts: { seed?: number; latency?: number; params?: Partial<ChainParams>; network?: string; maxFrameBytes?: number } = {}) {
    this.net = new MemoryNetwork({ seed: opts.seed ?? 1, latency: opts.latency ?? 0, ...(opts.maxFrameBytes ? { maxFrameBytes: opts.maxFrameBytes } : {}) });
    this.centralKey = testKey('CENTRAL');
    this.params = testParams(this.centralKey, opts.params ?? {}, 'regtest', opts.network ?? 'test');
  }

  get clock() {
    return this.net.clock;
  }

  /** Adds and starts a node. The first central node gets the network parameters. */
  add(id: string, role: Role, opts: Partial<NodeOptions> & { keys?: WalletKey[]; topology?: Topology } = {}): FullNode {
    const miner = new TestMiner();
    const node = new FullNode({
      id,
      role,
      network: this.params.network,
      transport: this.net.transport(id),
      clock: this.net.clock,
      random: this.net.random,
      miner,
      ...(role === 'central' && !opts.seeds ? { params: this.params, keys: [this.centralKey] } : {}),
      ...opts,
    });
    const log: NodeEvent[] = [];
    node.on((e) => log.push(e));
    this.events.set(id, log);
    this.nodes.set(id, node);
    if (opts.miner) this.miners.delete(id);
    else this.miners.set(id, miner);
    node.start();
    return node;
  }

  node(id: string): FullNode {
    return this.nodes.get(id)!;
  }

  /** Delivers every message and lets every miner finish, until nothing moves. */
  async settle(maxRounds = 100_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      const ran = this.net.flush();
      await new Promise((r) => setImmediate(r));
      // Only TestMiners finish on their own; other miners (simulated hash rates) need time to pass.
      const mining = [...this.nodes.values()].some((n) => n.isMining && this.miners.has(n.id) && !this.miners.get(n.id)!.hold);
      if (ran === 0 && this.net.pending === 0 && !mining) return;
    }
    throw new Error('network did not settle');
  }

  /** Lets `ms` of time pass (in 100 ms steps so timers and messages interleave), settling as it goes. */
  async advance(ms: number, step = 100): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      this.net.clock.advance(Math.min(step, ms - t));
      await this.settle();
    }
  }

  /** Balance in whole coins of an address as one node sees it (confirmed UTXOs). */
  balance(nodeId: string, key: WalletKey): number {
    const chain = this.node(nodeId).chain!;
    let s = 0n;
    for (const [, c] of chain.utxo.coinsForScript(key.script)) s += c.value;
    return Number(s) / Number(COIN);
  }
}
