import { openDB, deleteDB, unwrap, type IDBPDatabase, type IDBPTransaction, type DBSchema, type StoreNames } from 'idb';
import { ChainWriteTimer, applyChainWrite, planChainWrites } from './chainWrites';
import { SYNC_GAP } from '../../node/sync/syncState';
import {
  decodeBlock,
  decodeTx,
  encodeBlock,
  encodeTx,
  exportWif,
  paramsFromJSON,
  paramsToJSON,
  walletKeyFromSecret,
  wifToPrivateKey,
  type Block,
  type Chain,
  type ChainEvent,
  type ChainParams,
  type Coin,
  type Tx,
  type WalletKey,
} from '../../core';
import type { FullNode, NodeOptions } from '../../node/node';
import type { NodeEvent, Role } from '../../node/events';
import type { PeerAddress } from '../../node/wire/messages';

/**
 * Database layout (one database per node, like the seed tutorial's blockchain_3001.db):
 *   meta     'params' → params JSON; 'tip' → active tip hash; 'node' → { role, created }
 *   blocks   hash → serialized block bytes (every accepted block, side branches too)
 *   utxo     "txid:vout" → Coin { value (bigint), script, height, coinbase }
 *   undo     hash → Coin[] spent by that block (for disconnecting it)
 *   mempool  txid → serialized tx bytes
 *   wallet   address → { wif, label }
 * Connecting or disconnecting blocks writes blocks, utxo, undo and tip in ONE transaction, so a tab
 * killed mid-write reloads with tip = the UTXO set's best block.
 */
export interface Schema extends DBSchema {
  meta: { key: string; value: unknown };
  blocks: { key: string; value: Uint8Array };
  utxo: { key: string; value: Coin };
  undo: { key: string; value: Coin[] };
  mempool: { key: string; value: Uint8Array };
  wallet: { key: string; value: { wif: string; label?: string; order: number } };
}

type StoreName = StoreNames<Schema>;
type WriteTx = IDBPTransaction<Schema, StoreName[], 'readwrite'>;

export const SCHEMA_VERSION = 1;

/** Everything a node needs to come back after a reload. */
export interface StoredNode {
  params: ChainParams | null;
  role: Role | null;
  blocks: Block[];
  tip: string | null;
  utxo: [string, Coin][];
  undo: [string, Coin[]][];
  mempool: Tx[];
  keys: WalletKey[];
  /** The teacher's secret key (only on the central node that created the network). */
  teacherSecret: Uint8Array | null;
  /** The latest teacher command of each kind this node applied (wire bytes). */
  teacherCommands: Uint8Array[];
  /** Node ids this node has heard of (its address book), for a mesh that outlives its central node. */
  addrs: PeerAddress[];
}

/**
 * The node options a stored node comes back with: parameters, wallet keys and, when a chain was
 * saved, the chain state to restore (a database with parameters but no tip starts at genesis).
 */
export function restoredOptions(saved: StoredNode): Pick<NodeOptions, 'params' | 'keys' | 'restore' | 'teacherCommands' | 'addrs'> {
  return {
    ...(saved.params ? { params: saved.params } : {}),
    ...(saved.keys.length ? { keys: saved.keys } : {}),
    ...(saved.teacherCommands.length ? { teacherCommands: saved.teacherCommands } : {}),
    ...(saved.addrs.length ? { addrs: saved.addrs } : {}),
    ...(saved.params && saved.tip ? { restore: { blocks: saved.blocks, tip: saved.tip, utxo: saved.utxo, undo: saved.undo, mempool: saved.mempool } } : {}),
  };
}

function isStoredAddr(v: unknown): v is PeerAddress {
  const a = v as PeerAddress;
  return typeof v === 'object' && v !== null && typeof a.id === 'string' && a.id.length <= 64 && typeof a.time === 'number' && typeof a.services === 'bigint';
}

/** Storage problems the user must see (never ignored silently). */
export type StoreProblem = { kind: 'quota' | 'blocked' | 'failed' | 'unavailable'; message: string };

/** Name of a node's database. */
export function databaseName(network: string, nodeId: string): string {
  return `tabchain-${network}-${nodeId}`;
}

