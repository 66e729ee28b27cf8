/**
 * What a transaction does to a wallet, for the wallet view: the outputs it spends (with the coins
 * they held, when known), the outputs it creates, which of them are the wallet's, and the net
 * change in the wallet's balance — Bitcoin has no "account balance", only outputs owned.
 */
import { hashToHex, isCoinbase, txidHex, type Coin, type Tx } from '../../../core';
import { addressOfScript } from '../chain/blockParts';

/** One side of a payment: an input (with its outpoint) or an output. */
export interface PaymentPart {
  /** `txid:vout` the input spends, or of the output itself. */
  outpoint: string;
  address: string | null;
  value: bigint | null;
  mine: boolean;
}

/** A transaction as the wallet explains it. */
export interface PaymentView {
  txid: string;
  coinbase: boolean;
  inputs: PaymentPart[];
  outputs: PaymentPart[];
  /** Received minus spent by the wallet's addresses; null if an input's coin is unknown. */
  net: bigint | null;
  /** Inputs minus outputs (the miner's fee); null for a coinbase or an unknown input. */
  fee: bigint | null;
}

/**
 * Explains `tx` for a wallet owning `mine` addresses; `spent[i]` is the coin input i spends
 * (undo data for a block, the UTXO set or a parent for the mempool), null when unknown.
 * Returns null when the transaction neither spends nor pays the wallet.
 */
export function describePayment(tx: Tx, spent: readonly (Coin | { value: bigint; script: Uint8Array } | null)[], mine: ReadonlySet<string>): PaymentView | null {
  const id = txidHex(tx);
  const cb = isCoinbase(tx);
  const inputs: PaymentPart[] = cb
    ? []
    : tx.inputs.map((input, i) => {
        const coin = spent[i] ?? null;
        const address = coin ? addressOfScript(coin.script) : null;
        return { outpoint: `${hashToHex(input.prevout.txid)}:${input.prevout.vout}`, address, value: coin ? coin.value : null, mine: !!address && mine.has(address) };
      });
  const outputs: PaymentPart[] = tx.outputs.map((o, v) => {
    const address = addressOfScript(o.script);
    return { outpoint: `${id}:${v}`, address, value: o.value, mine: !!address && mine.has(address) };
  });
  if (!inputs.some((p) => p.mine) && !outputs.some((p) => p.mine)) return null;
  const known = inputs.every((p) => p.value !== null);
  const sum = (parts: PaymentPart[]) => parts.reduce((s, p) => s + (p.value ?? 0n), 0n);
  const net = known ? sum(outputs.filter((p) => p.mine)) - sum(inputs.filter((p) => p.mine)) : null;
  const fee = !cb && known ? sum(inputs) - sum(outputs) : null;
  return { txid: id, coinbase: cb, inputs, outputs, net, fee };
}
