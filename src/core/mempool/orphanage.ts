/**
 * Orphan transactions (Core's TxOrphanage): a transaction whose inputs spend outputs we do not know
 * yet — its parent is still on its way — is kept, bounded, instead of refused, and offered to the
 * mempool again when a transaction it spends arrives. Indexed by the outpoints it spends, so the
 * children of a new transaction are found without a scan. Pure: the caller passes the time and the
 * random choice of which orphan to evict (Core evicts at random, so a peer cannot aim at one).
 */
import { outpointKey, txidHex, txSize, type Tx } from '../primitives/tx';

/** Core's DEFAULT_MAX_ORPHAN_TRANSACTIONS. */
export const MAX_ORPHAN_TXS = 100;
/** Core's ORPHAN_TX_EXPIRE_TIME: 20 minutes (seconds). */
export const ORPHAN_TX_EXPIRE = 20 * 60;
/** Bigger transactions are not kept as orphans (Core: MAX_STANDARD_TX_WEIGHT, 100 kB of legacy bytes). */
export const MAX_ORPHAN_TX_SIZE = 100_000;

/** One orphan: the transaction, the peer it came from and when it expires (node seconds). */
export interface Orphan {
  tx: Tx;
  txid: string;
  from: string;
  expires: number;
}

export class TxOrphanage {
  private readonly byId = new Map<string, Orphan>();
  /** Outpoint (`txid:vout`) → ids of the orphans spending it. */
  private readonly byPrevout = new Map<string, Set<string>>();

  constructor(
    private readonly max = MAX_ORPHAN_TXS,
    /** An index below n: which orphan to evict when full (default: the oldest). */
    private readonly pick: (n: number) => number = () => 0,
  ) {}

  get size(): number {
    return this.byId.size;
  }
  has(txid: string): boolean {
    return this.byId.has(txid);
  }
  get(txid: string): Orphan | undefined {
    return this.byId.get(txid);
  }
  /** Every orphan transaction (for compact block reconstruction: Core's extra transactions). */
  txs(): Tx[] {
    return [...this.byId.values()].map((o) => o.tx);
  }

  /**
   * Keeps an orphan; false if it is already kept or too big. When full, one orphan is evicted
   * (chosen by `pick`); the returned list names what was evicted.
   */
  add(tx: Tx, from: string, now: number): { added: boolean; evicted: string[] } {
    const id = txidHex(tx);
    if (this.byId.has(id) || txSize(tx) > MAX_ORPHAN_TX_SIZE) return { added: false, evicted: [] };
    const evicted: string[] = [];
    while (this.byId.size >= this.max) {
      const ids = [...this.byId.keys()];
      const victim = ids[this.pick(ids.length) % ids.length]!;
      this.remove(victim);
      evicted.push(victim);
    }
    this.byId.set(id, { tx, txid: id, from, expires: now + ORPHAN_TX_EXPIRE });
    for (const input of tx.inputs) {
      const k = outpointKey(input.prevout);
      let set = this.byPrevout.get(k);
      if (!set) this.byPrevout.set(k, (set = new Set()));
      set.add(id);
    }
    return { added: true, evicted };
  }

  remove(txid: string): Orphan | undefined {
    const o = this.byId.get(txid);
    if (!o) return undefined;
    this.byId.delete(txid);
    for (const input of o.tx.inputs) {
      const k = outpointKey(input.prevout);
      const set = this.byPrevout.get(k);
      set?.delete(txid);
      if (set?.size === 0) this.byPrevout.delete(k);
    }
    return o;
  }

  /** Orphans spending an output of `parent` (what its arrival may complete), oldest first. */
  childrenOf(parent: Tx): Orphan[] {
    const id = txidHex(parent);
    const out = new Set<string>();
    for (let v = 0; v < parent.outputs.length; v++) for (const c of this.byPrevout.get(`${id}:${v}`) ?? []) out.add(c);
    return [...out].map((c) => this.byId.get(c)!);
  }

  /** Orphans that are in these (block) transactions, or spend what they spend: gone (Core's EraseForBlock). */
  removeForBlock(txs: readonly Tx[]): string[] {
    const gone: string[] = [];
    for (const tx of txs) {
      if (this.remove(txidHex(tx))) gone.push(txidHex(tx));
      for (const input of tx.inputs)
        for (const c of [...(this.byPrevout.get(outpointKey(input.prevout)) ?? [])]) if (this.remove(c)) gone.push(c);
    }
    return gone;
  }

  /** Forgets what a peer sent (Core's EraseForPeer: it disconnected). */
  removeFrom(peer: string): number {
    let n = 0;
    for (const o of [...this.byId.values()]) if (o.from === peer && this.remove(o.txid)) n++;
    return n;
  }

  /** Forgets orphans older than ORPHAN_TX_EXPIRE. */
  expire(now: number): number {
    let n = 0;
    for (const o of [...this.byId.values()]) if (o.expires <= now && this.remove(o.txid)) n++;
    return n;
  }
}
