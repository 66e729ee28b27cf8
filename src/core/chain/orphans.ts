/** Core's orphan pool: blocks whose parent is unknown, held (bounded) while the parent is fetched. */
import { hashToHex } from '../encoding';
import { BoundedMap } from '../util/bounded';
import type { Block } from '../primitives/block';

/** Hard cap on orphan blocks kept while their parents are fetched. */
export const MAX_ORPHANS = 1000;

/** Orphan blocks by hash, indexed by the parent they wait for; the oldest is evicted when full. */
export class OrphanPool {
  private readonly byPrev = new Map<string, Set<string>>();
  private readonly blocks = new BoundedMap<string, Block>(MAX_ORPHANS, (hash, block) => {
    const prev = hashToHex(block.header.prevHash);
    const siblings = this.byPrev.get(prev);
    siblings?.delete(hash);
    if (siblings?.size === 0) this.byPrev.delete(prev);
  });

  get size(): number {
    return this.blocks.size;
  }
  has(hash: string): boolean {
    return this.blocks.has(hash);
  }
  get(hash: string): Block | undefined {
    return this.blocks.get(hash);
  }
  hashes(): string[] {
    return [...this.blocks.keys()];
  }

  add(hash: string, prevHash: string, block: Block): void {
    this.blocks.set(hash, block);
    let set = this.byPrev.get(prevHash);
    if (!set) this.byPrev.set(prevHash, (set = new Set()));
    set.add(hash);
  }

  /** Removes and returns the orphans waiting for `parent`, in arrival order. */
  takeChildren(parent: string): Block[] {
    const kids = this.byPrev.get(parent);
    if (!kids) return [];
    this.byPrev.delete(parent);
    const out: Block[] = [];
    for (const k of kids) {
      const orphan = this.blocks.get(k)!;
      this.blocks.delete(k);
      out.push(orphan);
    }
    return out;
  }

  /** The earliest missing ancestor's parent hash for an orphan (what to ask peers for). */
  root(hash: string): string | undefined {
    let b = this.blocks.get(hash);
    let last: string | undefined;
    while (b) {
      last = hashToHex(b.header.prevHash);
      b = this.blocks.get(last);
    }
    return last;
  }
}
