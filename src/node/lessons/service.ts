/**
 * The lessons as one node service (`FullNode.lessons`, the UI's `NodeApi.lessons`): message
 * delivery (slow motion, pause, step), the tamper lab on the network, the double spend and what
 * each node saw of it, and the private chain (51 % attack, selfish mining). It also carries out the
 * teacher's class-wide delivery setting, steps and lesson orders. It hooks into the chain and
 * mempool directly (not the event bus, so a node nobody watches pays nothing for it).
 */
import {
  PaymentError,
  RuleError,
  toHex,
  txidHex,
  type Block,
  type Chain,
  type ChainEvent,
  type DeliveryMode,
  type LessonOrder,
  type Mempool,
  type MempoolEvent,
  type MinerProgress,
  type PrivateStrategy,
  type Tx,
} from '../../core';
import type { EventBus } from '../events';
import type { Clock } from '../transport';
import type { Peer } from '../net/peer';
import type { MiningController } from '../mining';
import type { NodeWallet } from '../wallet';
import type { ServeHooks } from '../sync/serve';
import type { Message } from '../wire/protocol';

type RejectMessage = Extract<Message, { command: 'reject' }>;
import { DeliveryGate, type DeliveryView, type HeldMessage } from './delivery';
import { ConflictWatch, conflictingPayments } from './doubleSpend';
import { PrivateMiner } from './privateMining';
import { TamperService } from './tamper';
import type { ConflictView, DoubleSpendView, LessonsApi, PrivateView, ReleaseView, TamperBroadcast } from './types';

/** What the lessons need of their node. */
export interface LessonNode {
  readonly id: string;
  readonly clock: Clock;
  readonly bus: EventBus;
  chain(): Chain | null;
  mempool(): Mempool | null;
  /** Peers that completed the handshake. */
  peers(): Iterable<Peer>;
  readonly wallet: NodeWallet;
  readonly mining: MiningController;
  /** A block through the node's own validation (announced unless withheld). */
  submitBlock(block: Block): void;
  /** A payment into the mempool, announced. */
  submitTx(tx: Tx): void;
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
}

export class LessonService implements LessonsApi, ServeHooks {
  readonly gate: DeliveryGate;
  private readonly tamper: TamperService;
  private readonly watch: ConflictWatch;
  private privateMiner: PrivateMiner | null = null;
  private lastDS: DoubleSpendView | null = null;
  private lastRel: ReleaseView | null = null;

  constructor(private readonly n: LessonNode) {
    const log = (text: string, level?: 'info' | 'warn' | 'error') => n.log(text, level);
    this.gate = new DeliveryGate(n.clock, n.bus, log);
    this.tamper = new TamperService({
      chain: () => n.chain(),
      peers: () => n.peers(),
      wallet: () => n.wallet.primary,
      nowSeconds: () => this.nowSeconds(),
      mineExclusive: (header, signal, onProgress) => n.mining.mineExclusive(header, signal, onProgress),
      changed: () => this.changed('tamper'),
      log,
    });
    this.watch = new ConflictWatch({
      mempool: () => n.mempool(),
      walletScripts: () => new Set(n.wallet.keys.map((k) => toHex(k.script))),
      changed: () => this.changed('conflict'),
    });
  }

  private nowSeconds(): number {
    return Math.floor(this.n.clock.now() / 1000);
  }

  private changed(lesson: 'private' | 'double-spend' | 'tamper' | 'conflict'): void {
    this.n.bus.emit({ type: 'lesson', time: this.n.clock.now(), lesson });
  }

  // ---------------------------------------------------------------- hooks from the node

  /** The node has its chain: follow its blocks and mempool. */
  attach(chain: Chain, mempool: Mempool): void {
    chain.on((e: ChainEvent) => {
      if (e.type === 'block-accepted') this.privateMiner?.onAccepted(e.entry);
      this.watch.onChain(e);
    });
    mempool.on((e: MempoolEvent) => this.watch.onMempool(e));
  }

