/**
 * A whole class on one network (seeded in-memory network, manual clock, 40 ms links): 120 nodes
 * join a star and a mesh, every one reaches the central node's tip and none is isolated; the
 * join time is reported in virtual seconds. Then the central node leaves the mesh and 10 new
 * nodes, whose only seed is the departed central, still join: the signalling service's node list
 * (the mesh's DNS seed) gives them someone to dial, and they sync the chain from the others.
 */
import { describe, expect, it } from 'vitest';
import { TimedNetwork } from './support/timedNetwork';
import type { FullNode } from '../../src/node/node';
import type { Topology } from '../../src/node/events';

const CLASS = 120;

async function joinClass(topology: Topology, seed: number) {
  const tn = new TimedNetwork({ seed, latency: 40 });
  const central = tn.add('3000', 'central', { topology, mining: 'off' });
  for (let i = 0; i < 3; i++) {
    central.mineOnce();
    await tn.runFor(500);
  }
  const start = tn.clock.now();
  const nodes: FullNode[] = [];
  // Students arrive over ten seconds, as a class opens the page.
  for (let i = 1; i <= CLASS; i++) {
    nodes.push(tn.add(String(3000 + i), i % 5 === 0 ? 'miner' : 'wallet', { seeds: ['3000'], topology, mining: 'off' }));
    if (i % 12 === 0) await tn.runFor(1_000);
  }
  let joinedAt = 0;
  for (let t = 0; t < 60 && !joinedAt; t++) {
    await tn.runFor(1_000);
    if (nodes.every((n) => n.tipHash === central.tipHash && n.peerIds().length > 0)) joinedAt = tn.clock.now();
  }
  return { tn, central, nodes, joinSeconds: joinedAt ? (joinedAt - start) / 1000 : Infinity };
}

describe(`a class of ${CLASS}`, () => {
  it('joins a star: the central node serves every one of them (125 inbound slots)', async () => {
    const { central, nodes, joinSeconds } = await joinClass('star', 81);
    console.log(`star of ${CLASS}: all at the tip and linked after ${joinSeconds} virtual s`);
    expect(joinSeconds).toBeLessThan(30);
    expect(central.peerIds().length).toBe(CLASS);
    for (const n of nodes) expect(n.height, n.id).toBe(3);
  }, 60_000);

  it('joins a mesh; after the central node leaves, 10 newcomers still join through the signalling list', async () => {
    const { tn, central, nodes, joinSeconds } = await joinClass('mesh', 82);
    console.log(`mesh of ${CLASS}: all at the tip and linked after ${joinSeconds} virtual s`);
    expect(joinSeconds).toBeLessThan(30);
    // Nobody is isolated, and links are spread out (the central is not everyone's only peer).
    for (const n of nodes) expect(n.peerIds().length, n.id).toBeGreaterThan(0);
    expect(nodes.filter((n) => n.peerIds().some((p) => p !== '3000')).length).toBe(CLASS);

    central.stop();
    await tn.runFor(20_000);
    const miner = nodes.find((n) => n.role === 'miner')!;
    miner.mineOnce();
    await tn.runFor(5_000);
    const late: FullNode[] = [];
    for (let i = 1; i <= 10; i++) late.push(tn.add(String(4000 + i), 'wallet', { seeds: ['3000'], topology: 'mesh', mining: 'off' }));
    await tn.runFor(30_000);
    for (const n of late) {
      expect(n.peerIds().length, n.id).toBeGreaterThan(0);
      expect(n.tipHash, n.id).toBe(miner.tipHash);
      expect(n.height).toBe(4);
    }
    // Meanwhile a node that could not reach its seed says why.
    expect(late[0]!.connectivity().lastFailure).toMatchObject({ peer: '3000' });
  }, 90_000);
});
