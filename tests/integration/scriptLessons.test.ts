/**
 * The wallet lessons between full nodes on the in-memory network, through NodeApi only (as the
 * UI does it): two wallets share a 2-of-2 multisig, the spend travels between them collecting
 * signatures (keys never leave their node), is relayed and mined everywhere; a note rides in an
 * OP_RETURN output that every node stores in the block and none keeps in its UTXO set.
 */
import { describe, expect, it } from 'vitest';
import { COIN, addSignature, buildScriptSpend, decodeTx, encodeTx, inputSigners, multisigAddress, txidHex, type Tx } from '../../src/core';
import type { FullNode } from '../../src/node/node';
import { TestNetwork } from '../helpers/testNetwork';

/** What a student's tab does with "Add my signature": the node signs, the core places the signature. */
function signAs(node: FullNode, tx: Tx): Tx {
  const me = node.query.walletKeys()[0]!;
  const state = inputSigners(tx, 0)!;
  return addSignature(tx, 0, node.signInput(tx, 0, state.from.redeemScript, me.address), me.publicKey);
}

describe('Script lessons across nodes', () => {
  it('a 2-of-2 multisig between two wallet nodes: funded, spent with both signatures, mined on every node', async () => {
    const tn = new TestNetwork({ seed: 16 });
    const C = tn.add('C', 'central');
    const A = tn.add('A', 'wallet', { seeds: ['C'] });
    const B = tn.add('B', 'wallet', { seeds: ['C'] });
    await tn.settle();
    const [a, b] = [A.query.walletKeys()[0]!, B.query.walletKeys()[0]!];
    // Each builds the address from the two public keys, in its own order: the same address.
    const sharedA = multisigAddress(2, [a.publicKey, b.publicKey]);
    const sharedB = multisigAddress(2, [b.publicKey, a.publicKey]);
    expect(sharedA.address).toBe(sharedB.address);

    C.send(tn.centralKey.address, sharedA.address, 4n * COIN, { mine: true });
    await tn.settle();
    expect(A.query.scriptBalance(sharedA.script).confirmed).toBe(4n * COIN);

    // A proposes 3 coins to B and signs; the hex goes to B, who signs and broadcasts.
    const proposal = signAs(A, buildScriptSpend({ from: sharedA, coins: A.query.spendable(sharedA.script), to: b.address, amount: 3n * COIN }));
    const atB = signAs(B, decodeTx(encodeTx(proposal)));
    expect(inputSigners(atB, 0)!.complete).toBe(true);
    B.submitTx(atB);
    await tn.settle();
    for (const n of [C, A]) expect(n.query.mempoolEntry(txidHex(atB)), n.id).toBeDefined();
    C.mineOnce();
    await tn.settle();
    for (const n of [C, A, B]) {
      expect(n.query.scriptBalance(sharedA.script).confirmed, n.id).toBe(1n * COIN);
      expect(n.query.coinsFor(b.script).reduce((s, [, c]) => s + c.value, 0n), n.id).toBe(3n * COIN);
    }
  });

  it('a payment with a note: the OP_RETURN output is in the block on every node and in no UTXO set', async () => {
    const tn = new TestNetwork({ seed: 17 });
    const C = tn.add('C', 'central');
    const A = tn.add('A', 'wallet', { seeds: ['C'] });
    await tn.settle();
    const tx = C.send(tn.centralKey.address, A.query.walletKeys()[0]!.address, COIN, { note: 'see you in class', mine: true });
    await tn.settle();
    for (const n of [C, A]) {
      const block = n.query.block(n.tipHash!)!;
      expect(block.txs.map(txidHex), n.id).toContain(txidHex(tx));
      expect(n.query.coin(`${txidHex(tx)}:1`), n.id).toBeUndefined();
      expect(n.query.coin(`${txidHex(tx)}:0`)?.value, n.id).toBe(COIN);
    }
    expect(new TextDecoder().decode(tx.outputs[1]!.script.subarray(2))).toBe('see you in class');
  });
});
