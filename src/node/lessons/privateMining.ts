/**
 * A private chain: the 51 % attack and selfish mining (Eyal and Sirer, 2013), with real blocks.
 * The node mines on its own branch from a fork point and withholds what it finds: its own chain
 * accepts each block (and follows the branch whenever it has the most work), but the node neither
 * announces nor serves it. The public chain goes on meanwhile; this node still downloads and
 * validates it, so it always knows both tips and the lead.
 *
 * 'withhold' (the 51 % attack) keeps every block until `release()`. With a victim payment, the
 * node pays the victim publicly and puts a conflicting copy (the same coin paid back to itself) in
 * the first private block: when the longer private chain is released, every node reorganises to it
 * and the payment disappears from the public history. 'selfish' publishes just enough to match
 * each public block (all of it when its lead is 1 or 2, racing on a tie), and gives up when the
 * public chain gets ahead.
 */
import {
  assembleBlock,
  blockHash,
  blockHashHex,
  buildPayment,
  makeCoinbase,
  spendableCoins,
  subsidyAt,
  txidHex,
  type Block,
  type BlockEntry,
  type Chain,
  type Mempool,
  type PrivateStrategy,
  type Tx,
  type WalletKey,
} from '../../core';
import type { TemplateSource } from '../mining';
import type { PaymentView, PrivateView, ReleaseView } from './types';

export interface PrivateHost {
  readonly id: string;
  chain(): Chain;
  mempool(): Mempool;
  nowSeconds(): number;
  /** Where private coinbases pay (the wallet's first address). */
  payTo(): Uint8Array;
  /** The node's own chain takes a private block (validated, never announced while withheld). */
  submit(block: Block): void;
  /** A public payment: into the mempool and announced. */
  submitTx(tx: Tx): void;
  /** Announces blocks by inv to every ready peer (they fetch them with getdata). */
  announce(hashes: string[]): void;
  /** Mines the private chain's templates (null: back to ordinary mining). */
  setSource(source: TemplateSource | null): void;
  /** The parent to mine on changed: restart mining on it. */
  remine(): void;
  changed(): void;
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
}

/** The victim payment and its conflicting private copy, from the same confirmed coins. */
export function paymentAndDoubleSpend(chain: Chain, mempool: Mempool, from: WalletKey, back: WalletKey, to: string, amount: bigint): { payment: Tx; copy: Tx } {
  // Confirmed coins only: the copy must be valid on the private branch, which forks at the tip.
  const coins = spendableCoins(from.script, chain.utxo, mempool, { height: chain.height, maturity: chain.params.coinbaseMaturity }).filter((c) => c.confirmed);
  const payment = buildPayment({ from, to, amount, coins });
  // buildPayment takes coins oldest first: the payment's inputs are the first ones.
  const chosen = coins.slice(0, payment.inputs.length);
  const total = chosen.reduce((s, c) => s + c.coin.value, 0n);
  // Every input of the payment, all of it back to this node: no fee, so the coinbase stays exact.
  const copy = buildPayment({ from, to: back.address, amount: total, coins: chosen });
  return { payment, copy };
}

export class PrivateMiner implements TemplateSource {
  private fork: BlockEntry;
  private tip: BlockEntry;
  /** A block just found, while the node's chain takes it (mining restarts on it meanwhile). */
  private pending: string | null = null;
  private publicTip: BlockEntry;
  /** Private blocks not yet published, oldest first. */
  private readonly withheld: string[] = [];
  private readonly withheldSet = new Set<string>();
  private published = 0;
  /** Selfish mining: our last publication made a tie; a block we find now wins the race at once. */
  private racing = false;
  private payment: { tx: Tx; to: string; amount: bigint; height: number | null } | null = null;
  /** Private blocks asked for one at a time ("mine a private block"), when not mining all the time. */
  private queued = 0;
  private copy: Tx | null = null;

  constructor(
    private readonly host: PrivateHost,
    readonly strategy: PrivateStrategy,
    start: BlockEntry,
    /** Mine privately all the time (else one block per `mineOne`). */
    public auto = true,
  ) {
    this.fork = start;
    this.tip = start;
    this.publicTip = start;
  }

  /** Starts mining privately; with a payment, pays the victim publicly and keeps the conflicting copy. */
  begin(payment?: { from: WalletKey; back: WalletKey; to: string; amount: bigint }): void {
    if (payment) {
      const { payment: tx, copy } = paymentAndDoubleSpend(this.host.chain(), this.host.mempool(), payment.from, payment.back, payment.to, payment.amount);
      this.host.submitTx(tx);
      this.payment = { tx, to: payment.to, amount: payment.amount, height: null };
      this.copy = copy;
    }
    this.host.setSource(this);
    this.host.log(`mining privately (${this.strategy}) from block ${this.fork.height}`, 'warn');
    this.host.changed();
  }

  /** True for a private block not yet published. */
  isWithheld(hash: string): boolean {
    return this.withheldSet.has(hash);
  }

  /** One more private block (when not mining all the time). */
  mineOne(): void {
    this.queued++;
    this.host.remine();
  }

  setAuto(auto: boolean): void {
    this.auto = auto;
    this.host.setSource(this);
    this.host.changed();
  }

  // ---------------------------------------------------------------- TemplateSource

  wanted(): boolean {
    return this.auto || this.queued > 0;
  }

  parent(): string {
    return this.pending ?? this.tip.hash;
  }

