/**
 * BIP 152 compact block relay (Core's ProcessCompactBlock, SendMessages' cmpctblock push, and the
 * getblocktxn / blocktxn pair). After the handshake each node says `sendcmpct 0 1` (it speaks
 * version 1); a node asks the last MAX_HB_PEERS peers that gave it a new tip first to push blocks
 * to it (`sendcmpct 1 1`: high-bandwidth mode), so such a block reaches it in one trip; others get
 * `headers`/`inv` and fetch it as a `cmpctblock` (`getdata` MSG_CMPCT_BLOCK: low-bandwidth mode).
 * A compact block is rebuilt from the mempool (reconstruct.ts); what is missing is fetched with
 * `getblocktxn`; a collision falls back to the whole block. Every rebuild is reported as a
 * `compact-block` event: what the mempool held and what had to be fetched is a lesson in itself.
 */
import { BoundedMap, blockHashHex, hashToHex, type Block, type Chain, type Mempool, type Tx } from '../../core';
import { CMPCT_VERSION, MSG_BLOCK, compactFromBlock, type CompactBlock, type Message } from '../wire/messages';
import { refusal, ruleRefusal } from '../misbehavior';
import type { EventBus, CompactStage } from '../events';
import type { Clock, Random } from '../transport';
import type { Peer } from '../net/peer';
import type { SyncPeers, BlockSync } from './blockSync';
import type { CompactAnnouncer } from './announce';
import { fillPartial, initPartial, type PartialBlock, type TxSource } from './reconstruct';
import { noteBest, speaksCompact, syncState } from './syncState';

/**
 * Peers asked to push compact blocks (high-bandwidth mode). Core asks 3, to bound the copies of
 * each block it receives; a classroom mesh keeps 8 links, its compact blocks are a few hundred
 * bytes, and its miners take turns — with 3, the next miner is rarely among them and its block
 * costs three trips (headers, getdata, cmpctblock) instead of one. A deviation (docs/PROTOCOL.md).
 */
export const MAX_HB_PEERS = 8;
/** Core's MAX_CMPCTBLOCK_DEPTH: a `getdata` for a compact block deeper than this gets the whole block. */
export const MAX_CMPCTBLOCK_DEPTH = 5;
/** Core's MAX_BLOCKTXN_DEPTH: a `getblocktxn` for a block deeper than this gets the whole block. */
export const MAX_BLOCKTXN_DEPTH = 10;
/** Compact blocks waiting for their missing transactions, at most. */
const MAX_PARTIALS = 16;

interface Pending {
  peer: string;
  partial: PartialBlock;
  messageId: number;
}

/**
 * sendcmpct: version 1 is ours; the announce flag asks us to push new blocks (high-bandwidth).
 * Recorded even before this node has a chain (a peer greets a newcomer before it has one).
 */
export function onSendCmpct(p: Peer, announce: boolean, version: bigint): void {
  if (version !== CMPCT_VERSION) return; // another version (SegWit's 2): ignored, as Core ignores unknown ones
  const st = syncState(p);
  st.cmpct = true;
  st.cmpctPush = announce;
}

export class CompactRelay implements CompactAnnouncer {
  /** Peers we asked to push compact blocks, oldest first. */
  private readonly hb: string[] = [];
  private readonly pending = new BoundedMap<string, Pending>(MAX_PARTIALS);
  private readonly built = new BoundedMap<string, Message>(8);

  constructor(
    private readonly chain: Chain,
    private readonly mempool: Mempool,
    private readonly sync: BlockSync,
    private readonly peers: SyncPeers,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly bus: EventBus,
    /** Transactions beyond the mempool a block may hold (orphan transactions: Core's extra pool). */
    private readonly extra: () => Iterable<Tx> = () => [],
  ) {}

  /** Peers asked to push compact blocks to us (high-bandwidth mode), oldest first. */
  get highBandwidthPeers(): readonly string[] {
    return this.hb;
  }

  /** After the handshake: we speak compact blocks version 1 (low-bandwidth until we choose the peer). */
  onReady(p: Peer): void {
    if (speaksCompact(p)) p.send({ command: 'sendcmpct', announce: false, version: CMPCT_VERSION });
  }

  /** The `cmpctblock` of a block, built once (one random nonce per block, as Core). */
  messageFor(block: Block): Message {
    const hash = blockHashHex(block.header);
    let m = this.built.get(hash);
    if (!m) this.built.set(hash, (m = { command: 'cmpctblock', compact: compactFromBlock(block, this.random.nonce64()) }));
    return m;
  }

  /**
   * Core's MaybeSetPeerAsAnnouncingHeaderAndIDs: the peer that gave us a new tip first becomes the
   * newest of our high-bandwidth peers; the oldest of MAX_HB_PEERS is asked to stop pushing.
   */
  deliveredNewTip(p: Peer): void {
    if (!syncState(p).cmpct) return;
    const at = this.hb.indexOf(p.id);
    if (at >= 0) {
      this.hb.splice(at, 1);
      this.hb.push(p.id);
      return;
    }
    if (this.hb.length >= MAX_HB_PEERS) {
      const old = this.peers.get(this.hb.shift()!);
      old?.send({ command: 'sendcmpct', announce: false, version: CMPCT_VERSION });
    }
    p.send({ command: 'sendcmpct', announce: true, version: CMPCT_VERSION });
    this.hb.push(p.id);
  }

  /** Candidates for the empty slots: the mempool first (arrival order), then the extra pool. */
  private *candidates(): Generator<[Tx, TxSource]> {
    for (const e of this.mempool.all()) yield [e.tx, 'mempool'];
    for (const tx of this.extra()) yield [tx, 'orphans'];
  }

