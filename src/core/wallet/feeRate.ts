/**
 * Payments that pay a fee *rate* (satoshis per byte of the signed transaction), as a Bitcoin
 * wallet does: the fee depends on the size, the size on how many coins are spent, and the coins
 * on the fee, so the payment is built, measured and built again until the fee covers the rate.
 * (Bitcoin counts virtual bytes since SegWit; tabchain has no witnesses, so a byte is a byte.)
 */
import { txSize, type Tx, type TxOut } from '../primitives/tx';
import { buildPayment, type SpendableCoin, type WalletKey } from './wallet';

/** Bitcoin Core's default minimum relay fee rate (1 sat/vB), the send form's default. */
export const DEFAULT_FEE_RATE = 1;
/** The highest fee rate a form accepts (sat/byte): a typo of 10,000 must not give a coin away. */
export const MAX_FEE_RATE = 1_000;

/** A built payment with its size and the fee it leaves to the miner. */
export interface PricedPayment {
  tx: Tx;
  size: number;
  fee: bigint;
}

/**
 * Builds and signs a payment paying at least `feeRate` sat per byte of its own serialized size.
 * Throws PaymentError like `buildPayment` (insufficient-funds counts the fee in what is needed).
 */
export function buildPaymentAtRate(args: { from: WalletKey; to: string; amount: bigint; feeRate: number; coins: SpendableCoin[]; extraOutputs?: TxOut[] }): PricedPayment {
  if (!Number.isFinite(args.feeRate) || args.feeRate < 0) throw new RangeError('fee rate must be a non-negative number');
  const feeFor = (size: number) => BigInt(Math.ceil(args.feeRate * size));
  let fee = 0n;
  // Each round spends at least as many coins as the last (the fee only grows), so it settles
  // quickly; signatures vary by a byte, which the "at least" absorbs.
  for (let round = 0; round < 8; round++) {
    const tx = buildPayment({ from: args.from, to: args.to, amount: args.amount, fee, coins: args.coins, extraOutputs: args.extraOutputs ?? [] });
    const size = txSize(tx);
    const want = feeFor(size);
    if (fee >= want) return { tx, size, fee };
    fee = want;
  }
  const tx = buildPayment({ from: args.from, to: args.to, amount: args.amount, fee, coins: args.coins, extraOutputs: args.extraOutputs ?? [] });
  return { tx, size: txSize(tx), fee };
}
