import { RuleError, consensus } from '../consensus/errors';
import {
  checkBlockSanity,
  checkProofOfWork,
  contextualCheckBlock,
  contextualCheckHeader,
} from '../consensus/checks';
import { checkTxInputs, checkTxScripts } from '../consensus/inputs';
import { bitsToTarget, targetToBits, workFromBits } from '../consensus/pow';
import { asertAnchor, asertNextBits, asertParams } from '../consensus/asert';
import { blockHash, blockHashHex, blockSize, decodeBlock, type Block, type BlockHeader } from '../primitives/block';
import { isCoinbase, outpointKey, txidHex, type Tx } from '../primitives/tx';
import { hashToHex, fromHex, toHex } from '../encoding';
import { subsidyAt, type ChainParams } from '../params';
import { CoinOverlay, UtxoSet, sameCommitment, utxoCommitment, type Coin, type UtxoCommitment } from './utxo';

/** One known block in the block index, with its place in the tree of all known blocks. */
export interface BlockEntry {
  /** Display hex of the block hash. */
  hash: string;
  header: BlockHeader;
  height: number;
  /** Sum of the work of this block and all its ancestors. */
  chainWork: bigint;
  parent: BlockEntry | null;
  /** Order in which blocks were first accepted: ties in work go to the earlier one. */
  seq: number;
  /** 'valid': passed every check so far; 'invalid': failed (or descends from a failure). */
  status: 'valid' | 'invalid';
  invalidReason?: string;
  txCount: number;
  size: number;
}

/** A spent or created coin, with its outpoint key, as recorded for storage and undo. */
export interface CoinChange {
  key: string;
  coin: Coin;
}

/** Things that happen to the chain, in order, for the node, the store and the UI. */
export type ChainEvent =
  | { type: 'block-accepted'; entry: BlockEntry; block: Block }
  | { type: 'block-connected'; entry: BlockEntry; block: Block; spent: CoinChange[]; created: CoinChange[]; undo: Coin[] }
  | { type: 'block-disconnected'; entry: BlockEntry; block: Block; restored: CoinChange[]; removed: string[] }
  | { type: 'reorg'; fork: BlockEntry; disconnected: BlockEntry[]; connected: BlockEntry[] }
  | { type: 'tip-changed'; entry: BlockEntry }
  | { type: 'block-invalid'; hash: string; reason: string; debug: string }
  | { type: 'orphan-added'; hash: string; prevHash: string };

/** Outcome of offering a block to the chain. */
export interface ProcessResult {
  hash: string;
  /** accepted: stored in the block index (on the active chain or a side branch). */
  status: 'accepted' | 'orphan' | 'duplicate' | 'invalid';
  /** Whether the block is on the active chain after processing. */
  active: boolean;
  error?: RuleError;
  events: ChainEvent[];
}

/** A stored chain as a node's storage gives it back after a reload. */
export interface StoredChain {
  blocks: Block[];
  tip: string;
  utxo: Iterable<[string, Coin]>;
  undo: Iterable<[string, Coin[]]>;
}

/**
 * What `Chain.restore` found: the stored UTXO set's commitment beside the one obtained by replaying
 * the stored blocks from genesis to the stored tip. `repaired` lists what did not match and was
 * rebuilt from the blocks (empty when storage was consistent).
 */
export interface RestoreReport {
  tip: string;
  height: number;
  stored: UtxoCommitment;
  replayed: UtxoCommitment;
  repaired: ('utxo' | 'undo')[];
}

/** Hard cap on orphan blocks kept while their parents are fetched. */
export const MAX_ORPHANS = 1000;

/**
 * The chain engine: block index (a tree of every valid block with cumulative work), the active
 * chain (most work wins, first seen wins ties), the UTXO set with undo data, side branches,
 * orphans and reorgs. Synchronous and pure: the caller passes the current time.
 */
export class Chain {
  readonly utxo = new UtxoSet();
  private readonly index = new Map<string, BlockEntry>();
  private readonly blocks = new Map<string, Block>();
  private readonly undo = new Map<string, Coin[]>();
  private readonly active: BlockEntry[] = [];
  private readonly candidates = new Set<BlockEntry>();
  private readonly orphans = new Map<string, Block>();
  private readonly orphansByPrev = new Map<string, Set<string>>();
  private verifiedTxs = new Set<string>();
  private seq = 0;
  private listeners: ((e: ChainEvent) => void)[] = [];
  readonly genesis: BlockEntry;
  /**
   * The genesis block's connection, made in the constructor before anyone could listen: a store
   * must write its coins (the tutorial's first 10 coins) like those of any other connected block.
   */
  readonly genesisConnected: Extract<ChainEvent, { type: 'block-connected' }>;

