/**
 * A run as a small file: seed, settings and the teacher's actions, each stamped with the step
 * (timers run) and virtual time at which it happened. Re-running the file replays the run exactly.
 * `parseRunFile` checks everything and says what is wrong in words a teacher can act on.
 */
import { checkSettings, refusal, type Checked, type SimSettings, type Why } from './settings';

export const RUN_FILE_VERSION = 1;
export const RUN_FILE_KIND = 'tabchain-simulation';
/** Largest file accepted (a run of a whole lesson is a few kilobytes). */
export const MAX_RUN_FILE_BYTES = 1_000_000;
export const MAX_ACTIONS = 10_000;

/** A change to one link or to every link touching a group of nodes; absent fields stay as they are. */
export interface LinkChange {
  /** One-way latency, ms. */
  latency?: number;
  /** Bandwidth, Mbit/s. */
  bandwidth?: number;
  /** Probability of losing a message. */
  loss?: number;
}

/** What a teacher can do while a simulation runs. Nodes are numbered from 0. */
export type ActionBody =
  | { kind: 'partition'; groups: number[][] }
  | { kind: 'heal' }
  | ({ kind: 'link'; a: number; b: number } & LinkChange)
  | ({ kind: 'group'; nodes: number[] } & LinkChange)
  | { kind: 'hash'; miner: number; share: number }
  | { kind: 'offline'; node: number; offline: boolean }
  | { kind: 'txRate'; rate: number }
  /** Node `node` broadcasts its tip block with one amount edited (the tamper lesson). */
  | { kind: 'tamper'; node: number }
  /** Node `node` pays one coin twice: to a merchant via node `toMerchant`, back to itself via node `toAttacker`. */
  | { kind: 'doubleSpend'; node: number; toMerchant: number; toAttacker: number };

/** An action as recorded: applied before timer number `step + 1`, at virtual ms `at` since the start. */
export type SimAction = ActionBody & { step: number; at: number };

export interface RunFile {
  kind: typeof RUN_FILE_KIND;
  version: typeof RUN_FILE_VERSION;
  seed: number;
  settings: SimSettings;
  actions: SimAction[];
}

export function runFileToJson(r: Omit<RunFile, 'kind' | 'version'>): string {
  return JSON.stringify({ kind: RUN_FILE_KIND, version: RUN_FILE_VERSION, seed: r.seed, settings: r.settings, actions: r.actions }, null, 1);
}

/** Parses and checks a run file; a refusal says which part is wrong and why. */
export function parseRunFile(text: string): Checked<RunFile> {
  const fail = (reason: string, why: Why): Checked<RunFile> => refusal(reason, why);
  if (text.length > MAX_RUN_FILE_BYTES) return fail(`the file is too large to be a simulation run (${text.length} bytes; at most ${MAX_RUN_FILE_BYTES})`, { code: 'tooLarge', size: text.length, max: MAX_RUN_FILE_BYTES });
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return fail(`the file is not valid JSON (${(e as Error).message})`, { code: 'notJson', detail: (e as Error).message });
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return fail('the file does not hold a simulation run (expected a JSON object)', { code: 'notRun' });
  const f = o as Record<string, unknown>;
  if (f.kind !== RUN_FILE_KIND) return fail(`the file is not a tabchain simulation run (kind is ${JSON.stringify(f.kind ?? null)})`, { code: 'notRun' });
  if (f.version !== RUN_FILE_VERSION) return fail(`the run file's version ${JSON.stringify(f.version ?? null)} is not supported (this page reads version ${RUN_FILE_VERSION})`, { code: 'version', found: JSON.stringify(f.version ?? null), supported: RUN_FILE_VERSION });
  if (typeof f.seed !== 'number' || !Number.isInteger(f.seed) || f.seed < 0 || f.seed > 0xffff_ffff) return fail('seed must be a whole number from 0 to 4294967295', { code: 'whole', field: 'seed', lo: 0, hi: 0xffff_ffff, found: String(f.seed) });
  const settings = checkSettings(f.settings);
  if (!settings.ok) return fail(`settings: ${settings.reason}`, settings.why);
  if (!Array.isArray(f.actions)) return fail('actions must be a list', { code: 'actions' });
  if (f.actions.length > MAX_ACTIONS) return fail(`too many actions (${f.actions.length}; at most ${MAX_ACTIONS})`, { code: 'tooManyActions', count: f.actions.length, max: MAX_ACTIONS });
  const actions: SimAction[] = [];
  let step = 0;
  for (const [i, a] of f.actions.entries()) {
    const checked = checkAction(a, settings.value);
    if (!checked.ok) return fail(`action ${i + 1}: ${checked.reason}`, { ...checked.why, index: i + 1 });
    if (checked.value.step < step) return fail(`action ${i + 1}: actions must be in the order they happened (step ${checked.value.step} after step ${step})`, { code: 'actionOrder', index: i + 1 });
    step = checked.value.step;
    actions.push(checked.value);
  }
  return { ok: true, value: { kind: RUN_FILE_KIND, version: RUN_FILE_VERSION, seed: f.seed, settings: settings.value, actions } };
}

