/**
 * The simulation engine: N real `FullNode`s on the deterministic in-memory network, miners with
 * simulated hash power (exponential solve times on the virtual clock), simulated wallets paying
 * each other, link conditions drawn from a preset, and the teacher's actions. Runs anywhere (a
 * Web Worker, Node for the CLI and the bench, a test) and is stepped one timer at a time, so
 * running flat out, at a multiple of real time, or step by step gives the same run.
 */
import { BoundedSet, COIN, bitsToTarget, blockHashHex, encodeBlock, genesisTemplate, hashToHex, makeParams, solveBlockSync, toHex, txidHex, walletKeyFromSecret, type ChainParams } from '../core';
import { expectedHashes } from '../core/consensus/pow';
import { FullNode } from '../node/node';
import { frameCommand } from '../node/wire/frame';
import { MemoryNetwork } from '../adapters/memory/network';
import { ManualClock, SeededRandom } from '../adapters/memory/clock';
import { SimulatedMiner } from '../adapters/memory/simMiner';
import { minerNodes, type SimSettings } from './settings';
import { PRESETS, assignRegions, drawLink, type LinkDraw } from './links';
import { buildTopology, edges, type Topology } from './topology';
import { Wallets } from './payments';
import { Metrics } from './metrics';
import { EventLog } from './eventLog';
import { SharedDecoder } from './intern';
import type { ActionBody, LinkChange, SimAction } from './runFile';
import { doubleSpend, paymentStatus, tamper, type DoubleSpendRecord, type PaymentStatus, type TamperRecord } from './lessons';

/** Virtual time at which every simulation starts (2024-01-01T00:00:00Z). */
export const SIM_EPOCH = 1_704_067_200_000;
/** Largest frame an in-memory link carries: Bitcoin Core's MAX_PROTOCOL_MESSAGE_LENGTH. */
export const SIM_MAX_FRAME = 4_000_000;
/** Coins each simulated wallet starts with. */
const COINS_PER_WALLET = 4;

export interface SimOptions {
  /** Keep every log line (tests, the CLI's --log); otherwise only the digest. */
  keepLog?: boolean;
  /** Recorded actions to replay, in order. */
  actions?: SimAction[];
}

/** Why a run stopped: its condition held, nothing was left to run, or the step/wall budget ran out. */
export type StopReason = 'done' | 'idle' | 'budget';

