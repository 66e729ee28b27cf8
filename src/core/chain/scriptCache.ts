import { BoundedSet } from '../util/bounded';

/**
 * Bitcoin Core's script cache: txids whose signatures were checked (bounded, oldest forgotten),
 * one for the mempool and for blocks, so a transaction checked on arrival is not checked again when
 * a block confirms it. A simulation's "shared validation" gives every node's chain one set.
 */
export class ScriptCache {
  private ids: Set<string> = new BoundedSet<string>(100_000);

  has(txid: string): boolean {
    return this.ids.has(txid);
  }
  add(txid: string): void {
    this.ids.add(txid);
  }
  /** Uses `shared` from now on (what was checked so far joins it). */
  share(shared: Set<string>): void {
    for (const id of this.ids) shared.add(id);
    this.ids = shared;
  }
}
