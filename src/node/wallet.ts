/**
 * The node's wallet (the seed tutorial's wallet file): its keys, new addresses, imports, and
 * payments built from what the chain and mempool say this wallet can spend. Keys never leave the
 * node except through `exportWif`, which the UI calls when a student asks to see one.
 */
import { buildPayment, buildPaymentAtRate, exportWif, spendableCoins, txSize, walletKeyFromSecret, type Chain, type Mempool, type PricedPayment, type WalletKey } from '../core';
import { clampLabel } from './net/nodeInfo';
import type { EventBus, Role } from './events';
import type { Clock, Random } from './transport';

export class NodeWallet {
  private readonly list: WalletKey[];

  constructor(
    keys: WalletKey[] | undefined,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    role: Role,
    id: string,
  ) {
    this.list = keys ? [...keys] : [];
    if (this.list.length === 0) this.list.push(walletKeyFromSecret(random.bytes32(), `${role} ${id}`));
  }

  /** Every key, first (the coinbase address) first. */
  get keys(): readonly WalletKey[] {
    return this.list;
  }
  /** The first key: where mined coins go. */
  get primary(): WalletKey {
    return this.list[0]!;
  }
  find(address: string): WalletKey | undefined {
    return this.list.find((k) => k.address === address);
  }

  private changed(): void {
    this.bus.emit({ type: 'wallet-changed', time: this.clock.now() });
  }

  /** A new key (address) in this wallet. */
  newAddress(label?: string): WalletKey {
    const key = walletKeyFromSecret(this.random.bytes32(), label ?? `address ${this.list.length + 1}`);
    this.list.push(key);
    this.changed();
    return key;
  }

  /** Names one of this wallet's addresses (at most 32 bytes; an empty name removes it). */
  setLabel(address: string, label: string): void {
    const i = this.list.findIndex((k) => k.address === address);
    if (i < 0) throw new Error(`address ${address} is not in this node's wallet`);
    const k = this.list[i]!;
    const name = clampLabel(label);
    const { label: _old, ...rest } = k;
    this.list[i] = name ? { ...rest, label: name } : rest;
    this.changed();
  }

  /** Adds an imported key (a WIF a student brought from another tab). */
  add(key: WalletKey): void {
    if (!this.find(key.address)) this.list.push(key);
    this.changed();
  }

  /** The WIF of one of this wallet's keys (for "export"), or undefined. */
  exportWif(address: string): string | undefined {
    const k = this.find(address);
    return k && exportWif(k);
  }

  /**
   * Builds and signs a payment from one of this wallet's addresses (the seed tutorial's
   * `send -from -to -amount`), spending its oldest coins first. Throws PaymentError or Error.
   */
  pay(chain: Chain, mempool: Mempool, from: string, to: string, amount: bigint, opts: { fee?: bigint; feeRate?: number } = {}): PricedPayment {
    const key = this.find(from);
    if (!key) throw new Error(`address ${from} is not in this node's wallet`);
    const coins = spendableCoins(key.script, chain.utxo, mempool, { height: chain.height, maturity: chain.params.coinbaseMaturity });
    if (opts.fee === undefined && opts.feeRate !== undefined) return buildPaymentAtRate({ from: key, to, amount, feeRate: opts.feeRate, coins });
    const tx = buildPayment({ from: key, to, amount, ...(opts.fee !== undefined ? { fee: opts.fee } : {}), coins });
    return { tx, size: txSize(tx), fee: opts.fee ?? 0n };
  }
}
