/**
 * Script errors (Core's ScriptError_t, script/script_error.h) and verification flags
 * (SCRIPT_VERIFY_*, script/interpreter.h), named as Bitcoin Core's tests name them.
 */

/** Core's script error names (the `expected_scripterror` column of script_tests.json). */
export type ScriptErrorName =
  | 'OK'
  | 'UNKNOWN_ERROR'
  | 'EVAL_FALSE'
  | 'OP_RETURN'
  | 'SCRIPT_SIZE'
  | 'PUSH_SIZE'
  | 'OP_COUNT'
  | 'STACK_SIZE'
  | 'SIG_COUNT'
  | 'PUBKEY_COUNT'
  | 'VERIFY'
  | 'EQUALVERIFY'
  | 'CHECKMULTISIGVERIFY'
  | 'CHECKSIGVERIFY'
  | 'NUMEQUALVERIFY'
  | 'BAD_OPCODE'
  | 'DISABLED_OPCODE'
  | 'INVALID_STACK_OPERATION'
  | 'INVALID_ALTSTACK_OPERATION'
  | 'UNBALANCED_CONDITIONAL'
  | 'NEGATIVE_LOCKTIME'
  | 'UNSATISFIED_LOCKTIME'
  | 'SIG_HASHTYPE'
  | 'SIG_DER'
  | 'MINIMALDATA'
  | 'SIG_PUSHONLY'
  | 'SIG_HIGH_S'
  | 'SIG_NULLDUMMY'
  | 'PUBKEYTYPE'
  | 'CLEANSTACK'
  | 'MINIMALIF'
  | 'NULLFAIL'
  | 'DISCOURAGE_UPGRADABLE_NOPS'
  | 'OP_CODESEPARATOR'
  | 'SIG_FINDANDDELETE'
  | 'SCRIPTNUM';

/** Core's ScriptErrorString: the sentence behind each error, as Core's reject reasons quote it. */
export const SCRIPT_ERROR_TEXT: Readonly<Record<ScriptErrorName, string>> = {
  OK: 'No error',
  UNKNOWN_ERROR: 'unknown error',
  EVAL_FALSE: 'Script evaluated without error but finished with a false/empty top stack element',
  OP_RETURN: 'OP_RETURN was encountered',
  SCRIPT_SIZE: 'Script is too big',
  PUSH_SIZE: 'Push value size limit exceeded',
  OP_COUNT: 'Operation limit exceeded',
  STACK_SIZE: 'Stack size limit exceeded',
  SIG_COUNT: 'Signature count negative or greater than pubkey count',
  PUBKEY_COUNT: 'Pubkey count negative or limit exceeded',
  VERIFY: 'Script failed an OP_VERIFY operation',
  EQUALVERIFY: 'Script failed an OP_EQUALVERIFY operation',
  CHECKMULTISIGVERIFY: 'Script failed an OP_CHECKMULTISIGVERIFY operation',
  CHECKSIGVERIFY: 'Script failed an OP_CHECKSIGVERIFY operation',
  NUMEQUALVERIFY: 'Script failed an OP_NUMEQUALVERIFY operation',
  BAD_OPCODE: 'Opcode missing or not understood',
  DISABLED_OPCODE: 'Attempted to use a disabled opcode',
  INVALID_STACK_OPERATION: 'Operation not valid with the current stack size',
  INVALID_ALTSTACK_OPERATION: 'Operation not valid with the current altstack size',
  UNBALANCED_CONDITIONAL: 'Invalid OP_IF construction',
  NEGATIVE_LOCKTIME: 'Negative locktime',
  UNSATISFIED_LOCKTIME: 'Locktime requirement not satisfied',
  SIG_HASHTYPE: 'Signature hash type missing or not understood',
  SIG_DER: 'Non-canonical DER signature',
  MINIMALDATA: 'Data push larger than necessary',
  SIG_PUSHONLY: 'Only push operators allowed in signatures',
  SIG_HIGH_S: 'Non-canonical signature: S value is unnecessarily high',
  SIG_NULLDUMMY: 'Dummy CHECKMULTISIG argument must be zero',
  PUBKEYTYPE: 'Public key is neither compressed or uncompressed',
  CLEANSTACK: 'Stack size must be exactly one after execution',
  MINIMALIF: 'OP_IF/NOTIF argument must be minimal',
  NULLFAIL: 'Signature must be zero for failed CHECK(MULTI)SIG operation',
  DISCOURAGE_UPGRADABLE_NOPS: 'NOPx reserved for soft-fork upgrades',
  OP_CODESEPARATOR: 'Using OP_CODESEPARATOR in non-witness script',
  SIG_FINDANDDELETE: 'Signature is found in scriptCode',
  // Core reported these as UNKNOWN_ERROR until it gave CScriptNum failures their own error (2026).
  SCRIPTNUM: 'Script number overflow or not minimally encoded',
};

