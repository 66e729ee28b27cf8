/**
 * Seeded chaos: six nodes on a mesh with latency, random mining and payments, partitions that
 * come and go, lossy links for a while, and nodes reloaded from their IndexedDB store — cleanly,
 * or killed with writes still queued. When the weather clears every node must agree on one chain,
 * hold the same UTXO set (by commitment) summing to the subsidy, keep a mempool valid on that
 * chain, and come back from its store once more with nothing to repair.
 *
 * CHAOS_SEEDS=50 CHAOS_STEPS=100 npx vitest run tests/integration/chaos.test.ts   (default 3 × 40)
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { NodeStore, databaseName, restoredOptions } from '../../src/adapters/idb/nodeStore';
import { TimedNetwork } from './support/timedNetwork';
import { testKey } from '../helpers/chainBuilder';
import { utxoTotal } from './support/longChain';
import { SeededRandom } from '../../src/adapters/memory/clock';
import { COIN, outpointKey, subsidyAt, type Chain } from '../../src/core';
import type { NodeOptions } from '../../src/node/node';
import type { FullNode } from '../../src/node/node';

function subsidyTotal(c: Chain): bigint {
  let s = 0n;
  for (let h = 0; h <= c.height; h++) s += subsidyAt(c.params, h);
  return s;
}

const SEEDS = Number(process.env.CHAOS_SEEDS ?? 3);
const STEPS = Number(process.env.CHAOS_STEPS ?? 40);

for (let seed = 1; seed <= SEEDS; seed++) {
  describe(`chaos, seed ${seed}`, () => {
    it('converges after partitions, losses, competing miners and payments', async () => {
      const tn = new TimedNetwork({ seed: 900 + seed, latency: 5 });
      const rnd = new SeededRandom(seed);
      const ids = ['C', 'N1', 'N2', 'N3', 'N4', 'N5'];
      const keys = ids.map((id) => (id === 'C' ? tn.centralKey : testKey(`CHAOS_${id}`)));
      const options = (i: number): Partial<NodeOptions> => ({ topology: 'mesh', mining: 'off', keys: [keys[i]], ...(i === 0 ? {} : { seeds: ['C'] }) });
      const role = (i: number) => (i === 0 ? 'central' : i % 2 ? 'miner' : 'wallet');
      const nodes: FullNode[] = ids.map((id, i) => tn.add(id, role(i), options(i)));
      const stores: NodeStore[] = [];
      const errors: unknown[] = [];
      for (const [i, n] of nodes.entries()) {
        stores[i] = await NodeStore.open(databaseName(`chaos${seed}`, ids[i]));
        stores[i].attach(n);
      }
      /** A tab reloads: cleanly (its writes finish first) or killed (queued writes are lost). */
      const reload = async (i: number, clean: boolean) => {
        errors.push(...tn.events.get(ids[i])!.filter((e) => e.type === 'log' && e.level === 'error'));
        if (clean) await stores[i].flushed();
        nodes[i].stop();
        stores[i].close();
        stores[i] = await NodeStore.open(databaseName(`chaos${seed}`, ids[i]));
        const saved = await stores[i].load();
        nodes[i] = tn.add(ids[i], role(i), { ...options(i), ...restoredOptions(saved) });
        expect(nodes[i].restoreReport?.repaired ?? [], `${ids[i]} reloaded`).toEqual([]);
        stores[i].attach(nodes[i]);
      };
      let reloads = 0;
      await tn.runFor(3_000);
      // Fund everyone from the central node.
      for (let i = 1; i < ids.length; i++) nodes[0].send(keys[0].address, keys[i].address, 1n * COIN);
      nodes[0].mineOnce();
      await tn.runFor(2_000);

      let partitioned = false;
      for (let step = 0; step < STEPS; step++) {
        const r = rnd.next();
        const n = nodes[Math.floor(rnd.next() * nodes.length)];
        if (r < 0.3) n.mineOnce();
        else if (r < 0.6) {
          const to = keys[Math.floor(rnd.next() * keys.length)];
          try {
            n.send(n.keys[0].address, to.address, BigInt(1 + Math.floor(rnd.next() * 5)) * 1_000_000n);
          } catch {
            // no funds on this node's view, or a conflict: fine
          }
        } else if (r < 0.75) {
          if (partitioned) tn.net.heal();
          else {
            const cut = ids.filter(() => rnd.next() < 0.5);
            tn.net.partition(cut, ids.filter((id) => !cut.includes(id)));
          }
          partitioned = !partitioned;
        } else if (r < 0.85) tn.net.setDefaults({ dropRate: rnd.next() < 0.5 ? Number(process.env.CHAOS_DROP ?? 0.05) : 0 });
        else if (r < 0.95) {
          await reload(Math.floor(rnd.next() * nodes.length), rnd.next() < 0.5);
          reloads++;
        }
        await tn.runFor(200 + Math.floor(rnd.next() * 3_000));
      }

      // Clear weather: no partition, no loss; time for timeouts, reconnections and sync.
      tn.net.heal();
      tn.net.setDefaults({ dropRate: 0 });
      await tn.runFor(60_000);
      nodes[1].mineOnce(); // one more block to pull every straggler onto the best chain
      await tn.runFor(10_000);

      const tip = nodes[1].tipHash;
      const commitment = nodes[1].chain!.utxo.commitment();
      for (const n of nodes) {
        expect(n.tipHash, n.id).toBe(tip);
        expect(n.chain!.utxo.commitment(), n.id).toEqual(commitment);
        expect(utxoTotal(n.chain!.utxo), n.id).toBe(subsidyTotal(n.chain!));
        // Every mempool transaction spends coins that exist (on chain or in the mempool), once.
        const spent = new Set<string>();
        const view = n.mempool!.view();
        for (const e of n.mempool!.all())
          for (const input of e.tx.inputs) {
            const k = outpointKey(input.prevout);
            expect(view.getCoin(k), `${n.id} mempool input ${k}`).toBeDefined();
            expect(spent.has(k), `${n.id} double spend in mempool`).toBe(false);
            spent.add(k);
          }
        expect(n.peerIds().length, n.id).toBeGreaterThan(0);
      }
      for (const [id, log] of tn.events) expect(log.filter((e) => e.type === 'log' && e.level === 'error'), id).toEqual([]);
      expect(errors).toEqual([]);
      expect(nodes[1].height).toBeGreaterThan(3);
      expect(reloads).toBeGreaterThan(0);
      // One last clean reload of everyone: every store holds exactly the network's state.
      for (let i = 0; i < nodes.length; i++) {
        await reload(i, true);
        expect(nodes[i].tipHash, ids[i]).toBe(tip);
        expect(nodes[i].chain!.utxo.commitment(), ids[i]).toEqual(commitment);
      }
      for (const s of stores) s.close();
    });
  });
}
