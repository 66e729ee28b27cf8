/**
 * Collections with a hard size cap that forget their oldest entry when full. Everything a peer
 * can make a node remember (announced hashes, refused blocks, orphans, addresses, dial times)
 * lives in one of these, so no input can grow a table without bound.
 */

/**
 * A Map that keeps at most `max` entries; setting a new key when full drops the oldest one, and
 * `onEvict` (if given) hears of it, so an index kept beside the map can forget the entry too.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(
    readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    super();
    if (!(max > 0)) throw new RangeError(`BoundedMap needs a positive size, got ${max}`);
  }
  /** Sets a key; a new key evicts the oldest entry when full (an existing key keeps its place). */
  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const [oldKey, oldValue] = this.entries().next().value as [K, V];
      this.delete(oldKey);
      this.onEvict?.(oldKey, oldValue);
    }
    return super.set(key, value);
  }
  /** Sets a key as the newest entry (it moves to the end of the eviction order). */
  touch(key: K, value: V): this {
    this.delete(key);
    return this.set(key, value);
  }
  /** The oldest entry's key, if any. */
  oldest(): K | undefined {
    return this.keys().next().value;
  }
}

/** A Set that keeps at most `max` members; adding a new member when full drops the oldest one. */
export class BoundedSet<T> extends Set<T> {
  constructor(readonly max: number) {
    super();
    if (!(max > 0)) throw new RangeError(`BoundedSet needs a positive size, got ${max}`);
  }
  override add(value: T): this {
    if (!this.has(value) && this.size >= this.max) this.delete(this.values().next().value as T);
    return super.add(value);
  }
}
