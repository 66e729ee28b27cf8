import { consensus, RuleError } from './errors';
import { outpointKey, type Tx } from '../primitives/tx';
import { parseP2PKH, parseP2PKHInput, SIGHASH_ALL } from '../primitives/script';
import { legacySighash } from '../crypto/sighash';
import { pubkeyMatchesHash, verifySignature } from '../crypto/keys';
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
 * Checks the `<signature> <pubkey>` of every input against the P2PKH output it spends:
 * HASH160(pubkey) matches, hash type is SIGHASH_ALL, signature is strict DER, low-S, and valid
 * for the legacy signature hash. Reasons are Core's script-error texts.
 */
export function checkTxScripts(tx: Tx, coins: Coin[]): void {
  for (let i = 0; i < tx.inputs.length; i++) {
    const coin = coins[i]!;
    const hash = parseP2PKH(coin.script);
    if (!hash) throw consensus('bad-txns-nonstandard-inputs', `input ${i} spends a non-standard output`);
    const parsed = parseP2PKHInput(tx.inputs[i]!.scriptSig);
    if (!parsed) throw consensus('bad-txns-nonstandard-inputs', `input ${i} script is not <signature> <public key>`);
    if (!pubkeyMatchesHash(parsed.pubkey, hash))
      throw consensus(`${SCRIPT_FAIL} (Script failed an OP_EQUALVERIFY operation)`, `input ${i}: public key does not match the address it spends`);
    if (parsed.hashType !== SIGHASH_ALL)
      throw consensus(`${SCRIPT_FAIL} (Signature hash type missing or not understood)`, `input ${i}: only SIGHASH_ALL is supported`);
    const digest = legacySighash(tx, i, coin.script, parsed.hashType);
    const fault = verifySignature(digest, parsed.signature, parsed.pubkey, { lowS: true, strictDer: true });
    if (fault) throw consensus(`${SCRIPT_FAIL} (${FAULT_TEXT[fault]})`, `input ${i}: ${FAULT_TEXT[fault].toLowerCase()}`);
  }
}

const FAULT_TEXT = {
  der: 'Non-canonical DER signature',
  'high-s': 'Non-canonical signature: S value is unnecessarily high',
  'bad-pubkey': 'Public key is neither compressed or uncompressed',
  invalid: 'Script evaluated without error but finished with a false/empty top stack element',
} as const;

/** True when an error is a script/signature failure (for tests and the UI). */
export function isScriptFailure(e: unknown): boolean {
  return e instanceof RuleError && e.reason.startsWith(SCRIPT_FAIL);
}
