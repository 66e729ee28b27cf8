/**
 * Connection management over time: redialling, refusals, peers that come back, liars about height.
 */
import { describe, expect, it } from 'vitest';
import { TimedNetwork } from './support/timedNetwork';
import type { NodeEvent } from '../../src/node/events';
import { handshaken } from './support/rawPeer';

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

  it('a peer that claims height 2^31 - 1 never becomes the sync target the tab shows', async () => {
    const tn = new TimedNetwork({ seed: 73 });
    const central = tn.add('C', 'central');
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    for (let i = 0; i < 3; i++) {
      central.mineOnce();
      await tn.runFor(500);
    }
    expect(wallet.height).toBe(3);
    const shown: number[] = [];
    wallet.on((e) => e.type === 'sync' && shown.push(e.bestKnownHeight));
    // The liar completes the handshake, answers pings, and has nothing behind its claim.
    const liar = await handshaken(tn.net, () => tn.settle(), 'L', wallet, { startHeight: 2 ** 31 - 1 });
    expect(wallet.peerInfo().find((p) => p.id === 'L')).toMatchObject({ claimed: 2 ** 31 - 1, height: 0 });
    expect(liar.got('getheaders').length).toBeGreaterThan(0); // the wallet did ask it
    expect(wallet.bestKnownHeight()).toBe(3);
    await tn.runFor(10_000);
    // The stall check found nothing behind the claim; the sync target stayed what was proven.
    expect(wallet.peerInfo().find((p) => p.id === 'L')?.claimed).toBe(3);
    expect(Math.max(...shown)).toBe(3);
    central.mineOnce();
    await tn.runFor(1_000);
    expect(wallet.height).toBe(4);
    expect(wallet.bestKnownHeight()).toBe(4);
  });
});
