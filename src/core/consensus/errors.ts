/**
 * Validation failures, named with Bitcoin Core's reject reasons so a student can look them up.
 * `punish` mirrors Core's misbehaviour decision: true for consensus failures a peer should not
 * have relayed, false for policy failures, duplicates, orphans and blocks from the future.
 */
export type RuleKind = 'consensus' | 'policy' | 'orphan' | 'duplicate' | 'future' | 'mutated';

export class RuleError extends Error {
  constructor(
    /** Core's reason string, e.g. `bad-txns-inputs-missingorspent`. */
    public readonly reason: string,
    /** A sentence for the UI saying what was wrong. */
    public readonly debug: string,
    public readonly kind: RuleKind = 'consensus',
    /** Whether the peer that sent the object should be disconnected and discouraged. */
    public readonly punish: boolean = kind === 'consensus' || kind === 'mutated',
  ) {
    super(`${reason}: ${debug}`);
    this.name = 'RuleError';
  }
}

/** Shorthand constructors. */
export const consensus = (reason: string, debug: string) => new RuleError(reason, debug, 'consensus', true);
export const policy = (reason: string, debug: string) => new RuleError(reason, debug, 'policy', false);

/** The reject reasons the engine can produce, for docs and tests. */
export const REASONS = [
  'high-hash',
  'bad-diffbits',
  'time-too-old',
  'time-too-new',
  'prev-blk-not-found',
  'bad-prevblk',
  'bad-txnmrklroot',
  'bad-txns-duplicate',
  'bad-blk-length',
  'bad-cb-missing',
  'bad-cb-multiple',
  'bad-cb-height',
  'bad-cb-length',
  'bad-cb-amount',
  'bad-txns-vin-empty',
  'bad-txns-vout-empty',
  'bad-txns-oversize',
  'bad-txns-vout-negative',
  'bad-txns-vout-toolarge',
  'bad-txns-txouttotal-toolarge',
  'bad-txns-inputs-duplicate',
  'bad-txns-prevout-null',
  'bad-txns-in-belowout',
  'bad-txns-inputvalues-outofrange',
  'bad-txns-inputs-missingorspent',
  'bad-txns-premature-spend-of-coinbase',
  'bad-txns-nonfinal',
  'bad-blk-sigops',
  'mandatory-script-verify-flag-failed',
  // Policy (mempool only; Core's IsStandardTx, AreInputsStandard, PolicyScriptChecks):
  'bad-txns-nonstandard-inputs',
  'scriptpubkey',
  'scriptsig-not-pushonly',
  'scriptsig-size',
  'version',
  'tx-size',
  'tx-size-small',
  'dust',
  'multi-op-return',
  'bad-txns-too-many-sigops',
  'non-BIP68-final',
  'non-mandatory-script-verify-flag',
  'coinbase',
  'txn-mempool-conflict',
  'txn-already-in-mempool',
  'txn-already-known',
  'duplicate',
  'duplicate-invalid',
] as const;