/** Derives an independent seed for one part of the simulation (miners, nodes, wallets) from the run's seed. */
export function subSeed(seed: number, stream: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

export class Simulation {
  readonly clock: ManualClock;
  readonly net: MemoryNetwork;
  readonly params: ChainParams;
  readonly nodes: FullNode[] = [];
  /** Node index of each miner, and its simulated hash power. */
  readonly minerAt: number[];
  readonly miners: SimulatedMiner[] = [];
  readonly regions: number[];
  readonly topology: Topology;
  readonly metrics: Metrics;
  readonly log: EventLog;
  readonly wallets: Wallets;
  /** Actions applied so far, then those still to replay. */
  readonly actions: SimAction[];
  /** Timers run so far: the position actions are recorded at. */
  steps = 0;
  /** Messages delivered so far. */
  delivered = 0;
  private nextAction = 0;
  private groups: number[][] | null = null;
  /** What the lessons' actions did, in order. */
  readonly tampered: TamperRecord[] = [];
  readonly doubleSpends: DoubleSpendRecord[] = [];
  private settling = false;
  private txRate: number;
  private txTimer: number | null = null;
  private readonly txRandom: SeededRandom;
  private readonly links = new Map<string, LinkDraw & { loss: number }>();
  private readonly index = new Map<string, number>();
  private readonly totalRate: number;

  constructor(readonly seed: number, readonly settings: SimSettings, opts: SimOptions = {}) {
    const s = settings;
    this.clock = new ManualClock(SIM_EPOCH);
    this.net = new MemoryNetwork({ seed, clock: this.clock, maxFrameBytes: SIM_MAX_FRAME, copyFrames: false });
    this.log = new EventLog(!!opts.keepLog, SIM_EPOCH);
    this.actions = [...(opts.actions ?? [])];
    this.txRate = s.txRate;
    this.txRandom = new SeededRandom(subSeed(seed, 3));

    // One network, its genesis coin paying the faucet that funds the wallets.
    const faucet = walletKeyFromSecret(new SeededRandom(subSeed(seed, 4)).bytes32(), 'faucet');
    const base = makeParams(`sim-${seed}`, 'regtest', {
      blockReward: 50n * COIN, targetSpacing: s.blockInterval, maxBlockSize: s.blockSize,
      genesisBits: 0x207fffff, powLimitBits: 0x207fffff, coinbaseMaturity: 0, asertHalfLife: 0, retargetInterval: 0,
    });
    const genesis = solveBlockSync(genesisTemplate(base, faucet.pubkeyHash, Math.floor(SIM_EPOCH / 1000)))!;
    this.params = { ...base, genesisHex: toHex(encodeBlock(genesis)) };
    // Fixed difficulty: the miners together find one block per interval on average.
    this.totalRate = expectedHashes(bitsToTarget(this.params.genesisBits).target) / s.blockInterval;

    // Where nodes are, who dials whom, and each link's latency and bandwidth.
    const preset = PRESETS[s.links];
    const placeRandom = new SeededRandom(subSeed(seed, 1));
    this.regions = assignRegions(s.nodes, preset, placeRandom);
    this.topology = buildTopology(s, placeRandom);
    const id = (i: number) => `n${i}`;
    for (const [a, b] of edges(this.topology)) {
      const draw = { ...drawLink(preset, this.regions[a]!, this.regions[b]!, placeRandom), loss: s.loss };
      this.links.set(pairKey(a, b), draw);
      this.applyLink(a, b, draw);
    }

    this.minerAt = minerNodes(s);
    const isMiner = new Map(this.minerAt.map((n, k) => [n, k]));
    const shared = s.validation === 'shared' ? new BoundedSet<string>(200_000) : null;
    const decoder = new SharedDecoder();
    for (let i = 0; i < s.nodes; i++) {
      const k = isMiner.get(i);
      let miner: SimulatedMiner | undefined;
      if (k !== undefined) {
        miner = new SimulatedMiner(this.clock, new SeededRandom(subSeed(seed, 100 + k)), ((s.hashShares[k] ?? 0) / 100) * this.totalRate);
        miner.onsettle = () => (this.settling = true);
        this.miners.push(miner);
      }
      const node = new FullNode({
        id: id(i), role: i === 0 ? 'central' : miner ? 'miner' : 'wallet', network: this.params.network,
        transport: this.net.transport(id(i)), clock: this.clock, random: new SeededRandom(subSeed(seed, 10_000 + i)),
        params: this.params, topology: 'star', decode: decoder.decode, seeds: this.topology.dials[i]!.map(id), maxInbound: this.topology.maxInbound,
        keys: [walletKeyFromSecret(new SeededRandom(subSeed(seed, 20_000 + i)).bytes32())],
        // Bitcoin's messages only: tabchain's nodeinfo (role, tip, names for a class's payee lists)
        // has no reader here (the Simulator reads each node directly), and every tip it republished
        // was 40 % of a 1,000-node run's messages and 70 % of its bytes.
        nodeInfo: false,
        ...(miner ? { miner, mining: 'continuous' as const } : { mining: 'off' as const }),
        // Bitcoin Core's timers: a ping every 2 minutes, 20 minutes without an answer ends a link;
        // transactions announced in batches every 2 s (outbound) / 5 s (inbound) on average;
        // block templates rebuilt for new transactions every 5 s (getblocktemplate).
        timing: { pingInterval: 120_000, pingTimeout: 20 * 60_000, txInvOutbound: 2_000, txInvInbound: 5_000 }, templateRefreshMs: 5_000,
      });
      this.index.set(node.id, i);
      this.nodes.push(node);
      if (shared) node.chain!.scripts.share(shared);
    }

    this.metrics = new Metrics(s.nodes, blockHashHex(genesis.header));
    this.nodes.forEach((node, i) => this.watch(node, i));
    this.net.ondeliver = (m) => {
      const from = this.index.get(m.from) ?? -1;
      const to = this.index.get(m.to) ?? -1;
      const command = frameCommand(m.data);
      this.delivered++;
      this.log.message(m.at, from, to, command, m.bytes);
      this.metrics.delivered(from, to, command, m.bytes);
    };

    this.wallets = new Wallets(s.wallets, s.nodes, new SeededRandom(subSeed(seed, 5)), {
      knows: (home, txid, vout) => {
        const q = this.nodes[home]!.query;
        return !!q.coin(`${txid}:${vout}`) || !!q.mempoolEntry(txid);
      },
      submit: (home, tx) => {
        try {
          this.nodes[home]!.submitTx(tx);
          return true;
        } catch {
          return false; // counted by the wallets as refused; the coin stays with its owner
        }
      },
    });
    for (const node of this.nodes) node.start();
    const coinbase = genesis.txs[0]!;
    this.wallets.fund(faucet, { txid: txidHex(coinbase), vout: 0, value: coinbase.outputs[0]!.value }, COINS_PER_WALLET);
    this.scheduleTx();
  }

  /** Virtual ms since the start. */
  get now(): number {
    return this.clock.now() - SIM_EPOCH;
  }

  /** Runs timers one by one until `stop` holds, nothing is left, or a budget (steps, wall ms) runs out. */
  async run(stop: () => boolean, budget: { steps?: number; wallMs?: number } = {}): Promise<StopReason> {
    const maxSteps = budget.steps ?? Infinity;
    const deadline = budget.wallMs !== undefined ? performance.now() + budget.wallMs : Infinity;
    for (let n = 0; ; n++) {
      // Actions recorded at this point belong to it, whatever stops the run here.
      this.applyDue();
      if (stop()) return 'done';
      if (n >= maxSteps || ((n & 255) === 255 && performance.now() > deadline)) return 'budget';
      if (!this.clock.runNext()) return 'idle';
      this.steps++;
      // A miner's promise settled: let the node's continuation (submit the block, start the next job) run now.
      if (this.settling) {
        this.settling = false;
        for (let i = 0; i < 3; i++) await Promise.resolve();
      }
    }
  }

  /** Runs until virtual time `ms` (since the start); time then stands at exactly `ms`. */
  async runTo(ms: number, budget: { steps?: number; wallMs?: number } = {}): Promise<StopReason> {
    const end = SIM_EPOCH + ms;
    const r = await this.run(() => (this.clock.nextAt() ?? Infinity) > end, budget);
    if (r === 'done' && this.clock.now() < end) this.clock.advance(end - this.clock.now());
    return r;
  }

  /** Runs until the next message is delivered. */
  stepMessage(): Promise<StopReason> {
    const seen = this.delivered;
    return this.run(() => this.delivered > seen);
  }

  /** Runs until the next block is found (by any miner). */
  stepBlock(budget: { steps?: number; wallMs?: number } = {}): Promise<StopReason> {
    const seen = this.metrics.found;
    return this.run(() => this.metrics.found > seen, budget);
  }

  /** Applies a teacher's action now and records it (for the run file and replays). */
  act(body: ActionBody): SimAction {
    // A live action replaces whatever a replay still had to apply.
    this.actions.length = this.nextAction;
    const a = { ...body, step: this.steps, at: this.now } as SimAction;
    this.actions.push(a);
    try {
      this.applyDue();
    } catch (e) {
      // Refused before it changed anything (a lesson's precondition): not recorded.
      this.actions.pop();
      this.nextAction = this.actions.length;
      throw e;
    }
    return a;
  }

  /** Where each double spend's two payments stand, seen from node `view`. */
  doubleSpendStatus(view: number): { pay: PaymentStatus; back: PaymentStatus }[] {
    return this.doubleSpends.map((d) => ({ pay: paymentStatus(this, view, d.pay, 50), back: paymentStatus(this, view, d.back, 50) }));
  }

  /** Largest frame a link carries here (the lessons frame their own messages). */
  get maxFrame(): number {
    return SIM_MAX_FRAME;
  }

  /** The payment rate in effect. */
  get paymentRate(): number {
    return this.txRate;
  }

  /** Conditions of the link between two nodes (undefined if they are not linked). */
  link(a: number, b: number): (LinkDraw & { loss: number }) | undefined {
    return this.links.get(pairKey(a, b));
  }

  /** The groups the network is split into now (node numbers), or null. */
  partition(): number[][] | null {
    return this.groups;
  }

  /** The miners' hash shares now, percent. */
  shares(): number[] {
    return this.miners.map((m) => (m.hashRate / this.totalRate) * 100);
  }

  private applyDue(): void {
    for (let a = this.actions[this.nextAction]; a && a.step <= this.steps; a = this.actions[this.nextAction]) {
      this.nextAction++;
      // A recorded action happened at its time: a live run may have stood still there (paused at a
      // time between two timers), which a replay passes without stopping. (at + epoch is exact.)
      const at = SIM_EPOCH + a.at;
      if (at > this.clock.now()) this.clock.advance(at - this.clock.now());
      this.apply(a);
    }
  }

  private apply(a: SimAction): void {
    this.perform(a);
    this.log.note(this.clock.now(), `action ${JSON.stringify({ ...a, step: undefined, at: undefined })}`);
  }

  private perform(a: SimAction): void {
    const id = (i: number) => this.nodes[i]!.id;
    switch (a.kind) {
      case 'partition': {
        const group = new Map<number, number>();
        a.groups.forEach((g, k) => g.forEach((i) => group.set(i, k)));
        this.groups = a.groups.map((g) => [...g]);
        this.net.partition(...a.groups.map((g) => g.map(id)));
        // A split network closes the links that cross it; nodes redial, and get through after the heal.
        for (const [x, y] of edges(this.topology)) {
          const gx = group.get(x);
          const gy = group.get(y);
          if (gx !== undefined && gy !== undefined && gx !== gy) this.net.cut(id(x), id(y));
        }
        return;
      }
      case 'heal':
        this.groups = null;
        return this.net.heal();
      case 'link':
        return this.change(a.a, a.b, a);
      case 'group': {
        const inGroup = new Set(a.nodes);
        for (const [x, y] of edges(this.topology)) if (inGroup.has(x) || inGroup.has(y)) this.change(x, y, a);
        return;
      }
      case 'hash': {
        const miner = this.miners[a.miner];
        miner?.setHashRate((a.share / 100) * this.totalRate);
        return;
      }
      case 'offline':
        return this.nodes[a.node]!.setOffline(a.offline);
      case 'tamper':
        this.tampered.push(tamper(this, a.node));
        return;
      case 'doubleSpend':
        this.doubleSpends.push(doubleSpend(this, a.node, a.toMerchant, a.toAttacker));
        return;
      case 'txRate':
        this.txRate = a.rate;
        if (this.txTimer !== null) this.clock.clearTimer(this.txTimer);
        this.txTimer = null;
        return this.scheduleTx();
    }
  }

  private change(a: number, b: number, c: LinkChange): void {
    const old = this.links.get(pairKey(a, b));
    const next = {
      latency: c.latency ?? old?.latency ?? 0,
      forward: c.bandwidth !== undefined ? (c.bandwidth * 1e6) / 8000 : old?.forward ?? Infinity,
      backward: c.bandwidth !== undefined ? (c.bandwidth * 1e6) / 8000 : old?.backward ?? Infinity,
      loss: c.loss ?? old?.loss ?? 0,
    };
    this.links.set(pairKey(a, b), next);
    this.applyLink(a, b, next);
  }

  private applyLink(a: number, b: number, l: LinkDraw & { loss: number }): void {
    const ia = `n${a}`;
    const ib = `n${b}`;
    this.net.setLink(ia, ib, { latency: l.latency, dropRate: l.loss });
    this.net.setBandwidth(ia, ib, l.forward);
    this.net.setBandwidth(ib, ia, l.backward);
  }

  /** Payments arrive as a Poisson process at the current rate. */
  private scheduleTx(): void {
    if (this.txRate <= 0) return;
    const wait = (-Math.log(1 - this.txRandom.next()) / this.txRate) * 1000;
    this.txTimer = this.clock.setTimer(wait, () => {
      this.txTimer = null;
      this.wallets.payOnce();
      this.scheduleTx();
    });
  }

  /** Folds one node's chain events into the metrics and the log. */
  private watch(node: FullNode, i: number): void {
    node.chain!.on((e) => {
      if (e.type === 'block-accepted') {
        const first = this.metrics.found;
        this.metrics.accepted(i, e.entry.hash, hashToHex(e.entry.header.prevHash), e.entry.height, this.clock.now());
        if (this.metrics.found > first) this.log.mined(this.clock.now(), i, e.entry.height, e.entry.hash);
      } else if (e.type === 'tip-changed') this.metrics.tipChanged(i, e.entry.hash);
    });
  }
}

function pairKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}
