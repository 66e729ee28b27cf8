/**
 * The node's read-only query API (`NodeApi.query`): answers from the chain, UTXO set, mempool and
 * wallet, empty before the node has a chain, never the engine's objects to mutate.
 */
import { balanceOf, exportWif, spendableCoins, type Chain, type Mempool, type WalletKey } from '../core';
import type { NodeQuery, WalletBalance, WalletKeyView } from './api';

/** What the query API reads. */
export interface QuerySource {
  readonly chain: Chain | null;
  readonly mempool: Mempool | null;
  readonly keys: readonly WalletKey[];
}

/** The read-only query API over a node's engine (empty answers before there is a chain). */
export function makeQuery(node: QuerySource): NodeQuery {
  const chain = () => node.chain;
  const mempool = () => node.mempool;
  const keyView = (k: WalletKey): WalletKeyView => ({ address: k.address, ...(k.label ? { label: k.label } : {}), script: k.script, pubkeyHash: k.pubkeyHash, publicKey: k.publicKey });
  return {
    entry: (hash) => chain()?.getEntry(hash),
    entryAt: (height) => chain()?.entryAt(height),
    entries: () => chain()?.entries() ?? [],
    leaves: () => chain()?.leaves() ?? [],
    block: (hash) => chain()?.getBlock(hash) ?? chain()?.getOrphan(hash),
    undo: (hash) => chain()?.getUndo(hash),
    isActive: (hash) => {
      const c = chain();
      const e = c?.getEntry(hash);
      return !!c && !!e && c.isActive(e);
    },
    orphans: () => {
      const c = chain();
      return c ? c.orphanHashes().flatMap((hash) => {
        const block = c.getOrphan(hash);
        return block ? [{ hash, block }] : [];
      }) : [];
    },
    coin: (outpoint) => chain()?.utxo.getCoin(outpoint),
    coinsFor: (script) => chain()?.utxo.coinsForScript(script) ?? [],
    utxos: () => [...(chain()?.utxo.entries() ?? [])],
    utxoCommitment: () => chain()?.utxo.commitment() ?? null,
    mempoolEntries: () => mempool()?.all() ?? [],
    mempoolEntry: (txid) => mempool()?.get(txid),
    spenderOf: (outpoint) => mempool()?.spenderOf(outpoint),
    walletKeys: () => node.keys.map(keyView),
    balances: (): WalletBalance[] => {
      const c = chain();
      return node.keys.map((k) => ({
        ...keyView(k),
        ...(c ? balanceOf(k.script, c.utxo, mempool() ?? undefined) : { confirmed: 0n, pendingIn: 0n, pendingOut: 0n, total: 0n }),
      }));
    },
    exportWif: (address) => {
      const k = node.keys.find((x) => x.address === address);
      return k ? exportWif(k) : undefined;
    },
    scriptBalance: (script) => {
      const c = chain();
      return c ? balanceOf(script, c.utxo, mempool() ?? undefined) : { confirmed: 0n, pendingIn: 0n, pendingOut: 0n, total: 0n };
    },
    spendable: (script) => {
      const c = chain();
      return c ? spendableCoins(script, c.utxo, mempool() ?? undefined, { height: c.height, maturity: c.params.coinbaseMaturity }) : [];
    },
  };
}

