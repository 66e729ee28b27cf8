/**
 * Starting a node from a saved file ("open the class of last Tuesday"): the file's chain, already
 * replayed and checked by the engine (files/nodeFile.ts), is written into the node's database in
 * one transaction, in the layout `NodeStore` reads back (nodeStore.ts): parameters, every block,
 * the UTXO set and undo data of the active chain, the tip, the mempool, the wallet, the role.
 * Either all of it is written or nothing is; the tab then starts the node from its database as
 * after a reload.
 */
import { openDB } from 'idb';
import { blockHashHex, encodeBlock, encodeTx, exportWif, paramsToJSON, type Chain, type Mempool } from '../../core';
import { NodeStore, SCHEMA_VERSION, databaseName, type Schema } from './nodeStore';
import type { NodeFile } from '../files/nodeFile';

/** True when this browser already has a database for that node (importing replaces it). */
export async function nodeExists(network: string, node: string): Promise<boolean> {
  try {
    const dbs = await indexedDB.databases();
    return dbs.some((d) => d.name === databaseName(network, node));
  } catch {
    return false;
  }
}

/** Writes a checked node file into a fresh database for its node (replacing any it had). */
export async function importNode(file: NodeFile, verified: { chain: Chain; mempool: Mempool }): Promise<void> {
  const name = databaseName(file.network, file.node);
  await NodeStore.destroy(name);
  (await NodeStore.open(name)).close();
  const db = await openDB<Schema>(name, SCHEMA_VERSION);
  try {
    const { chain, mempool } = verified;
    const tx = db.transaction(['meta', 'blocks', 'utxo', 'undo', 'mempool', 'wallet'], 'readwrite');
    const ops: Promise<unknown>[] = [];
    const meta = tx.objectStore('meta');
    ops.push(meta.put(paramsToJSON(file.params), 'params'), meta.put({ role: file.role, created: Date.now() }, 'node'), meta.put(chain.tip.hash, 'tip'));
    if (file.teacherSecret) ops.push(meta.put(file.teacherSecret.slice(), 'teacherSecret'));
    for (const b of file.blocks) ops.push(tx.objectStore('blocks').put(encodeBlock(b), blockHashHex(b.header)));
    for (const [k, c] of chain.utxo.entries()) ops.push(tx.objectStore('utxo').put(c, k));
    for (let h = 1; h <= chain.height; h++) {
      const hash = chain.entryAt(h)!.hash;
      ops.push(tx.objectStore('undo').put(chain.getUndo(hash)!, hash));
    }
    for (const e of mempool.all()) ops.push(tx.objectStore('mempool').put(encodeTx(e.tx), e.txid));
    // Keys only if the file carried them; without, the node makes a new key when it starts.
    file.wallet.forEach((w, order) => {
      if (w.key) ops.push(tx.objectStore('wallet').put({ wif: exportWif(w.key), ...(w.label ? { label: w.label } : {}), order }, w.address));
    });
    await Promise.all(ops);
    await tx.done;
  } catch (e) {
    db.close();
    await NodeStore.destroy(name);
    throw e;
  }
  db.close();
}

