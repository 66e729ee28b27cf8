/**
 * Teacher commands: what the teacher's dashboard may tell every node of a class (pause mining,
 * throttle hash rate, cut a node off, split the class and heal it, show a message, pause, slow or
 * step message delivery, have one node run a lesson), signed with
 * the network's teacher key. The key's public half is part of the network parameters, so every
 * node can check a command came from whoever created the network. Byte format (tabchain's own,
 * see docs/PROTOCOL.md): a command is serialized canonically and signed over
 * SHA-256d("tabchain teacher command" || bytes) with ECDSA (low S, DER), like a transaction input.
 */
import { ByteReader, ByteWriter, DecodeError, concatBytes, utf8 } from './encoding';
import { sha256d } from './crypto/hash';
import { publicKeyOf, signDigest, verifySignature } from './crypto/keys';
import { MAX_STEP, readDelivery, readLessonOrder, writeDelivery, writeLessonOrder, type DeliveryMode, type LessonOrder } from './teacherLessons';

export * from './teacherLessons';

/** What a teacher can do. */
export type TeacherAction =
  | { kind: 'mining'; paused: boolean }
  /** Every miner mines at this percentage of its speed (1–100), like a CPU slider. */
  | { kind: 'throttle'; percent: number }
  | { kind: 'offline'; node: string; offline: boolean }
  /** Nodes in different groups refuse each other's links; no groups = healed. */
  | { kind: 'partition'; groups: string[][] }
  | { kind: 'message'; text: string }
  /** Message delivery in every node: live, paused (each node holds what arrives), or one message per `intervalMs`. */
  | { kind: 'delivery'; mode: DeliveryMode; intervalMs: number }
  /** `node` releases `count` of the messages it holds (the class steps one message at a time). */
  | { kind: 'step'; node: string; count: number }
  /** `node` runs a lesson with its own wallet and miner, as if its student had clicked it. */
  | { kind: 'lesson'; node: string; order: LessonOrder };

export type TeacherActionKind = TeacherAction['kind'];

export interface TeacherCommand {
  network: string;
  /** Strictly increasing per kind (the dashboard uses its clock in ms): a replay is never newer. */
  counter: number;
  /** Seconds, the teacher's clock. */
  time: number;
  action: TeacherAction;
}

export interface SignedTeacherCommand {
  command: TeacherCommand;
  /** DER ECDSA signature. */
  signature: Uint8Array;
}

/** Limits that bound what a command can make a node hold. */
export const MAX_TEACHER_TEXT = 280;
export const MAX_PARTITION_GROUPS = 8;
export const MAX_PARTITION_NODES = 256;
const MAX_ID = 64;
const KINDS: TeacherActionKind[] = ['mining', 'throttle', 'offline', 'partition', 'message', 'delivery', 'step', 'lesson'];
/** Kinds that happen once (a step, a lesson): never stored, never handed to a new peer, never applied again. */
export const ONE_SHOT_KINDS: ReadonlySet<TeacherActionKind> = new Set(['step', 'lesson']);
const DOMAIN = utf8('tabchain teacher command');

/** The canonical bytes of a command (what the signature covers). */
export function encodeTeacherCommand(c: TeacherCommand): Uint8Array {
  const w = new ByteWriter(128);
  w.varString(c.network).u64(BigInt(c.counter)).u64(BigInt(c.time)).u8(KINDS.indexOf(c.action.kind));
  const a = c.action;
  switch (a.kind) {
    case 'mining':
      w.u8(a.paused ? 1 : 0);
      break;
    case 'throttle':
      w.u8(a.percent);
      break;
    case 'offline':
      w.varString(a.node).u8(a.offline ? 1 : 0);
      break;
    case 'partition':
      w.compactSize(a.groups.length);
      for (const g of a.groups) {
        w.compactSize(g.length);
        for (const id of g) w.varString(id);
      }
      break;
    case 'message':
      w.varString(a.text);
      break;
    case 'delivery':
      writeDelivery(w, a.mode, a.intervalMs);
      break;
    case 'step':
      w.varString(a.node).u8(a.count);
      break;
    case 'lesson':
      w.varString(a.node);
      writeLessonOrder(w, a.order);
      break;
  }
  return w.finish();
}

