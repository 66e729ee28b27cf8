import { ByteWriter, toHex } from '../encoding';
import { sha256 } from '../crypto/hash';

/**
 * Key of the by-script index: the script's bytes as a one-byte-per-char string (one native call,
 * half the length of hex; consulted on every coin added or spent).
 */
function scriptKey(script: Uint8Array): string {
  return String.fromCharCode.apply(null, script as unknown as number[]);
}

function indexCoin(index: Map<string, Set<string>>, key: string, coin: Coin): void {
  const s = scriptKey(coin.script);
  let set = index.get(s);
  if (!set) index.set(s, (set = new Set()));
  set.add(key);
}

/** An unspent output with what consensus needs to know about where it came from. */
export interface Coin {
  value: bigint;
  script: Uint8Array;
  /** Height of the block that created it. */
  height: number;
  /** Created by a coinbase (subject to maturity). */
  coinbase: boolean;
}

/** Read access to coins, by outpoint key (`txid:vout`). */
export interface CoinView {
  getCoin(key: string): Coin | undefined;
}

/**
 * The UTXO set: every unspent output by outpoint, with an index by locking script so a wallet's
 * balance is a lookup, not a scan. Updated incrementally as blocks connect and disconnect; the
 * index is built on the first lookup (a simulated node nobody looks at never builds it: a
 * thousand of them held 250,000 sets and did the index's work on every coin).
 */
export class UtxoSet implements CoinView {
  private readonly coins = new Map<string, Coin>();
  private byScript: Map<string, Set<string>> | null = null;

  get size(): number {
    return this.coins.size;
  }
  getCoin(key: string): Coin | undefined {
    return this.coins.get(key);
  }
  has(key: string): boolean {
    return this.coins.has(key);
  }
  add(key: string, coin: Coin): void {
    this.coins.set(key, coin);
    if (this.byScript) indexCoin(this.byScript, key, coin);
  }
  /** Removes and returns a coin (undefined if it was not there). */
  spend(key: string): Coin | undefined {
    const coin = this.coins.get(key);
    if (!coin) return undefined;
    this.coins.delete(key);
    if (this.byScript) {
      const s = scriptKey(coin.script);
      const set = this.byScript.get(s);
      if (set) {
        set.delete(key);
        if (set.size === 0) this.byScript.delete(s);
      }
    }
    return coin;
  }
  /** Unspent outputs locked to a script, as [key, coin] pairs. */
  coinsForScript(script: Uint8Array): [string, Coin][] {
    if (!this.byScript) {
      this.byScript = new Map();
      for (const [key, coin] of this.coins) indexCoin(this.byScript, key, coin);
    }
    const set = this.byScript.get(scriptKey(script));
    if (!set) return [];
    return [...set].map((k) => [k, this.coins.get(k)!]);
  }
  entries(): IterableIterator<[string, Coin]> {
    return this.coins.entries();
  }
  clear(): void {
    this.coins.clear();
    this.byScript = null;
  }
  /** Count, total value and hash of the whole set (see `utxoCommitment`). */
  commitment(): UtxoCommitment {
    return utxoCommitment(this.coins.entries());
  }
}

/**
 * A layer of changes over a CoinView (Core's CCoinsViewCache): reads fall through, writes stay
 * here until `commit`. Lets a block be validated completely before the UTXO set is touched.
 */
export class CoinOverlay implements CoinView {
  readonly created = new Map<string, Coin>();
  readonly spentFromBase = new Map<string, Coin>();
  constructor(private readonly base: UtxoSet) {}
  getCoin(key: string): Coin | undefined {
    const c = this.created.get(key);
    if (c) return c;
    if (this.spentFromBase.has(key)) return undefined;
    return this.base.getCoin(key);
  }
  add(key: string, coin: Coin): void {
    this.created.set(key, coin);
  }
  spend(key: string): Coin | undefined {
    const c = this.created.get(key);
    if (c) {
      this.created.delete(key);
      return c;
    }
    if (this.spentFromBase.has(key)) return undefined;
    const b = this.base.getCoin(key);
    if (b) this.spentFromBase.set(key, b);
    return b;
  }
  commit(): void {
    for (const k of this.spentFromBase.keys()) this.base.spend(k);
    for (const [k, c] of this.created) this.base.add(k, c);
  }
}

/**
 * What a UTXO set commits to (Bitcoin Core's `gettxoutsetinfo`: txouts, total_amount and a hash of
 * the serialized set): two sets are equal exactly when their commitments are. The hash is SHA-256
 * over every coin in outpoint-key order (outpoint, value, height, coinbase flag, script).
 */
export interface UtxoCommitment {
  count: number;
  /** Sum of every coin's value, in satoshis. */
  total: bigint;
  /** Hex SHA-256 of the set in canonical order. */
  hash: string;
}

/** The commitment of any collection of coins (a live set, a stored table, a replay). */
export function utxoCommitment(coins: Iterable<[string, Coin]>): UtxoCommitment {
  const rows = [...coins].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const h = sha256.create();
  let total = 0n;
  for (const [key, c] of rows) {
    total += c.value;
    const w = new ByteWriter(64 + c.script.length);
    w.varString(key).u64(c.value).u32(c.height).u8(c.coinbase ? 1 : 0).varBytes(c.script);
    h.update(w.finish());
  }
  return { count: rows.length, total, hash: toHex(h.digest()) };
}

/** True when two commitments describe the same set. */
export function sameCommitment(a: UtxoCommitment, b: UtxoCommitment): boolean {
  return a.count === b.count && a.total === b.total && a.hash === b.hash;
}
