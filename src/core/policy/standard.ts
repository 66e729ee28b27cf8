import { policy } from '../consensus/errors';
import { txSize, type Tx, type TxOut } from '../primitives/tx';
import { OP } from '../script/opcodes';
import { isMinimalPush, isP2SH, isPushOnly, readOp, type ScriptOp } from '../script/script';
import { isMinimalNum, numValue } from '../script/num';
import { evalScript } from '../script/interpreter';
import { NO_TX_CHECKER, pubkeySizeValid } from '../script/checker';
import { FLAGS } from '../script/errors';
import { legacySigOps, p2shSigOps, sigOpCount } from '../script/sigops';
import type { Coin } from '../chain/utxo';

/**
 * Mempool policy, as Bitcoin Core's policy/policy.cpp: which transactions a node relays and
 * mines. None of this is consensus — a block may contain any script that executes — but a
 * transaction breaking it is refused from the mempool (not punished) with Core's reason.
 */

/** Core's TxoutType: the output templates Solver recognises. */
export type ScriptTemplate = 'pubkey' | 'pubkeyhash' | 'scripthash' | 'multisig' | 'nulldata' | 'witness' | 'nonstandard';

/** What Solver found: the template and, for multisig, m and the keys. */
export interface Solution {
  type: ScriptTemplate;
  /** P2PK: [key]; P2PKH and P2SH: [hash]; multisig: the keys. */
  data: Uint8Array[];
  /** Multisig: signatures required. */
  required?: number;
}

/** Core's limits (policy/policy.h), pre-v30 OP_RETURN relay size, pre-TRUC maximum version. */
export const MAX_STANDARD_TX_SIZE = 100_000;
export const MAX_STANDARD_SCRIPTSIG_SIZE = 1650;
export const MAX_OP_RETURN_RELAY = 83;
export const MAX_STANDARD_VERSION = 2;
export const MIN_STANDARD_TX_SIZE = 65;
export const MAX_P2SH_SIGOPS = 15;
export const MAX_STANDARD_TX_SIGOPS = 4000;
/** Core's DUST_RELAY_TX_FEE: 3,000 sat per 1,000 bytes. */
export const DUST_RELAY_FEE_PER_KB = 3000n;

/** Core's Solver: recognises P2PK, P2PKH, P2SH, bare multisig (OP_m keys OP_n CHECKMULTISIG), OP_RETURN data. */
export function solve(script: Uint8Array): Solution {
  const n = script.length;
  if (isP2SH(script)) return { type: 'scripthash', data: [script.subarray(2, 22)] };
  // A witness program (version opcode + one 2..40-byte push): SegWit, which tabchain does not implement.
  if (n >= 4 && n <= 42 && (script[0] === OP.OP_0 || (script[0]! >= OP.OP_1 && script[0]! <= OP.OP_16)) && script[1]! + 2 === n)
    return { type: 'witness', data: [] };
  if (n >= 1 && script[0] === OP.OP_RETURN && isPushOnly(script, 1)) return { type: 'nulldata', data: [] };
  if ((n === 35 || n === 67) && script[0] === n - 2 && script[n - 1] === OP.OP_CHECKSIG) {
    const key = script.subarray(1, n - 1);
    if (pubkeySizeValid(key)) return { type: 'pubkey', data: [key] };
  }
  if (n === 25 && script[0] === OP.OP_DUP && script[1] === OP.OP_HASH160 && script[2] === 20 && script[23] === OP.OP_EQUALVERIFY && script[24] === OP.OP_CHECKSIG)
    return { type: 'pubkeyhash', data: [script.subarray(3, 23)] };
  const multi = solveMultisig(script);
  if (multi) return multi;
  return { type: 'nonstandard', data: [] };
}

/** Core's GetScriptNumber for multisig counts: OP_1..OP_16, or a minimal number push, within [min, max]. */
function countOf(o: ScriptOp | null, min: number, max: number): number | null {
  if (!o) return null;
  let n: number;
  if (o.op >= OP.OP_1 && o.op <= OP.OP_16) n = o.op - OP.OP_1 + 1;
  else if (o.data) {
    if (!isMinimalPush(o.data, o.op) || o.data.length > 4 || !isMinimalNum(o.data)) return null;
    n = numValue(o.data);
  } else return null;
  return n >= min && n <= max ? n : null;
}

/** Core's MatchMultisig: `m <key>… n OP_CHECKMULTISIG` with 1 <= m <= n <= 20 and well-sized keys. */
function solveMultisig(script: Uint8Array): Solution | null {
  if (script.length < 1 || script[script.length - 1] !== OP.OP_CHECKMULTISIG) return null;
  let o = readOp(script, 0);
  const m = countOf(o, 1, 20);
  if (m === null || !o) return null;
  const keys: Uint8Array[] = [];
  for (o = readOp(script, o.end); o && o.data && pubkeySizeValid(o.data); o = readOp(script, o.end)) keys.push(o.data);
  const n = countOf(o, m, 20);
  if (n === null || !o || n !== keys.length || o.end + 1 !== script.length) return null;
  return { type: 'multisig', data: keys, required: m };
}