/** A uint64 that JavaScript numbers hold exactly. */
function safeU64(r: ByteReader, what: string): number {
  const v = r.u64(what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError(`${what} out of range`);
  return Number(v);
}

/** Reads a command; throws DecodeError with a readable reason for anything out of bounds. */
export function decodeTeacherCommand(r: ByteReader): TeacherCommand {
  const network = r.varString(64, 'network', true);
  const counter = safeU64(r, 'counter');
  const time = safeU64(r, 'time');
  const kind = KINDS[r.u8()];
  if (!kind) throw new DecodeError('unknown teacher action');
  let action: TeacherAction;
  switch (kind) {
    case 'mining':
      action = { kind, paused: flag(r.u8()) };
      break;
    case 'throttle': {
      const percent = r.u8();
      if (percent < 1 || percent > 100) throw new DecodeError('throttle must be 1–100 %');
      action = { kind, percent };
      break;
    }
    case 'offline':
      action = { kind, node: r.varString(MAX_ID, 'node id', true), offline: flag(r.u8()) };
      break;
    case 'partition': {
      const n = r.count(MAX_PARTITION_GROUPS, 'partition groups');
      const groups: string[][] = [];
      let total = 0;
      for (let i = 0; i < n; i++) {
        const m = r.count(MAX_PARTITION_NODES, 'partition nodes');
        total += m;
        if (total > MAX_PARTITION_NODES) throw new DecodeError('too many partition nodes');
        groups.push(Array.from({ length: m }, () => r.varString(MAX_ID, 'node id', true)));
      }
      action = { kind, groups };
      break;
    }
    case 'message':
      action = { kind, text: r.varString(MAX_TEACHER_TEXT * 4, 'message', true) };
      if ([...action.text].length > MAX_TEACHER_TEXT) throw new DecodeError('message too long');
      break;
    case 'delivery':
      action = { kind, ...readDelivery(r) };
      break;
    case 'step': {
      const node = r.varString(MAX_ID, 'node id', true);
      const count = r.u8('count');
      if (count < 1 || count > MAX_STEP) throw new DecodeError(`step must release 1–${MAX_STEP} messages`);
      action = { kind, node, count };
      break;
    }
    case 'lesson':
      action = { kind, node: r.varString(MAX_ID, 'node id', true), order: readLessonOrder(r) };
      break;
  }
  return { network, counter, time, action };
}

function flag(b: number): boolean {
  if (b > 1) throw new DecodeError('flag must be 0 or 1');
  return b === 1;
}

function digestOf(c: TeacherCommand): Uint8Array {
  return sha256d(concatBytes(DOMAIN, encodeTeacherCommand(c)));
}

/** Signs a command with the teacher's private key. */
export function signTeacherCommand(c: TeacherCommand, secret: Uint8Array): SignedTeacherCommand {
  return { command: c, signature: signDigest(digestOf(c), secret) };
}

/** True when the signature is the teacher's (compressed public key from the network parameters). */
export function verifyTeacherCommand(s: SignedTeacherCommand, teacherKey: Uint8Array): boolean {
  return verifySignature(digestOf(s.command), s.signature, teacherKey, { lowS: true, strictDer: true }) === null;
}

/** The teacher's public key (compressed, 33 bytes) for a secret. */
export function teacherPublicKey(secret: Uint8Array): Uint8Array {
  return publicKeyOf(secret);
}

/** Wire form of a signed command: command bytes then the signature (var bytes). */
export function encodeSignedTeacherCommand(s: SignedTeacherCommand): Uint8Array {
  const w = new ByteWriter(192);
  w.varBytes(encodeTeacherCommand(s.command)).varBytes(s.signature);
  return w.finish();
}

export function decodeSignedTeacherCommand(bytes: Uint8Array): SignedTeacherCommand {
  const r = new ByteReader(bytes);
  const body = r.varBytes(4096, 'teacher command');
  const signature = r.varBytes(80, 'signature');
  r.end('teacher command');
  const inner = new ByteReader(body);
  const command = decodeTeacherCommand(inner);
  inner.end('teacher command body');
  return { command, signature };
}

/** The group index of a node in a partition (unlisted nodes are in the first group). */
export function partitionGroup(groups: string[][], id: string): number {
  const i = groups.findIndex((g) => g.includes(id));
  return i < 0 ? 0 : i;
}