/** Checks one action against the settings it will run with (node numbers, miners, ranges). */
export function checkAction(raw: unknown, s: SimSettings): Checked<SimAction> {
  // `part` names the rule for the page (sim.why.actionPart.*), with the numbers it quotes.
  const fail = (reason: string, part: string, n: Record<string, number | string> = {}): Checked<SimAction> => refusal(reason, { code: 'action', detail: reason, part, ...n });
  const last = s.nodes - 1;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not an object', 'notObject');
  const a = raw as Record<string, unknown>;
  if (typeof a.step !== 'number' || !Number.isInteger(a.step) || a.step < 0) return fail('step must be a whole number, 0 or more', 'step');
  if (typeof a.at !== 'number' || !Number.isFinite(a.at) || a.at < 0) return fail('at must be a time in ms, 0 or more', 'at');
  const node = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < s.nodes;
  const nodeList = (x: unknown) => Array.isArray(x) && x.length > 0 && x.every(node);
  const stamp = { step: a.step, at: a.at };
  switch (a.kind) {
    case 'partition':
      if (!Array.isArray(a.groups) || a.groups.length < 2 || !a.groups.every(nodeList)) return fail(`a partition needs two or more groups of node numbers from 0 to ${last}`, 'partition', { last });
      return { ok: true, value: { ...stamp, kind: 'partition', groups: (a.groups as number[][]).map((g) => [...g]) } };
    case 'heal':
      return { ok: true, value: { ...stamp, kind: 'heal' } };
    case 'link':
    case 'group': {
      const change = checkChange(a);
      if (Array.isArray(change)) return fail(change[0], change[1]);
      if (a.kind === 'link') {
        if (!node(a.a) || !node(a.b) || a.a === a.b) return fail(`a link joins two different nodes from 0 to ${last}`, 'link', { last });
        return { ok: true, value: { ...stamp, kind: 'link', a: a.a as number, b: a.b as number, ...change } };
      }
      if (!nodeList(a.nodes)) return fail(`a group lists node numbers from 0 to ${last}`, 'group', { last });
      return { ok: true, value: { ...stamp, kind: 'group', nodes: [...(a.nodes as number[])], ...change } };
    }
    case 'hash':
      if (typeof a.miner !== 'number' || !Number.isInteger(a.miner) || a.miner < 0 || a.miner >= s.hashShares.length) return fail(`miner must be a miner number from 0 to ${s.hashShares.length - 1}`, 'miner', { last: s.hashShares.length - 1 });
      if (typeof a.share !== 'number' || !Number.isFinite(a.share) || a.share < 0 || a.share > 1000) return fail('share must be a percentage from 0 to 1000', 'share');
      return { ok: true, value: { ...stamp, kind: 'hash', miner: a.miner, share: a.share } };
    case 'offline':
      if (!node(a.node) || typeof a.offline !== 'boolean') return fail(`offline needs a node from 0 to ${last} and true or false`, 'offline', { last });
      return { ok: true, value: { ...stamp, kind: 'offline', node: a.node as number, offline: a.offline } };
    case 'tamper':
      if (!node(a.node)) return fail(`tamper needs a node from 0 to ${last}`, 'tamper', { last });
      return { ok: true, value: { ...stamp, kind: 'tamper', node: a.node as number } };
    case 'doubleSpend':
      if (!node(a.node) || !node(a.toMerchant) || !node(a.toAttacker)) return fail(`a double spend names three nodes from 0 to ${last} (the attacker, where the merchant's payment goes, where the other goes)`, 'doubleSpend', { last });
      return { ok: true, value: { ...stamp, kind: 'doubleSpend', node: a.node as number, toMerchant: a.toMerchant as number, toAttacker: a.toAttacker as number } };
    case 'txRate':
      if (typeof a.rate !== 'number' || !Number.isFinite(a.rate) || a.rate < 0 || a.rate > 50) return fail('rate must be from 0 to 50 payments a second', 'rate');
      return { ok: true, value: { ...stamp, kind: 'txRate', rate: a.rate } };
    default:
      return fail(`unknown action ${JSON.stringify(a.kind ?? null)}`, 'unknown', { kind: JSON.stringify(a.kind ?? null) });
  }
}

function checkChange(a: Record<string, unknown>): LinkChange | [reason: string, part: string] {
  const out: LinkChange = {};
  if (a.latency !== undefined) {
    if (typeof a.latency !== 'number' || !Number.isFinite(a.latency) || a.latency < 0 || a.latency > 60_000) return ['latency must be from 0 to 60000 ms', 'latency'];
    out.latency = a.latency;
  }
  if (a.bandwidth !== undefined) {
    if (typeof a.bandwidth !== 'number' || !Number.isFinite(a.bandwidth) || a.bandwidth <= 0 || a.bandwidth > 100_000) return ['bandwidth must be more than 0 and at most 100000 Mbit/s', 'bandwidth'];
    out.bandwidth = a.bandwidth;
  }
  if (a.loss !== undefined) {
    if (typeof a.loss !== 'number' || !Number.isFinite(a.loss) || a.loss < 0 || a.loss > 1) return ['loss must be a probability from 0 to 1', 'loss'];
    out.loss = a.loss;
  }
  if (out.latency === undefined && out.bandwidth === undefined && out.loss === undefined) return ['a link change needs latency, bandwidth or loss', 'change'];
  return out;
}