  build(now: number): { block: Block; height: number } {
    const chain = this.host.chain();
    const parent = (this.pending && chain.getEntry(this.pending)) || this.tip;
    const height = parent.height + 1;
    const txs = parent === this.fork && this.copy ? [this.copy] : [];
    const coinbase = makeCoinbase(height, this.host.payTo(), subsidyAt(chain.params, height), `tabchain private ${this.host.id}`);
    const block = assembleBlock(
      { version: 1, prevHash: blockHash(parent.header), time: Math.max(now, chain.medianTimePast(parent) + 1), bits: chain.nextBits(parent), nonce: 0 },
      [coinbase, ...txs],
    );
    return { block, height };
  }

  found(block: Block): void {
    const hash = blockHashHex(block.header);
    // Counted before the node takes it: taking it restarts mining, which must not mine it twice.
    if (this.queued > 0) this.queued--;
    this.withheld.push(hash);
    this.withheldSet.add(hash);
    this.pending = hash;
    try {
      this.host.submit(block);
    } finally {
      this.pending = null;
    }
    const entry = this.host.chain().getEntry(hash);
    if (!entry || entry.status !== 'valid') {
      // The engine refused it (it could not happen with our own template, but never build on it).
      this.withheld.pop();
      this.withheldSet.delete(hash);
      this.host.log(`private block ${hash.slice(0, 16)}… was refused by this node's own chain`, 'error');
      return;
    }
    this.tip = entry;
    if (this.strategy === 'selfish' && this.racing) {
      // Eyal–Sirer state 0': we were tied with the public chain; our new block settles it.
      this.racing = false;
      this.publish(this.withheld.length);
    }
    this.host.changed();
  }

  // ---------------------------------------------------------------- the public chain

  /** A block entered this node's index: a public block moves the public tip (and a selfish miner reacts). */
  onAccepted(entry: BlockEntry): void {
    if (this.withheldSet.has(entry.hash) || entry.status !== 'valid') return;
    if (entry.chainWork <= this.publicTip.chainWork) return;
    this.publicTip = entry;
    this.notePayment();
    if (this.strategy === 'selfish') this.reactSelfishly();
    this.host.changed();
  }

  /** Eyal and Sirer's strategy, after the public chain grew. */
  private reactSelfishly(): void {
    const lead = this.tip.height - this.publicTip.height;
    this.racing = false;
    if (lead < 0) {
      // The public chain is ahead: adopt it and start again from its tip.
      this.withheld.length = 0;
      this.withheldSet.clear();
      this.fork = this.publicTip;
      this.tip = this.publicTip;
      this.host.remine();
    } else if (lead === 0) {
      // A tie: publish ours and race (each node keeps the block it saw first).
      this.publish(this.withheld.length);
      this.racing = true;
    } else if (lead === 1) {
      // One ahead: publishing everything wins outright.
      this.publish(this.withheld.length);
    } else {
      // Further ahead: publish just enough to match the public chain and keep the lead.
      const upTo = this.publicTip.height;
      let n = 0;
      for (const h of this.withheld) if ((this.host.chain().getEntry(h)?.height ?? Infinity) <= upTo) n++;
      this.publish(n);
    }
  }

  /** Announces the oldest `n` withheld blocks. */
  private publish(n: number): void {
    if (n <= 0) return;
    const out = this.withheld.splice(0, n);
    for (const h of out) this.withheldSet.delete(h);
    this.published += out.length;
    this.host.announce(out);
    // What we published is public now: the public tip may be ours.
    const last = this.host.chain().getEntry(out[out.length - 1]!);
    if (last && last.chainWork > this.publicTip.chainWork) this.publicTip = last;
  }

  private notePayment(): void {
    const p = this.payment;
    if (!p) return;
    p.height = null;
    const id = txidHex(p.tx);
    const chain = this.host.chain();
    for (let e: BlockEntry | null = this.publicTip; e && e !== this.fork && e.height > this.fork.height; e = e.parent) {
      const b = chain.getBlock(e.hash);
      if (b?.txs.some((t) => txidHex(t) === id)) {
        p.height = e.height;
        return;
      }
    }
  }

  // ---------------------------------------------------------------- release

  /** Publishes every withheld block and stops mining privately. */
  release(now: number): ReleaseView {
    this.notePayment();
    const overturned = this.payment?.height != null ? this.publicTip.height - this.payment.height + 1 : 0;
    const wins = this.tip.chainWork > this.publicTip.chainWork;
    const blocks = this.withheld.length;
    this.publish(blocks);
    this.stop();
    return { blocks, overturned, wins, time: now };
  }

  /** Stops mining privately; what was withheld stays unannounced (a side branch on this node). */
  stop(): void {
    this.withheld.length = 0;
    this.withheldSet.clear();
    this.host.setSource(null);
    this.host.changed();
  }

  view(active: boolean): PrivateView {
    const p = this.payment;
    const payment: PaymentView | null = p ? { txid: txidHex(p.tx), to: p.to, amount: p.amount, height: p.height, confirmations: p.height === null ? 0 : this.publicTip.height - p.height + 1 } : null;
    return {
      strategy: this.strategy,
      fork: { hash: this.fork.hash, height: this.fork.height },
      privateTip: { hash: this.tip.hash, height: this.tip.height },
      publicTip: { hash: this.publicTip.hash, height: this.publicTip.height },
      lead: this.tip.height - this.publicTip.height,
      withheld: [...this.withheld],
      published: this.published,
      payment,
      doubleSpend: this.copy ? txidHex(this.copy) : null,
      active,
      auto: this.auto,
    };
  }
}