  /** A peer's transaction was accepted (the conflict watch remembers who sent it). */
  txAccepted(txid: string, peer: string): void {
    this.watch.accepted(txid, peer);
  }

  /** A peer's transaction was refused (the conflict watch wants `txn-mempool-conflict`). */
  txRefused(tx: Tx, peer: string, e: RuleError): void {
    if (e.reason === 'txn-mempool-conflict') this.watch.refused(tx, peer);
  }

  /** A peer's reject message (answers to a tampered block). */
  rejectFrom(peer: string, m: RejectMessage): void {
    this.tamper.onReject(peer, m);
  }

  peerClosed(peer: string, reason: string): void {
    this.tamper.onClosed(peer, reason);
  }

  // ---------------------------------------------------------------- serving (ServeHooks)

  withheld(hash: string): boolean {
    return this.privateMiner?.isWithheld(hash) ?? false;
  }

  /** A private miner follows the public chain even while its own has more work (sync fetches less-work branches too). */
  followsForks(): boolean {
    return this.privateMiner !== null;
  }

  offered(hash: string): Block | undefined {
    return this.tamper.offered(hash);
  }

  // ---------------------------------------------------------------- delivery

  delivery(): DeliveryView {
    return this.gate.view();
  }
  setDelivery(mode: DeliveryMode, intervalMs = 0): void {
    this.gate.setLocal({ mode, intervalMs });
  }
  step(count = 1): number {
    return this.gate.step(count);
  }
  held(limit?: number): HeldMessage[] {
    return this.gate.list(limit);
  }

  // ---------------------------------------------------------------- tamper lab

  mine(block: Block, opts?: { signal?: AbortSignal; onProgress?: (p: MinerProgress) => void }): Promise<Block | null> {
    return this.tamper.mine(block, opts);
  }
  extendTampered(block: Block, opts?: { signal?: AbortSignal; onProgress?: (p: MinerProgress) => void }): Promise<Block[] | null> {
    return this.tamper.extend(block, opts);
  }
  broadcast(blocks: Block[]): TamperBroadcast {
    return this.tamper.broadcast(blocks);
  }
  lastBroadcast(): TamperBroadcast | null {
    return this.tamper.lastBroadcast();
  }

  // ---------------------------------------------------------------- double spend

  doubleSpend(o: { from: string; to: [string, string]; peers: [string, string]; amount: bigint }): DoubleSpendView {
    const chain = this.n.chain();
    const mempool = this.n.mempool();
    if (!chain || !mempool) throw new Error('this node has no chain yet');
    const key = this.n.wallet.find(o.from);
    if (!key) throw new PaymentError('bad-address', `address ${o.from} is not in this node's wallet`);
    const ready = [...this.n.peers()];
    const peers = o.peers.map((id) => ready.find((p) => p.id === id));
    if (o.peers[0] === o.peers[1] || !peers[0] || !peers[1]) throw new Error('pick two different connected peers');
    const txs = conflictingPayments(chain, mempool, key, o.to, o.amount);
    // Each copy goes to one peer only, as a tx message (Core accepts unannounced transactions).
    txs.forEach((tx, i) => {
      peers[i]!.remember(txidHex(tx));
      peers[i]!.send({ command: 'tx', tx });
    });
    this.watch.made(txs);
    this.lastDS = { txids: [txidHex(txs[0]), txidHex(txs[1])], peers: o.peers, to: o.to, amount: o.amount, outpoints: txs[0].inputs.map((i) => `${toHex(i.prevout.txid.slice().reverse())}:${i.prevout.vout}`), time: this.n.clock.now() };
    this.n.log(`double spend: ${this.lastDS.txids[0].slice(0, 12)}… to ${o.peers[0]}, ${this.lastDS.txids[1].slice(0, 12)}… to ${o.peers[1]}`, 'warn');
    this.changed('double-spend');
    return { ...this.lastDS };
  }
  lastDoubleSpend(): DoubleSpendView | null {
    return this.lastDS && { ...this.lastDS };
  }
  conflicts(): ConflictView[] {
    return this.watch.list();
  }

