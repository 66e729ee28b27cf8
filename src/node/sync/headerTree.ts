/**
 * The headers a node knows beyond its blocks (Core's block index entries with BLOCK_VALID_TREE and
 * no data): headers-first sync learns the chain from `headers` and downloads its blocks after. A
 * header is kept only if it connects to a known entry and passes the checks a header alone allows
 * (proof of work, difficulty, time: Core's CheckBlockHeader + ContextualCheckBlockHeader). Blocks
 * the chain holds are looked up in the chain; this tree holds only the headers without a block.
 */
import {
  BoundedMap, RuleError, ancestorAt, blockHashHex, checkProofOfWork, contextualCheckHeader, hashToHex, medianTimePast, workFromBits,
  type BlockEntry, type BlockHeader, type Chain,
} from '../../core';

/** Headers without blocks remembered at most (each ≈ 200 bytes; a 100,000-block chain fits). */
export const MAX_HEADER_ENTRIES = 100_000;

/** Why a batch of headers was refused, or stopped early. */
export type HeaderFault =
  | { kind: 'unconnecting' } // the first header's parent is unknown
  | { kind: 'non-continuous' } // a header does not build on the one before it
  | { kind: 'invalid'; error: RuleError; hash: string }; // a header failed a check (error.kind says how bad)

export class HeaderTree {
  private readonly headers = new BoundedMap<string, BlockEntry>(MAX_HEADER_ENTRIES);
  private readonly invalid = new Set<string>();
  private seq = 0;
  private bestEntry: BlockEntry;

  constructor(private readonly chain: Chain) {
    this.bestEntry = chain.tip;
  }

  get size(): number {
    return this.headers.size;
  }

  /** The entry of a known block or header (the chain's own entry when it has the block). */
  get(hash: string): BlockEntry | undefined {
    return this.chain.getEntry(hash) ?? this.headers.get(hash);
  }

  /** True if the header (or its block) is known and not found invalid. */
  knows(hash: string): boolean {
    const e = this.get(hash);
    return !!e && e.status === 'valid' && !this.invalid.has(hash);
  }

  /** The most-work valid header known (at least the chain's tip): what headers-first sync aims for. */
  get best(): BlockEntry {
    const tip = this.chain.tip;
    if (tip.chainWork > this.bestEntry.chainWork || this.isInvalid(this.bestEntry)) this.bestEntry = tip;
    return this.bestEntry;
  }

  /**
   * Takes a peer's `headers`: each must build on the one before, the first on a known entry; each
   * is checked and stored. Returns the entry of every header taken (known ones included) and the
   * fault that stopped the batch, if any.
   */
  accept(headers: readonly BlockHeader[], nowSeconds: number, after?: BlockEntry): { entries: BlockEntry[]; fault?: HeaderFault } {
    const entries: BlockEntry[] = [];
    /** The header the first one must build on (the last of the slice before, when a batch is taken in slices). */
    let prev: BlockEntry | undefined = after;
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!;
      const prevHash = hashToHex(h.prevHash);
      if (prev && prevHash !== prev.hash) return { entries, fault: { kind: 'non-continuous' } };
      const parent = prev ?? this.get(prevHash);
      if (!parent) return { entries, fault: { kind: 'unconnecting' } };
      const r = this.acceptOne(h, parent, nowSeconds);
      if ('fault' in r) return { entries, fault: r.fault };
      entries.push(r.entry);
      prev = r.entry;
    }
    return { entries };
  }

  private acceptOne(h: BlockHeader, parent: BlockEntry, now: number): { entry: BlockEntry } | { fault: HeaderFault } {
    const hash = blockHashHex(h);
    const known = this.get(hash);
    if (known) {
      if (known.status === 'invalid' || this.invalid.has(hash))
        return { fault: { kind: 'invalid', error: new RuleError('duplicate-invalid', 'header of a block already found invalid', 'consensus'), hash } };
      return { entry: known };
    }
    try {
      if (this.isInvalid(parent)) throw new RuleError('bad-prevblk', 'previous block is invalid', 'consensus');
      checkProofOfWork(h, this.chain.params);
      contextualCheckHeader(h, { height: parent.height + 1, expectedBits: this.chain.nextBits(parent), medianTimePast: medianTimePast(parent), now }, this.chain.params);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (e.kind === 'consensus') this.invalid.add(hash);
      return { fault: { kind: 'invalid', error: e, hash } };
    }
    const entry: BlockEntry = {
      hash, header: h, height: parent.height + 1, chainWork: parent.chainWork + workFromBits(h.bits), parent,
      seq: this.seq++, status: 'valid', txCount: 0, size: 0,
    };
    this.headers.set(hash, entry);
    if (entry.chainWork > this.best.chainWork) this.bestEntry = entry;
    return { entry };
  }

  /** A block was found invalid: its header and every header built on it are refused from now on. */
  markInvalid(hash: string): void {
    const bad = this.get(hash);
    this.invalid.add(hash);
    if (!bad) return;
    // Descendants too (rare: a walk over the tree), then the best header falls back if it was one.
    for (const e of this.headers.values())
      if (e.height > bad.height && ancestorAt(e, bad.height)?.hash === hash) this.invalid.add(e.hash);
    if (this.isInvalid(this.bestEntry)) {
      let best = this.chain.tip;
      for (const e of this.headers.values()) if (e.chainWork > best.chainWork && !this.isInvalid(e)) best = e;
      this.bestEntry = best;
    }
  }

  /** True if the entry is known invalid (its own block failed, or one it builds on). */
  isInvalid(e: BlockEntry): boolean {
    return e.status === 'invalid' || this.invalid.has(e.hash) || this.chain.getEntry(e.hash)?.status === 'invalid';
  }

  /** Forgets headers whose blocks the chain now holds (their entries live in the chain). */
  prune(): void {
    for (const [hash] of this.headers) if (this.chain.getEntry(hash)) this.headers.delete(hash);
  }
}

/**
 * The entries from just after `from`'s last ancestor on the active chain up to `to`, oldest first:
 * the blocks a node still needs to reach `to` (Core's FindNextBlocksToDownload walks the same path).
 */
export function pathTo(chain: Chain, to: BlockEntry): BlockEntry[] {
  const out: BlockEntry[] = [];
  for (let e: BlockEntry | null = to; e && !isActiveEntry(chain, e); e = e.parent) out.push(e);
  return out.reverse();
}

/** True if `e` (by hash: header entries and chain entries are different objects) is on the active chain. */
export function isActiveEntry(chain: Chain, e: BlockEntry): boolean {
  return chain.entryAt(e.height)?.hash === e.hash;
}