  /** cmpctblock: header checked, block rebuilt from what we hold, the rest asked for. */
  onCmpctBlock(p: Peer, compact: CompactBlock, messageId: number): void {
    const hash = blockHashHex(compact.header);
    p.remember(hash);
    if (this.chain.hasBlock(hash) || this.sync.queued(hash)) return this.sync.headers.noteHas(p, hash);
    const tree = this.sync.tree;
    if (!tree.get(hashToHex(compact.header.prevHash))) {
      // Core: a compact block on an unknown parent is an announcement; its headers are asked for.
      return this.sync.headers.onInv(p, [hash]);
    }
    const { entries, fault } = tree.accept([compact.header], Math.floor(this.clock.now() / 1000));
    if (fault?.kind === 'invalid') return this.peers.refuse(p, messageId, 'cmpctblock', ruleRefusal(fault.error, false), hash);
    const entry = entries[0]!;
    this.sync.headers.noteHas(p, hash);
    const owner = this.sync.requestedOf(hash);
    // Rebuilt only on our tip, and not twice at once; otherwise it counts as a header announcement.
    if (entry.parent?.hash !== this.chain.tip.hash || this.pending.has(hash)) return this.sync.requestBlocks();
    const init = initPartial(compact, this.candidates());
    if (init.status === 'invalid') return this.peers.refuse(p, messageId, 'cmpctblock', refusal('invalid-cmpctblock', init.debug), hash);
    // Asked of another peer: this one counts only if it completes the block by itself (Core also
    // rebuilds a block from more than one peer at once); the request elsewhere is then moot.
    if (owner !== undefined && owner !== p.id && (init.status !== 'ok' || init.partial.missing.length)) return this.sync.requestBlocks();
    this.sync.markInFlight(p, hash); // a pushed compact block is in flight with its sender until complete
    if (init.status === 'failed') return this.fallback(p, hash, messageId, 'fallback', init.debug);
    const partial = init.partial;
    if (partial.missing.length === 0) return this.complete(p, partial, [], messageId, 'reconstructed');
    this.pending.set(hash, { peer: p.id, partial, messageId });
    this.report(p, hash, messageId, 'fetching', partial);
    p.send({ command: 'getblocktxn', hash, indexes: partial.missing });
  }

  /** blocktxn: the missing transactions of a compact block we asked about. */
  onBlockTxn(p: Peer, hash: string, txs: Tx[], messageId: number): void {
    const pend = this.pending.get(hash);
    if (!pend || pend.peer !== p.id) return; // not asked of this peer: ignored, as Core
    this.pending.delete(hash);
    this.complete(p, pend.partial, txs, messageId, 'filled');
  }

  private complete(p: Peer, partial: PartialBlock, txs: Tx[], messageId: number, stage: CompactStage): void {
    const hash = blockHashHex(partial.compact.header);
    const r = fillPartial(partial, txs);
    if (r.status === 'invalid') {
      this.sync.cancel(hash);
      return this.peers.refuse(p, messageId, 'blocktxn', refusal('blocktxn-mismatch', r.debug), hash);
    }
    if (r.status === 'failed') return this.fallback(p, hash, messageId, 'fallback', r.debug, partial);
    this.report(p, hash, messageId, stage, partial, txs.length);
    this.sync.onBlock(p, r.block, messageId);
  }

  /** The block cannot be rebuilt (collision): it is asked for whole, from the same peer. */
  private fallback(p: Peer, hash: string, messageId: number, stage: CompactStage, debug: string, partial?: PartialBlock): void {
    this.report(p, hash, messageId, stage, partial, 0, debug);
    this.sync.cancel(hash);
    this.sync.request(p, [{ type: MSG_BLOCK, hash }]);
  }

  /** getblocktxn: the transactions asked for, or the whole block if it is too deep. */
  onGetBlockTxn(p: Peer, hash: string, indexes: number[], messageId: number): void {
    const entry = this.chain.getEntry(hash);
    const block = entry?.status === 'valid' && !this.peers.withheld?.(hash) ? this.chain.getBlock(hash) : undefined;
    if (!entry || !block) return; // Core ignores a request for a block it does not have (or withholds)
    if (entry.height < this.chain.height - MAX_BLOCKTXN_DEPTH) {
      p.send({ command: 'block', block });
      return;
    }
    const out: Tx[] = [];
    for (const i of indexes) {
      const tx = block.txs[i];
      if (!tx) return this.peers.refuse(p, messageId, 'getblocktxn', refusal('getblocktxn-out-of-bounds', `index ${i} of a block of ${block.txs.length} transactions`), hash);
      out.push(tx);
    }
    p.send({ command: 'blocktxn', hash, txs: out });
    noteBest(p, entry); // it is completing the block
  }

  /** A peer left: compact blocks it owed us are dropped (their blocks are fetched again by sync). */
  onPeerClosed(p: Peer): void {
    for (const [hash, pend] of [...this.pending]) if (pend.peer === p.id) this.pending.delete(hash);
    const at = this.hb.indexOf(p.id);
    if (at >= 0) this.hb.splice(at, 1);
  }

  private report(p: Peer, hash: string, messageId: number, stage: CompactStage, partial?: PartialBlock, fetched = 0, debug?: string): void {
    if (!this.bus.listening) return;
    this.bus.emit({
      type: 'compact-block', time: this.clock.now(), peer: p.id, hash, messageId, stage,
      total: partial?.txs.length ?? 0, prefilled: partial?.prefilled ?? 0, mempool: partial?.matched.mempool ?? 0,
      extra: (partial?.matched.orphans ?? 0) + (partial?.matched.extra ?? 0), missing: partial?.missing.length ?? 0,
      fetched, collisions: partial?.collisions ?? 0, ...(debug ? { debug } : {}),
    });
  }
}