/** A node's IndexedDB database, written from node events. */
export class NodeStore {
  onproblem: ((p: StoreProblem) => void) | null = null;
  /** Set after a write failed: further writes would leave the database inconsistent, so they stop. */
  failed: StoreProblem | null = null;
  private pending: ChainEvent[] = [];
  private flushQueued = false;
  /** When the chain events wait for go (chainWrites.ts: a peer's block after its relay, a download in batches). */
  private readonly chainTimer = new ChainWriteTimer(() => this.flushChain());
  private writes: Promise<void> = Promise.resolve();
  private mempoolTimer: ReturnType<typeof setTimeout> | null = null;
  private mempoolWrite: (() => void) | null = null;

  private constructor(
    private readonly db: IDBPDatabase<Schema>,
    readonly name: string,
  ) {}

  /** Opens (or creates) a node's database; reports a blocked schema upgrade. */
  static async open(name: string, onproblem?: (p: StoreProblem) => void): Promise<NodeStore> {
    if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this browser');
    const db = await openDB<Schema>(name, SCHEMA_VERSION, {
      upgrade(db) {
        for (const s of ['meta', 'blocks', 'utxo', 'undo', 'mempool', 'wallet'] as const)
          if (!db.objectStoreNames.contains(s)) db.createObjectStore(s);
      },
      blocked() {
        onproblem?.({ kind: 'blocked', message: 'another tab holds an older version of this node database open; close it to continue' });
      },
    });
    const store = new NodeStore(db, name);
    store.onproblem = onproblem ?? null;
    db.addEventListener('versionchange', () => {
      db.close();
      store.report({ kind: 'blocked', message: 'this node database is being upgraded or deleted by another tab' });
    });
    return store;
  }

  /** Reads everything back. */
  async load(): Promise<StoredNode> {
    const tx = this.db.transaction(['meta', 'blocks', 'utxo', 'undo', 'mempool', 'wallet']);
    const [paramsJson, tip, nodeMeta, teacherSecret, teacherCommands, addrs, blockBytes, utxoKeys, utxoVals, undoKeys, undoVals, mempool, walletRows] = await Promise.all([
      tx.objectStore('meta').get('params'),
      tx.objectStore('meta').get('tip'),
      tx.objectStore('meta').get('node'),
      tx.objectStore('meta').get('teacherSecret'),
      tx.objectStore('meta').get('teacherCommands'),
      tx.objectStore('meta').get('addrs'),
      tx.objectStore('blocks').getAll(),
      tx.objectStore('utxo').getAllKeys(),
      tx.objectStore('utxo').getAll(),
      tx.objectStore('undo').getAllKeys(),
      tx.objectStore('undo').getAll(),
      tx.objectStore('mempool').getAll(),
      tx.objectStore('wallet').getAll(),
    ]);
    await tx.done;
    return {
      params: typeof paramsJson === 'string' ? paramsFromJSON(paramsJson) : null,
      role: ((nodeMeta as { role?: Role } | undefined)?.role ?? null) as Role | null,
      blocks: blockBytes.map(decodeBlock),
      tip: typeof tip === 'string' ? tip : null,
      utxo: zip(utxoKeys, utxoVals, 'utxo'),
      undo: zip(undoKeys, undoVals, 'undo'),
      mempool: mempool.map(decodeTx),
      keys: walletRows.sort((a, b) => a.order - b.order).map((r) => walletKeyFromSecret(wifToPrivateKey(r.wif), r.label)),
      teacherSecret: teacherSecret instanceof Uint8Array && teacherSecret.length === 32 ? teacherSecret : null,
      teacherCommands: Array.isArray(teacherCommands) ? teacherCommands.filter((c): c is Uint8Array => c instanceof Uint8Array) : [],
      addrs: Array.isArray(addrs) ? (addrs as unknown[]).filter(isStoredAddr) : [],
    };
  }

  /** Keeps the teacher's secret key (the central node that created the network). */
  saveTeacherSecret(secret: Uint8Array): void {
    this.enqueue(() => this.write(['meta'], (tx, ops) => void ops.push(tx.objectStore('meta').put(secret.slice(), 'teacherSecret'))));
  }

