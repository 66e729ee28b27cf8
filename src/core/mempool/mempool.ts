import { RuleError, consensus, policy } from '../consensus/errors';
import { checkTransactionSanity, isFinal } from '../consensus/checks';
import { checkTxInputs, checkTxScripts, scriptError } from '../consensus/inputs';
import { blockScriptFlags } from '../consensus/connect';
import { sequenceLock, sequenceLockSatisfied } from '../consensus/sequenceLocks';
import { checkStandardInputs, checkStandardSigOps, checkStandardTx } from '../policy/standard';
import { FLAGS, SCRIPT_ERROR_TEXT, STANDARD_FLAGS } from '../script/errors';
import { isUnspendable } from '../script/script';
import { legacySigOps, p2shSigOps } from '../script/sigops';
import { isCoinbase, outpointKey, txidHex, txSize, type Tx } from '../primitives/tx';
import { BoundedSet } from '../util/bounded';
import { hashToHex } from '../encoding';
import { selectPackages } from '../mining/packages';
import type { Chain, ChainEvent } from '../chain/chain';
import type { Coin, CoinView } from '../chain/utxo';

/** A transaction waiting in the mempool. */
export interface MempoolEntry {
  tx: Tx;
  txid: string;
  fee: bigint;
  size: number;
  /** Node clock (seconds) when it entered. */
  time: number;
  /** Legacy + P2SH signature operations (a block may hold at most maxBlockSize / 50). */
  sigops: number;
}

/** Mempool changes, for relay and the UI. */
export type MempoolEvent =
  | { type: 'tx-added'; entry: MempoolEntry }
  | { type: 'tx-removed'; txid: string; why: 'mined' | 'conflict' | 'invalid-after-reorg' }
  | { type: 'tx-returned'; entry: MempoolEntry };

/**
 * Unconfirmed transactions that would be valid in the next block: each spends confirmed outputs
 * or outputs of other mempool transactions, and no two spend the same output. Keeps Core's
 * reject reasons: txn-already-in-mempool, txn-mempool-conflict, txn-already-known, …
 */
export class Mempool {
  private readonly entries = new Map<string, MempoolEntry>();
  private readonly spenders = new Map<string, string>();
  /** Txids whose signatures were checked here (bounded, oldest forgotten). */
  private readonly verified = new BoundedSet<string>(50_000);
  private listeners: ((e: MempoolEvent) => void)[] = [];

  constructor(private readonly chain: Chain) {}

