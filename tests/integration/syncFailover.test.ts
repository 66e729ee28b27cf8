/**
 * Initial block download of a 2,000-block chain from two peers at once (headers first), when one
 * of them leaves halfway: the node finishes from the other, and announces none of the downloaded
 * blocks on the way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LongChain } from './support/longChain';
import { N, buildSyncFixture, expectSameChain, msgs, networkWithChain } from './support/syncFixture';

let chain: LongChain;
let params: ReturnType<typeof buildSyncFixture>['params'];

beforeAll(() => {
  ({ chain, params } = buildSyncFixture());
});

describe(`initial sync of ${N} blocks, failover`, () => {
  it('downloads from both peers at once, and finishes from one when the other leaves halfway', async () => {
    const tn = networkWithChain(params, 102);
    const central = tn.add('C', 'central', { blocks: chain.blocks, mining: 'off' });
    const helper = tn.add('H', 'central', { params: tn.params, blocks: chain.blocks, mining: 'off', keys: [] });
    expect(helper.height).toBe(N);
    const joiner = tn.add('J', 'wallet', { seeds: ['C', 'H'], params: tn.params });

    let server: string | null = null;
    let lastFrom: string | null = null;
    joiner.on((e) => {
      if (e.type === 'message' && e.dir === 'in' && e.command === 'block') lastFrom = e.peer;
      if (e.type === 'chain' && e.event.type === 'tip-changed' && e.event.entry.height >= N / 2 && !server) {
        server = lastFrom;
        tn.node(server!).stop(); // gone, with 1,000 blocks still to go
      }
    });
    await tn.settle();
    await tn.advance(2000);

    expect(server).not.toBeNull();
    const other = server === 'C' ? helper : central;
    expectSameChain(joiner, other);
    const log = tn.events.get('J')!;
    expect(log.find((e) => e.type === 'peer-disconnected' && e.peer === server)).toBeTruthy();
    const from = (peer: string) => msgs(log, 'in', 'block').filter((e) => e.peer === peer).length;
    // Both served the first half in parallel; the one left served the rest.
    expect(from(server!)).toBeGreaterThan(N / 8);
    expect(from(other.id)).toBeGreaterThan(N / 2);
    expect(from(server!) + from(other.id)).toBeGreaterThanOrEqual(N);
    // A node downloading a chain does not announce each block it gets to peers (Core: no relay in IBD).
    expect(msgs(log, 'out', 'inv').length + msgs(log, 'out', 'headers').length + msgs(log, 'out', 'cmpctblock').length).toBeLessThanOrEqual(2);
  });

});
