/**
 * Script checks as jobs that can run elsewhere (Core's CCheckQueue behind `-par`): a transaction
 * and the coins its inputs spend are all a signature check needs, so a block's checks can be
 * spread over a pool of workers while the main thread only orchestrates. `runScriptJobs` is the
 * one place jobs meet the engine's script-check entry point; a worker, a main-thread fallback and
 * the tests all run it. A job that passes is recorded in the chain's script cache (the txid is
 * enough: it commits to the outpoints, which name the coins), so connecting the block skips it; a
 * job that fails records nothing, and the engine finds the same failure, with the same reason, in
 * its own single-threaded pass. That is why parallel checking cannot change a verdict.
 */
import { RuleError } from '../consensus/errors';
import { checkTxScripts } from '../consensus/inputs';
import type { Tx } from '../primitives/tx';
import type { Coin } from './utxo';

/**
 * One transaction's script checks: the transaction, the coin each input spends (in input order),
 * and the block's script flags (`blockScriptFlags` at its height: what ConnectBlock checks with).
 */
export interface ScriptJob {
  tx: Tx;
  coins: Coin[];
  flags: number;
}

/** Runs script jobs somewhere (a worker pool); one verdict per job, true when every input passed. */
export interface ScriptChecker {
  check(jobs: ScriptJob[]): Promise<boolean[]>;
  /** Workers checking at once (1 for the main-thread fallback). */
  readonly concurrency: number;
  /**
   * Checks one batch still waiting for a worker on the calling thread (Core's master thread joins
   * the check queue while it waits); false when no batch waits.
   */
  assist?(): boolean;
  /** Stops the workers (a stopped checker answers every job false: the engine checks them itself). */
  close?(): void;
}

/**
 * Checks each job with the engine's script checks: true if they pass, false for a script failure.
 * Anything else (a bug) is thrown, never turned into a verdict.
 */
export function runScriptJobs(jobs: readonly ScriptJob[]): boolean[] {
  return jobs.map((j) => {
    try {
      checkTxScripts(j.tx, j.coins, j.flags);
      return true;
    } catch (e) {
      if (e instanceof RuleError) return false;
      throw e;
    }
  });
}

/** The same checks on the calling thread, behind the port (tests, and a browser without workers). */
export const mainThreadScriptChecker: ScriptChecker = {
  concurrency: 1,
  check: (jobs) => Promise.resolve(runScriptJobs(jobs)),
};