  // ---------------------------------------------------------------- private chain

  privateChain(): PrivateView | null {
    return this.privateMiner?.view(this.n.mining.active) ?? null;
  }

  startPrivate(o: { strategy: PrivateStrategy; from?: string; payTo?: string; amount?: bigint; auto?: boolean }): PrivateView {
    const chain = this.n.chain();
    const mempool = this.n.mempool();
    if (!chain || !mempool) throw new Error('this node has no chain yet');
    if (this.privateMiner) throw new Error('this node already mines a private chain');
    const n = this.n;
    const miner = new PrivateMiner(
      {
        id: n.id,
        chain: () => chain,
        mempool: () => mempool,
        nowSeconds: () => this.nowSeconds(),
        payTo: () => n.wallet.primary.pubkeyHash,
        submit: (b) => n.submitBlock(b),
        submitTx: (tx) => n.submitTx(tx),
        announce: (hashes) => this.announce(hashes),
        setSource: (s) => n.mining.setSource(s),
        remine: () => n.mining.maybeMine(),
        changed: () => this.changed('private'),
        log: (text, level) => n.log(text, level),
      },
      o.strategy,
      chain.tip,
      o.auto ?? true,
    );
    const payment = o.payTo && o.amount ? { from: (o.from && n.wallet.find(o.from)) || n.wallet.primary, back: n.wallet.newAddress('private chain'), to: o.payTo, amount: o.amount } : undefined;
    this.privateMiner = miner;
    try {
      miner.begin(payment);
    } catch (e) {
      this.privateMiner = null;
      n.mining.setSource(null);
      throw e;
    }
    return miner.view(n.mining.active);
  }

  minePrivate(): void {
    this.privateMiner?.mineOne();
  }

  setPrivateAuto(auto: boolean): void {
    this.privateMiner?.setAuto(auto);
  }

  release(): ReleaseView {
    const miner = this.privateMiner;
    if (!miner) throw new Error('this node mines no private chain');
    this.lastRel = miner.release(this.n.clock.now());
    this.privateMiner = null;
    this.n.log(`released ${this.lastRel.blocks} private blocks`, 'warn');
    this.changed('private');
    return { ...this.lastRel };
  }

  abandon(): void {
    this.privateMiner?.stop();
    this.privateMiner = null;
    this.changed('private');
  }

  lastRelease(): ReleaseView | null {
    return this.lastRel && { ...this.lastRel };
  }

  /** Announces blocks by inv to every ready peer that does not know them. */
  private announce(hashes: string[]): void {
    for (const p of this.n.peers()) {
      const items = hashes.filter((h) => !p.knownInv.has(h)).map((hash) => ({ type: 2, hash }));
      if (!items.length) continue;
      for (const it of items) p.remember(it.hash);
      p.send({ command: 'inv', items });
    }
  }

  // ---------------------------------------------------------------- the teacher's orders

  /** The teacher's class-wide delivery. */
  setClassDelivery(mode: DeliveryMode, intervalMs: number): void {
    this.gate.setClass({ mode, intervalMs });
  }

  /** A lesson order naming this node: carried out as if its student had clicked it. */
  order(o: LessonOrder): void {
    const run = (): void | Promise<void> => {
      switch (o.do) {
        case 'tamper':
          return this.tamper.order(o.height, o.stage);
        case 'double-spend':
          this.doubleSpend({ from: this.n.wallet.primary.address, to: o.to, peers: o.peers, amount: o.amount });
          return;
        case 'private':
          this.startPrivate({ strategy: o.strategy, ...(o.payTo ? { payTo: o.payTo, amount: o.amount } : {}) });
          return;
        case 'release':
          if (this.privateMiner) this.release();
          return;
        case 'abandon':
          return this.abandon();
      }
    };
    const fail = (e: unknown) => this.n.log(`the teacher's ${o.do} order could not be carried out: ${(e as Error).message}`, 'warn');
    try {
      void Promise.resolve(run()).catch(fail);
    } catch (e) {
      fail(e);
    }
  }
}