  constructor(
    readonly params: ChainParams,
    genesis: Block = decodeBlock(fromHex(requireGenesis(params))),
  ) {
    checkBlockSanity(genesis, params);
    const hash = blockHashHex(genesis.header);
    const entry = this.newEntry(hash, genesis, null);
    contextualCheckBlock(genesis, 0, 0);
    this.index.set(hash, entry);
    this.blocks.set(hash, genesis);
    this.genesis = entry;
    // Deviation from Bitcoin: the genesis coinbase is spendable (the seed tutorial pays the
    // central node 10 coins there and spends them).
    const events: ChainEvent[] = [];
    this.connectTip(entry, events);
    this.genesisConnected = events[0] as Extract<ChainEvent, { type: 'block-connected' }>;
  }

  /** Subscribe to chain events; returns an unsubscribe function. */
  on(listener: (e: ChainEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  get tip(): BlockEntry {
    return this.active[this.active.length - 1];
  }
  get height(): number {
    return this.active.length - 1;
  }
  /** Block at a height of the active chain. */
  entryAt(height: number): BlockEntry | undefined {
    return this.active[height];
  }
  getEntry(hash: string): BlockEntry | undefined {
    return this.index.get(hash);
  }
  getBlock(hash: string): Block | undefined {
    return this.blocks.get(hash);
  }
  hasBlock(hash: string): boolean {
    return this.blocks.has(hash) || this.orphans.has(hash);
  }
  /** Undo data (spent coins, in input order) of a connected block. */
  getUndo(hash: string): Coin[] | undefined {
    return this.undo.get(hash);
  }
  isActive(entry: BlockEntry): boolean {
    return this.active[entry.height] === entry;
  }
  /** Every block in the index (active and side branches), in arrival order. */
  entries(): BlockEntry[] {
    return [...this.index.values()].sort((a, b) => a.seq - b.seq);
  }
  /** Tips of side branches and of the active chain (entries nothing builds on). */
  leaves(): BlockEntry[] {
    const hasChild = new Set<BlockEntry>();
    for (const e of this.index.values()) if (e.parent) hasChild.add(e.parent);
    return [...this.index.values()].filter((e) => !hasChild.has(e));
  }
  orphanHashes(): string[] {
    return [...this.orphans.keys()];
  }
  getOrphan(hash: string): Block | undefined {
    return this.orphans.get(hash);
  }
  /** The earliest missing ancestor's parent hash for an orphan (what to ask peers for). */
  orphanRoot(hash: string): string | undefined {
    let b = this.orphans.get(hash);
    let last: string | undefined;
    while (b) {
      last = hashToHex(b.header.prevHash);
      b = this.orphans.get(last);
    }
    return last;
  }

  /** Median of the times of an entry and its 10 ancestors (Core's GetMedianTimePast). */
  medianTimePast(entry: BlockEntry | null): number {
    const times: number[] = [];
    for (let e = entry; e && times.length < 11; e = e.parent) times.push(e.header.time);
    if (times.length === 0) return 0;
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }

  /**
   * Bits required for the block after `parent` (Core's GetNextWorkRequired): unchanged between
   * adjustments; every `retargetInterval` blocks scaled by actual/target timespan, clamped ×4.
   */
  nextBits(parent: BlockEntry): number {
    const p = this.params;
    if (p.asertHalfLife > 0) return asertNextBits(asertAnchor(this.genesis, p), asertParams(p), BigInt(parent.height), BigInt(parent.header.time));
    if (p.retargetInterval <= 0) return p.genesisBits;
    if ((parent.height + 1) % p.retargetInterval !== 0) return parent.header.bits;
    let first = parent;
    for (let i = 0; i < p.retargetInterval - 1 && first.parent; i++) first = first.parent;
    const targetTimespan = p.retargetInterval * p.targetSpacing;
    let actual = parent.header.time - first.header.time;
    // Core's integer division: with a window of 10 s the clamp is 2 s, not 2.5 s.
    actual = Math.max(Math.floor(targetTimespan / 4), Math.min(targetTimespan * 4, actual));
    const limit = bitsToTarget(p.powLimitBits).target;
    let target = (bitsToTarget(parent.header.bits).target * BigInt(Math.round(actual))) / BigInt(targetTimespan);
    if (target > limit) target = limit;
    return targetToBits(target);
  }

  /** Block locator from the tip (Core's GetLocator): dense for 10, then exponentially sparse. */
  locator(from: BlockEntry = this.tip): string[] {
    const out: string[] = [];
    let step = 1;
    let e: BlockEntry | null = from;
    while (e) {
      out.push(e.hash);
      if (e.height === 0) break;
      const h = Math.max(0, e.height - step);
      e = this.isActive(from) ? this.active[h] : ancestorAt(e, h);
      if (out.length > 10) step *= 2;
    }
    return out;
  }

  /** First locator hash on the active chain (the fork point a peer shares with us). */
  findFork(locator: string[]): BlockEntry {
    for (const h of locator) {
      const e = this.index.get(h);
      if (e && this.isActive(e)) return e;
    }
    return this.genesis;
  }

  /** Hashes of active-chain blocks after the locator's fork point, up to `stop` or `limit` (getblocks). */
  blocksAfter(locator: string[], stop: string | null, limit = 500): string[] {
    const fork = this.findFork(locator);
    const out: string[] = [];
    for (let h = fork.height + 1; h <= this.height && out.length < limit; h++) {
      out.push(this.active[h].hash);
      if (this.active[h].hash === stop) break;
    }
    return out;
  }

  /**
   * Offers a block: sanity checks, then either orphan (parent unknown), rejection, or acceptance
   * into the index followed by activation of the most-work chain (which may reorg). Orphans whose
   * parent this block is are processed too. `now` is the node's clock in seconds.
   */
  processBlock(block: Block, now: number): ProcessResult {
    const events: ChainEvent[] = [];
    const result = this.acceptBlock(block, now, events);
    if (result.status === 'accepted') {
      // Orphans waiting for this block (and their own children) can now be accepted.
      const queue = [result.hash];
      while (queue.length) {
        const parent = queue.shift()!;
        const kids = this.orphansByPrev.get(parent);
        if (!kids) continue;
        this.orphansByPrev.delete(parent);
        for (const k of kids) {
          const orphan = this.orphans.get(k)!;
          this.orphans.delete(k);
          const r = this.acceptBlock(orphan, now, events);
          if (r.status === 'accepted') queue.push(k);
        }
      }
      this.activateBestChain(events);
    }
    const entry = this.index.get(result.hash);
    if (entry && entry.status === 'invalid' && result.status === 'accepted') {
      result.status = 'invalid';
      // Keep the sentence saying what was wrong (e.g. the coinbase amount and its limit).
      const failed = events.find((e) => e.type === 'block-invalid' && e.hash === result.hash);
      const debug = failed?.type === 'block-invalid' ? failed.debug : entry.invalidReason === 'bad-prevblk' ? 'an earlier block of this branch failed validation' : 'block failed validation when connecting';
      result.error = consensus(entry.invalidReason ?? 'invalid', debug);
    }
    result.active = !!entry && this.isActive(entry);
    result.events = events;
    for (const e of events) for (const l of this.listeners) l(e);
    return result;
  }

  private acceptBlock(block: Block, now: number, events: ChainEvent[]): ProcessResult {
    const hash = blockHashHex(block.header);
    const base = { hash, active: false, events };
    const known = this.index.get(hash);
    if (known) {
      if (known.status === 'invalid')
        return { ...base, status: 'invalid', error: consensus('duplicate-invalid', `block was already found invalid (${known.invalidReason})`) };
      return { ...base, status: 'duplicate', error: new RuleError('duplicate', 'block already known', 'duplicate', false) };
    }
    if (this.orphans.has(hash))
      return { ...base, status: 'duplicate', error: new RuleError('duplicate', 'block already held as an orphan', 'duplicate', false) };
    try {
      checkBlockSanity(block, this.params);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      events.push({ type: 'block-invalid', hash, reason: e.reason, debug: e.debug });
      return { ...base, status: 'invalid', error: e };
    }
    const prevHash = hashToHex(block.header.prevHash);
    const parent = this.index.get(prevHash);
    if (!parent) {
      this.addOrphan(hash, prevHash, block);
      events.push({ type: 'orphan-added', hash, prevHash });
      return { ...base, status: 'orphan', error: new RuleError('prev-blk-not-found', 'previous block is unknown; kept as an orphan while it is fetched', 'orphan', false) };
    }
    const entry = this.newEntry(hash, block, parent);
    try {
      if (parent.status === 'invalid') throw consensus('bad-prevblk', `previous block ${prevHash.slice(0, 16)}… is invalid`);
      const mtp = this.medianTimePast(parent);
      contextualCheckHeader(block.header, { height: entry.height, expectedBits: this.nextBits(parent), medianTimePast: mtp, now }, this.params);
      contextualCheckBlock(block, entry.height, mtp);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (e.kind === 'consensus') {
        // Remember the header as invalid so descendants are refused with bad-prevblk.
        entry.status = 'invalid';
        entry.invalidReason = e.reason;
        this.index.set(hash, entry);
      }
      events.push({ type: 'block-invalid', hash, reason: e.reason, debug: e.debug });
      return { ...base, status: 'invalid', error: e };
    }
    this.index.set(hash, entry);
    this.blocks.set(hash, block);
    this.candidates.add(entry);
    events.push({ type: 'block-accepted', entry, block });
    return { ...base, status: 'accepted' };
  }

  /** A block index entry on top of `parent` (null for genesis), numbered in arrival order. */
  private newEntry(hash: string, block: Block, parent: BlockEntry | null): BlockEntry {
    return {
      hash,
      header: block.header,
      height: parent ? parent.height + 1 : 0,
      chainWork: (parent?.chainWork ?? 0n) + workFromBits(block.header.bits),
      parent,
      seq: this.seq++,
      status: 'valid',
      txCount: block.txs.length,
      size: blockSize(block),
    };
  }

  private addOrphan(hash: string, prevHash: string, block: Block): void {
    if (this.orphans.size >= MAX_ORPHANS) {
      // Evict the oldest orphan (Map keeps insertion order).
      const oldest = this.orphans.keys().next().value as string;
      const ob = this.orphans.get(oldest)!;
      this.orphans.delete(oldest);
      this.orphansByPrev.get(hashToHex(ob.header.prevHash))?.delete(oldest);
    }
    this.orphans.set(hash, block);
    let set = this.orphansByPrev.get(prevHash);
    if (!set) this.orphansByPrev.set(prevHash, (set = new Set()));
    set.add(hash);
  }

  private bestCandidate(): BlockEntry {
    let best = this.tip;
    for (const c of this.candidates) {
      if (c.status === 'invalid') {
        this.candidates.delete(c);
        continue;
      }
      if (c.chainWork > best.chainWork || (c.chainWork === best.chainWork && c.seq < best.seq)) best = c;
    }
    return best;
  }

  /**
   * Core's ActivateBestChain: while a valid branch has more work than the tip, disconnect back
   * to the fork and connect the branch. A block that fails to connect is marked invalid with its
   * descendants, and the search goes on (possibly back to the old chain).
   */
  private activateBestChain(events: ChainEvent[]): void {
    for (;;) {
      const best = this.bestCandidate();
      if (best === this.tip) break;
      const path: BlockEntry[] = [];
      let fork: BlockEntry = best;
      while (!this.isActive(fork)) {
        path.push(fork);
        fork = fork.parent!;
      }
      path.reverse();
      const disconnected: BlockEntry[] = [];
      while (this.tip !== fork) {
        const old = this.tip;
        this.disconnectTip(events);
        this.candidates.add(old);
        disconnected.push(old);
      }
      const connected: BlockEntry[] = [];
      let failed = false;
      for (const entry of path) {
        try {
          this.connectTip(entry, events);
          connected.push(entry);
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          this.markInvalid(entry, e, events);
          failed = true;
          break;
        }
      }
      if (disconnected.length) events.push({ type: 'reorg', fork, disconnected, connected });
      if (!failed || connected.length) events.push({ type: 'tip-changed', entry: this.tip });
      // Candidates with less work than the tip can never win again unless the tip is disconnected.
      for (const c of this.candidates) if (c.chainWork < this.tip.chainWork) this.candidates.delete(c);
    }
  }

  private markInvalid(entry: BlockEntry, e: RuleError, events: ChainEvent[]): void {
    entry.status = 'invalid';
    entry.invalidReason = e.reason;
    this.candidates.delete(entry);
    events.push({ type: 'block-invalid', hash: entry.hash, reason: e.reason, debug: e.debug });
    for (const other of this.index.values()) {
      if (other.status === 'invalid' || other.height <= entry.height) continue;
      if (ancestorAt(other, entry.height) === entry) {
        other.status = 'invalid';
        other.invalidReason = 'bad-prevblk';
        this.candidates.delete(other);
      }
    }
  }

  /**
   * Core's ConnectBlock: every transaction's inputs and signatures against the UTXO view (an
   * output created later in the block, or spent earlier in it, is missing), coinbase within
   * subsidy + fees; then the UTXO set is updated and undo data recorded.
   */
  private connectTip(entry: BlockEntry, events: ChainEvent[]): void {
    const block = this.blocks.get(entry.hash)!;
    const view = new CoinOverlay(this.utxo);
    const undo: Coin[] = [];
    let fees = 0n;
    const isGenesis = entry.height === 0;
    applyBlock(block, entry.height, view, undo, (tx) => {
      const { fee, coins } = checkTxInputs(tx, view, entry.height, this.params);
      if (!this.verifiedTxs.has(txidHex(tx))) checkTxScripts(tx, coins);
      fees += fee;
      return coins;
    });
    let cbOut = 0n;
    for (const o of block.txs[0].outputs) cbOut += o.value;
    const allowed = subsidyAt(this.params, entry.height) + fees;
    if (!isGenesis && cbOut > allowed)
      throw consensus('bad-cb-amount', `coinbase pays ${cbOut} sat; the limit is subsidy + fees = ${allowed} sat`);
    view.commit();
    this.undo.set(entry.hash, undo);
    this.active.push(entry);
    // The net effect on the UTXO set: outputs created and spent inside the block appear in neither.
    const spent = [...view.spentFromBase].map(([key, coin]) => ({ key, coin }));
    const created = [...view.created].map(([key, coin]) => ({ key, coin }));
    events.push({ type: 'block-connected', entry, block, spent, created, undo });
  }

  /** Core's DisconnectBlock: remove the block's outputs and restore what it spent, from undo data. */
  private disconnectTip(events: ChainEvent[]): void {
    const entry = this.tip;
    const block = this.blocks.get(entry.hash)!;
    const undo = this.undo.get(entry.hash)!;
    let u = undo.length;
    const restored = new Map<string, Coin>();
    const removed = new Set<string>();
    for (let t = block.txs.length - 1; t >= 0; t--) {
      const tx = block.txs[t];
      const id = txidHex(tx);
      for (let v = tx.outputs.length - 1; v >= 0; v--) {
        const key = `${id}:${v}`;
        // An output spent later in this same block was just restored above: it never reached the
        // UTXO set from outside the block, so it is neither removed nor restored.
        if (this.utxo.spend(key) && !restored.has(key)) removed.add(key);
        restored.delete(key);
      }
      if (isCoinbase(tx)) continue;
      for (let i = tx.inputs.length - 1; i >= 0; i--) {
        const key = outpointKey(tx.inputs[i].prevout);
        const coin = undo[--u];
        this.utxo.add(key, coin);
        restored.set(key, coin);
      }
    }
    this.undo.delete(entry.hash);
    this.active.pop();
    events.push({
      type: 'block-disconnected',
      entry,
      block,
      restored: [...restored].filter(([k]) => this.utxo.has(k)).map(([key, coin]) => ({ key, coin })),
      removed: [...removed],
    });
  }

  /**
   * Rebuilds the chain from this node's own storage without validating signatures again: every
   * stored block (any order; unconnectable ones are ignored) and the active tip. The UTXO set and
   * undo data are rebuilt by replaying the active chain's blocks from genesis, and compared with
   * the stored ones: a mismatch (a lost or extra coin) is repaired from the blocks and reported,
   * so a storage fault can never silently split this node from the network. Throws if the stored
   * tip is not among the stored blocks or a stored block spends a coin that does not exist.
   */
  restore(state: StoredChain): RestoreReport {
    const byPrev = new Map<string, Block[]>();
    for (const b of state.blocks) {
      const prev = hashToHex(b.header.prevHash);
      let list = byPrev.get(prev);
      if (!list) byPrev.set(prev, (list = []));
      list.push(b);
    }
    const queue: BlockEntry[] = [this.genesis];
    while (queue.length) {
      const parent = queue.shift()!;
      for (const b of byPrev.get(parent.hash) ?? []) {
        const hash = blockHashHex(b.header);
        if (this.index.has(hash)) continue;
        const entry = this.newEntry(hash, b, parent);
        this.index.set(hash, entry);
        this.blocks.set(hash, b);
        queue.push(entry);
      }
    }
    const tip = this.index.get(state.tip);
    if (!tip) throw new Error(`stored tip ${state.tip} is not among the stored blocks`);
    const path: BlockEntry[] = [];
    for (let e: BlockEntry | null = tip; e; e = e.parent) path.push(e);
    path.reverse();
    // Replay: the genesis coins as the constructor made them, then each block's spends and outputs.
    const replay = new UtxoSet();
    for (const c of this.genesisConnected.created) replay.add(c.key, c.coin);
    const replayedUndo = new Map<string, Coin[]>();
    for (const e of path.slice(1)) {
      const view = new CoinOverlay(replay);
      const undo: Coin[] = [];
      applyBlock(this.blocks.get(e.hash)!, e.height, view, undo, (tx) =>
        tx.inputs.map((input) => {
          const coin = view.getCoin(outpointKey(input.prevout));
          if (!coin) throw new Error(`stored block ${e.hash} (height ${e.height}) spends ${outpointKey(input.prevout)}, which does not exist`);
          return coin;
        }),
      );
      view.commit();
      replayedUndo.set(e.hash, undo);
    }
    const storedUtxo = [...state.utxo];
    const stored = utxoCommitment(storedUtxo);
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
    this.active.length = 0;
    this.active.push(...path);
    this.utxo.clear();
    for (const [k, c] of replay.entries()) this.utxo.add(k, c);
    this.undo.clear();
    for (const [h, u] of replayedUndo) this.undo.set(h, u);
    this.candidates.clear();
    for (const leaf of this.leaves()) if (leaf.chainWork >= tip.chainWork && leaf !== tip) this.candidates.add(leaf);
    return { tip: tip.hash, height: tip.height, stored, replayed, repaired };
  }

  /** Marks a transaction's signatures as already verified (the mempool did it): Core's script cache. */
  noteVerified(txidDisplayHex: string): void {
    if (this.verifiedTxs.size > 100_000) this.verifiedTxs.clear();
    this.verifiedTxs.add(txidDisplayHex);
  }

  /** True if a transaction's signatures were verified already (Core's script cache, shared by mempool and blocks). */
  scriptsVerified(txidDisplayHex: string): boolean {
    return this.verifiedTxs.has(txidDisplayHex);
  }

  /**
   * Uses `cache` as this chain's script cache. A simulation's "shared validation" gives every
   * node the same one, so a transaction's signatures are checked once for the whole network.
   */
  useScriptCache(cache: Set<string>): void {
    for (const id of this.verifiedTxs) cache.add(id);
    this.verifiedTxs = cache;
  }

  /** Checks a header's proof of work and difficulty without the body (for the UI and sync). */
  checkHeader(header: BlockHeader): void {
    checkProofOfWork(header, this.params);
  }
}

/**
 * Applies a block's transactions to a coin view in order: each non-coinbase transaction's inputs
 * (the coins `spends` returns for it, checked or trusted by the caller) are spent and appended to
 * `undo` in input order, then its outputs are added. Core's UpdateCoins, for connect and replay.
 */
function applyBlock(block: Block, height: number, view: CoinOverlay, undo: Coin[], spends: (tx: Tx) => Coin[]): void {
  for (const tx of block.txs) {
    const id = txidHex(tx);
    const cb = isCoinbase(tx);
    if (!cb) {
      const coins = spends(tx);
      for (let i = 0; i < tx.inputs.length; i++) {
        view.spend(outpointKey(tx.inputs[i].prevout));
        undo.push(coins[i]);
      }
    }
    for (let v = 0; v < tx.outputs.length; v++)
      view.add(`${id}:${v}`, { value: tx.outputs[v].value, script: tx.outputs[v].script, height, coinbase: cb });
  }
}

function sameCoins(a: Coin[], b: Coin[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.value !== y.value || x.height !== y.height || x.coinbase !== y.coinbase || toHex(x.script) !== toHex(y.script)) return false;
  }
  return true;
}

/** Ancestor of an entry at a given height (walks parents). */
export function ancestorAt(entry: BlockEntry, height: number): BlockEntry | null {
  let e: BlockEntry | null = entry;
  while (e && e.height > height) e = e.parent;
  return e && e.height === height ? e : null;
}

function requireGenesis(params: ChainParams): string {
  if (!params.genesisHex) throw new Error('network parameters have no genesis block yet');
  return params.genesisHex;
}

export { blockHash };
export type { Tx };
