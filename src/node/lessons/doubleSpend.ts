/**
 * The double spend: one coin, two payments. `conflictingPayments` signs two payments of the same
 * amount from the same confirmed coins to two recipients; the node sends each copy to a different
 * peer, so each half of the network first hears of a different one. Where they meet, the second is
 * refused (`txn-mempool-conflict`, Core's first-seen rule); a block confirms one and every mempool
 * evicts the other. `ConflictWatch` records what one node saw of it: which copy it kept or refused,
 * which one a block confirmed, which one it evicted, and what the evicted one would have paid this
 * node's wallet — what a merchant who accepted it with zero confirmations lost.
 */
import {
  BoundedMap,
  PaymentError,
  buildPayment,
  outpointKey,
  spendableCoins,
  toHex,
  txidHex,
  type Block,
  type Chain,
  type ChainEvent,
  type MempoolEvent,
  type Mempool,
  type Tx,
  type WalletKey,
} from '../../core';
import type { ConflictTx, ConflictView } from './types';

/** Two payments of `amount` from the same confirmed coins of `from`, to `to[0]` and `to[1]`. */
export function conflictingPayments(chain: Chain, mempool: Mempool, from: WalletKey, to: [string, string], amount: bigint): [Tx, Tx] {
  if (to[0] === to[1]) throw new PaymentError('bad-address', 'the two payments must go to two different addresses');
  // Confirmed coins only, taken in the same order for both, so both spend exactly the same inputs.
  const coins = spendableCoins(from.script, chain.utxo, mempool, { height: chain.height, maturity: chain.params.coinbaseMaturity }).filter((c) => c.confirmed);
  const a = buildPayment({ from, to: to[0], amount, coins });
  const b = buildPayment({ from, to: to[1], amount, coins });
  return [a, b];
}

/** Conflicts kept, and recent blocks' spends remembered to explain an eviction. */
const MAX_CONFLICTS = 32;
const MAX_SPENDS = 4_096;
const MAX_TXS = 2_048;

/** What the watch reads of its node. */
export interface WatchHost {
  mempool(): Mempool | null;
  /** Locking scripts of this node's wallet (hex), for "what it paid us". */
  walletScripts(): Set<string>;
  changed(): void;
}

export class ConflictWatch {
  private readonly groups = new BoundedMap<string, ConflictView>(MAX_CONFLICTS);
  /** Transactions this node has seen (mempool, blocks), by txid. */
  private readonly txs = new BoundedMap<string, Tx>(MAX_TXS);
  /** Outpoint → txid and height of the block that spent it (recent blocks). */
  private readonly blockSpends = new BoundedMap<string, { txid: string; height: number }>(MAX_SPENDS);
  /** Which peer sent each recent transaction this node accepted. */
  private readonly sources = new BoundedMap<string, string>(MAX_TXS);
  /** Outpoint → group key. */
  private readonly byOutpoint = new BoundedMap<string, string>(MAX_CONFLICTS * 16);

  constructor(private readonly host: WatchHost) {}

  list(): ConflictView[] {
    return [...this.groups.values()].map((g) => ({ ...g, txs: g.txs.map((t) => ({ ...t })) }));
  }

  /** This node made two conflicting payments (it holds neither: each went to a peer). */
  made(txs: Tx[]): void {
    for (const tx of txs) {
      this.txs.set(txidHex(tx), tx);
      this.note(tx, 'self', 'sent');
    }
    this.host.changed();
  }

  /** A peer's transaction entered the mempool: remember who sent it. */
  accepted(txid: string, peer: string): void {
    this.sources.set(txid, peer);
  }

  /** A peer's transaction was refused as `txn-mempool-conflict`: it meets the copy this node kept. */
  refused(tx: Tx, peer: string): void {
    this.txs.set(txidHex(tx), tx);
    const mempool = this.host.mempool();
    for (const i of tx.inputs) {
      const kept = mempool?.spenderOf(outpointKey(i.prevout));
      const keptTx = kept ? mempool?.get(kept)?.tx : undefined;
      if (keptTx) this.note(keptTx, undefined, 'mempool');
    }
    this.note(tx, peer, 'refused');
    this.host.changed();
  }

  onMempool(m: MempoolEvent): void {
    if (m.type === 'tx-added' || m.type === 'tx-returned') {
      this.txs.set(m.entry.txid, m.entry.tx);
      if (this.touches(m.entry.tx)) {
        this.note(m.entry.tx, undefined, 'mempool');
        this.host.changed();
      }
    } else if (m.why === 'conflict') {
      const tx = this.txs.get(m.txid);
      if (!tx) return;
      this.note(tx, undefined, 'evicted');
      // The payment a block confirmed instead (the one that spent the same coin).
      for (const i of tx.inputs) {
        const s = this.blockSpends.get(outpointKey(i.prevout));
        const winner = s && this.txs.get(s.txid);
        if (winner) this.note(winner, undefined, 'confirmed', s.height);
      }
      this.host.changed();
    }
  }

  onChain(c: ChainEvent): void {
    if (c.type === 'block-connected') this.connected(c.block, c.entry.height);
  }

  private connected(block: Block, height: number): void {
    let touched = false;
    for (const tx of block.txs.slice(1)) {
      const id = txidHex(tx);
      this.txs.set(id, tx);
      for (const i of tx.inputs) this.blockSpends.set(outpointKey(i.prevout), { txid: id, height });
      if (this.touches(tx)) {
        this.note(tx, undefined, 'confirmed', height);
        touched = true;
      }
    }
    if (touched) this.host.changed();
  }

  private touches(tx: Tx): boolean {
    return tx.inputs.some((i) => this.byOutpoint.has(outpointKey(i.prevout)));
  }

  private groupTx(tx: Tx): ConflictTx | undefined {
    const key = this.byOutpoint.get(outpointKey(tx.inputs[0]!.prevout));
    const id = txidHex(tx);
    return key ? this.groups.get(key)?.txs.find((t) => t.txid === id) : undefined;
  }

  /** Records one payment's state in the group of the coins it spends (made on first sight). */
  private note(tx: Tx, from: string | null | undefined, state: ConflictTx['state'], height?: number): void {
    const outpoints = tx.inputs.map((i) => outpointKey(i.prevout));
    let key = outpoints.map((o) => this.byOutpoint.get(o)).find((k) => k !== undefined && this.groups.has(k));
    if (!key) {
      key = [...outpoints].sort().join(',');
      this.groups.set(key, { outpoints: [...outpoints].sort(), txs: [], time: Date.now() });
    }
    for (const o of outpoints) this.byOutpoint.set(o, key);
    const g = this.groups.get(key)!;
    const id = txidHex(tx);
    let t = g.txs.find((x) => x.txid === id);
    if (!t) {
      const mine = this.host.walletScripts();
      const toUs = tx.outputs.reduce((s, o) => (mine.has(toHex(o.script)) ? s + o.value : s), 0n);
      t = { txid: id, from: from ?? this.sources.get(id) ?? null, state, toUs };
      g.txs.push(t);
    } else {
      if (from !== undefined && t.from === null) t.from = from;
      // Confirmed and evicted are final; a refused copy stays refused unless a block confirms it.
      if (t.state !== 'confirmed' && !(t.state === 'evicted' && state === 'mempool') && !(t.state === 'refused' && state === 'mempool')) t.state = state;
    }
    if (height !== undefined) t.height = height;
  }
}
