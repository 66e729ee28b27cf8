/**
 * The node's wallet (the seed tutorial's wallet file): its keys, new addresses, imports, and
 * payments built from what the chain and mempool say this wallet can spend. Keys never leave the
 * node except through `exportWif`, which the UI calls when a student asks to see one.
 */
import { buildPayment, buildPaymentAtRate, concatBytes, exportWif, legacySighash, nullDataScript, signDigest, spendableCoins, txSize, walletKeyFromSecret, SIGHASH_ALL, type Chain, type Mempool, type PricedPayment, type Tx, type WalletKey } from '../core';
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
    /** Called on every change (the node republishes its names in nodeinfo). */
    private readonly onChange: () => void = () => {},
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
    this.onChange();
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
   * `send -from -to -amount`), spending its oldest coins first; `note` adds an OP_RETURN output
   * (0 sat) carrying it. Throws PaymentError or Error.
   */
  pay(chain: Chain, mempool: Mempool, from: string, to: string, amount: bigint, opts: { fee?: bigint; feeRate?: number; note?: string } = {}): PricedPayment {
    const key = this.find(from);
    if (!key) throw new Error(`address ${from} is not in this node's wallet`);
    const coins = spendableCoins(key.script, chain.utxo, mempool, { height: chain.height, maturity: chain.params.coinbaseMaturity });
    // A note rides along as an OP_RETURN output (Script lesson).
    const extraOutputs = opts.note ? [{ value: 0n, script: nullDataScript(opts.note) }] : [];
    if (opts.fee === undefined && opts.feeRate !== undefined) return buildPaymentAtRate({ from: key, to, amount, feeRate: opts.feeRate, coins, extraOutputs });
    const tx = buildPayment({ from: key, to, amount, ...(opts.fee !== undefined ? { fee: opts.fee } : {}), coins, extraOutputs });
    return { tx, size: txSize(tx), fee: opts.fee ?? 0n };
  }

  /** A SIGHASH_ALL signature (DER + hash type) of input `index` over `scriptCode` by the key of `address`. */
  signInput(tx: Tx, index: number, scriptCode: Uint8Array, address: string): Uint8Array {
    const key = this.find(address);
    if (!key) throw new Error(`address ${address} is not in this node's wallet`);
    if (index < 0 || index >= tx.inputs.length) throw new RangeError(`the transaction has no input ${index}`);
    const digest = legacySighash(tx, index, scriptCode, SIGHASH_ALL);
    return concatBytes(signDigest(digest, key.privateKey), Uint8Array.of(SIGHASH_ALL));
  }
}
