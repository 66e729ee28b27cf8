/**
 * One simulated node as the node tab's views see it (`NodeContext`): what the engine last reported
 * of it (through the view store), blocks and their outputs fetched on demand, and its one command a
 * view offers (the offline switch) recorded as a teacher action so that a replay repeats it.
 * Everything else the node does, it does in the simulation: the wallet, teacher and mining
 * commands of a tab say so instead of acting.
 */
import type { Balance } from '../../core';
import type { Connectivity, LessonsApi, NodeApi, NodeQuery } from '../../node/api';
import type { MiningMode } from '../../node/events';
import type { Clock } from '../../node/transport';
import { SIM_EPOCH } from '../../sim/engine';
import { viewStore } from '../runtime/viewStore';
import type { ViewState } from '../runtime/viewState';
import type { SimConnection } from './connection';

const LIVE = { mode: 'live', intervalMs: 0 } as const;
const NO_BALANCE: Balance = { confirmed: 0n, pendingIn: 0n, pendingOut: 0n, total: 0n };

export class SimNodeView implements NodeApi {
  readonly query: NodeQuery;
  readonly clock: Clock;
  /** The lessons of a simulated node are staged from the simulator's own lessons panel (recorded, replayed). */
  readonly lessons: LessonsApi = {
    delivery: () => ({ effective: LIVE, class: LIVE, local: LIVE, held: 0, oldest: null, released: 0 }),
    held: () => [], lastBroadcast: () => null, lastDoubleSpend: () => null, conflicts: () => [], privateChain: () => null, lastRelease: () => null,
    setDelivery: () => inSimDelivery(),
    step: () => inSimDelivery(),
    mine: () => inSimLessons(), extendTampered: () => inSimLessons(),
    broadcast: () => inSimLessons(), doubleSpend: () => inSimLessons(),
    startPrivate: () => inSimLessons(), minePrivate: () => inSimLessons(),
    setPrivateAuto: () => inSimLessons(), release: () => inSimLessons(),
    abandon: () => inSimLessons(),
  };

  constructor(private readonly conn: SimConnection, readonly index: number) {
    const none = () => undefined;
    const nothing = () => [];
    this.query = {
      entry: none, entryAt: none, entries: nothing, leaves: nothing, orphans: nothing, coin: (outpoint) => conn.coin(outpoint), coinsFor: nothing, utxos: nothing,
      utxoCommitment: () => null, mempoolEntries: nothing, mempoolEntry: none, spenderOf: none, walletKeys: nothing, balances: nothing, exportWif: none,
      scriptBalance: () => NO_BALANCE, spendable: nothing,
      isActive: (hash) => !!this.view.blocks.find((b) => b.hash === hash)?.active,
      block: (hash) => conn.block(hash)?.block ?? undefined,
      undo: (hash) => conn.block(hash)?.undo ?? undefined,
    };
    this.clock = {
      now: () => SIM_EPOCH + (conn.store.getState().frame?.now ?? 0),
      setTimer: () => {
        throw new Error('timers of a simulated node run in the simulation');
      },
      clearTimer: () => undefined,
    };
  }

  private get view(): ViewState {
    return viewStore.getState();
  }
  get id() {
    return this.view.nodeId;
  }
  get role() {
    return this.view.role;
  }
  get network() {
    return this.view.network;
  }
  get topology() {
    return this.view.topology;
  }
  get magic() {
    return this.view.params?.magic ?? 0;
  }
  get height() {
    return this.view.height;
  }
  get tipHash() {
    return this.view.tip;
  }
  get params() {
    return this.view.params;
  }
  get offline() {
    return this.view.offline;
  }
  get isMining() {
    return this.view.mining.active;
  }
  get mining(): MiningMode {
    return this.view.mining.mode;
  }
  get mineThreshold() {
    return this.view.mining.threshold;
  }
  get blocksInFlight() {
    return this.view.inFlight;
  }
  get syncPeerId() {
    return null;
  }
  get restoreReport() {
    return null;
  }
  on(): () => void {
    return () => undefined; // the engine reports through the view store
  }
  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }
  peerInfo() {
    return this.view.peers;
  }
  peerIds() {
    return this.view.peers.filter((p) => p.ready).map((p) => p.id);
  }
  knownNodes() {
    return this.view.knownNodes;
  }
  bestKnownHeight() {
    return this.view.bestKnownHeight;
  }
  isDiscouraged() {
    return false;
  }
  /** The peers panel's switch: cut this node off, recorded as a teacher action. */
  setOffline(offline: boolean): void {
    this.conn.act({ kind: 'offline', node: this.index, offline });
  }
  connectivity(): Connectivity {
    return { peers: this.peerIds().length, connecting: [], lastFailure: null };
  }
  namedAddresses() {
    return [];
  }
  nodeInfos() {
    return [];
  }
  teacherState() {
    return { miningPaused: false, throttle: 100, partition: [], message: null, delivery: LIVE };
  }
  send(): never {
    return refuse('payments');
  }
  quotePayment(): never {
    return refuse('payments');
  }
  submitTx(): never {
    return refuse('payments');
  }
  signInput(): never {
    return refuse('wallets');
  }
  setLabel(): never {
    return refuse('wallets');
  }
  teacherCommand(): never {
    return refuse('teacher commands (use the teacher panel)');
  }
  newAddress(): never {
    return refuse('wallets');
  }
  addKey(): never {
    return refuse('wallets');
  }
  mineOnce(): never {
    return refuse('mining');
  }
  setMining(): never {
    return refuse('mining');
  }
  connect(): never {
    return refuse('links');
  }
}

const inSimLessons = () => refuse('lessons (use the simulator\'s lessons panel)');
const inSimDelivery = () => refuse('message delivery (use the simulator\'s pause and step)');

function refuse(what: string): never {
  throw new Error(`in the simulator, ${what} are set for the whole run (settings and teacher actions)`);
}
