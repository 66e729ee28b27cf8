import { isCoinbase, txidHex, type Block, type ChainEvent } from '../../core';
import type { ReorgSummary } from './viewState';

/**
 * Turns the chain events of a reorg (blocks disconnected, the reorg itself) and the mempool's
 * `tx-returned` events that follow it into ReorgSummary records.
 */
export class ReorgCollector {
  private seq = 0;
  private disconnectedTxs = new Map<string, string[]>();
  private done: ReorgSummary[] = [];

  /** Feeds one chain event. */
  chainEvent(e: ChainEvent, time: number): void {
    if (e.type === 'block-disconnected') this.disconnectedTxs.set(e.entry.hash, nonCoinbaseTxids(e.block));
    else if (e.type === 'reorg') {
      this.done.push({
        id: ++this.seq,
        time,
        fork: { hash: e.fork.hash, height: e.fork.height },
        disconnected: e.disconnected.map((d) => ({ hash: d.hash, height: d.height, txids: this.disconnectedTxs.get(d.hash) ?? [] })),
        connected: e.connected.map((c) => ({ hash: c.hash, height: c.height })),
        returned: [],
      });
      this.disconnectedTxs.clear();
    }
  }

  /** A transaction of a disconnected block went back to the mempool (after the reorg event). */
  returned(txid: string): void {
    const last = this.done[this.done.length - 1];
    if (last && last.disconnected.some((d) => d.txids.includes(txid))) last.returned.push(txid);
  }

  /** Reorgs completed since the last call. */
  take(): ReorgSummary[] {
    const out = this.done;
    this.done = [];
    return out;
  }
}

function nonCoinbaseTxids(block: Block): string[] {
  return block.txs.filter((t) => !isCoinbase(t)).map(txidHex);
}

