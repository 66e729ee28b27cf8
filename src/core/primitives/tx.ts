import { ByteReader, ByteWriter, DecodeError, hashToHex, hexToHash, compactSizeLength } from '../encoding';
import { sha256d } from '../crypto/hash';

/** A reference to one output of an earlier transaction: txid (internal byte order) and index. */
export interface OutPoint {
  txid: Uint8Array;
  vout: number;
}

/** Transaction input: the outpoint it spends, its unlocking script and sequence number. */
export interface TxIn {
  prevout: OutPoint;
  scriptSig: Uint8Array;
  sequence: number;
}

/** Transaction output: value in satoshis (int64, kept as bigint) and its locking script. */
export interface TxOut {
  value: bigint;
  script: Uint8Array;
}

/** A transaction in Bitcoin's legacy (pre-SegWit) form. Treat as immutable once built. */
export interface Tx {
  version: number;
  inputs: TxIn[];
  outputs: TxOut[];
  locktime: number;
}

/** Upper bounds applied while decoding, before any allocation (a 4 MB block cannot hold more). */
export const MAX_TX_IO = 100_000;
export const MAX_SCRIPT_SIZE = 10_000;

/** Writes the legacy serialization of a transaction: version, vin, vout, locktime. */
export function writeTx(w: ByteWriter, tx: Tx): void {
  w.i32(tx.version);
  w.compactSize(tx.inputs.length);
  for (const input of tx.inputs) {
    w.bytes(input.prevout.txid).u32(input.prevout.vout);
    w.varBytes(input.scriptSig);
    w.u32(input.sequence);
  }
  w.compactSize(tx.outputs.length);
  for (const out of tx.outputs) w.i64(out.value).varBytes(out.script);
  w.u32(tx.locktime);
}

const serialCache = new WeakMap<Tx, Uint8Array>();

/** Legacy serialization of a transaction (cached per object: transactions are immutable). */
export function encodeTx(tx: Tx): Uint8Array {
  let bytes = serialCache.get(tx);
  if (!bytes) {
    const w = new ByteWriter(txSizeEstimate(tx));
    writeTx(w, tx);
    bytes = w.finish();
    serialCache.set(tx, bytes);
  }
  return bytes;
}

function txSizeEstimate(tx: Tx): number {
  let n = 10 + compactSizeLength(tx.inputs.length) + compactSizeLength(tx.outputs.length);
  for (const i of tx.inputs) n += 41 + i.scriptSig.length + 2;
  for (const o of tx.outputs) n += 9 + o.script.length + 2;
  return n;
}

/**
 * Reads one legacy transaction. tabchain's formats are legacy only: a SegWit-serialized
 * transaction decodes as one with no inputs, which the sanity checks reject (bad-txns-vin-empty).
 */
export function readTx(r: ByteReader): Tx {
  const start = r.pos;
  const version = r.i32('tx version');
  const nIn = r.count(MAX_TX_IO, 'tx inputs');
  const inputs: TxIn[] = new Array(nIn);
  for (let i = 0; i < nIn; i++) {
    r.enter('in', i);
    const txid = r.hash32('prevout txid').slice();
    const vout = r.u32('prevout index');
    const scriptSig = r.varBytes(MAX_SCRIPT_SIZE, 'scriptSig').slice();
    const sequence = r.u32('sequence');
    r.leave();
    inputs[i] = { prevout: { txid, vout }, scriptSig, sequence };
  }
  const nOut = r.count(MAX_TX_IO, 'tx outputs');
  const outputs: TxOut[] = new Array(nOut);
  for (let i = 0; i < nOut; i++) {
    r.enter('out', i);
    const value = r.i64('output value');
    const script = r.varBytes(MAX_SCRIPT_SIZE, 'scriptPubKey').slice();
    r.leave();
    outputs[i] = { value, script };
  }
  const locktime = r.u32('locktime');
  const tx: Tx = { version, inputs, outputs, locktime };
  serialCache.set(tx, r.bytes.slice(start, r.pos));
  return tx;
}

/** Decodes exactly one transaction from bytes (trailing bytes are an error). */
export function decodeTx(bytes: Uint8Array): Tx {
  const r = new ByteReader(bytes);
  const tx = readTx(r);
  r.end('transaction');
  return tx;
}

const txidCache = new WeakMap<Tx, Uint8Array>();

/** Transaction id: SHA-256d of the legacy serialization, internal byte order. */
export function txid(tx: Tx): Uint8Array {
  let h = txidCache.get(tx);
  if (!h) {
    h = sha256d(encodeTx(tx));
    txidCache.set(tx, h);
  }
  return h;
}

/** Transaction id in Bitcoin's display order (reversed hex), as explorers show it. */
export function txidHex(tx: Tx): string {
  return hashToHex(txid(tx));
}

/** Serialized size in bytes. */
export function txSize(tx: Tx): number {
  return encodeTx(tx).length;
}

/** The null outpoint (all-zero txid, index 0xffffffff) that only a coinbase input refers to. */
export function isNullOutPoint(p: OutPoint): boolean {
  if (p.vout !== 0xffffffff) return false;
  for (let i = 0; i < 32; i++) if (p.txid[i] !== 0) return false;
  return true;
}

/** A coinbase has exactly one input, spending the null outpoint. */
export function isCoinbase(tx: Tx): boolean {
  return tx.inputs.length === 1 && isNullOutPoint(tx.inputs[0]!.prevout);
}

/** Key of an outpoint for maps: display txid hex + ':' + index. */
export function outpointKey(p: OutPoint): string {
  return hashToHex(p.txid) + ':' + p.vout;
}

/** The outpoint an `outpointKey` names; throws DecodeError for anything else. */
export function outpointFromKey(key: string): OutPoint {
  const colon = key.lastIndexOf(':');
  const vout = Number(key.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(vout) || vout < 0 || vout > 0xffffffff) throw new DecodeError(`not an outpoint key: ${key}`);
  return { txid: hexToHash(key.slice(0, colon)), vout };
}

export { DecodeError };
