import { addressFromPublicKey, publicKeyOf, signDigest, isValidPrivateKey, privateKeyToWif } from '../crypto/keys';
import { scriptForDestination } from '../crypto/address';
import { hash160 } from '../crypto/hash';
import { legacySighash } from '../crypto/sighash';
import { p2pkhInputScript, p2pkhScript, SIGHASH_ALL } from '../primitives/script';
import { outpointFromKey, outpointKey, txidHex, type Tx, type TxOut } from '../primitives/tx';
import type { Coin, UtxoSet } from '../chain/utxo';
import type { Mempool } from '../mempool/mempool';

/** A key pair with its address and locking script. */
export interface WalletKey {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  pubkeyHash: Uint8Array;
  address: string;
  script: Uint8Array;
  label?: string;
}

/** Builds a wallet key from 32 bytes of secret (the caller supplies the randomness). */
export function walletKeyFromSecret(secret: Uint8Array, label?: string): WalletKey {
  if (!isValidPrivateKey(secret)) throw new RangeError('private key must be 32 bytes in [1, n-1]');
  const publicKey = publicKeyOf(secret);
  const pubkeyHash = hash160(publicKey);
  return {
    privateKey: secret.slice(),
    publicKey,
    pubkeyHash,
    address: addressFromPublicKey(publicKey),
    script: p2pkhScript(pubkeyHash),
    ...(label ? { label } : {}),
  };
}

/** WIF of a wallet key, for export. */
export function exportWif(key: WalletKey): string {
  return privateKeyToWif(key.privateKey);
}

/** Locking script paying an address (P2PKH, or P2SH for a multisig or time-lock address). */
export function scriptForAddress(address: string): Uint8Array {
  return scriptForDestination(address);
}

/** An output a wallet could spend. */
export interface SpendableCoin {
  key: string;
  coin: Coin;
  confirmed: boolean;
}

/** Balances of one address: confirmed, and as the mempool would leave it. */
export interface Balance {
  /** Sum of confirmed unspent outputs. */
  confirmed: bigint;
  /** Confirmed outputs already being spent by mempool transactions. */
  pendingOut: bigint;
  /** Outputs to this address created by mempool transactions and not yet spent there. */
  pendingIn: bigint;
  /** confirmed - pendingOut + pendingIn: the balance once the mempool confirms. */
  total: bigint;
}

/** Balance of an address from the UTXO set and the mempool. */
export function balanceOf(script: Uint8Array, utxo: UtxoSet, mempool?: Mempool): Balance {
  let confirmed = 0n;
  let pendingOut = 0n;
  for (const [key, coin] of utxo.coinsForScript(script)) {
    confirmed += coin.value;
    if (mempool?.spenderOf(key)) pendingOut += coin.value;
  }
  let pendingIn = 0n;
  if (mempool)
    for (const c of unconfirmedCoins(script, mempool)) pendingIn += c.coin.value;
  return { confirmed, pendingOut, pendingIn, total: confirmed - pendingOut + pendingIn };
}

function unconfirmedCoins(script: Uint8Array, mempool: Mempool): SpendableCoin[] {
  const out: SpendableCoin[] = [];
  for (const e of mempool.all())
    e.tx.outputs.forEach((o, v) => {
      const key = `${e.txid}:${v}`;
      if (sameBytes(o.script, script) && !mempool.spenderOf(key))
        out.push({ key, coin: { value: o.value, script: o.script, height: -1, coinbase: false }, confirmed: false });
    });
  return out;
}

/** Outputs an address can spend now: confirmed and not spent by the mempool, then unconfirmed change. */
export function spendableCoins(script: Uint8Array, utxo: UtxoSet, mempool?: Mempool, opts: { height?: number; maturity?: number } = {}): SpendableCoin[] {
  const confirmed = utxo
    .coinsForScript(script)
    .filter(([key]) => !mempool?.spenderOf(key))
    .filter(([, c]) => !c.coinbase || opts.height === undefined || opts.height + 1 - c.height >= (opts.maturity ?? 0))
    .map(([key, coin]) => ({ key, coin, confirmed: true }))
    .sort((a, b) => a.coin.height - b.coin.height || (a.key < b.key ? -1 : 1));
  return [...confirmed, ...(mempool ? unconfirmedCoins(script, mempool) : [])];
}

/** Why a payment could not be built. */
export class PaymentError extends Error {
  constructor(
    public readonly reason: 'insufficient-funds' | 'bad-amount' | 'bad-address',
    message: string,
    /** For insufficient-funds: what the address can spend and what the payment needs (sat), so a UI can say it in coins. */
    public readonly funds?: { have: bigint; need: bigint },
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}

/**
 * Builds and signs a payment like the seed tutorial's `send -from -to -amount`: spends the
 * sender's outputs (oldest first), pays `amount` to the recipient, returns change to the sender,
 * leaves `fee` to the miner. Every input gets a low-S SIGHASH_ALL signature.
 */
export function buildPayment(args: {
  from: WalletKey;
  to: string;
  amount: bigint;
  fee?: bigint;
  coins: SpendableCoin[];
  /** Outputs added after the payment (e.g. an OP_RETURN note of 0 sat). */
  extraOutputs?: TxOut[];
}): Tx {
  const fee = args.fee ?? 0n;
  if (args.amount <= 0n) throw new PaymentError('bad-amount', 'amount must be positive');
  if (fee < 0n) throw new PaymentError('bad-amount', 'fee cannot be negative');
  let toScript: Uint8Array;
  try {
    toScript = scriptForAddress(args.to);
  } catch (e) {
    throw new PaymentError('bad-address', (e as Error).message);
  }
  const need = args.amount + fee + (args.extraOutputs ?? []).reduce((s, o) => s + o.value, 0n);
  const chosen: SpendableCoin[] = [];
  let sum = 0n;
  for (const c of args.coins) {
    if (sum >= need) break;
    chosen.push(c);
    sum += c.coin.value;
  }
  if (sum < need)
    throw new PaymentError('insufficient-funds', `not enough funds: ${args.from.address} can spend ${sum} sat, needs ${need} sat`, { have: sum, need });
  const outputs: TxOut[] = [{ value: args.amount, script: toScript }, ...(args.extraOutputs ?? [])];
  if (sum > need) outputs.push({ value: sum - need, script: args.from.script });
  const unsigned: Tx = {
    version: 1,
    inputs: chosen.map((c) => ({ prevout: outpointFromKey(c.key), scriptSig: new Uint8Array(0), sequence: 0xffffffff })),
    outputs,
    locktime: 0,
  };
  return signTx(unsigned, chosen.map((c) => c.coin.script), args.from);
}

/** Signs every input of a transaction with one key (all inputs spend that key's outputs). */
export function signTx(tx: Tx, prevScripts: Uint8Array[], key: WalletKey): Tx {
  if (prevScripts.length !== tx.inputs.length) throw new RangeError(`${tx.inputs.length} inputs but ${prevScripts.length} previous scripts`);
  const inputs = tx.inputs.map((input, i) => {
    const digest = legacySighash(tx, i, prevScripts[i]!, SIGHASH_ALL);
    return { ...input, scriptSig: p2pkhInputScript(signDigest(digest, key.privateKey), SIGHASH_ALL, key.publicKey) };
  });
  return { ...tx, inputs };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export { outpointKey, txidHex };
