/**
 * Script verification of mainnet block 300,025 (461 transactions, 1,427 inputs), shared by the
 * Node bench and the Chromium bench page: every input's scripts through the interpreter (P2SH +
 * DERSIG), and beside it the raw libsecp256k1 verifications of the same signatures — the
 * ceiling no script engine can beat on one core. Pure: the caller passes the block and its coins.
 */
import {
  FLAGS,
  TxSignatureChecker,
  checkTxScripts,
  decodeBlock,
  forgetDecompressedKeys,
  fromHex,
  isCoinbase,
  parseDerLax,
  secp256k1Wasm,
  verifyScript,
  type Coin,
  type Tx,
} from '../src/core';

export interface Prevout {
  value: number;
  scriptPubKey: string;
}

export interface BlockScriptBench {
  inputs: number;
  /** Signature checks the interpreter makes (a bare 1-of-N multisig may try several keys). */
  checks: number;
  /** Milliseconds to verify every input's scripts, decompressed-key cache emptied first. */
  verifyAll(): number;
  /** Milliseconds of libsecp256k1 verifying the same signatures directly (keys as the scripts hold them). */
  rawAll(): number;
}

export function prepareBlockScripts(hex: string, prevouts: Prevout[]): BlockScriptBench {
  const block = decodeBlock(fromHex(hex));
  let k = 0;
  const work: { tx: Tx; coins: Coin[] }[] = [];
  for (const tx of block.txs) {
    if (isCoinbase(tx)) continue;
    const coins = tx.inputs.map(() => {
      const p = prevouts[k++]!;
      return { value: BigInt(p.value), script: fromHex(p.scriptPubKey), height: 0, coinbase: false };
    });
    work.push({ tx, coins });
  }
  // Every signature check the scripts make, recorded once, for the raw ceiling.
  const raw: { compact: Uint8Array; pubkey: Uint8Array; digest: Uint8Array }[] = [];
  for (const { tx, coins } of work)
    tx.inputs.forEach((input, i) => {
      const checker = new TxSignatureChecker(tx, i, (r) => {
        if (!r.digest) return;
        const compact = new Uint8Array(64);
        parseDerLax(r.signature.subarray(0, -1), compact);
        raw.push({ compact, pubkey: r.pubkey, digest: r.digest });
      });
      if (verifyScript(input.scriptSig, coins[i]!.script, FLAGS.P2SH | FLAGS.DERSIG, checker) !== 'OK') throw new Error('block 300025 does not verify');
    });
  return {
    inputs: k,
    checks: raw.length,
    verifyAll() {
      forgetDecompressedKeys();
      const t0 = performance.now();
      for (const { tx, coins } of work) checkTxScripts(tx, coins, FLAGS.P2SH | FLAGS.DERSIG);
      return performance.now() - t0;
    },
    rawAll() {
      const t0 = performance.now();
      for (const r of raw) if (!secp256k1Wasm.verifySignatureCompact(r.compact, r.pubkey, r.digest)) throw new Error('raw verify failed');
      return performance.now() - t0;
    },
  };
}