/** Core's IsStandard for one output script: a known template, bare multisig up to 3 keys, OP_RETURN up to 83 bytes. */
export function isStandardOutput(script: Uint8Array): boolean {
  const s = solve(script);
  if (s.type === 'nonstandard' || s.type === 'witness') return false;
  if (s.type === 'multisig') return s.data.length >= 1 && s.data.length <= 3 && (s.required ?? 0) >= 1;
  if (s.type === 'nulldata') return script.length <= MAX_OP_RETURN_RELAY;
  return true;
}

/**
 * Core's GetDustThreshold: an output is dust when spending it would cost more than a third of
 * its value at the dust relay fee (546 sat for P2PKH). OP_RETURN outputs are never dust.
 */
export function dustThreshold(out: TxOut): bigint {
  if (out.script[0] === OP.OP_RETURN) return 0n;
  const outSize = 8 + (out.script.length < 0xfd ? 1 : 3) + out.script.length;
  const spendSize = 32 + 4 + 1 + 107 + 4; // outpoint, scriptSig length, a P2PKH scriptSig, sequence
  return (BigInt(outSize + spendSize) * DUST_RELAY_FEE_PER_KB) / 1000n;
}

/**
 * Core's IsStandardTx (and PreChecks' size rule): version, size, push-only scriptSigs of
 * bounded size, standard outputs, no dust, at most one OP_RETURN. Throws a policy RuleError.
 */
export function checkStandardTx(tx: Tx): void {
  if (tx.version > MAX_STANDARD_VERSION || tx.version < 1)
    throw policy('version', `transaction version ${tx.version} is not relayed (1 or ${MAX_STANDARD_VERSION})`);
  const size = txSize(tx);
  if (size > MAX_STANDARD_TX_SIZE) throw policy('tx-size', `transaction is ${size} bytes; at most ${MAX_STANDARD_TX_SIZE} are relayed`);
  tx.inputs.forEach((input, i) => {
    if (input.scriptSig.length > MAX_STANDARD_SCRIPTSIG_SIZE)
      throw policy('scriptsig-size', `input ${i}: scriptSig of ${input.scriptSig.length} bytes (at most ${MAX_STANDARD_SCRIPTSIG_SIZE})`);
    if (!isPushOnly(input.scriptSig))
      throw policy('scriptsig-not-pushonly', `input ${i}: the scriptSig may only push data; the spent output's script does the work`);
  });
  let dataOutputs = 0;
  tx.outputs.forEach((out, i) => {
    if (!isStandardOutput(out.script))
      throw policy('scriptpubkey', `output ${i} is not a standard script (P2PKH, P2SH, P2PK, multisig of up to 3 keys, OP_RETURN of up to 80 bytes)`);
    if (out.script[0] === OP.OP_RETURN) dataOutputs++;
    else if (out.value < dustThreshold(out))
      throw policy('dust', `output ${i} pays ${out.value} sat, less than it would cost to spend (${dustThreshold(out)} sat)`);
  });
  if (dataOutputs > 1) throw policy('multi-op-return', 'more than one OP_RETURN output');
  if (size < MIN_STANDARD_TX_SIZE) throw policy('tx-size-small', `transaction is ${size} bytes; at least ${MIN_STANDARD_TX_SIZE} are relayed`);
}

/**
 * Core's AreInputsStandard: every spent output is a standard template, and a P2SH redeem script
 * (the scriptSig's last push) carries at most 15 sigops. Throws `bad-txns-nonstandard-inputs`.
 */
export function checkStandardInputs(tx: Tx, coins: readonly Coin[]): void {
  tx.inputs.forEach((input, i) => {
    const coin = coins[i];
    if (!coin) return;
    const s = solve(coin.script);
    if (s.type === 'nonstandard' || s.type === 'witness')
      throw policy('bad-txns-nonstandard-inputs', `input ${i} spends a non-standard output`);
    if (s.type !== 'scripthash') return;
    const stack: Uint8Array[] = [];
    if (evalScript(stack, input.scriptSig, FLAGS.NONE, NO_TX_CHECKER) !== null || stack.length === 0)
      throw policy('bad-txns-nonstandard-inputs', `input ${i}: no redeem script`);
    const sigops = sigOpCount(stack[stack.length - 1]!, true);
    if (sigops > MAX_P2SH_SIGOPS)
      throw policy('bad-txns-nonstandard-inputs', `input ${i}: redeem script has ${sigops} signature operations (at most ${MAX_P2SH_SIGOPS})`);
  });
}

/** Core's PreChecks sigop rule: legacy plus P2SH sigops of one transaction at most 4,000. */
export function checkStandardSigOps(tx: Tx, coins: readonly Coin[]): void {
  const n = legacySigOps(tx) + p2shSigOps(tx, coins);
  if (n > MAX_STANDARD_TX_SIGOPS) throw policy('bad-txns-too-many-sigops', `${n} signature operations (at most ${MAX_STANDARD_TX_SIGOPS})`);
}
