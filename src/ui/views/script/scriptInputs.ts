/**
 * What the Script debugger runs: an input of a block or mempool transaction with the coin it
 * spends (from the block's undo data, the UTXO set, or a mempool parent) and the flags it is
 * verified with there; and plain-language readings of stack items. Pure functions over NodeQuery.
 */
import {
  AsmError,
  STANDARD_FLAGS,
  concatBytes,
  decodeOps,
  fromHex,
  opcodeName,
  parseAsm,
  pushBytes,
  toHex,
  blockScriptFlags,
  describeRedeemScript,
  hashToHex,
  isCoinbase,
  isStrictDerWithHashType,
  numValue,
  txidHex,
  type ChainParams,
  type Coin,
  type Tx,
} from '../../../core';
import type { NodeQuery } from '../../../node/api';

/** Where the transaction being debugged lives. */
export type InputSource = { kind: 'block'; hash: string; height: number } | { kind: 'mempool' };

/** A transaction to pick an input of, with the coins its inputs spend (null when unknown). */
export interface DebugTx {
  tx: Tx;
  txid: string;
  coins: (Coin | null)[];
}

/** The non-coinbase transactions of a stored block with the coins they spent (its undo data). */
export function blockTxs(query: NodeQuery, hash: string): DebugTx[] {
  const block = query.block(hash);
  if (!block) return [];
  const undo = query.undo(hash);
  let k = 0;
  const out: DebugTx[] = [];
  for (const tx of block.txs) {
    if (isCoinbase(tx)) continue;
    out.push({ tx, txid: txidHex(tx), coins: tx.inputs.map(() => undo?.[k++] ?? null) });
  }
  return out;
}

/** The mempool's transactions with their coins: confirmed ones from the UTXO set, others from a mempool parent. */
export function mempoolTxs(query: NodeQuery): DebugTx[] {
  const entries = query.mempoolEntries();
  const byId = new Map(entries.map((e) => [e.txid, e.tx]));
  return entries.map((e) => ({
    tx: e.tx,
    txid: e.txid,
    coins: e.tx.inputs.map((input) => {
      const outpoint = `${hashToHex(input.prevout.txid)}:${input.prevout.vout}`;
      const confirmed = query.coin(outpoint);
      if (confirmed) return confirmed;
      const parent = byId.get(hashToHex(input.prevout.txid))?.outputs[input.prevout.vout];
      return parent ? { value: parent.value, script: parent.script, height: -1, coinbase: false } : null;
    }),
  }));
}

/**
 * The flags an input is verified with where it is: a block's consensus flags at its height, or
 * for the mempool the standard (policy) flags on top of the next block's consensus flags.
 */
export function flagsFor(params: ChainParams, source: InputSource, tipHeight: number): number {
  return source.kind === 'block' ? blockScriptFlags(params, source.height) : STANDARD_FLAGS | blockScriptFlags(params, tipHeight + 1);
}

/** What a stack item most likely is, for the stack display. */
export type ItemReading =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  | { kind: 'signature'; hashType: number }
  | { kind: 'pubkey'; compressed: boolean }
  | { kind: 'hash'; bits: 160 | 256 }
  | { kind: 'script'; what: 'multisig' | 'timelock' }
  | { kind: 'text'; text: string }
  | { kind: 'data' };

/** Reads a stack item: numbers up to 4 bytes, DER signatures, public keys, hashes, redeem scripts, text. */
export function readItem(v: Uint8Array): ItemReading {
  if (v.length === 0) return { kind: 'empty' };
  if (v.length <= 4) return { kind: 'number', value: numValue(v) };
  if (isStrictDerWithHashType(v)) return { kind: 'signature', hashType: v[v.length - 1]! };
  if (v.length === 33 && (v[0] === 2 || v[0] === 3)) return { kind: 'pubkey', compressed: true };
  if (v.length === 65 && v[0] === 4) return { kind: 'pubkey', compressed: false };
  const script = describeRedeemScript(v);
  if (script) return { kind: 'script', what: script.kind };
  if (v.length === 20) return { kind: 'hash', bits: 160 };
  if (v.length === 32) return { kind: 'hash', bits: 256 };
  const text = printable(v);
  return text ? { kind: 'text', text } : { kind: 'data' };
}

function printable(v: Uint8Array): string | null {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(v);
    return /^[\p{L}\p{N}\p{P}\p{Zs}]+$/u.test(s) ? s : null;
  } catch {
    return null;
  }
}

/** Name of a hash type byte: ALL, NONE, SINGLE, with |ANYONECANPAY, or the number if undefined. */
export function hashTypeName(h: number): string {
  const base = ({ 1: 'ALL', 2: 'NONE', 3: 'SINGLE' } as Record<number, string>)[h & 0x1f];
  if (!base) return `0x${h.toString(16).padStart(2, '0')}`;
  return `SIGHASH_${base}${h & 0x80 ? '|ANYONECANPAY' : ''}`;
}

/**
 * A script as the debugger's editor shows it: opcodes by name, pushes as <hex>, OP_0 as 0.
 * `parseScriptText` reads it back (and Core's assembly too), so a student can change a script
 * and run it.
 */
export function scriptText(script: Uint8Array): string {
  const { ops, truncated } = decodeOps(script);
  const words = ops.map((o) => (o.op === 0 ? '0' : o.data ? `<${toHex(o.data)}>` : opcodeName(o.op)));
  if (truncated) words.push(`0x${toHex(script.subarray(ops[ops.length - 1]?.end ?? 0))}`);
  return words.join(' ');
}

/** Reads the editor's text: <hex> pushes the bytes, anything else is Core's assembly (parseAsm). */
export function parseScriptText(text: string): Uint8Array {
  const parts = text.trim().split(/\s+/).filter(Boolean).map((w) => {
    const m = /^<([0-9a-fA-F]*)>$/.exec(w);
    if (m) {
      if (m[1]!.length % 2) throw new AsmError(`odd number of hex digits: ${w}`);
      return pushBytes(fromHex(m[1]!.toLowerCase()));
    }
    return parseAsm(w);
  });
  return concatBytes(...parts);
}
