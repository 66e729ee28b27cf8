import { bytesEqual, concatBytes, hexToHash, toHex } from '../encoding';
import { verifyEcdsa } from '../crypto/keys';
import { legacySighash } from '../crypto/sighash';
import { p2shAddress, scriptForDestination } from '../crypto/address';
import { OP } from '../script/opcodes';
import { decodeOps, pushBytes } from '../script/script';
import { numValue } from '../script/num';
import { multisigScript, p2shFor, timeLockScript } from '../script/templates';
import type { Tx, TxOut } from '../primitives/tx';
import type { Coin } from '../chain/utxo';

/**
 * The wallet lessons beyond "pay an address": coins locked by a script behind a P2SH address —
 * an m-of-n multisig shared by several students' wallets, and a time lock (CHECKLOCKTIMEVERIFY).
 * A spending transaction carries its own redeem scripts in its scriptSigs, so it can travel from
 * student to student (as hex) collecting signatures until it is complete.
 */

/** A P2SH address and the script behind it. */
export interface ScriptAddress {
  kind: 'multisig' | 'timelock';
  redeemScript: Uint8Array;
  /** The P2SH locking script (what the UTXO set holds). */
  script: Uint8Array;
  address: string;
  /** Multisig: signatures required and the keys (in script order). */
  required?: number;
  keys?: Uint8Array[];
  /** Time lock: the height (or time) from which the key can spend, and the key. */
  lockTime?: number;
}

/** BIP67: keys sorted by their bytes, so every student who enters the same keys gets the same address. */
export function sortKeys(pubkeys: readonly Uint8Array[]): Uint8Array[] {
  return [...pubkeys].sort((a, b) => (toHex(a) < toHex(b) ? -1 : toHex(a) > toHex(b) ? 1 : 0));
}

/** An m-of-n multisig P2SH address over the given public keys (sorted, BIP67). */
export function multisigAddress(m: number, pubkeys: readonly Uint8Array[]): ScriptAddress {
  const keys = sortKeys(pubkeys);
  for (let i = 1; i < keys.length; i++) if (bytesEqual(keys[i]!, keys[i - 1]!)) throw new RangeError('the same key appears twice');
  const redeemScript = multisigScript(m, keys);
  return { kind: 'multisig', redeemScript, script: p2shFor(redeemScript), address: p2shAddress(redeemScript), required: m, keys };
}

/** A P2SH address that `pubkey` can spend only from block `lockTime` on (BIP65). */
export function timeLockAddress(lockTime: number, pubkey: Uint8Array): ScriptAddress {
  const redeemScript = timeLockScript(lockTime, pubkey);
  return { kind: 'timelock', redeemScript, script: p2shFor(redeemScript), address: p2shAddress(redeemScript), lockTime, keys: [pubkey] };
}

/** Recognises the redeem scripts this wallet builds (for a transaction pasted from another student). */
export function describeRedeemScript(redeem: Uint8Array): ScriptAddress | null {
  const { ops, truncated } = decodeOps(redeem);
  if (truncated || ops.length < 4) return null;
  const last = ops[ops.length - 1]!.op;
  const small = (op: number) => (op >= OP.OP_1 && op <= OP.OP_16 ? op - OP.OP_1 + 1 : null);
  if (last === OP.OP_CHECKMULTISIG) {
    const m = small(ops[0]!.op), n = small(ops[ops.length - 2]!.op);
    const keys = ops.slice(1, -2).map((o) => o.data);
    if (m === null || n === null || keys.length !== n || keys.some((k) => !k)) return null;
    return { kind: 'multisig', redeemScript: redeem, script: p2shFor(redeem), address: p2shAddress(redeem), required: m, keys: keys as Uint8Array[] };
  }
  if (ops.length === 5 && ops[1]!.op === OP.OP_CHECKLOCKTIMEVERIFY && ops[2]!.op === OP.OP_DROP && last === OP.OP_CHECKSIG && ops[3]!.data) {
    const l = ops[0]!;
    const lockTime = l.data ? numValue(l.data) : small(l.op) ?? (l.op === OP.OP_0 ? 0 : null);
    if (lockTime === null) return null;
    return { kind: 'timelock', redeemScript: redeem, script: p2shFor(redeem), address: p2shAddress(redeem), lockTime, keys: [ops[3]!.data] };
  }
  return null;
}

/** Sequence number that leaves nLockTime in force (any value below 0xffffffff). */
const SEQUENCE_LOCKTIME = 0xfffffffe;

/**
 * An unsigned transaction spending coins of one script address: `amount` to `to`, the rest
 * minus `fee` back to the same address. Each scriptSig holds the redeem script (multisig: after
 * the OP_0 CHECKMULTISIG needs), so the transaction describes itself to every signer. A time
 * lock spend carries nLockTime = `lockTime` (default: the script's) and non-final sequences.
 */
