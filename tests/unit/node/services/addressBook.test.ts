/**
 * The address book and the addr/getaddr exchange (btcd's addrmgr; Core's rate limit): bounded,
 * never holding our own id, one getaddr answer per connection, a token bucket per peer, and a few
 * fresh addresses passed on so a mesh hears of newcomers.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, FakePeers, newPeer } from '../../../helpers/fakePeers';
import { AddressBook } from '../../../../src/node/net/addrman';
import { ADDR_BOOK_MAX } from '../../../../src/node/config';
import { MAX_ADDR, type PeerAddress } from '../../../../src/node/wire/messages';
import type { Peer } from '../../../../src/node/net/peer';

const address = (id: string): PeerAddress => ({ time: 0, services: 1n, id });
const addresses = (n: number, tag: string) => Array.from({ length: n }, (_, i) => address(`${tag}${i}`));
const ids = (list: PeerAddress[]) => list.map((a) => a.id);

function setup() {
  const host = new FakeHost();
  const peers = new FakePeers(host);
  const book = new AddressBook('self', host.clock, host.bus);
  const warnings: string[] = [];
  /** An addr message from a peer, as the router hands it over. */
  const addr = (p: Peer, list: PeerAddress[]) => book.onAddr(p, list, peers.all(), (text) => warnings.push(text));
  return { host, peers, book, warnings, addr };
}

describe('the book', () => {
  it(`holds at most ${ADDR_BOOK_MAX} addresses, forgetting the one heard of longest ago`, () => {
    const { book } = setup();
    book.learn(addresses(ADDR_BOOK_MAX, 'n'));
    book.learn([address('n0')]); // heard of again: now the newest
    book.learn([address('late')]);
    expect(book.size).toBe(ADDR_BOOK_MAX);
    expect(book.has('n0')).toBe(true);
    expect(book.has('n1')).toBe(false);
    expect(book.has('late')).toBe(true);
  });

  it('never learns our own id, however it arrives', () => {
    const { book, peers, addr } = setup();
    expect(ids(book.learn([address('self'), address('x')]))).toEqual(['x']);
    const A = peers.connect('A');
    expect(ids(addr(A, [address('self')]))).toEqual([]);
    expect(book.has('self')).toBe(false);
  });
});

describe('getaddr', () => {
  it('is answered once per connection: ourselves first, then what we know, never the asker itself', () => {
    const { peers, book } = setup();
    book.learn([address('A'), address('B'), address('C')]);
    const A = peers.connect('A');
    book.onGetAddr(A);
    book.onGetAddr(A);
    const answers = peers.link('A').got('addr');
    expect(answers).toHaveLength(1);
    expect(ids(answers[0].addrs)).toEqual(['self', 'B', 'C']);

    // The same node on a new connection may ask again.
    A.close('reconnecting');
    const again = peers.connect('A');
    book.onGetAddr(again);
    expect(peers.link('A').got('addr')).toHaveLength(1); // the new link's first answer
  });
});

describe('addr', () => {
  it(`is rate-limited per peer by a token bucket: a burst of ${MAX_ADDR}, then 0.1 address a second`, () => {
    const { host, peers, book, addr, warnings } = setup();
    const A = peers.connect('A');
    expect(addr(A, addresses(MAX_ADDR, 'p'))).toHaveLength(MAX_ADDR);

    expect(addr(A, addresses(5, 'q'))).toEqual([]);
    expect(warnings).toEqual(['rate-limited 5 addresses from A']);

    host.clock.advance(20_000); // two tokens
    expect(ids(addr(A, addresses(5, 'q')))).toEqual(['q0', 'q1']);
    expect(book.has('q2')).toBe(false);

    // Another peer has its own bucket.
    const B = peers.connect('B');
    expect(addr(B, addresses(5, 'r'))).toHaveLength(5);
  });

  it('passes up to ten fresh addresses on to the other ready peers, not back, and nothing already known', () => {
    const { peers, addr } = setup();
    const A = peers.connect('A');
    peers.connect('B');
    peers.handshaking('new');
    addr(A, addresses(3, 'n'));
    expect(peers.link('B').got('addr').map((m) => ids(m.addrs))).toEqual([['n0', 'n1', 'n2']]);
    expect(peers.link('A').got('addr')).toEqual([]);
    expect(peers.link('new').got('addr')).toEqual([]);

    addr(A, addresses(3, 'n')); // nothing new
    addr(A, addresses(11, 'm')); // too many to be news (Core relays small addr messages only)
    expect(peers.link('B').got('addr')).toHaveLength(1);
  });

  it('a peer that completed its handshake is itself a reachable address', () => {
    const { host, book } = setup();
    const { peer } = newPeer(host, 'A');
    book.learnPeer(peer);
    expect(book.ids()).toEqual(['A']);
    expect(host.events.filter((e) => e.type === 'addr-learned')).toMatchObject([{ ids: ['A'] }]);
  });
});
