import { describe, expect, it } from 'vitest';
import { COIN } from '../../src/core';
import { TestNetwork } from '../helpers/testNetwork';
import { testKey } from '../helpers/chainBuilder';
import type { Topology } from '../../src/node/events';

// "Building Blockchain in Go", part 7, as a multi-node story on the in-memory network.
for (const topology of ['star', 'mesh'] as Topology[]) {
  describe(`seed tutorial, 9 steps, ${topology}`, () => {
    it('ends with balances 9, 9, 1, 1, miner 10, central 10 on every node', async () => {
      const tn = new TestNetwork({ seed: 42 });
      const CENTRAL = tn.centralKey;
      const [W1, W2, W3] = ['WALLET_1', 'WALLET_2', 'WALLET_3'].map(testKey);
      const W4 = testKey('WALLET_4');
      const MINER = testKey('MINER_WALLET');

      // 1. The central node creates the chain (genesis pays CENTRAL 10) and, like the tutorial's
      //    `send -mine`, pays WALLET_1 and WALLET_2 10 each, mining each payment itself.
      const central = tn.add('3000', 'central', { topology });
      expect(central.height).toBe(0);
      central.send(CENTRAL.address, W1.address, 10n * COIN, { mine: true });
      await tn.settle();
      central.send(CENTRAL.address, W2.address, 10n * COIN, { mine: true });
      await tn.settle();
      expect(central.height).toBe(2);

      // 2. A wallet node connects and downloads the chain.
      const wallet = tn.add('3001', 'wallet', { seeds: ['3000'], keys: [W1, W2, W3], topology });
      // 3. A miner node connects and downloads it too.
      const miner = tn.add('3002', 'miner', { seeds: ['3000'], keys: [MINER, W4], topology });
      await tn.settle();
      expect(wallet.height).toBe(2);
      expect(miner.height).toBe(2);
      expect(wallet.tipHash).toBe(central.tipHash);

      // 4. The wallet creates two payments.
      wallet.send(W1.address, W3.address, 1n * COIN);
      wallet.send(W2.address, W4.address, 1n * COIN);
      // 5.-6. The miner receives them and, at 2 transactions, mines.
      await tn.settle();
      expect(tn.miners.get('3002')!.mined).toBe(1);

      // 7.-8. The block reaches the central node and the wallet.
      for (const n of tn.nodes.values()) {
        expect(n.height).toBe(3);
        expect(n.tipHash).toBe(miner.tipHash);
        expect(n.mempool!.size).toBe(0);
      }
      // 9. Balances, on every node.
      for (const id of tn.nodes.keys())
        expect([W1, W2, W3, W4, MINER, CENTRAL].map((k) => tn.balance(id, k))).toEqual([9, 9, 1, 1, 10, 10]);

      if (topology === 'star') {
        // The payments reached the miner through the central node only.
        expect(wallet.peerIds()).toEqual(['3000']);
        expect(miner.peerIds()).toEqual(['3000']);
        const minerTxFrom = tn.events.get('3002')!.filter((e) => e.type === 'message' && e.dir === 'in' && e.command === 'tx').map((e) => (e as { peer: string }).peer);
        expect(minerTxFrom).toEqual(['3000', '3000']);
      } else {
        expect(wallet.peerIds().sort()).toEqual(['3000', '3002']);
      }
    });
  });
}