/**
 * A script failure inside the interpreter. Thrown by the opcode implementations and caught by
 * the machine, which records the error name; never escapes `evalScript`/`verifyScript`.
 */
export class ScriptFault extends Error {
  constructor(public readonly code: ScriptErrorName) {
    super(SCRIPT_ERROR_TEXT[code]);
    this.name = 'ScriptFault';
  }
}

/** Verification flags (Core's SCRIPT_VERIFY_*); a bit set enables a rule. */
export const FLAGS = {
  NONE: 0,
  P2SH: 1 << 0,
  STRICTENC: 1 << 1,
  DERSIG: 1 << 2,
  LOW_S: 1 << 3,
  NULLDUMMY: 1 << 4,
  SIGPUSHONLY: 1 << 5,
  MINIMALDATA: 1 << 6,
  DISCOURAGE_UPGRADABLE_NOPS: 1 << 7,
  CLEANSTACK: 1 << 8,
  CHECKLOCKTIMEVERIFY: 1 << 9,
  CHECKSEQUENCEVERIFY: 1 << 10,
  /** SegWit: accepted so vector flag lists parse, and ignored (tabchain has no witness). */
  WITNESS: 1 << 11,
  DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM: 1 << 12,
  MINIMALIF: 1 << 13,
  NULLFAIL: 1 << 14,
  WITNESS_PUBKEYTYPE: 1 << 15,
  CONST_SCRIPTCODE: 1 << 16,
  TAPROOT: 1 << 17,
  DISCOURAGE_UPGRADABLE_TAPROOT_VERSION: 1 << 18,
  DISCOURAGE_OP_SUCCESS: 1 << 19,
  DISCOURAGE_UPGRADABLE_PUBKEYTYPE: 1 << 20,
} as const;

export type FlagName = Exclude<keyof typeof FLAGS, 'NONE'>;

/** Flags that only matter to SegWit or Taproot scripts: a vector needing them is skipped, and counted. */
export const WITNESS_ONLY_FLAGS =
  FLAGS.WITNESS | FLAGS.DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM | FLAGS.WITNESS_PUBKEYTYPE | FLAGS.TAPROOT |
  FLAGS.DISCOURAGE_UPGRADABLE_TAPROOT_VERSION | FLAGS.DISCOURAGE_OP_SUCCESS | FLAGS.DISCOURAGE_UPGRADABLE_PUBKEYTYPE;

/** Every flag name, in bit order (for parsing "P2SH,STRICTENC" and showing flags in the UI). */
export const FLAG_NAMES = Object.keys(FLAGS).filter((k) => k !== 'NONE') as FlagName[];

/** Parses Core's comma-separated flag list ("" or "NONE" = no flags); throws on an unknown name. */
export function parseFlags(list: string): number {
  if (list === '' || list === 'NONE') return 0;
  let flags = 0;
  for (const word of list.split(',')) {
    if (!(word in FLAGS) || word === 'NONE') throw new Error(`unknown script verification flag ${word}`);
    flags |= FLAGS[word as FlagName];
  }
  return flags;
}

/** The names of the flags set in a bit mask, in bit order. */
export function flagNames(flags: number): FlagName[] {
  return FLAG_NAMES.filter((n) => (flags & FLAGS[n]) !== 0);
}

/**
 * Core's STANDARD_SCRIPT_VERIFY_FLAGS without the SegWit/Taproot ones: what the mempool demands
 * beyond consensus (policy). A failure under these but not under the consensus flags is
 * `non-mandatory-script-verify-flag`.
 */
export const STANDARD_FLAGS =
  FLAGS.P2SH | FLAGS.DERSIG | FLAGS.STRICTENC | FLAGS.MINIMALDATA | FLAGS.NULLDUMMY | FLAGS.DISCOURAGE_UPGRADABLE_NOPS |
  FLAGS.CLEANSTACK | FLAGS.MINIMALIF | FLAGS.NULLFAIL | FLAGS.CHECKLOCKTIMEVERIFY | FLAGS.CHECKSEQUENCEVERIFY |
  FLAGS.LOW_S | FLAGS.CONST_SCRIPTCODE;
