/**
 * The misbehaviour table: every refusal a node can make of a peer's message, as data — a stable
 * code, the reason string the peer is sent and the UI shows (Bitcoin Core's wording where Core has
 * one), whether the peer is punished (disconnected and discouraged, Core's Misbehaving with score
 * 100), whether the link is closed without punishment, and the BIP 61 `reject` code if one is sent.
 * Details with numbers in them go in `debug`, never in `reason`, so tests and the UI match codes.
 */
import type { RuleError } from '../core';
import { REJECT_DUPLICATE, REJECT_INVALID, REJECT_NONSTANDARD, REJECT_OBSOLETE, PROTOCOL_VERSION } from './wire/messages';

/** What a node does about one kind of refusal. */
export interface Response {
  reason: string;
  /** Disconnect and discourage (refuse its connections for a while, never dial it). */
  punish: boolean;
  /** Close the link without discouraging (Core: wrong magic, self-connection, obsolete version). */
  disconnect: boolean;
  /** Send a BIP 61 `reject` with this code. */
  reject?: number;
}

/** Refusals made by the node itself (framing, handshake, protocol), as opposed to consensus or policy rules. */
export const NODE_REFUSALS = {
  'wrong-magic': { reason: 'wrong network magic', punish: false, disconnect: true },
  'bad-checksum': { reason: 'bad checksum', punish: false, disconnect: false },
  'oversized-message': { reason: 'oversized message', punish: true, disconnect: true },
  'truncated-header': { reason: 'truncated message header', punish: true, disconnect: true },
  'bad-command': { reason: 'malformed command name', punish: true, disconnect: true },
  'bad-length': { reason: 'payload length does not match header', punish: true, disconnect: true },
  'malformed-payload': { reason: 'malformed message', punish: true, disconnect: true },
  'oversized-payload': { reason: 'oversized message payload', punish: true, disconnect: true },
  'unknown-command': { reason: 'unknown command', punish: false, disconnect: false },
  'before-version': { reason: 'non-version message before version handshake', punish: false, disconnect: false },
  'redundant-version': { reason: 'redundant version message', punish: false, disconnect: false },
  'redundant-verack': { reason: 'redundant verack', punish: false, disconnect: false },
  'before-verack': { reason: 'unsupported message prior to verack', punish: false, disconnect: false },
  'self-connection': { reason: 'connected to self', punish: false, disconnect: true },
  // Core: "Version must be %d or greater", REJECT_OBSOLETE, then disconnect.
  'obsolete-version': { reason: `Version must be ${PROTOCOL_VERSION} or greater`, punish: false, disconnect: true, reject: REJECT_OBSOLETE },
  'different-genesis': { reason: 'different genesis', punish: false, disconnect: true, reject: REJECT_INVALID },
  'bad-params': { reason: 'bad-params', punish: true, disconnect: true },
  'unrequested-block': { reason: 'unrequested block with less work than our tip', punish: false, disconnect: false },
  // Teacher commands (tabchain's extension): refused and shown, never punished — a student who
  // tries to forge one is named on every screen, which is lesson enough.
  'teacher-malformed': { reason: 'malformed teacher command', punish: false, disconnect: false },
  'teacher-no-key': { reason: 'this network has no teacher key', punish: false, disconnect: false },
  'teacher-other-network': { reason: 'teacher command for another network', punish: false, disconnect: false },
  'teacher-forged': { reason: 'teacher command not signed by the teacher', punish: false, disconnect: false },
  'teacher-replay': { reason: 'replayed teacher command', punish: false, disconnect: false },
  'teacher-duplicate': { reason: 'teacher command already applied', punish: false, disconnect: false },
  'teacher-future': { reason: 'teacher command from the future', punish: false, disconnect: false },
} as const satisfies Record<string, Response>;

/** Code of a node-level refusal. */
export type NodeRefusalCode = keyof typeof NODE_REFUSALS;

/** One refusal, ready to record, answer and act on. */
export interface Refusal extends Response {
  /** A NodeRefusalCode, or the consensus/policy rule's own reason (`bad-txnmrklroot`, `txn-mempool-conflict`). */
  code: string;
  /** The human sentence with the data in it (sizes, hashes, heights). */
  debug: string;
}

/** A node-level refusal from the table. */
export function refusal(code: NodeRefusalCode, debug: string): Refusal {
  return { code, debug, ...NODE_REFUSALS[code] };
}

/**
 * A refusal for a consensus or policy rule (a RuleError from the engine or the mempool): the code
 * and the reason are Core's reason string; punished as the rule says; `reject` code by kind.
 */
export function ruleRefusal(e: RuleError, notify: boolean): Refusal {
  const code = e.kind === 'duplicate' ? REJECT_DUPLICATE : e.kind === 'policy' ? REJECT_NONSTANDARD : REJECT_INVALID;
  return { code: e.reason, reason: e.reason, debug: e.debug, punish: e.punish, disconnect: false, ...(notify ? { reject: code } : {}) };
}
