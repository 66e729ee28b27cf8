import { consensus, RuleError } from './errors';
import { outpointKey, type Tx } from '../primitives/tx';
import { verifyScript } from '../script/verify';
import { TxSignatureChecker } from '../script/checker';
import { SCRIPT_ERROR_TEXT, type ScriptErrorName } from '../script/errors';
import { MAX_MONEY, type ChainParams } from '../params';
import type { Coin, CoinView } from '../chain/utxo';

/**
 * Core's CheckTxInputs: every input exists and is unspent, coinbase outputs are mature, values
 * are in range and cover the outputs. Returns the fee.
 */
export function checkTxInputs(tx: Tx, view: CoinView, spendHeight: number, params: ChainParams): { fee: bigint; coins: Coin[] } {
  let valueIn = 0n;
  const coins: Coin[] = new Array(tx.inputs.length);
  for (let i = 0; i < tx.inputs.length; i++) {
    const key = outpointKey(tx.inputs[i]!.prevout);
    const coin = view.getCoin(key);
    if (!coin) throw consensus('bad-txns-inputs-missingorspent', `input ${key} does not exist or is already spent`);
    if (coin.coinbase && spendHeight - coin.height < params.coinbaseMaturity)
      throw consensus(
        'bad-txns-premature-spend-of-coinbase',
        `tried to spend a coinbase output at depth ${spendHeight - coin.height}; it needs ${params.coinbaseMaturity} confirmations`,
      );
    valueIn += coin.value;
    if (coin.value < 0n || coin.value > MAX_MONEY || valueIn > MAX_MONEY)
      throw consensus('bad-txns-inputvalues-outofrange', 'input values out of range');
    coins[i] = coin;
  }
  let valueOut = 0n;
  for (const o of tx.outputs) valueOut += o.value;
  if (valueIn < valueOut)
    throw consensus('bad-txns-in-belowout', `inputs (${valueIn} sat) are less than outputs (${valueOut} sat)`);
  return { fee: valueIn - valueOut, coins };
}

const SCRIPT_FAIL = 'mandatory-script-verify-flag-failed';

/**
 * Runs every input's scriptSig and the script of the coin it spends through the interpreter
 * (Core's CheckInputScripts) with the given verification flags. Any script is valid if it
 * executes; a failure is Core's `mandatory-script-verify-flag-failed (<script error>)`.
 */
export function checkTxScripts(tx: Tx, coins: Coin[], flags: number): void {
  for (let i = 0; i < tx.inputs.length; i++) {
    const err = scriptError(tx, coins, i, flags);
    if (err !== 'OK') {
      const text = SCRIPT_ERROR_TEXT[err];
      throw consensus(`${SCRIPT_FAIL} (${text})`, `input ${i} (spending ${outpointKey(tx.inputs[i]!.prevout)}): ${text}`);
    }
  }
}

/** The script error of one input ('OK' when it verifies). */
export function scriptError(tx: Tx, coins: Coin[], index: number, flags: number): ScriptErrorName {
  return verifyScript(tx.inputs[index]!.scriptSig, coins[index]!.script, flags, new TxSignatureChecker(tx, index));
}

/** True when an error is a script/signature failure (for tests and the UI). */
export function isScriptFailure(e: unknown): boolean {
  return e instanceof RuleError && e.reason.startsWith(SCRIPT_FAIL);
}
