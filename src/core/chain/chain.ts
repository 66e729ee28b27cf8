import { RuleError, consensus } from '../consensus/errors';
import { checkBlockSanity, checkProofOfWork, contextualCheckBlock, contextualCheckHeader } from '../consensus/checks';
import { blockHash, blockHashHex, decodeBlock, type Block, type BlockHeader } from '../primitives/block';
import { txidHex, type Tx } from '../primitives/tx';
import { hashToHex, fromHex } from '../encoding';
import type { ChainParams } from '../params';
import { UtxoSet, type Coin } from './utxo';
import { ancestorAt, locatorOf, makeEntry, medianTimePast, nextBits, type BlockEntry } from './blockIndex';
import { asertAnchor, asertNextBits, asertParams } from '../consensus/asert';
import type { ChainEvent, ProcessResult, RestoreReport, StoredChain } from './events';
import { OrphanPool } from './orphans';
import { ScriptCache } from './scriptCache';
import { compareStored, connectBlock, disconnectBlock, replayPath } from './connect';

export * from './blockIndex';
export * from './events';
export { MAX_ORPHANS } from './orphans';

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
  private readonly orphans = new OrphanPool();
  /** Core's script cache: txids whose signatures the mempool checked. */
  readonly scripts = new ScriptCache();
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
    contextualCheckBlock(genesis, 0, 0, params);
    this.index.set(hash, entry);
    this.blocks.set(hash, genesis);
    this.genesis = entry;
    // The genesis coinbase is spendable (the seed tutorial pays the central 10 coins there) unless
    // the network says otherwise (`genesisUnspendable`, the mainnet preset).
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
    return this.active[this.active.length - 1]!; // genesis at least
  }
  get height(): number {
    return this.active.length - 1;
  }
  /** Block at a height of the active chain. */
  entryAt = (height: number): BlockEntry | undefined => this.active[height];
  getEntry = (hash: string): BlockEntry | undefined => this.index.get(hash);
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
    return this.orphans.hashes();
  }
  getOrphan(hash: string): Block | undefined {
    return this.orphans.get(hash);
  }
  /** The earliest missing ancestor's parent hash for an orphan (what to ask peers for). */
  orphanRoot(hash: string): string | undefined {
    return this.orphans.root(hash);
  }

  /** Median of the times of an entry and its 10 ancestors (Core's GetMedianTimePast). */
  medianTimePast(entry: BlockEntry | null): number {
    return medianTimePast(entry);
  }

  /**
   * Bits required for the block after `parent` (Core's GetNextWorkRequired): unchanged between
   * adjustments; every `retargetInterval` blocks scaled by actual/target timespan, clamped ×4.
   */
  nextBits(parent: BlockEntry): number {
    const p = this.params;
    // ASERT (the classroom preset): every block, from the genesis anchor (consensus/asert.ts).
    if (p.asertHalfLife > 0) return asertNextBits(asertAnchor(this.genesis, p), asertParams(p), BigInt(parent.height), BigInt(parent.header.time));
    return nextBits(parent, p);
  }

  /** Block locator from the tip (Core's GetLocator): dense for 10, then exponentially sparse. */
  locator(from: BlockEntry = this.tip): string[] {
    const onActive = this.isActive(from);
    return locatorOf(from, (e, h) => (onActive ? this.active[h]! : ancestorAt(e, h)));
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
      out.push(this.active[h]!.hash);
      if (this.active[h]!.hash === stop) break;
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
        for (const orphan of this.orphans.takeChildren(queue.shift()!)) {
          const r = this.acceptBlock(orphan, now, events);
          if (r.status === 'accepted') queue.push(r.hash);
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
    // Core's ProcessNewBlock checks the block (CheckBlock) before asking whether it is known: a copy
    // of a known block with an edited body is refused as mutated (the known block stays valid).
    try {
      checkBlockSanity(block, this.params);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (!this.index.has(hash)) events.push({ type: 'block-invalid', hash, reason: e.reason, debug: e.debug });
      return { ...base, status: 'invalid', error: e };
    }
    const known = this.index.get(hash);
    if (known) {
      if (known.status === 'invalid')
        return { ...base, status: 'invalid', error: consensus('duplicate-invalid', `block was already found invalid (${known.invalidReason})`) };
      return { ...base, status: 'duplicate', error: new RuleError('duplicate', 'block already known', 'duplicate', false) };
    }
    if (this.orphans.has(hash))
      return { ...base, status: 'duplicate', error: new RuleError('duplicate', 'block already held as an orphan', 'duplicate', false) };
    const prevHash = hashToHex(block.header.prevHash);
    const parent = this.index.get(prevHash);
    if (!parent) {
      this.orphans.add(hash, prevHash, block);
      events.push({ type: 'orphan-added', hash, prevHash });
      return { ...base, status: 'orphan', error: new RuleError('prev-blk-not-found', 'previous block is unknown; kept as an orphan while it is fetched', 'orphan', false) };
    }
    const entry = this.newEntry(hash, block, parent);
    try {
      if (parent.status === 'invalid') throw consensus('bad-prevblk', `previous block ${prevHash.slice(0, 16)}… is invalid`);
      const mtp = this.medianTimePast(parent);
      contextualCheckHeader(block.header, { height: entry.height, expectedBits: this.nextBits(parent), medianTimePast: mtp, now }, this.params);
      contextualCheckBlock(block, entry.height, mtp, this.params);
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
    return makeEntry(hash, block, parent, this.seq++);
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

  /** Core's ConnectBlock on top of the tip (see `connectBlock`), recording undo data. */
  private connectTip(entry: BlockEntry, events: ChainEvent[]): void {
    const block = this.blocks.get(entry.hash)!;
    const parent = entry.parent;
    const { undo, spent, created } = connectBlock(block, entry.height, this.utxo, this.params, parent && {
      parentMedianTimePast: medianTimePast(parent),
      medianTimePastAt: (h) => medianTimePast(ancestorAt(parent, h)),
      scriptsVerified: (tx) => this.scripts.has(txidHex(tx)),
    });
    this.undo.set(entry.hash, undo);
    this.active.push(entry);
    events.push({ type: 'block-connected', entry, block, spent, created, undo });
  }

  /** Core's DisconnectBlock on the tip (see `disconnectBlock`). */
  private disconnectTip(events: ChainEvent[]): void {
    const entry = this.tip;
    const block = this.blocks.get(entry.hash)!;
    const { restored, removed } = disconnectBlock(block, this.undo.get(entry.hash)!, this.utxo);
    this.undo.delete(entry.hash);
    this.active.pop();
    events.push({ type: 'block-disconnected', entry, block, restored, removed });
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
    const { utxo: replay, undo: replayedUndo } = replayPath(path, this.genesisConnected.created, (h) => this.blocks.get(h)!);
    const { stored, replayed, repaired } = compareStored(state, replay, replayedUndo);
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
    this.scripts.add(txidDisplayHex);
  }

  /** Checks a header's proof of work and difficulty without the body (for the UI and sync). */
  checkHeader(header: BlockHeader): void {
    checkProofOfWork(header, this.params);
  }
}

function requireGenesis(params: ChainParams): string {
  if (!params.genesisHex) throw new Error('network parameters have no genesis block yet');
  return params.genesisHex;
}

