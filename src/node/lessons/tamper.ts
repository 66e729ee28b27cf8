/**
 * The tamper lab on the network: a tampered block (core/lessons/tamper.ts) re-mined with this
 * node's miner, made broadcastable (its descendants re-mined on it and one block more, so its
 * branch outweighs the peers' chain and they must try to connect it), and pushed to every peer as
 * `block` messages: a node processes an unrequested block whose chain has at least its tip's work
 * (Core's AcceptBlock), and checks its body even when it knows the header (ProcessNewBlock). An
 * announcement would not do: a headers-first peer asks `getheaders`, which names only the active
 * chain. Blocks not in this chain are also served on `getdata`. Each peer's `reject` and the closing
 * of its link are recorded: what tampering costs.
 */
import {
  BoundedMap,
  COIN,
  assembleBlock,
  blockHash,
  blockHashHex,
  checkInPlace,
  decodeHeader,
  editBlock,
  hashToHex,
  encodeHeader,
  makeCoinbase,
  subsidyAt,
  withHeader,
  withMerkleRoot,
  type Block,
  type Chain,
  type MinerProgress,
  type WalletKey,
} from '../../core';
import type { Peer } from '../net/peer';
import type { TamperBroadcast } from './types';

/** Blocks kept to serve after offering them (a deep tamper re-mines every descendant). */
const MAX_OFFERED = 1_000;

export interface TamperHost {
  chain(): Chain | null;
  /** Peers that completed the handshake. */
  peers(): Iterable<Peer>;
  wallet(): WalletKey;
  nowSeconds(): number;
  mineExclusive(header: Uint8Array, signal?: AbortSignal, onProgress?: (p: MinerProgress) => void): Promise<Uint8Array | null>;
  changed(): void;
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
}

type MineOpts = { signal?: AbortSignal; onProgress?: (p: MinerProgress) => void };

export class TamperService {
  private readonly offeredBlocks = new BoundedMap<string, Block>(MAX_OFFERED);
  private last: TamperBroadcast | null = null;

  constructor(private readonly host: TamperHost) {}

  /** A block offered by inv, served on getdata. */
  offered(hash: string): Block | undefined {
    return this.offeredBlocks.get(hash);
  }

  lastBroadcast(): TamperBroadcast | null {
    return this.last && { ...this.last, answers: this.last.answers.map((a) => ({ ...a })) };
  }

  /** Solves the block's header with this node's miner. */
  async mine(block: Block, opts: MineOpts = {}): Promise<Block | null> {
    const solved = await this.host.mineExclusive(encodeHeader(block.header), opts.signal, opts.onProgress);
    return solved ? withHeader(block, decodeHeader(solved)) : null;
  }

  /**
   * The re-mined tampered block, its descendants on the active chain re-mined on top of it, and
   * one new block more: a branch with more work than the chain the peers follow. Null if cancelled.
   */
  async extend(tampered: Block, opts: MineOpts = {}): Promise<Block[] | null> {
    const chain = this.host.chain();
    if (!chain) throw new Error('this node has no chain yet');
    const parent = chain.getEntry(hashToHex(tampered.header.prevHash));
    if (!parent) throw new Error('the tampered block’s parent is not in this chain');
    const out: Block[] = [tampered];
    let prev = tampered;
    for (let h = parent.height + 2; h <= chain.height; h++) {
      const original = chain.getBlock(chain.entryAt(h)!.hash)!;
      const relinked = await this.mine({ header: { ...original.header, prevHash: blockHash(prev.header) }, txs: original.txs }, opts);
      if (!relinked) return null;
      out.push(relinked);
      prev = relinked;
    }
    // One block more, mined on the same times and difficulty the original branch had.
    const tip = chain.entryAt(Math.max(chain.height, parent.height + 1))!;
    const height = tip.height + 1;
    const extra = assembleBlock(
      { version: 1, prevHash: blockHash(prev.header), time: Math.max(this.host.nowSeconds(), chain.medianTimePast(tip) + 1), bits: chain.nextBits(tip), nonce: 0 },
      [makeCoinbase(height, this.host.wallet().pubkeyHash, subsidyAt(chain.params, height), 'tabchain tamper lab')],
    );
    const solved = await this.mine(extra, opts);
    if (!solved) return null;
    out.push(solved);
    return out;
  }

  /**
   * Pushes blocks to every peer, oldest first (a peer checks a body against a header it knows, and
   * takes an unrequested block whose branch has its tip's work); those not in this chain are also
   * served on getdata.
   */
  broadcast(blocks: Block[]): TamperBroadcast {
    const chain = this.host.chain();
    const peers = [...this.host.peers()];
    const hashes = blocks.map((b) => blockHashHex(b.header));
    blocks.forEach((b, i) => {
      if (!chain?.getEntry(hashes[i]!)) this.offeredBlocks.set(hashes[i]!, b);
    });
    for (const p of peers) for (const block of blocks) p.send({ command: 'block', block });
    this.last = { hashes, answers: peers.map((p) => ({ peer: p.id })), time: Date.now() };
    this.host.log(`tampered block ${hashes[0]!.slice(0, 16)}… sent to ${peers.length} peers`, 'warn');
    this.host.changed();
    return this.lastBroadcast()!;
  }

  /** A peer's reject: its answer to the last broadcast when it names one of its blocks. */
  onReject(peer: string, m: { message: string; reason: string; hash?: string }): void {
    const a = this.last?.answers.find((x) => x.peer === peer);
    if (!a || a.rejected || m.message !== 'block' || (m.hash && !this.last!.hashes.includes(m.hash))) return;
    a.rejected = m.reason;
    this.host.changed();
  }

  /** A peer's link closed: after a broadcast, what the tampered block cost this node. */
  onClosed(peer: string, reason: string): void {
    const a = this.last?.answers.find((x) => x.peer === peer);
    if (!a || a.closed) return;
    a.closed = reason;
    this.host.changed();
  }

  /**
   * The teacher's order: tamper with the block at `height` (the last transaction's first output
   * now pays this node; a coinbase-only block's reward grows by one coin) and broadcast it as it
   * stands after `stage`.
   */
  async order(height: number, stage: 1 | 2 | 3): Promise<void> {
    const chain = this.host.chain();
    const entry = chain?.entryAt(height);
    const block = entry && chain!.getBlock(entry.hash);
    if (!chain || !entry || !block || height === 0) return this.host.log(`no block at height ${height} to tamper with`, 'warn');
    const last = block.txs.length - 1;
    const out = block.txs[last]!.outputs[0]!;
    let t = editBlock(block, last > 0 ? { tx: last, output: 0, script: this.host.wallet().script } : { tx: 0, output: 0, value: out.value + COIN });
    if (stage >= 2) t = withMerkleRoot(t);
    let blocks: Block[] | null = [t];
    if (stage === 3) {
      const mined = await this.mine(t);
      blocks = mined && (await this.extend(mined));
    }
    if (!blocks) return;
    const verdict = checkInPlace(blocks[0]!, { params: chain.params, height, medianTimePast: chain.medianTimePast(entry.parent), spent: chain.getUndo(entry.hash) ?? [] });
    this.host.log(`tampered block at height ${height} (stage ${stage}): ${verdict ? verdict.reason : 'valid'}`, 'warn');
    this.broadcast(blocks);
  }
}
