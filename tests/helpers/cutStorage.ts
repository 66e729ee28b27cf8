/**
 * A storage layer that can be cut between any two operations, over fake-indexeddb: every write
 * request (put, add, delete, clear) is counted, and the one after the first `after` is refused and
 * its transaction aborted, as a tab killed at that moment would leave it (IndexedDB commits a
 * transaction whole or not at all). From then on nothing reaches the database until `restore()`.
 */
export interface StorageCut {
  /** Write requests made so far (including the refused one). */
  readonly ops: number;
  /** True once the cut happened. */
  readonly cut: boolean;
  /** Puts IndexedDB back to normal (the "reloaded tab" opens the database afterwards). */
  restore(): void;
}

const WRITES = ['put', 'add', 'delete', 'clear'] as const;

export function cutStorageAfter(after: number): StorageCut {
  const proto = IDBObjectStore.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = WRITES.map((m) => proto[m]);
  const originalTransaction = IDBDatabase.prototype.transaction;
  const state = { ops: 0, cut: false };
  const refuse = () => new DOMException('storage cut (simulated crash)', 'AbortError');
  WRITES.forEach((m, i) => {
    proto[m] = function (this: IDBObjectStore, ...args: unknown[]) {
      state.ops++;
      if (state.cut || state.ops > after) {
        state.cut = true;
        try {
          this.transaction.abort();
        } catch {
          // already aborted by an earlier refused request
        }
        throw refuse();
      }
      return originals[i]!.apply(this, args);
    };
  });
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    if (state.cut) throw refuse();
    return originalTransaction.apply(this, args);
  } as IDBDatabase['transaction'];
  return {
    get ops() {
      return state.ops;
    },
    get cut() {
      return state.cut;
    },
    restore() {
      WRITES.forEach((m, i) => (proto[m] = originals[i]!));
      IDBDatabase.prototype.transaction = originalTransaction;
    },
  };
}