  on(listener: (e: MempoolEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  private emit(e: MempoolEvent): void {
    for (const l of this.listeners) l(e);
  }

  get size(): number {
    return this.entries.size;
  }
  has(txid: string): boolean {
    return this.entries.has(txid);
  }
  get(txid: string): MempoolEntry | undefined {
    return this.entries.get(txid);
  }
  /** Entries in arrival order (parents always before children). */
  all(): MempoolEntry[] {
    return [...this.entries.values()];
  }
  /** The mempool transaction spending an outpoint, if any. */
  spenderOf(key: string): string | undefined {
    return this.spenders.get(key);
  }

  /** Coins as the next block would see them: confirmed outputs plus mempool outputs. */
  view(): CoinView {
    const next = this.chain.height + 1;
    return {
      getCoin: (key: string): Coin | undefined => {
        const c = this.chain.utxo.getCoin(key);
        if (c) return c;
        const sep = key.lastIndexOf(':');
        const e = this.entries.get(key.slice(0, sep));
        const out = e?.tx.outputs[Number(key.slice(sep + 1))];
        return out && !isUnspendable(out.script) ? { value: out.value, script: out.script, height: next, coinbase: false } : undefined;
      },
    };
  }

  /**
   * Core's AcceptToMemoryPool, in its order: sanity, no coinbase, final, not already here, no
   * conflict, not already confirmed, inputs available and mature, values, signatures.
   * Throws RuleError; on success emits 'tx-added' and returns the entry.
   */
  accept(tx: Tx, now: number): MempoolEntry {
    const id = txidHex(tx);
    checkTransactionSanity(tx, this.chain.params);
    if (isCoinbase(tx)) throw consensus('coinbase', 'a coinbase transaction cannot be relayed on its own');
    checkStandardTx(tx);
    const nextHeight = this.chain.height + 1;
    if (!isFinal(tx, nextHeight, this.chain.medianTimePast(this.chain.tip)))
      throw policy('bad-txns-nonfinal', 'transaction is not final yet');
    if (this.entries.has(id)) throw new RuleError('txn-already-in-mempool', 'transaction is already in the mempool', 'duplicate', false);
    for (const input of tx.inputs) {
      const other = this.spenders.get(outpointKey(input.prevout));
      if (other)
        throw policy('txn-mempool-conflict', `spends ${outpointKey(input.prevout)}, already spent by mempool transaction ${other.slice(0, 16)}…`);
    }
    for (let v = 0; v < tx.outputs.length; v++)
      if (this.chain.utxo.has(`${id}:${v}`)) throw new RuleError('txn-already-known', 'transaction is already confirmed', 'duplicate', false);
    const view = this.view();
    for (const input of tx.inputs)
      if (!view.getCoin(outpointKey(input.prevout)))
        throw policy('bad-txns-inputs-missingorspent', `input ${outpointKey(input.prevout)} does not exist or is already spent`);
    let checked: { fee: bigint; coins: Coin[] };
    try {
      checked = checkTxInputs(tx, view, nextHeight, this.chain.params);
    } catch (e) {
      // Core's TX_PREMATURE_SPEND: a peer one block ahead of us may relay it honestly; not punished.
      if (e instanceof RuleError && e.reason === 'bad-txns-premature-spend-of-coinbase') throw policy(e.reason, e.debug);
      throw e;
    }
    const { fee, coins } = checked;
    const tipMtp = this.chain.medianTimePast(this.chain.tip);
    const flags = blockScriptFlags(this.chain.params, nextHeight);
    if (flags & FLAGS.CHECKSEQUENCEVERIFY) {
      const lock = sequenceLock(tx, coins.map((c) => c.height), (h) => this.chain.medianTimePast(this.chain.entryAt(h) ?? null));
      if (!sequenceLockSatisfied(lock, nextHeight, tipMtp))
        throw policy('non-BIP68-final', 'an input is younger than its BIP68 relative lock time allows; it can be mined later');
    }
    checkStandardInputs(tx, coins);
    checkStandardSigOps(tx, coins);
    // The chain's script cache too: one cache for mempool and blocks, as in Core (and one for a whole simulated network in its shared-validation mode).
    if (!this.verified.has(id) && !this.chain.scripts.has(id)) {
      checkPolicyScripts(tx, coins, flags);
      this.noteVerified(id);
    }
    const entry: MempoolEntry = { tx, txid: id, fee, size: txSize(tx), time: now, sigops: legacySigOps(tx) + p2shSigOps(tx, coins) };
    this.entries.set(id, entry);
    for (const input of tx.inputs) this.spenders.set(outpointKey(input.prevout), id);
    this.emit({ type: 'tx-added', entry });
    return entry;
  }

  private noteVerified(id: string): void {
    this.verified.add(id);
    this.chain.noteVerified(id);
  }

  private remove(id: string, why: 'mined' | 'conflict' | 'invalid-after-reorg', emit = true): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    for (const input of e.tx.inputs) {
      const k = outpointKey(input.prevout);
      if (this.spenders.get(k) === id) this.spenders.delete(k);
    }
    if (emit) this.emit({ type: 'tx-removed', txid: id, why });
    // Children spending this transaction's outputs can no longer be valid unless it was mined.
    if (why !== 'mined')
      for (let v = 0; v < e.tx.outputs.length; v++) {
        const child = this.spenders.get(`${id}:${v}`);
        if (child) this.remove(child, why, emit);
      }
  }

  /**
   * Keeps the mempool consistent with the chain after blocks connect or disconnect: mined and
   * conflicting transactions leave; transactions of disconnected blocks come back (Core's
   * MaybeUpdateMempoolForReorg) if they are still valid on the new chain.
   */
  handleChainEvents(events: ChainEvent[], now: number): void {
    const returning: Tx[][] = [];
    let reorg = false;
    for (const e of events) {
      if (e.type === 'block-disconnected') {
        returning.push(e.block.txs.filter((t) => !isCoinbase(t)));
        reorg = true;
      } else if (e.type === 'block-connected' && this.entries.size) {
        // (An empty mempool, as during a download, has nothing a block could mine or conflict with.)
        for (const tx of e.block.txs) {
          const id = txidHex(tx);
          if (this.entries.has(id)) this.remove(id, 'mined');
          else
            for (const input of tx.inputs) {
              const other = this.spenders.get(outpointKey(input.prevout));
              if (other) this.remove(other, 'conflict');
            }
        }
      }
    }
    if (!reorg) return;
    // Disconnect events arrive newest block first; re-add oldest first, then what was waiting.
    const back = returning.reverse().flat();
    const waiting = this.all();
    this.entries.clear();
    this.spenders.clear();
    const backIds = new Set(back.map(txidHex));
    for (const tx of back) {
      try {
        const entry = this.acceptQuiet(tx, now);
        this.emit({ type: 'tx-returned', entry });
      } catch {
        // confirmed again on the new branch, or now in conflict with it: gone.
      }
    }
    for (const e of waiting) {
      if (backIds.has(e.txid)) continue;
      try {
        this.acceptQuiet(e.tx, e.time);
      } catch {
        this.emit({ type: 'tx-removed', txid: e.txid, why: 'invalid-after-reorg' });
      }
    }
  }

  private acceptQuiet(tx: Tx, now: number): MempoolEntry {
    const saved = this.listeners;
    this.listeners = [];
    try {
      return this.accept(tx, now);
    } finally {
      this.listeners = saved;
    }
  }

  /**
   * Transactions for a block template within `maxBytes` and `maxSigOps` (Core's BlockAssembler
   * keeps a block under the sigop limit the same way), by ancestor fee rate (Core's
   * addPackageTxs: a child's fee counts for the parents it needs), each after its parents.
   */
  selectForBlock(maxBytes: number, maxSigOps = Infinity): MempoolEntry[] {
    return selectPackages(this.all(), maxBytes, maxSigOps, (e) => spentTxids(e.tx));
  }

}

/** The txids a transaction spends from, once per transaction (templates are rebuilt often). */
const spent = new WeakMap<Tx, string[]>();
function spentTxids(tx: Tx): string[] {
  let ids = spent.get(tx);
  if (!ids) spent.set(tx, (ids = [...new Set(tx.inputs.map((i) => hashToHex(i.prevout.txid)))]));
  return ids;
}

/**
 * Core's PolicyScriptChecks then ConsensusScriptChecks: every input under the standard flags;
 * a failure that the consensus flags alone do not reproduce is a policy refusal,
 * `non-mandatory-script-verify-flag (…)` (not punished); otherwise the consensus failure.
 */
function checkPolicyScripts(tx: Tx, coins: Coin[], consensusFlags: number): void {
  const standard = STANDARD_FLAGS | consensusFlags;
  for (let i = 0; i < tx.inputs.length; i++) {
    const err = scriptError(tx, coins, i, standard);
    if (err === 'OK') continue;
    checkTxScripts(tx, coins, consensusFlags);
    const text = SCRIPT_ERROR_TEXT[err];
    throw policy(`non-mandatory-script-verify-flag (${text})`, `input ${i} (spending ${outpointKey(tx.inputs[i]!.prevout)}): ${text} — valid in a block, but not relayed`);
  }
}