export function buildScriptSpend(args: {
  from: ScriptAddress;
  coins: { key: string; coin: Coin }[];
  to: string;
  amount: bigint;
  fee?: bigint;
  lockTime?: number;
}): Tx {
  const fee = args.fee ?? 0n;
  const total = args.coins.reduce((s, c) => s + c.coin.value, 0n);
  if (args.amount <= 0n || fee < 0n || total < args.amount + fee) throw new RangeError(`the address holds ${total} sat; ${args.amount + fee} sat needed`);
  const outputs: TxOut[] = [{ value: args.amount, script: scriptForDestination(args.to) }];
  if (total > args.amount + fee) outputs.push({ value: total - args.amount - fee, script: args.from.script });
  const timelock = args.from.kind === 'timelock';
  const placeholder = args.from.kind === 'multisig' ? concatBytes(Uint8Array.of(OP.OP_0), pushBytes(args.from.redeemScript)) : pushBytes(args.from.redeemScript);
  return {
    version: 1,
    inputs: args.coins.map((c) => {
      const [txid, vout] = c.key.split(':');
      return { prevout: { txid: hexToHash(txid!), vout: Number(vout) }, scriptSig: placeholder, sequence: timelock ? SEQUENCE_LOCKTIME : 0xffffffff };
    }),
    outputs,
    locktime: timelock ? (args.lockTime ?? args.from.lockTime ?? 0) : 0,
  };
}

/** The redeem script an input of such a transaction carries (its last push), if it is one of ours. */
export function inputRedeemScript(tx: Tx, index: number): ScriptAddress | null {
  const pushes = decodeOps(tx.inputs[index]?.scriptSig ?? new Uint8Array(0)).ops;
  const last = pushes[pushes.length - 1]?.data;
  return last ? describeRedeemScript(last) : null;
}

/** Which keys have signed input `index` (signatures checked against the transaction as it is now). */
export function inputSigners(tx: Tx, index: number): { from: ScriptAddress; signers: Uint8Array[]; complete: boolean } | null {
  const from = inputRedeemScript(tx, index);
  if (!from) return null;
  const sigs = decodeOps(tx.inputs[index]!.scriptSig).ops.slice(0, -1).map((o) => o.data).filter((d): d is Uint8Array => !!d && d.length > 0);
  const signers = (from.keys ?? []).filter((key) => sigs.some((sig) => signs(tx, index, from.redeemScript, sig, key)));
  return { from, signers, complete: signers.length >= (from.required ?? 1) };
}

function signs(tx: Tx, index: number, redeem: Uint8Array, sig: Uint8Array, key: Uint8Array): boolean {
  const digest = legacySighash(tx, index, redeem, sig[sig.length - 1]!);
  return verifyEcdsa(digest, sig.subarray(0, -1), key);
}

/** The digest a signer signs for input `index` (SIGHASH_ALL over the redeem script). */
export function scriptSpendDigest(tx: Tx, index: number): Uint8Array {
  const from = inputRedeemScript(tx, index);
  if (!from) throw new RangeError(`input ${index} does not carry a redeem script this wallet knows`);
  return legacySighash(tx, index, from.redeemScript, 0x01);
}

/**
 * Adds `signature` (DER + hash type) by `pubkey` to input `index`: a multisig input keeps
 * OP_0 then its signatures in the order of the keys (CHECKMULTISIG's rule) then the redeem
 * script; a time-lock input becomes `<signature> <redeem script>`.
 */
export function addSignature(tx: Tx, index: number, signature: Uint8Array, pubkey: Uint8Array): Tx {
  const state = inputSigners(tx, index);
  if (!state) throw new RangeError(`input ${index} does not carry a redeem script this wallet knows`);
  const { from } = state;
  const keys = from.keys ?? [];
  const at = keys.findIndex((k) => bytesEqual(k, pubkey));
  if (at < 0) throw new RangeError('this key is not one of the script\'s keys');
  let scriptSig: Uint8Array;
  if (from.kind === 'timelock') scriptSig = concatBytes(pushBytes(signature), pushBytes(from.redeemScript));
  else {
    const old = decodeOps(tx.inputs[index]!.scriptSig).ops.slice(0, -1).map((o) => o.data).filter((d): d is Uint8Array => !!d && d.length > 0);
    const byKey = keys.map((key, k) => (k === at ? signature : old.find((sig) => signs(tx, index, from.redeemScript, sig, key)) ?? null));
    const sigs = byKey.filter((s): s is Uint8Array => s !== null).slice(0, from.required);
    scriptSig = concatBytes(Uint8Array.of(OP.OP_0), ...sigs.map(pushBytes), pushBytes(from.redeemScript));
  }
  return { ...tx, inputs: tx.inputs.map((input, i) => (i === index ? { ...input, scriptSig } : input)) };
}