  /** Subscribes to a node's events and keeps the database in step with it. Returns an unsubscribe. */
  attach(node: FullNode): () => void {
    this.saveMeta(node.role);
    if (node.params) this.saveParams(node.params);
    if (node.chain) this.saveBase(node.chain, !!node.restoreReport?.repaired.length);
    this.saveKeys(node.keys);
    this.chainTimer.useClock(node.clock);
    return node.on((e: NodeEvent) => {
      if (e.type === 'block-mined') this.chainTimer.mined(e.hash);
      else if (e.type === 'chain') this.queue(e.event, node.bestKnownHeight() - node.height > SYNC_GAP);
      else if (e.type === 'chain-ready') {
        this.saveParams(e.params);
        if (node.chain) this.saveBase(node.chain, false);
      }
      else if (e.type === 'wallet-changed') this.saveKeys(node.keys);
      else if (e.type === 'teacher') this.saveMetaValue('teacherCommands', node.teacherCommands());
      else if (e.type === 'addr-learned') this.scheduleAddrs(node);
      else if (e.type === 'mempool') this.scheduleMempool(node);
    });
  }

  private queue(e: ChainEvent, syncing: boolean): void {
    if (e.type !== 'block-accepted' && e.type !== 'block-connected' && e.type !== 'block-disconnected') return;
    this.pending.push(e);
    this.chainTimer.note(e, syncing);
  }

