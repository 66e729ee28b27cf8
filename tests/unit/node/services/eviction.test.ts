/**
 * Inbound eviction (Bitcoin Core's AttemptToEvictConnection, net.cpp), as the pure choice
 * `selectEviction`: protect 4 peers by a keyed hash, the 8 with the lowest ping, the 4 that most
 * recently gave us a new transaction, the 4 that most recently gave us a new block, then the older
 * half of the rest; from what is left, evict from the largest "network group" (here: the role a
 * peer's version claims) the member idle longest, and among equally idle ones the youngest.
 *
 * Each story builds one crowd of inbound peers connecting a second apart, oldest first:
 *   k0..k3  keyed into protection (the keyed order is the test's to choose)
 *   f0..f7  the lowest pings (5 ms; everyone else 50 ms)
 *   o0..    old fillers, as many as the contenders, which the uptime half protects
 *   the contenders of the story, youngest last.
 * So without the rule a story is about, the victim would be a contender the story names.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, readyPeer } from '../../../helpers/fakePeers';
import { selectEviction } from '../../../../src/node/net/connman';
import type { Role } from '../../../../src/node/events';

interface Spec {
  id: string;
  role?: Role;
  minRtt?: number;
  lastUsefulTx?: number;
  lastUsefulBlock?: number;
  lastActivity?: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const many = (prefix: string, n: number, role?: Role): Spec[] => range(n).map((i) => ({ id: `${prefix}${i}`, role }));

/** Keyed order: the named ids first, then everyone else by id. */
const keyedFirst = (...ids: string[]) => (id: string) => `${ids.includes(id) ? 0 : 1}${id}`;

function scene(contenders: Spec[], opts: { keyed?: string[]; fillers?: number } = {}) {
  const host = new FakeHost();
  const specs: Spec[] = [
    ...many('k', 4, 'central'),
    ...range(8).map((i) => ({ id: `f${i}`, role: 'central' as const, minRtt: 5 })),
    ...many('o', opts.fillers ?? contenders.length, 'central'),
    ...contenders,
  ];
  const peers = specs.map((s) => {
    host.clock.advance(1_000);
    const { peer } = readyPeer(host, s.id, { role: s.role });
    peer.minRtt = s.minRtt ?? 50;
    peer.lastUsefulTx = s.lastUsefulTx ?? 0;
    peer.lastUsefulBlock = s.lastUsefulBlock ?? 0;
    peer.lastActivity = s.lastActivity ?? 0;
    return peer;
  });
  const keyed = keyedFirst(...(opts.keyed ?? ['k0', 'k1', 'k2', 'k3']));
  return { peers, victim: () => selectEviction(peers, keyed)?.id };
}

describe('who is evicted', () => {
  it('the youngest member of the largest group, even when a smaller group has a younger one', () => {
    const { victim } = scene([...many('w', 5, 'wallet'), ...many('m', 3, 'miner')]);
    expect(victim()).toBe('w4');
  });

  it('on a tie in size, the group whose youngest member is younger', () => {
    const interleave = (first: string, second: string) =>
      range(3).flatMap((i) => [{ id: `${first}${i}`, role: (first === 'w' ? 'wallet' : 'miner') as Role }, { id: `${second}${i}`, role: (second === 'w' ? 'wallet' : 'miner') as Role }]);
    expect(scene(interleave('w', 'm')).victim()).toBe('m2');
    expect(scene(interleave('m', 'w')).victim()).toBe('w2');
  });

  it('within the group, the peer idle longest before a younger one that asked for the chain', () => {
    // w4 is the youngest, but it did protocol work (an honest newcomer's getblocks); w1 never did.
    const { victim } = scene([{ id: 'w0', role: 'wallet', lastActivity: 5 }, { id: 'w1', role: 'wallet' }, { id: 'w2', role: 'wallet', lastActivity: 9 }, { id: 'w3', role: 'wallet', lastActivity: 7 }, { id: 'w4', role: 'wallet', lastActivity: 10 }]);
    expect(victim()).toBe('w1');
  });

  it('peers that claim no role form one group of their own', () => {
    const { victim } = scene([...many('r', 4), ...many('w', 2, 'wallet')]);
    expect(victim()).toBe('r3');
  });

  it('nobody, when every inbound peer is protected (the newcomer is refused instead)', () => {
    const { victim } = scene([], { fillers: 0 }); // 4 keyed + 8 fastest
    expect(victim()).toBeUndefined();
    expect(scene([{ id: 'w0', role: 'wallet' }], { fillers: 0 }).victim()).toBe('w0');
  });
});

describe('who is protected', () => {
  it('four peers chosen by the keyed hash of their id', () => {
    const { victim } = scene(many('w', 6, 'wallet'), { keyed: ['k0', 'k1', 'k2', 'w5'] });
    expect(victim()).toBe('w4');
  });

  it('the eight with the lowest ping', () => {
    const { victim } = scene([...many('w', 5, 'wallet'), { id: 'w5', role: 'wallet', minRtt: 1 }]);
    expect(victim()).toBe('w4');
  });

  it('the four that most recently gave us a new transaction, not a fifth that gave one earlier', () => {
    const { victim } = scene([
      { id: 'w0', role: 'wallet' },
      { id: 'w1', role: 'wallet', lastUsefulTx: 1_000 },
      ...range(4).map((i) => ({ id: `w${i + 2}`, role: 'wallet' as const, lastUsefulTx: 2_000 + i })),
    ]);
    expect(victim()).toBe('w1');
  });

  it('the four that most recently gave us a new block, not a fifth that gave one earlier', () => {
    const { victim } = scene([
      { id: 'w0', role: 'wallet' },
      { id: 'w1', role: 'wallet', lastUsefulBlock: 1_000 },
      ...range(4).map((i) => ({ id: `w${i + 2}`, role: 'wallet' as const, lastUsefulBlock: 2_000 + i })),
    ]);
    expect(victim()).toBe('w1');
  });

  it('the longer-connected half of the rest, so an old group is not the one thinned', () => {
    // Six old miners, four young wallets: the miners are the larger group, but their older
    // five are protected by uptime, which leaves the wallets the larger group.
    const { victim } = scene([...many('m', 6, 'miner'), ...many('w', 4, 'wallet')], { fillers: 0 });
    expect(victim()).toBe('w3');
  });
});
