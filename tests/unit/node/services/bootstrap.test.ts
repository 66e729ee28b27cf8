/**
 * Joining a network by name: a node with no chain asks a ready peer for the parameters and genesis
 * (`getparams` / `params`), checks them against its network and the peer's version, starts its
 * chain from them, and asks again now and then until it has one.
 */
import { describe, expect, it } from 'vitest';
import { FakeHost, FakePeers } from '../../../helpers/fakePeers';
import { testKey, testParams, unsolve } from '../../../helpers/chainBuilder';
import { ChainBootstrap } from '../../../../src/node/sync/bootstrap';
import { ZERO_HASH } from '../../../../src/node/wire/messages';
import { Chain, blockHashHex, decodeBlock, encodeBlock, fromHex, paramsToJSON, toHex, type ChainParams } from '../../../../src/core';

const CREATOR = testKey('SVC_BOOT_CREATOR');
const PARAMS = testParams(CREATOR);
const GENESIS = blockHashHex(decodeBlock(fromHex(PARAMS.genesisHex!)).header);
const RETRY = 5_000;

/** A node of network 'test' without a chain; loading one works as in FullNode (the engine checks the genesis). */
function setup() {
  const host = new FakeHost();
  const peers = new FakePeers(host);
  let chain: Chain | null = null;
  const startedFrom: string[] = [];
  const bootstrap = new ChainBootstrap(
    {
      magic: host.magic,
      network: 'test',
      params: () => chain?.params ?? null,
      loadChain: (params, from) => {
        chain = new Chain(params);
        startedFrom.push(from.id);
      },
      refuse: (p, id, command, r) => host.refuse(p, id, command, r),
      ready: () => [...peers.all()].filter((p) => p.ready),
    },
    host.clock,
    RETRY,
  );
  const asks = (id: string) => peers.link(id).got('getparams').length;
  return { host, peers, bootstrap, startedFrom, asks, chain: () => chain };
}

describe('asking for the parameters', () => {
  it('asks a peer that has a chain as soon as its handshake completes, and not one without', () => {
    const { peers, bootstrap, asks } = setup();
    bootstrap.onReady(peers.connect('A', { genesis: GENESIS }));
    bootstrap.onReady(peers.connect('B', { genesis: ZERO_HASH }));
    expect(asks('A')).toBe(1);
    expect(asks('B')).toBe(0);
  });

  it('asks every ready peer again after retryMs until a chain arrives, then never again', () => {
    const { host, peers, bootstrap, asks } = setup();
    const A = peers.connect('A', { genesis: GENESIS });
    bootstrap.onReady(A);
    host.clock.advance(RETRY - 1);
    bootstrap.tick();
    expect(asks('A')).toBe(1);
    host.clock.advance(1);
    bootstrap.tick();
    expect(asks('A')).toBe(2);

    bootstrap.onParams(A, paramsToJSON(PARAMS), 0);
    host.clock.advance(10 * RETRY);
    bootstrap.tick();
    expect(asks('A')).toBe(2);
  });

  it('good parameters start the chain, from the peer that gave them; later ones are ignored', () => {
    const { host, peers, bootstrap, startedFrom, chain } = setup();
    const A = peers.connect('A', { genesis: GENESIS });
    const B = peers.connect('B', { genesis: GENESIS });
    bootstrap.onParams(A, paramsToJSON(PARAMS), 0);
    bootstrap.onParams(B, paramsToJSON(PARAMS), 1);
    expect(chain()?.genesis.hash).toBe(GENESIS);
    expect(startedFrom).toEqual(['A']);
    expect(host.refusals).toEqual([]);
  });

  it('getparams is answered once the node has a chain', () => {
    const { peers, bootstrap } = setup();
    const A = peers.connect('A');
    bootstrap.onGetParams(A);
    expect(peers.link('A').sent).toEqual([]);
    bootstrap.onParams(peers.connect('B', { genesis: GENESIS }), paramsToJSON(PARAMS), 0);
    bootstrap.onGetParams(A);
    expect(peers.link('A').sent).toEqual([{ command: 'params', json: paramsToJSON(PARAMS) }]);
  });
});

describe('parameters refused (bad-params, punished)', () => {
  const badGenesis = unsolve(decodeBlock(fromHex(PARAMS.genesisHex!)));
  type Case = { name: string; params: ChainParams; versionGenesis: string; debug: string | RegExp };
  const cases: Case[] = [
    { name: 'another network', params: testParams(CREATOR, {}, 'regtest', 'other'), versionGenesis: GENESIS, debug: 'parameters are for another network' },
    { name: 'no genesis block', params: { ...PARAMS, genesisHex: undefined }, versionGenesis: GENESIS, debug: 'parameters carry no genesis block' },
    { name: "a genesis other than the one the peer's version named", params: PARAMS, versionGenesis: '11'.repeat(32), debug: "genesis does not match the peer's version message" },
    {
      name: 'a genesis block that fails its own checks (proof of work)',
      params: { ...PARAMS, genesisHex: toHex(encodeBlock(badGenesis)) },
      versionGenesis: blockHashHex(badGenesis.header),
      debug: /proof of work/,
    },
  ];
  it.each(cases)('$name', ({ params, versionGenesis, debug }) => {
    const { host, peers, bootstrap, chain } = setup();
    const A = peers.connect('A', { genesis: versionGenesis });
    bootstrap.onParams(A, paramsToJSON(params), 7);
    expect(host.refusals).toMatchObject([{ peer: 'A', command: 'params', code: 'bad-params', punish: true }]);
    if (typeof debug === 'string') expect(host.refusals[0].debug).toBe(debug);
    else expect(host.refusals[0].debug).toMatch(debug);
    expect(chain()).toBeNull();
    expect(A.closed).toBe(true);
  });
});
