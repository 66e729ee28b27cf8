/**
 * Connection management over time: redialling, refusals, peers that come back, liars about height.
 */
import { describe, expect, it } from 'vitest';
import { TimedNetwork } from './support/timedNetwork';
import type { NodeEvent } from '../../src/node/events';

const count = (log: NodeEvent[], type: NodeEvent['type']) => log.filter((e) => e.type === type).length;

describe('connection management', () => {
  it('a full node refusing connections is not redialled in a tight loop', async () => {
    const tn = new TimedNetwork({ seed: 71 });
    // The hub takes at most 4 inbound links.
    tn.add('C', 'central', { topology: 'mesh', maxOutbound: 1, maxInbound: 4 });
    for (let i = 1; i <= 6; i++) tn.add(`N${i}`, 'wallet', { seeds: ['C'], topology: 'mesh', maxOutbound: 1, maxInbound: 4 });
    await tn.advance(10_000, 1_000);
    // Refused nodes retry their seed every 5 s, not thousands of times in the same instant.
    for (let i = 1; i <= 6; i++) {
      const log = tn.events.get(`N${i}`)!;
      expect(count(log, 'peer-disconnected'), `N${i}`).toBeLessThanOrEqual(4);
    }
    expect(tn.node('C').peerIds().length).toBeLessThanOrEqual(4);
  });

  it('an address learned by addr that refuses us is retried only after a pause', async () => {
    const tn = new TimedNetwork({ seed: 72 });
    tn.add('C', 'central', { topology: 'mesh' });
    // H accepts at most 4 inbound links; everyone learns its address from C.
    tn.add('H', 'wallet', { seeds: ['C'], topology: 'mesh', maxOutbound: 1, maxInbound: 4 });
    await tn.settle();
    // The others want more links than there are nodes, so H is always a candidate.
    for (let i = 1; i <= 8; i++) tn.add(`N${i}`, 'wallet', { seeds: ['C'], topology: 'mesh', maxOutbound: 20 });
    await tn.advance(10_000, 1_000);
    const refusals = [...tn.events.values()].reduce((n, log) => n + log.filter((e) => e.type === 'peer-disconnected' && e.peer === 'H').length, 0);
    // 10 s: a few attempts per node at most (one per 5 s), not a storm.
    expect(refusals).toBeLessThanOrEqual(8 * 3);
  });
});
