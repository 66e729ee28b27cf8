import { consensus } from './errors';
import { checkTxInputs, checkTxScripts } from './inputs';
import { sequenceLock, sequenceLockSatisfied } from './sequenceLocks';
import { isCoinbase, outpointKey, txidHex, type Tx } from '../primitives/tx';
import type { Block } from '../primitives/block';
import { FLAGS } from '../script/errors';
import { isUnspendable } from '../script/script';
import { legacySigOps, maxBlockSigOps, p2shSigOps } from '../script/sigops';
import { subsidyAt, type ChainParams } from '../params';
import type { Coin, CoinView } from '../chain/utxo';

/**
 * The script verification flags for a block at `height` (Core's GetBlockScriptFlags): P2SH
 * always; DERSIG (BIP66), CHECKLOCKTIMEVERIFY (BIP65), CHECKSEQUENCEVERIFY (BIP112) and
 * NULLDUMMY (BIP147) from their activation heights (from genesis on tabchain's networks).
 * Everything else (LOW_S, STRICTENC, CLEANSTACK, …) is policy, not consensus.
 */
export function blockScriptFlags(params: ChainParams, height: number): number {
  let f = FLAGS.P2SH;
  if (height >= (params.bip66Height ?? 0)) f |= FLAGS.DERSIG;
  if (height >= (params.bip65Height ?? 0)) f |= FLAGS.CHECKLOCKTIMEVERIFY;
  if (height >= (params.csvHeight ?? 0)) f |= FLAGS.CHECKSEQUENCEVERIFY;
  if (height >= (params.bip147Height ?? 0)) f |= FLAGS.NULLDUMMY;
  return f;
}

/** A coin view a block can be applied to (Core's CCoinsViewCache): the chain's CoinOverlay. */
export interface CoinCache extends CoinView {
  spend(key: string): Coin | undefined;
  add(key: string, coin: Coin): void;
}

/** What connecting a block needs to know besides the block and the coins. */
export interface ConnectContext {
  height: number;
  params: ChainParams;
  /** Median time past of this chain's block at a lower height (BIP68 time locks). */
  medianTimePastAt(height: number): number;
  /** Median time past of the parent (BIP68 and BIP113). */
  parentMedianTimePast: number;
  /** True for transactions whose scripts were verified already (the mempool's; Core's script cache). */
  scriptsVerified?(tx: Tx): boolean;
}

/** One input's script check, as Core's CScriptCheck: done after the block's other checks. */
export interface ScriptCheck {
  tx: Tx;
  coins: Coin[];
  flags: number;
}

/** What connecting a block found. */
export interface ConnectResult {
  fees: bigint;
  /** Legacy + P2SH signature operations (Core's sigop cost / 4). */
  sigops: number;
  /** The coins spent, in input order (undo data). */
  undo: Coin[];
}

/**
 * Core's UpdateCoins: a transaction's inputs (`coins`, in input order; null for a coinbase) are
 * spent from `view` and appended to `undo`, then its outputs are added — all but OP_RETURN
 * outputs, which can never be spent (Core does not keep them either).
 */
export function updateCoins(tx: Tx, coins: Coin[] | null, height: number, view: CoinCache, undo: Coin[]): void {
  if (coins) for (let i = 0; i < tx.inputs.length; i++) {
    view.spend(outpointKey(tx.inputs[i]!.prevout));
    undo.push(coins[i]!);
  }
  const id = txidHex(tx);
  for (let v = 0; v < tx.outputs.length; v++) {
    const out = tx.outputs[v]!;
    if (!isUnspendable(out.script)) view.add(`${id}:${v}`, { value: out.value, script: out.script, height, coinbase: !coins });
  }
}

/**
 * Core's ConnectBlock: every transaction in order against `view` (an output created earlier in
 * the block is spendable, one spent earlier is not): inputs exist and cover the outputs
 * (CheckTxInputs), BIP68 sequence locks, the block's sigop limit (`bad-blk-sigops`), then the
 * coinbase within subsidy + fees (`bad-cb-amount`), then every input's script with the block's
 * flags (`mandatory-script-verify-flag-failed (…)`). Applies the block to `view` as it goes;
 * throws RuleError. The genesis block is the caller's business.
 */
export function connectBlock(block: Block, view: CoinCache, ctx: ConnectContext): ConnectResult {
  const { height, params } = ctx;
  const flags = blockScriptFlags(params, height);
  const csv = (flags & FLAGS.CHECKSEQUENCEVERIFY) !== 0;
  const limit = maxBlockSigOps(params.maxBlockSize);
  const checks: ScriptCheck[] = [];
  const undo: Coin[] = [];
  let fees = 0n;
  let sigops = 0;
  for (const tx of block.txs) {
    const cb = isCoinbase(tx);
    let coins: Coin[] = [];
    if (!cb) {
      const checked = checkTxInputs(tx, view, height, params);
      coins = checked.coins;
      fees += checked.fee;
      if (csv) {
        const lock = sequenceLock(tx, coins.map((c) => c.height), ctx.medianTimePastAt);
        if (!sequenceLockSatisfied(lock, height, ctx.parentMedianTimePast))
          throw consensus('bad-txns-nonfinal', 'a transaction is not final: an input is younger than its BIP68 relative lock time');
      }
    }
    sigops += legacySigOps(tx) + ((flags & FLAGS.P2SH) !== 0 ? p2shSigOps(tx, coins) : 0);
    if (sigops > limit) throw consensus('bad-blk-sigops', `the block has more than ${limit} signature operations`);
    if (!cb && !ctx.scriptsVerified?.(tx)) checks.push({ tx, coins, flags });
    updateCoins(tx, cb ? null : coins, height, view, undo);
  }
  let cbOut = 0n;
  for (const o of block.txs[0]!.outputs) cbOut += o.value;
  const allowed = subsidyAt(params, height) + fees;
  if (cbOut > allowed) throw consensus('bad-cb-amount', `coinbase pays ${cbOut} sat; the limit is subsidy + fees = ${allowed} sat`);
  for (const c of checks) checkTxScripts(c.tx, c.coins, c.flags);
  return { fees, sigops, undo };
}
