import { OP } from './opcodes';
import { isP2SH, readOp } from './script';
import { isCoinbase, type Tx } from '../primitives/tx';
import type { Coin } from '../chain/utxo';

/**
 * Signature-operation counting (Core's GetSigOpCount, GetLegacySigOpCount, GetP2SHSigOpCount):
 * the cost a block may carry is bounded so that no block takes too long to verify.
 */

/** Core's MAX_PUBKEYS_PER_MULTISIG: what a CHECKMULTISIG costs when its key count is not read. */
const MULTISIG_WORST = 20;

/**
 * Core's CScript::GetSigOpCount: CHECKSIG(VERIFY) counts 1, CHECKMULTISIG(VERIFY) 20 — or, when
 * `accurate` (redeem scripts), the key count OP_1..OP_16 right before it. Counting stops at a
 * push that runs past the end.
 */
export function sigOpCount(script: Uint8Array, accurate: boolean): number {
  let n = 0;
  let last: number = OP.OP_INVALIDOPCODE;
  let pc = 0;
  while (pc < script.length) {
    const o = readOp(script, pc);
    if (!o) break;
    const op = o.op;
    if (op === OP.OP_CHECKSIG || op === OP.OP_CHECKSIGVERIFY) n++;
    else if (op === OP.OP_CHECKMULTISIG || op === OP.OP_CHECKMULTISIGVERIFY)
      n += accurate && last >= OP.OP_1 && last <= OP.OP_16 ? last - OP.OP_1 + 1 : MULTISIG_WORST;
    last = op;
    pc = o.end;
  }
  return n;
}

/**
 * The sigops of a P2SH spend (Core's GetSigOpCount(scriptSig) on a P2SH scriptPubKey): the
 * accurate count of the redeem script, the last push of a push-only scriptSig; 0 otherwise.
 */
export function p2shSigOpCount(scriptPubKey: Uint8Array, scriptSig: Uint8Array): number {
  if (!isP2SH(scriptPubKey)) return 0;
  let last: Uint8Array | null = null;
  let pc = 0;
  while (pc < scriptSig.length) {
    const o = readOp(scriptSig, pc);
    if (!o || o.op > OP.OP_16) return 0;
    last = o.data;
    pc = o.end;
  }
  return last ? sigOpCount(last, true) : 0;
}

/** Core's GetLegacySigOpCount: every scriptSig and scriptPubKey of a transaction, counted inaccurately. */
export function legacySigOps(tx: Tx): number {
  let n = 0;
  for (const i of tx.inputs) n += sigOpCount(i.scriptSig, false);
  for (const o of tx.outputs) n += sigOpCount(o.script, false);
  return n;
}

/** Core's GetP2SHSigOpCount: the redeem scripts' sigops of a transaction's P2SH inputs. */
export function p2shSigOps(tx: Tx, coins: readonly Coin[]): number {
  if (isCoinbase(tx)) return 0;
  let n = 0;
  tx.inputs.forEach((input, i) => {
    const coin = coins[i];
    if (coin) n += p2shSigOpCount(coin.script, input.scriptSig);
  });
  return n;
}

/**
 * The block's sigop limit. Bitcoin's is MAX_BLOCK_SIZE / 50 = 20,000 for 1 MB blocks
 * (pre-SegWit MAX_BLOCK_SIGOPS); a network with smaller blocks gets the same ratio.
 */
export function maxBlockSigOps(maxBlockSize: number): number {
  return Math.floor(maxBlockSize / 50);
}
