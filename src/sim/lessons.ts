/**
 * The classroom's attacks, staged by simulated nodes with real Bitcoin objects that the other
 * nodes check with the same engine: a block edited after it was mined and broadcast by one node
 * (every peer refuses it: its transactions no longer match its merkle root), and a double spend
 * (two payments from one coin, sent to two parts of the network; with a private chain mined by a
 * node cut off with most of the hash power, the 51 % lesson).
 */
import {
  COIN, RuleError, bitsToTarget, blockHash, blockHashHex, checkBlockSanity, hashToBigInt, p2pkhScript, sha256, signTx, txidHex, utf8, walletKeyFromSecret,
  hexToHash, type Block, type ChainParams, type Tx, type WalletKey,
} from '../core';
import { HEADER_LEN, encodeMessage } from '../node/wire/messages';
import type { FullNode } from '../node/node';
import type { MemoryNetwork } from '../adapters/memory/network';

/** What a lesson needs of the simulation. */
export interface LessonHost {
  readonly nodes: readonly FullNode[];
  readonly net: MemoryNetwork;
  readonly params: ChainParams;
  readonly seed: number;
  readonly maxFrame: number;
}

export interface TamperRecord {
  node: number;
  hash: string;
  /** Bitcoin Core's reason every honest node gives (the engine's own check of the block). */
  reason: string;
  /** Node numbers it was sent to. */
  sentTo: number[];
}

export interface DoubleSpendRecord {
  node: number;
  /** The payment to the merchant and the one back to the attacker, both spending one coin. */
  pay: string;
  back: string;
  value: number;
  merchant: string;
  /** Why a node refused either payment when it was handed over, if it did. */
  refused: string[];
}

/** Where a payment stands: confirmations on the chain most nodes follow, and mempools holding it. */
export interface PaymentStatus {
  txid: string;
  confirmations: number;
  inMempools: number;
}

/**
 * Node `node` edits its tip block (one more coin in its last output), finds a new nonce for the
 * header it keeps (so the block has a new hash and valid proof of work), and sends it to every
 * peer. The edited transactions no longer hash to the header's merkle root: `bad-txnmrklroot`.
 */
export function tamper(h: LessonHost, node: number): TamperRecord {
  const n = h.nodes[node]!;
  const tip = n.tipHash ? n.query.block(n.tipHash) : undefined;
  if (!tip) throw new Error(`node ${node} has no block to tamper with`);
  const last = tip.txs.length - 1;
  const txs: Tx[] = tip.txs.map((tx, i) =>
    i !== last ? tx : { ...tx, outputs: tx.outputs.map((o, k) => (k === tx.outputs.length - 1 ? { ...o, value: o.value + COIN } : o)) },
  );
  const target = bitsToTarget(tip.header.bits).target;
  const original = blockHashHex(tip.header);
  let block: Block | null = null;
  for (let nonce = (tip.header.nonce + 1) >>> 0; !block; nonce = (nonce + 1) >>> 0) {
    const header = { ...tip.header, nonce };
    if (hashToBigInt(blockHash(header)) <= target && blockHashHex(header) !== original) block = { header, txs };
  }
  let reason = 'accepted';
  try {
    checkBlockSanity(block, h.params);
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    reason = e.reason;
  }
  const frame = encodeMessage(n.magic, { command: 'block', block }, h.maxFrame - HEADER_LEN);
  const sentTo: number[] = [];
  for (const link of h.net.transport(n.id).links) {
    link.send(frame);
    sentTo.push(Number(link.peerId.slice(1)));
  }
  return { node, hash: blockHashHex(block.header), reason, sentTo: sentTo.sort((a, b) => a - b) };
}

/** The merchant the double spend pays (a key of its own, the same for a seed). */
export function merchantKey(seed: number): WalletKey {
  return walletKeyFromSecret(sha256(utf8(`tabchain simulator merchant ${seed}`)), 'merchant');
}

/**
 * Node `node` (a miner: it pays from its own mined coins) signs two payments of its largest
 * confirmed coin: one to a merchant, handed to node `toMerchant`, and one back to itself, handed
 * to node `toAttacker`. Where the two meet, the second is refused (`txn-mempool-conflict`); a
 * block confirms one of them; a longer private chain can confirm the other.
 */
export function doubleSpend(h: LessonHost, node: number, toMerchant: number, toAttacker: number): DoubleSpendRecord {
  const n = h.nodes[node]!;
  const key = n.keys[0]!;
  const coins = n.query.coinsFor(key.script).sort((a, b) => (b[1].value > a[1].value ? 1 : b[1].value < a[1].value ? -1 : a[0] < b[0] ? -1 : 1));
  const coin = coins[0];
  if (!coin) throw new Error(`node ${node} has no confirmed coin to spend twice: pick a miner that has found a block`);
  const [txid, vout] = coin[0].split(':');
  const value = coin[1].value - 1_000n;
  const merchant = merchantKey(h.seed);
  const spend = (to: WalletKey): Tx =>
    signTx({ version: 1, inputs: [{ prevout: { txid: hexToHash(txid!), vout: Number(vout) }, scriptSig: new Uint8Array(0), sequence: 0xffffffff }], outputs: [{ value, script: to.script }], locktime: 0 }, [p2pkhScript(key.pubkeyHash)], key);
  const pay = spend(merchant);
  const back = spend(key);
  const refused: string[] = [];
  for (const [tx, at] of [[pay, toMerchant], [back, toAttacker]] as const) {
    try {
      h.nodes[at]!.submitTx(tx);
    } catch (e) {
      refused.push(`node ${at}: ${e instanceof RuleError ? e.reason : (e as Error).message}`);
    }
  }
  return { node, pay: txidHex(pay), back: txidHex(back), value: Number(value), merchant: merchant.address, refused };
}

/** Where a payment stands on the chain of node `view` (one following the tip most nodes follow). */
export function paymentStatus(h: LessonHost, view: number, txid: string, depth = 200): PaymentStatus {
  const n = h.nodes[view]!;
  let confirmations = 0;
  for (let height = n.height, k = 0; height > 0 && k < depth; height--, k++) {
    const e = n.query.entryAt(height);
    const b = e ? n.query.block(e.hash) : undefined;
    if (b?.txs.some((tx) => txidHex(tx) === txid)) {
      confirmations = n.height - height + 1;
      break;
    }
  }
  let inMempools = 0;
  for (const x of h.nodes) if (x.query.mempoolEntry(txid)) inMempools++;
  return { txid, confirmations, inMempools };
}
