/**
 * A block's effect on the UTXO set: Core's ConnectBlock (inputs, scripts and the coinbase limit
 * checked against the set), DisconnectBlock (undone from undo data), UpdateCoins, and the replay
 * that `Chain.restore` checks stored UTXO and undo data against.
 */
import { connectBlock as consensusConnect, updateCoins, type ConnectContext } from '../consensus/connect';
import { isUnspendable } from '../script/script';
import { isCoinbase, outpointKey, txidHex, type Tx } from '../primitives/tx';
import type { Block } from '../primitives/block';
import { toHex } from '../encoding';
import type { ChainParams } from '../params';
import type { BlockEntry } from './blockIndex';
import type { CoinChange, RestoreReport, StoredChain } from './events';
import { CoinOverlay, UtxoSet, sameCommitment, utxoCommitment, type Coin } from './utxo';

/**
 * Applies a block's transactions to a coin view in order: each non-coinbase transaction's inputs
 * (the coins `spends` returns for it, checked or trusted by the caller) are spent and appended to
 * `undo` in input order, then its outputs are added. Core's UpdateCoins, for connect and replay.
 */
export function applyBlock(block: Block, height: number, view: CoinOverlay, undo: Coin[], spends: (tx: Tx) => Coin[]): void {
  for (const tx of block.txs) updateCoins(tx, isCoinbase(tx) ? null : spends(tx), height, view, undo);
}

/**
 * Connects a block on top of `utxo`: Core's ConnectBlock (consensus/connect.ts: inputs, BIP68
 * locks, sigops, the coinbase limit, every input's scripts) against a layer over the set, which is
 * updated only if the whole block is valid. The genesis block (`ctx` null) is added unchecked —
 * not at all where, as on Bitcoin, its coinbase is unspendable. Throws a RuleError. Returns the
 * undo data and the net effect on the set: outputs created and spent inside the block appear in
 * neither.
 */
export function connectBlock(
  block: Block,
  height: number,
  utxo: UtxoSet,
  params: ChainParams,
  ctx: Omit<ConnectContext, 'height' | 'params'> | null,
): { undo: Coin[]; spent: CoinChange[]; created: CoinChange[] } {
  const view = new CoinOverlay(utxo);
  let undo: Coin[] = [];
  if (!ctx) {
    if (!params.genesisUnspendable) applyBlock(block, height, view, undo, () => []);
  } else undo = consensusConnect(block, view, { ...ctx, height, params }).undo;
  view.commit();
  const spent = [...view.spentFromBase].map(([key, coin]) => ({ key, coin }));
  const created = [...view.created].map(([key, coin]) => ({ key, coin }));
  return { undo, spent, created };
}

/**
 * Core's DisconnectBlock: removes the block's outputs from `utxo` and restores what it spent, from
 * its undo data. Returns the net effect: coins restored (still unspent afterwards) and removed keys.
 */
export function disconnectBlock(block: Block, undo: Coin[], utxo: UtxoSet): { restored: CoinChange[]; removed: string[] } {
  let u = undo.length;
  const restored = new Map<string, Coin>();
  const removed = new Set<string>();
  for (let t = block.txs.length - 1; t >= 0; t--) {
    const tx = block.txs[t]!;
    const id = txidHex(tx);
    for (let v = tx.outputs.length - 1; v >= 0; v--) {
      const key = `${id}:${v}`;
      // An output spent later in this same block was just restored above: it never reached the
      // UTXO set from outside the block, so it is neither removed nor restored.
      if (utxo.spend(key) && !restored.has(key)) removed.add(key);
      restored.delete(key);
    }
    if (isCoinbase(tx)) continue;
    for (let i = tx.inputs.length - 1; i >= 0; i--) {
      const key = outpointKey(tx.inputs[i]!.prevout);
      const coin = undo[--u]!;
      utxo.add(key, coin);
      restored.set(key, coin);
    }
  }
  return {
    restored: [...restored].filter(([k]) => utxo.has(k)).map(([key, coin]) => ({ key, coin })),
    removed: [...removed],
  };
}

/**
 * The UTXO set and undo data obtained by replaying `path` (genesis first) from the genesis coins,
 * trusting the blocks' signatures (they are this node's own storage). Throws if a block spends a
 * coin that does not exist.
 */
export function replayPath(path: BlockEntry[], genesisCoins: CoinChange[], blockOf: (hash: string) => Block): { utxo: UtxoSet; undo: Map<string, Coin[]> } {
  const utxo = new UtxoSet();
  for (const c of genesisCoins) utxo.add(c.key, c.coin);
  const undoByHash = new Map<string, Coin[]>();
  for (const e of path.slice(1)) {
    const view = new CoinOverlay(utxo);
    const undo: Coin[] = [];
    applyBlock(blockOf(e.hash), e.height, view, undo, (tx) =>
      tx.inputs.map((input) => {
        const coin = view.getCoin(outpointKey(input.prevout));
        if (!coin) throw new Error(`stored block ${e.hash} (height ${e.height}) spends ${outpointKey(input.prevout)}, which does not exist`);
        return coin;
      }),
    );
    view.commit();
    undoByHash.set(e.hash, undo);
  }
  return { utxo, undo: undoByHash };
}

/** Compares stored UTXO and undo data with a replay's: what differs must be repaired from the blocks. */
export function compareStored(
  state: StoredChain,
  replay: UtxoSet,
  replayedUndo: Map<string, Coin[]>,
): Pick<RestoreReport, 'stored' | 'replayed' | 'repaired'> {
  const stored = utxoCommitment([...state.utxo]);
  const replayed = replay.commitment();
  const repaired: RestoreReport['repaired'] = [];
  if (!sameCommitment(stored, replayed)) repaired.push('utxo');
  const storedUndo = new Map(state.undo);
  for (const [h, u] of replayedUndo) {
    const s = storedUndo.get(h);
    if (!s || !sameCoins(s, u)) {
      repaired.push('undo');
      break;
    }
  }
  return { stored, replayed, repaired };
}

/** True when two undo records list the same coins in the same order. */
export function sameCoins(a: Coin[], b: Coin[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x.value !== y.value || x.height !== y.height || x.coinbase !== y.coinbase || toHex(x.script) !== toHex(y.script)) return false;
  }
  return true;
}
