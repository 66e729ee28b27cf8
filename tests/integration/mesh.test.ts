/**
 * Mesh: nodes that only know the central node learn about each other with getaddr/addr, open
 * connections up to their limit of 8 outbound, and the network carries on when the central
 * node leaves.
 */
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../helpers/testNetwork';
import { testKey } from '../helpers/chainBuilder';
import { COIN } from '../../src/core';
import type { FullNode } from '../../src/node/node';
import type { MessageEvent } from '../../src/node/events';

/** True if the nodes (minus `without`) form one connected graph over their ready links. */
function connected(nodes: FullNode[], without?: string): boolean {
  const alive = nodes.filter((n) => n.id !== without);
  const byId = new Map(alive.map((n) => [n.id, n]));
  const seen = new Set([alive[0].id]);
  const queue = [alive[0].id];
  while (queue.length) {
    const id = queue.shift()!;
    for (const p of byId.get(id)!.peerIds()) if (byId.has(p) && !seen.has(p)) (seen.add(p), queue.push(p));
  }
  return seen.size === alive.length;
}

describe('mesh', () => {
  it('12 nodes learn each other by addr, keep at most 8 outbound links, and survive the central node leaving', async () => {
    const tn = new TestNetwork({ seed: 51 });
    const central = tn.add('C', 'central', { topology: 'mesh' });
    const nodes: FullNode[] = [central];
    const W = testKey('MESH_W');
    for (let i = 1; i <= 11; i++) {
      nodes.push(tn.add(`N${i}`, i === 1 ? 'wallet' : 'miner', { seeds: ['C'], topology: 'mesh', mining: 'off', keys: i === 1 ? [W] : undefined }));
      await tn.advance(1_000, 500); // nodes join one by one
    }
    await tn.advance(20_000, 1_000);

    for (const n of nodes) {
      const info = n.peerInfo();
      // Bitcoin's shape: at most 8 links dialled out; inbound ones accepted up to 4 × 8.
      expect(info.filter((p) => p.outbound).length, n.id).toBeLessThanOrEqual(8);
      expect(info.length, n.id).toBeLessThanOrEqual(32);
      expect(info.every((p) => p.ready), n.id).toBe(true);
      expect(n.knownNodes().length, n.id).toBeGreaterThanOrEqual(8); // learned beyond the seed
    }
    // Late joiners found enough addresses to fill all 8 outbound slots.
    expect(nodes.slice(9).map((n) => n.peerInfo().filter((p) => p.outbound).length)).toEqual([8, 8, 8]);
    // They asked for addresses (getaddr) and got addr answers.
    const n5 = tn.events.get('N5')!.filter((e): e is MessageEvent => e.type === 'message');
    expect(n5.some((e) => e.dir === 'out' && e.command === 'getaddr' && e.peer === 'C')).toBe(true);
    expect(n5.some((e) => e.dir === 'in' && e.command === 'addr' && e.peer === 'C')).toBe(true);
    // Non-central nodes connected to each other, not only through C: the mesh holds without it.
    expect(nodes.slice(1).every((n) => n.peerIds().some((p) => p !== 'C'))).toBe(true);
    expect(connected(nodes, 'C')).toBe(true);

    // The central node leaves.
    central.stop();
    await tn.advance(10_000, 1_000);
    const rest = nodes.slice(1);
    for (const n of rest) expect(n.peerIds()).not.toContain('C');
    expect(connected(rest)).toBe(true);

    // A payment and a block mined elsewhere still reach every remaining node.
    const funder = tn.node('N2');
    funder.mineOnce();
    await tn.settle();
    const tx = funder.send(funder.keys[0].address, W.address, 3n * COIN);
    await tn.settle();
    for (const n of rest) expect(n.mempool!.size, n.id).toBe(1);
    tn.node('N7').mineOnce();
    await tn.settle();
    for (const n of rest) {
      expect(n.tipHash, n.id).toBe(tn.node('N7').tipHash);
      expect(n.height).toBe(2);
      expect(tn.balance(n.id, W)).toBe(3);
    }
    void tx;
  });

  it('star topology does not dial addresses it learns', async () => {
    const tn = new TestNetwork({ seed: 52 });
    tn.add('C', 'central');
    const a = tn.add('A', 'wallet', { seeds: ['C'] });
    const b = tn.add('B', 'wallet', { seeds: ['C'] });
    await tn.advance(10_000, 1_000);
    expect(a.peerIds()).toEqual(['C']);
    expect(b.peerIds()).toEqual(['C']);
  });
});
