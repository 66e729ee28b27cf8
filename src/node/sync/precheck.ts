/**
 * Parallel script checks for blocks on their way into the chain: as soon as a downloaded block is
 * next in line, its transactions' signature checks go to the script checker (a worker pool), with
 * the coins each input spends — from the UTXO set, or from transactions of the blocks ahead of it
 * in line, or earlier in the same block. What passes is written to the chain's script cache, so
 * the engine skips it when it connects the block; what fails, or could not be looked up, the
 * engine checks itself on the main thread, giving the same verdict and reason (scriptJobs.ts).
 * Transactions in the mempool were checked when they entered it and are not sent again.
 */
import {
  BoundedMap, blockScriptFlags, hashToHex, isCoinbase, outpointKey, txidHex, type Block, type Chain, type Coin, type Mempool, type ScriptChecker, type ScriptJob, type Tx,
} from '../../core';

/** Transactions of recently prechecked blocks remembered for the coins their outputs make. */
const RECENT_TXS = 50_000;

export class ScriptPrecheck {
  private readonly recent = new BoundedMap<string, Tx>(RECENT_TXS);

  constructor(
    private readonly chain: Chain,
    private readonly mempool: Mempool,
    readonly checker: ScriptChecker,
    /** The height of the block's parent, if known (the header tree knows it before the parent connects). */
    private readonly parentHeight: (prevHash: string) => number | undefined = (h) => chain.getEntry(h)?.height,
  ) {}

  /** The coin an outpoint names, as far as we can tell before the block connects. */
  private coinOf(key: string, inBlock: Map<string, Tx>): Coin | undefined {
    const c = this.chain.utxo.getCoin(key);
    if (c) return c;
    const sep = key.lastIndexOf(':');
    const id = key.slice(0, sep);
    const tx = inBlock.get(id) ?? this.recent.get(id) ?? this.mempool.get(id)?.tx;
    const out = tx?.outputs[Number(key.slice(sep + 1))];
    return out && tx ? { value: out.value, script: out.script, height: 0, coinbase: isCoinbase(tx) } : undefined;
  }

  /**
   * The block's script jobs: every transaction not yet checked whose coins we can name, under the
   * flags of the block's height (none when that height is unknown: a pass under other flags must
   * never reach the script cache).
   */
  jobsFor(block: Block): ScriptJob[] {
    const inBlock = new Map<string, Tx>();
    const jobs: ScriptJob[] = [];
    const parent = this.parentHeight(hashToHex(block.header.prevHash));
    if (parent === undefined) return jobs;
    const flags = blockScriptFlags(this.chain.params, parent + 1);
    for (const tx of block.txs) {
      const id = txidHex(tx);
      inBlock.set(id, tx);
      this.recent.set(id, tx);
      if (isCoinbase(tx) || this.mempool.has(id)) continue;
      const coins: Coin[] = [];
      for (const input of tx.inputs) {
        const c = this.coinOf(outpointKey(input.prevout), inBlock);
        if (!c) break;
        coins.push(c);
      }
      if (coins.length === tx.inputs.length) jobs.push({ tx, coins, flags });
    }
    return jobs;
  }

  /** Checks one batch that no worker has taken yet, here (see `ScriptChecker.assist`); false if none waits. */
  assist(): boolean {
    return this.checker.assist?.() ?? false;
  }

  /**
   * Starts the block's checks; resolves when they are done (whatever they found). Null when there
   * is nothing to check, so a block of relayed payments goes straight in with no added latency.
   */
  precheck(block: Block): Promise<void> | null {
    const jobs = this.jobsFor(block);
    if (!jobs.length) return null;
    return this.checker.check(jobs).then(
      (ok) => {
        ok.forEach((passed, i) => passed && this.chain.noteVerified(txidHex(jobs[i]!.tx)));
      },
      () => undefined, // a checker that fails leaves the checks to the engine
    );
  }
}
