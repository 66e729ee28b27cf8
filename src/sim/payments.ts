/**
 * Simulated wallets: people who pay each other with real signed transactions. Each wallet lives
 * at one node (its "home"), as a phone wallet talks to one server, and hands its payments to that
 * node, which checks them and relays them like any other. A wallet spends a coin only once its
 * home node knows the coin (in a block or in its mempool), so no payment is refused for a
 * missing parent, and it never spends a coin twice.
 *
 * Each payment spends one coin and pays it, less a fee of 1 sat per byte, to another wallet:
 * one input, one output, 192 bytes, one signature. The number of coins never grows, so a long
 * run's UTXO sets stay the size of the wallets' coins (plus the miners' rewards).
 */
import { hexToHash, p2pkhScript, signTx, txidHex, type Tx, type WalletKey, walletKeyFromSecret } from '../core';
import type { Random } from '../node/transport';

/** Outputs per funding transaction (≈ 3.4 kB each, so they fit the smallest block a simulation allows). */
const FUNDING_OUTPUTS = 100;
/** Size of a 1-in-1-out P2PKH payment with a compressed key and a 72-byte signature. */
export const PAYMENT_BYTES = 192;
/** A coin worth less than this is not spent again (its fee would eat it, and what is left would be dust: 546 sat). */
const DUST = 2_000n;
/** Wallets looked at, from a random one on, before a payment is skipped for want of a spendable coin. */
const TRIES = 32;

interface OwnedCoin {
  txid: string;
  vout: number;
  value: bigint;
}

export interface SimWallet {
  key: WalletKey;
  home: number;
  coins: OwnedCoin[];
}

/** What the wallets need from the simulated network. */
export interface PaymentHost {
  /** Whether node `home` knows the output (confirmed, or created by a transaction in its mempool). */
  knows(home: number, txid: string, vout: number): boolean;
  /** Hands a signed payment to node `home`; false if the node refused it. */
  submit(home: number, tx: Tx): boolean;
}

export class Wallets {
  readonly wallets: SimWallet[];
  made = 0;
  skipped = 0;
  refused = 0;

  constructor(
    count: number,
    nodes: number,
    private readonly random: Random,
    private readonly host: PaymentHost,
  ) {
    this.wallets = Array.from({ length: count }, (_, i) => ({ key: walletKeyFromSecret(random.bytes32(), `wallet ${i}`), home: i % nodes, coins: [] }));
  }

  /**
   * Splits one coin of the faucet into `perWallet` equal coins for every wallet: a chain of funding
   * transactions (100 outputs and the change each), handed to node 0.
   */
  fund(faucet: WalletKey, coin: OwnedCoin, perWallet: number): Tx[] {
    const owners = this.wallets.flatMap((w) => Array.from({ length: perWallet }, () => w));
    const share = (coin.value - BigInt(owners.length) * 40n - BigInt(Math.ceil(owners.length / FUNDING_OUTPUTS)) * 200n) / BigInt(owners.length);
    const txs: Tx[] = [];
    let prev = coin;
    for (let at = 0; at < owners.length; at += FUNDING_OUTPUTS) {
      const batch = owners.slice(at, at + FUNDING_OUTPUTS);
      const outputs = batch.map((w) => ({ value: share, script: w.key.script }));
      const last = at + FUNDING_OUTPUTS >= owners.length;
      const size = 10 + 148 + 34 * (outputs.length + 1);
      const change = prev.value - share * BigInt(batch.length) - BigInt(size);
      // The last one keeps no change (what is left, a few hundred satoshis, would be dust): it is the miner's fee.
      if (!last) outputs.push({ value: change, script: faucet.script });
      const tx = this.sign(prev, outputs, faucet);
      const id = txidHex(tx);
      batch.forEach((w, i) => w.coins.push({ txid: id, vout: i, value: share }));
      prev = { txid: id, vout: batch.length, value: change };
      txs.push(tx);
      if (!this.host.submit(0, tx)) throw new Error('node 0 refused a funding transaction');
    }
    return txs;
  }

  /** One payment from a wallet holding a coin its home node knows to another wallet; null if none could pay. */
  payOnce(): Tx | null {
    const n = this.wallets.length;
    if (n < 2) return null;
    const start = Math.floor(this.random.next() * n);
    for (let k = 0; k < Math.min(n, TRIES); k++) {
      const from = this.wallets[(start + k) % n]!;
      const i = from.coins.findIndex((c) => c.value > DUST && this.host.knows(from.home, c.txid, c.vout));
      if (i < 0) continue;
      const coin = from.coins[i]!;
      let j = Math.floor(this.random.next() * (n - 1));
      if (j >= (start + k) % n) j++;
      const to = this.wallets[j]!;
      const value = coin.value - BigInt(PAYMENT_BYTES);
      const tx = this.sign(coin, [{ value, script: to.key.script }], from.key);
      from.coins.splice(i, 1);
      if (!this.host.submit(from.home, tx)) {
        from.coins.push(coin);
        this.refused++;
        return null;
      }
      to.coins.push({ txid: txidHex(tx), vout: 0, value });
      this.made++;
      return tx;
    }
    this.skipped++;
    return null;
  }

  private sign(coin: OwnedCoin, outputs: { value: bigint; script: Uint8Array }[], key: WalletKey): Tx {
    const unsigned: Tx = {
      version: 1,
      inputs: [{ prevout: { txid: hexToHash(coin.txid), vout: coin.vout }, scriptSig: new Uint8Array(0), sequence: 0xffffffff }],
      outputs,
      locktime: 0,
    };
    return signTx(unsigned, [p2pkhScript(key.pubkeyHash)], key);
  }
}

