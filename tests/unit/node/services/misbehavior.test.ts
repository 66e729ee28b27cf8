/**
 * The refusal table as data (bcoin's VerifyError { code, reason, score }): reasons are fixed
 * sentences a student can look up — the varying details go in `debug` — and what each refusal
 * costs the peer is consistent.
 */
import { describe, expect, it } from 'vitest';
import { NODE_REFUSALS, refusal, ruleRefusal, type NodeRefusalCode } from '../../../../src/node/misbehavior';
import { REJECT_DUPLICATE, REJECT_INVALID, REJECT_NONSTANDARD } from '../../../../src/node/wire/messages';
import { RuleError, type RuleKind } from '../../../../src/core';

const entries = Object.entries(NODE_REFUSALS) as [NodeRefusalCode, (typeof NODE_REFUSALS)[NodeRefusalCode]][];

describe('NODE_REFUSALS', () => {
  it('no reason carries data that varies: the only number is in Core\'s fixed "Version must be 70001 or greater"', () => {
    for (const [code, r] of entries) {
      if (code === 'obsolete-version') expect(r.reason).toBe('Version must be 70001 or greater');
      else expect(r.reason, code).not.toMatch(/\d/);
      expect(r.reason, code).not.toMatch(/[…:]|\$\{/);
    }
  });

  it('a punished peer is always disconnected too', () => {
    for (const [code, r] of entries) if (r.punish) expect(r.disconnect, code).toBe(true);
  });

  it('refusal() keeps the details in debug and the table row as it is', () => {
    expect(refusal('oversized-message', 'header declares 300000 bytes')).toEqual({
      code: 'oversized-message',
      debug: 'header declares 300000 bytes',
      reason: 'oversized message',
      punish: true,
      disconnect: true,
    });
  });
});

describe('ruleRefusal', () => {
  type Case = { kind: RuleKind; reject: number };
  const cases: Case[] = [
    { kind: 'consensus', reject: REJECT_INVALID },
    { kind: 'mutated', reject: REJECT_INVALID },
    { kind: 'future', reject: REJECT_INVALID },
    { kind: 'orphan', reject: REJECT_INVALID },
    { kind: 'policy', reject: REJECT_NONSTANDARD },
    { kind: 'duplicate', reject: REJECT_DUPLICATE },
  ];
  it.each(cases)('a $kind rule answers with BIP61 code $reject, its Core reason as code and reason', ({ kind, reject }) => {
    const e = new RuleError('some-reason', 'what exactly was wrong, with numbers: 42', kind);
    expect(ruleRefusal(e, true)).toEqual({ code: 'some-reason', reason: 'some-reason', debug: e.debug, punish: e.punish, disconnect: false, reject });
    expect(ruleRefusal(e, false)).not.toHaveProperty('reject');
  });

  it('punishes as the rule says: consensus and mutated blocks yes, policy and duplicates no', () => {
    expect(ruleRefusal(new RuleError('r', 'd', 'consensus'), false).punish).toBe(true);
    expect(ruleRefusal(new RuleError('r', 'd', 'mutated'), false).punish).toBe(true);
    expect(ruleRefusal(new RuleError('r', 'd', 'policy'), false).punish).toBe(false);
    expect(ruleRefusal(new RuleError('r', 'd', 'duplicate'), false).punish).toBe(false);
  });
});