  private flushChain(): void {
    this.chainTimer.reset();
    if (this.flushQueued) return;
    this.flushQueued = true;
    // One write takes every chain event that arrived before it starts (one transaction per block
    // fell seconds behind an initial sync); writeChain cuts it into 64-block transactions.
    this.enqueue(async () => {
      this.flushQueued = false;
      const batch = this.pending;
      this.pending = [];
      if (batch.length) await this.writeChain(batch);
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.writes = this.writes.then(async () => {
      if (this.failed) return;
      try {
        await work();
      } catch (e) {
        this.fail(e);
      }
    });
  }

  /** Resolves when every write queued so far (including a debounced mempool write) has finished. */
  flushed(): Promise<void> {
    if (this.chainTimer.armed) this.flushChain();
    if (this.mempoolTimer) {
      clearTimeout(this.mempoolTimer);
      this.mempoolTimer = null;
      this.mempoolWrite?.();
    }
    if (this.addrTimer) {
      clearTimeout(this.addrTimer);
      this.addrTimer = null;
      this.addrWrite?.();
    }
    return new Promise((r) => queueMicrotask(() => r(this.writes)));
  }

  /**
   * The state every later chain write builds on. A database without a tip gets the genesis block's
   * coins and tip (the Chain connects genesis in its constructor, before the store listens: missing
   * them lost the genesis coin on every reload). After a repaired restore, the UTXO set and undo
   * data are rewritten whole from the chain. Taken synchronously, written in one transaction,
   * ahead of any chain event that follows.
   */
  private saveBase(chain: Chain, rewrite: boolean): void {
    const g = chain.genesisConnected;
    const coins = rewrite ? [...chain.utxo.entries()] : g.created.map((c) => [c.key, c.coin] as [string, Coin]);
    const undos: [string, Coin[]][] = [];
    if (rewrite) for (let h = 1; h <= chain.height; h++) undos.push([chain.entryAt(h)!.hash, chain.getUndo(chain.entryAt(h)!.hash)!]);
    const tip = chain.tip.hash;
    this.enqueue(() =>
      this.write(['utxo', 'undo', 'meta'], async (tx, ops) => {
        const stored = await tx.objectStore('meta').get('tip');
        if (!rewrite && typeof stored === 'string') return;
        if (rewrite) ops.push(tx.objectStore('utxo').clear(), tx.objectStore('undo').clear());
        for (const [k, c] of coins) ops.push(tx.objectStore('utxo').put(c, k));
        for (const [h, u] of undos) ops.push(tx.objectStore('undo').put(u, h));
        ops.push(tx.objectStore('meta').put(rewrite ? tip : g.entry.hash, 'tip'));
      }),
    );
  }

  /**
   * Runs a transaction's requests; on any failure the transaction is aborted, so nothing of it is
   * committed (IndexedDB would otherwise commit the requests made before the failure).
   */
  private async write(stores: StoreName[], work: (tx: WriteTx, ops: Promise<unknown>[]) => Promise<void> | void): Promise<void> {
    const tx = this.db.transaction(stores, 'readwrite');
    const ops: Promise<unknown>[] = [];
    try {
      await work(tx, ops);
      await Promise.all(ops);
      await tx.done;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished or aborted: nothing was committed after the failure either way
      }
      // The transaction's other requests fail with it: that is expected, not a second problem.
      for (const op of ops) op.catch(() => undefined);
      tx.done.catch(() => undefined);
      throw e;
    }
  }

  /** Writes chain events as netted 64-block chunks (chainWrites.ts), one transaction each, yielding between them. */
  private async writeChain(batch: ChainEvent[]): Promise<void> {
    for (const [i, w] of planChainWrites(batch).entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 0));
      await this.write(['blocks', 'utxo', 'undo', 'meta'], (tx) => applyChainWrite((name) => unwrap(tx.objectStore(name)), w));
    }
  }

  private saveParams(p: ChainParams): void {
    this.enqueue(() => this.write(['meta'], (tx, ops) => void ops.push(tx.objectStore('meta').put(paramsToJSON(p), 'params'))));
  }

  private saveMeta(role: Role): void {
    this.enqueue(() =>
      this.write(['meta'], async (tx, ops) => {
        const existing = await tx.objectStore('meta').get('node');
        if (!existing) ops.push(tx.objectStore('meta').put({ role, created: Date.now() }, 'node'));
      }),
    );
  }

  private saveKeys(keys: readonly WalletKey[]): void {
    const rows = keys.map((k, order) => ({ wif: exportWif(k), label: k.label, order, address: k.address }));
    this.enqueue(() =>
      this.write(['wallet'], (tx, ops) => {
        for (const { address, ...row } of rows) ops.push(tx.objectStore('wallet').put(row, address));
      }),
    );
  }

  private saveMetaValue(key: string, value: unknown): void {
    this.enqueue(() => this.write(['meta'], (tx, ops) => void ops.push(tx.objectStore('meta').put(value, key))));
  }

  private addrTimer: ReturnType<typeof setTimeout> | null = null;
  private addrWrite: (() => void) | null = null;
  /** The address book changes in bursts (a getaddr answer): written at most once a second. */
  private scheduleAddrs(node: FullNode): void {
    if (this.addrTimer) return;
    this.addrWrite = () => {
      this.addrWrite = null;
      this.saveMetaValue('addrs', node.knownAddresses());
    };
    this.addrTimer = setTimeout(() => {
      this.addrTimer = null;
      this.addrWrite?.();
    }, 1000);
  }

  private scheduleMempool(node: FullNode): void {
    if (this.mempoolTimer) return;
    this.mempoolWrite = () => {
      this.mempoolWrite = null;
      const txs = (node.mempool?.all() ?? []).map((e) => [e.txid, encodeTx(e.tx)] as const);
      this.enqueue(() =>
        this.write(['mempool'], (tx, ops) => {
          ops.push(tx.objectStore('mempool').clear());
          for (const [id, bytes] of txs) ops.push(tx.objectStore('mempool').put(bytes, id));
        }),
      );
    };
    // Mempool churn is bursty; write its state at most five times a second.
    this.mempoolTimer = setTimeout(() => {
      this.mempoolTimer = null;
      this.mempoolWrite?.();
    }, 200);
  }

  private fail(e: unknown): void {
    const err = e as { name?: string; message?: string };
    const quota = err?.name === 'QuotaExceededError' || /quota/i.test(err?.message ?? '');
    this.report({
      kind: quota ? 'quota' : 'failed',
      message: quota
        ? 'storage is full: this node can no longer save blocks. Free disk space or reset the node; what was saved before is intact.'
        : `saving failed (${err?.name ?? 'error'}: ${err?.message ?? String(e)}); what was saved before is intact`,
    });
  }

  private report(p: StoreProblem): void {
    if (p.kind !== 'blocked') this.failed = p;
    this.onproblem?.(p);
  }

  close(): void {
    this.chainTimer.stop();
    this.db.close();
  }

  /** Deletes a node's database entirely ("reset this node"). */
  static async destroy(name: string): Promise<void> {
    await deleteDB(name);
  }
}

/** Keys and values of one store, read in one transaction: aligned by position. */
function zip<K, V>(keys: K[], values: V[], store: string): [K, V][] {
  if (keys.length !== values.length) throw new Error(`${store}: ${keys.length} keys but ${values.length} values`);
  return keys.map((k, i) => [k, values[i]!]);
}
