/**
 * The 2,000-block fixture the sync tests share, and their checks: one built chain (two signed
 * payments per block), networks with its parameters, and "same chain, no coin lost or made".
 */
import { expect } from 'vitest';
import { TestNetwork } from '../../helpers/testNetwork';
import { utxoDigest } from '../../helpers/chainBuilder';
import { buildLongChain, utxoTotal, type LongChain } from './longChain';
import { TimedNetwork } from './timedNetwork';
import { subsidyAt, type Chain } from '../../../src/core';
import type { MessageEvent, NodeEvent } from '../../../src/node/events';
import type { FullNode } from '../../../src/node/node';

export const N = 2000;

/** Builds the fixture once per test file (call from beforeAll). */
export function buildSyncFixture(): { chain: LongChain; params: TestNetwork['params'] } {
  const seedNet = new TestNetwork({ seed: 100 });
  return { chain: buildLongChain(seedNet.params, seedNet.centralKey, N), params: seedNet.params };
}

/** A network with the fixture's parameters (optionally with link latency). */
export function networkWithChain(params: TestNetwork['params'], seed: number, latency = 0): TestNetwork {
  const tn = latency ? new TimedNetwork({ seed, latency }) : new TestNetwork({ seed });
  tn.params = params;
  return tn;
}

export const msgs = (log: NodeEvent[], dir: 'in' | 'out', command: string) =>
  log.filter((e): e is MessageEvent => e.type === 'message' && e.dir === dir && e.command === command);

function totalSubsidy(c: Chain): bigint {
  let s = 0n;
  for (let h = 0; h <= c.height; h++) s += subsidyAt(c.params, h);
  return s;
}

/** `node` agrees with `ref` on tip and UTXO set, and no coin was lost or made. */
export function expectSameChain(node: FullNode, ref: FullNode): void {
  expect(node.height).toBe(ref.height);
  expect(node.tipHash).toBe(ref.tipHash);
  expect(utxoDigest(node.chain!.utxo)).toBe(utxoDigest(ref.chain!.utxo));
  expect(utxoTotal(node.chain!.utxo)).toBe(totalSubsidy(node.chain!));
}
