/**
 * The tutorial's progress in one tab: recomputed from the node's facts (facts.ts) whenever its
 * chain, mempool, wallet or `nodeinfo` book changes, ticked in order (a later fact ticks the earlier
 * steps too, marked inferred), never unticked, and kept in localStorage so a reload shows the same
 * progress at once, before the network has said anything again.
 */
import type { NodeApi } from '../../../node/api';
import { STEP_IDS, TUTORIAL_NAMES, tutorialFacts, type TutorialFacts, type TutorialName } from './facts';

export { STEP_IDS, type StepId } from './facts';

/** When a step was seen done, and whether this node saw its own fact or inferred it from a later one. */
export interface StepState {
  at: number | null;
  inferred: boolean;
}

/** What the tracker reads from the node (any NodeApi satisfies it). */
export type TrackedNode = Pick<NodeApi, 'query' | 'height' | 'tipHash' | 'namedAddresses' | 'nodeInfos' | 'on' | 'clock'>;

/** Where progress is kept between reloads (localStorage in a tab, a Map in tests). */
export interface ProgressStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface Saved {
  steps: StepState[];
  names: Partial<Record<TutorialName, string>>;
}

/** Recompute at most this often (ms) while events stream in. */
const DEBOUNCE_MS = 200;

/** The localStorage key of one node's tutorial progress. */
export function progressKey(network: string, node: string): string {
  return `tabchain:tutorial:${network}:${node}`;
}

export class ScenarioTracker {
  steps: StepState[] = STEP_IDS.map(() => ({ at: null, inferred: false }));
  facts: TutorialFacts = { names: {}, publishers: {}, evidence: STEP_IDS.map(() => null), balances: [], nodes: [] };
  private remembered: Partial<Record<TutorialName, string>> = {};
  private listeners: (() => void)[] = [];
  private off: (() => void) | null = null;
  private timer: number | null = null;
  private version = 0;

  constructor(
    private readonly node: TrackedNode,
    private readonly store: ProgressStore | null = null,
    private readonly key = '',
  ) {
    const saved = this.load();
    if (saved) {
      this.steps = STEP_IDS.map((_, i) => saved.steps[i] ?? { at: null, inferred: false });
      this.remembered = saved.names;
    }
  }

  /** Starts listening; what the node holds now counts at once. */
  attach(): this {
    this.off = this.node.on((e) => {
      if (e.type === 'chain' || e.type === 'mempool' || e.type === 'nodeinfo-changed' || e.type === 'wallet-changed' || e.type === 'chain-ready') this.schedule();
    });
    this.recompute();
    return this;
  }
  detach(): void {
    this.off?.();
    if (this.timer !== null) this.node.clock.clearTimer(this.timer);
  }
  onChange(l: () => void): () => void {
    this.listeners.push(l);
    return () => (this.listeners = this.listeners.filter((x) => x !== l));
  }
  /** Changes with every recomputation that changed anything (for useSyncExternalStore). */
  get snapshot(): number {
    return this.version;
  }
  get doneCount(): number {
    return this.steps.filter((s) => s.at !== null).length;
  }
  /** Forgets this node's stored progress (Reset this node, or a fresh network). */
  clear(): void {
    this.store?.removeItem(this.key);
  }

  private schedule(): void {
    this.timer ??= this.node.clock.setTimer(DEBOUNCE_MS, () => {
      this.timer = null;
      this.recompute();
    });
  }

  /** Reads the facts again and ticks what they prove (and, inferred, every earlier step). */
  recompute(): void {
    const n = this.node;
    const facts = tutorialFacts({ query: n.query, height: n.height, tipHash: n.tipHash, named: n.namedAddresses(), infos: n.nodeInfos(), remembered: this.remembered });
    const now = n.clock.now();
    let changed = JSON.stringify(facts, big) !== JSON.stringify(this.facts, big);
    this.facts = facts;
    const last = facts.evidence.reduce((m, e, i) => (e ? i : m), -1);
    for (let i = 0; i <= last; i++) {
      const s = this.steps[i]!;
      if (s.at !== null && s.inferred && facts.evidence[i]) {
        this.steps[i] = { at: s.at, inferred: false }; // its own fact arrived after a later one's
        changed = true;
      }
      if (s.at !== null) continue;
      this.steps[i] = { at: now, inferred: !facts.evidence[i] };
      changed = true;
    }
    for (const name of TUTORIAL_NAMES) {
      const a = facts.names[name];
      if (a && this.remembered[name] !== a) {
        this.remembered = { ...this.remembered, [name]: a };
        changed = true;
      }
    }
    if (!changed) return;
    this.version++;
    this.save();
    for (const l of this.listeners) l();
  }

  private load(): Saved | null {
    if (!this.store || !this.key) return null;
    try {
      const raw = this.store.getItem(this.key);
      const v = raw ? (JSON.parse(raw) as Saved) : null;
      return v && Array.isArray(v.steps) && typeof v.names === 'object' ? v : null;
    } catch {
      return null; // unreadable progress is the same as none: the facts bring it back
    }
  }
  private save(): void {
    if (!this.store || !this.key) return;
    try {
      this.store.setItem(this.key, JSON.stringify({ steps: this.steps, names: this.remembered } satisfies Saved));
    } catch {
      // storage full or blocked: progress still shows, it is only not kept across a reload
    }
  }
}

/** JSON.stringify replacer for bigint and Set values (compare facts cheaply). */
function big(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Set) return [...v];
  return v;
}
