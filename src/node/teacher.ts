/**
 * The teacher's controls as a node service: a signed command (core/teacher.ts) from the dashboard
 * or a peer is checked — the network's teacher key, the network name, a counter newer than the
 * last command of its kind, a time not in the future (messages: not stale) — then applied to this
 * node (pause mining, throttle, cut off, partition, show a message, message delivery; a step or a
 * lesson order when it names this node) and relayed to every peer. The latest command of each
 * kind that sets state is kept (and stored) and handed to each new peer after its handshake, so a
 * student who joins late or reloads lands in the class's current state; a step or a lesson order
 * acts once, when fresh, and is never stored or handed on to newcomers.
 */
import {
  BoundedMap,
  DecodeError,
  decodeSignedTeacherCommand,
  encodeSignedTeacherCommand,
  fromHex,
  verifyTeacherCommand,
  ONE_SHOT_KINDS,
  type ChainParams,
  type DeliveryMode,
  type LessonOrder,
  type SignedTeacherCommand,
  type TeacherAction,
} from '../core';
import { refusal, type Refusal } from './misbehavior';
import type { EventBus } from './events';
import type { Clock } from './transport';

/** Commands from the future beyond this (s) are refused; messages older than this are not shown. */
export const TEACHER_CLOCK_SLACK = 600;

/** What the teacher's commands have set on this node. */
export interface TeacherState {
  miningPaused: boolean;
  /** Percent of the miner's speed (100 = full). */
  throttle: number;
  /** Groups of node ids that may talk to each other; empty = no partition. */
  partition: string[][];
  message: { text: string; time: number } | null;
  /** The class's message delivery (live, paused, or one message per `intervalMs`). */
  delivery: { mode: DeliveryMode; intervalMs: number };
}

/** What the service changes on the node. */
export interface TeacherEffects {
  setMiningPaused(paused: boolean): void;
  setThrottle(percent: number): void;
  setOffline(offline: boolean): void;
  setPartition(groups: string[][]): void;
  /** The class's message delivery changed. */
  setDelivery(mode: DeliveryMode, intervalMs: number): void;
  /** Releases `count` held messages (this node was named by a step). */
  step(count: number): void;
  /** Runs a lesson order given to this node. */
  lesson(order: LessonOrder, counter: number): void;
  /** Sends a command to every ready peer except `except`. */
  relay(signed: SignedTeacherCommand, except: string | null): void;
}

/** Key under which the latest command of a kind is kept (one per node for `offline`). */
function slot(a: TeacherAction): string {
  return a.kind === 'offline' ? `offline:${a.node}` : a.kind;
}

/** True for a one-shot command (a step, a lesson) too old to act on: a late peer relays it long after. */
function stale(time: number, now: number): boolean {
  return now - time > TEACHER_CLOCK_SLACK;
}

export class TeacherService {
  private readonly latest = new BoundedMap<string, { signed: SignedTeacherCommand; bytes: Uint8Array }>(300);
  /**
   * Commands that arrived before this node had the network's parameters (a joining node hears the
   * class's state right after the handshake, before `params`): checked once the chain exists.
   */
  private readonly early = new BoundedMap<string, { signed: SignedTeacherCommand; from: string }>(32);
  readonly state: TeacherState = { miningPaused: false, throttle: 100, partition: [], message: null, delivery: { mode: 'live', intervalMs: 0 } };

  constructor(
    private readonly id: string,
    private readonly network: string,
    private readonly params: () => ChainParams | null,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly effects: TeacherEffects,
  ) {}

  /** The node now has its chain: commands that came before it are checked and applied. */
  onChainReady(): void {
    const early = [...this.early.values()];
    this.early.clear();
    for (const e of early) this.receive(e.signed, e.from);
  }

  /** Commands to keep across a reload (their wire bytes). */
  stored(): Uint8Array[] {
    return [...this.latest.values()].filter((v) => !ONE_SHOT_KINDS.has(v.signed.command.action.kind)).map((v) => v.bytes);
  }

  /** Every latest command that sets state (not a one-shot step or lesson), to hand to a peer that just connected. */
  forNewPeer(): SignedTeacherCommand[] {
    return [...this.latest.values()].filter((v) => !ONE_SHOT_KINDS.has(v.signed.command.action.kind)).map((v) => v.signed);
  }

  /**
   * A command's wire bytes from `from` (a peer id, 'dashboard', or 'storage'). Applied and relayed
   * when valid and new; otherwise the refusal says why (nothing is applied).
   */
  receive(input: Uint8Array | SignedTeacherCommand, from: string): Refusal | null {
    let signed: SignedTeacherCommand;
    if (input instanceof Uint8Array) {
      try {
        signed = decodeSignedTeacherCommand(input);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        return refusal('teacher-malformed', e.reason);
      }
    } else signed = input;
    const c = signed.command;
    const params = this.params();
    if (!params) {
      this.early.touch(slot(c.action), { signed, from });
      return null;
    }
    if (!params.teacherKey) return refusal('teacher-no-key', 'this network was created without a teacher key');
    if (c.network !== this.network) return refusal('teacher-other-network', `command for network ${c.network}`);
    if (!verifyTeacherCommand(signed, fromHex(params.teacherKey))) return refusal('teacher-forged', `${c.action.kind} command not signed by this network's teacher`);
    const key = slot(c.action);
    const prev = this.latest.get(key);
    if (prev && c.counter <= prev.signed.command.counter) {
      return prev.signed.command.counter === c.counter ? refusal('teacher-duplicate', `${c.action.kind} #${c.counter} already applied`) : refusal('teacher-replay', `${c.action.kind} #${c.counter} is older than #${prev.signed.command.counter}`);
    }
    const now = Math.floor(this.clock.now() / 1000);
    if (c.time > now + TEACHER_CLOCK_SLACK) return refusal('teacher-future', `command time is ${c.time - now} s ahead of this node's clock`);
    this.latest.touch(key, { signed, bytes: encodeSignedTeacherCommand(signed) });
    // A one-shot command acts once, when fresh; from storage or long after, it is only remembered.
    if (!ONE_SHOT_KINDS.has(c.action.kind) || (from !== 'storage' && !stale(c.time, now))) this.apply(c.action, c.time, now, c.counter);
    this.bus.emit({ type: 'teacher', time: this.clock.now(), action: c.action, counter: c.counter, from });
    if (from !== 'storage') this.effects.relay(signed, from);
    return null;
  }

  private apply(a: TeacherAction, time: number, now: number, counter: number): void {
    const s = this.state;
    switch (a.kind) {
      case 'mining':
        s.miningPaused = a.paused;
        return this.effects.setMiningPaused(a.paused);
      case 'throttle':
        s.throttle = a.percent;
        return this.effects.setThrottle(a.percent);
      case 'offline':
        if (a.node === this.id) this.effects.setOffline(a.offline);
        return;
      case 'partition':
        s.partition = a.groups;
        return this.effects.setPartition(a.groups);
      case 'message':
        // A message is news: an old one (a late joiner, a reload) is kept but not shown again.
        s.message = now - time <= TEACHER_CLOCK_SLACK ? { text: a.text, time } : null;
        return;
      case 'delivery':
        s.delivery = { mode: a.mode, intervalMs: a.intervalMs };
        return this.effects.setDelivery(a.mode, a.intervalMs);
      case 'step':
        if (a.node === this.id) this.effects.step(a.count);
        return;
      case 'lesson':
        if (a.node === this.id) this.effects.lesson(a.order, counter);
        return;
    }
  }
}
