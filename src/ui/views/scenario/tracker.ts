import type { NodeApi } from '../../../node/api';
import type { NodeEvent, Role } from '../../../node/events';

/** The seed tutorial's nine steps, in order. */
export const STEP_IDS = [
  'create', // 1 central creates the chain
  'walletSync', // 2 wallets connect and download it
  'minerSync', // 3 miners connect and download it
  'payment', // 4 a wallet creates a payment
  'minerMempool', // 5 the miner puts it in its mempool
  'mined', // 6 at 2 txs the miner mines
  'toCentral', // 7 the block goes to the central node
  'walletsSynced', // 8 wallets sync
  'balance', // 9 the wallet checks its balance
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** When a step was seen done, and whether this node saw it directly or inferred it from a later step. */
export interface StepState {
  at: number | null;
  inferred: boolean;
}

/** What the tracker reads from the node (any NodeApi satisfies it). */
export type TrackedNode = Pick<NodeApi, 'role' | 'height' | 'bestKnownHeight' | 'blocksInFlight' | 'on'>;

/**
 * Watches one node's events and ticks the seed tutorial's steps as this node sees the network do
 * them. Steps tick in order: evidence of a later step ticks the earlier ones too (marked inferred,
 * e.g. a wallet in a star never sees the miner's mempool, but sees the block that came of it).
 */
export class ScenarioTracker {
  readonly steps: StepState[] = STEP_IDS.map(() => ({ at: null, inferred: false }));
  private readonly peerRoles = new Map<string, Role>();
  private readonly payments = new Set<string>();
  private scenarioBlock: string | null = null;
  private listeners: (() => void)[] = [];
  private off: (() => void) | null = null;

  constructor(private readonly node: TrackedNode) {}

  /** Starts listening; the node's current state counts as evidence too. */
  attach(now: number): this {
    this.off = this.node.on((e) => this.feed(e));
    if (this.node.height >= 0) this.tick(0, now);
    this.checkSynced(now);
    return this;
  }
  detach(): void {
    this.off?.();
  }
  onChange(l: () => void): () => void {
    this.listeners.push(l);
    return () => (this.listeners = this.listeners.filter((x) => x !== l));
  }

  get doneCount(): number {
    return this.steps.filter((s) => s.at !== null).length;
  }

  private tick(index: number, at: number): void {
    if (this.steps[index]!.at !== null) return;
    for (let i = 0; i < index; i++) if (this.steps[i]!.at === null) this.steps[i] = { at, inferred: true };
    this.steps[index] = { at, inferred: false };
    for (const l of this.listeners) l();
  }
  private done(index: number): boolean {
    return this.steps[index]!.at !== null;
  }

  private checkSynced(at: number): void {
    const n = this.node;
    if (n.height < 0 || n.height < n.bestKnownHeight() || n.blocksInFlight > 0) return;
    if (n.role === 'wallet') this.tick(1, at);
    if (n.role === 'miner') this.tick(2, at);
  }

  /** Folds one node event into the steps. */
  feed(e: NodeEvent): void {
    const at = e.time;
    const role = this.node.role;
    switch (e.type) {
      case 'chain-ready':
        this.tick(0, at);
        break;
      case 'peer-connected':
        if (e.role) this.peerRoles.set(e.peer, e.role);
        if (e.role === 'wallet' && e.height >= this.node.height) this.tick(1, at);
        if (e.role === 'miner' && e.height >= this.node.height && this.done(1)) this.tick(2, at);
        break;
      case 'message': {
        const peerRole = this.peerRoles.get(e.peer);
        if (e.dir === 'in' && (e.command === 'getblocks' || e.command === 'getheaders' || e.command === 'getparams')) {
          if (peerRole === 'wallet') this.tick(1, at);
          if (peerRole === 'miner' && this.done(1)) this.tick(2, at);
        }
        if (this.done(3) && !this.done(4) && peerRole === 'miner' && e.dir === 'out' && e.command === 'tx') this.tick(4, at);
        if (this.scenarioBlock && (e.command === 'block' || e.command === 'cmpctblock') && e.hashes?.includes(this.scenarioBlock)) {
          if (e.dir === 'out' && peerRole === 'central') this.tick(6, at);
          if (e.dir === 'in' && peerRole === 'central') this.tick(6, at);
          if (e.dir === 'out' && peerRole === 'wallet') this.tick(7, at);
        }
        break;
      }
      case 'mempool':
        if (e.event.type === 'tx-added' && this.done(1)) {
          this.payments.add(e.event.entry.txid);
          this.tick(3, at);
          if (role === 'miner') this.tick(4, at);
        }
        break;
      case 'chain':
        if (e.event.type === 'block-connected' && this.done(3)) {
          const payments = e.event.block.txs.length - 1;
          if (payments >= 2) {
            this.scenarioBlock = e.event.entry.hash;
            this.tick(5, at);
            if (role === 'central') this.tick(6, at);
            if (role === 'wallet') {
              this.tick(7, at);
              this.tick(8, at); // the wallet's balances now include the payments (shown in the panel)
            }
          }
        }
        break;
      case 'block-mined':
        if (role === 'miner' && this.done(3) && e.txCount >= 3) this.tick(5, at);
        break;
    }
    if (e.type === 'sync' || e.type === 'chain-ready' || e.type === 'chain') {
      this.checkSynced(at);
    }
  }
}
