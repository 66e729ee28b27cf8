import { ByteWriter } from '../encoding';
import { sha256d } from './hash';
import type { Tx } from '../primitives/tx';

/**
 * Legacy signature hash (SignatureHash in Core, pre-SegWit) for SIGHASH_ALL: the transaction
 * serialized with every scriptSig emptied except the one being signed, which is replaced by the
 * spent output's scriptPubKey, followed by the 4-byte hash type; then SHA-256d.
 * (P2PKH scripts hold no OP_CODESEPARATOR, so no script editing is needed.)
 */
export function legacySighash(tx: Tx, inputIndex: number, prevScript: Uint8Array, hashType: number): Uint8Array {
  const w = new ByteWriter(256);
  w.i32(tx.version);
  w.compactSize(tx.inputs.length);
  for (let i = 0; i < tx.inputs.length; i++) {
    const input = tx.inputs[i]!;
    w.bytes(input.prevout.txid).u32(input.prevout.vout);
    if (i === inputIndex) w.varBytes(prevScript);
    else w.compactSize(0);
    w.u32(input.sequence);
  }
  w.compactSize(tx.outputs.length);
  for (const out of tx.outputs) w.i64(out.value).varBytes(out.script);
  w.u32(tx.locktime);
  w.u32(hashType);
  return sha256d(w.finish());
}
