/**
 * "Inbound slots can be exhausted": idle peers that complete the handshake and answer pings must
 * not be able to keep honest nodes out of the central node. When every inbound slot is taken the
 * central evicts one inbound peer, as Bitcoin Core's AttemptToEvictConnection does (the choice
 * itself is unit-tested in tests/unit/node/services/eviction.test.ts); here the whole story runs
 * on the in-memory network with Core's default 125 inbound slots.
 *
 * The network group of a peer is the role it claims, which an attacker chooses: rogues claiming no
 * role form their own group; rogues claiming "wallet" or "miner" share the honest newcomers' group.
 * Within a group the peer idle longest goes first (Core: the youngest), and an honest node is never
 * idle — it advertises itself (addr) and asks for the chain right after the handshake — so the
 * newcomer survives the next rogue either way. (A flood that imitates honest traffic is beyond
 * eviction; see the whole-class issue for limits at the signalling server.)
 */
import { describe, expect, it } from 'vitest';
import { TimedNetwork } from './support/timedNetwork';
import { RawPeer } from './support/rawPeer';
import type { FullNode } from '../../src/node/node';
import type { NodeEvent } from '../../src/node/events';
import { MAX_INBOUND } from '../../src/node/config';

type Disconnected = Extract<NodeEvent, { type: 'peer-disconnected' }>;
type Connected = Extract<NodeEvent, { type: 'peer-connected' }>;

const ROGUES = 200;
/** A rogue dials again this long after losing its link (the honest nodes' pause is 5 s). */
const ROGUE_REDIAL = 1_000;
const EVICTED = 'evicted: inbound slots full';

/**
 * Idle rogues: each dials the target, completes the handshake, answers pings (RawPeer's autoPong)
 * and never sends anything useful; whenever its link closes it dials again a second later.
 */
function flood(tn: TimedNetwork, target: FullNode, n: number, claim: string | null): RawPeer[] {
  return Array.from({ length: n }, (_, i) => {
    const rogue = RawPeer.for(tn.net, `R${String(i).padStart(3, '0')}`, target);
    rogue.nonce = BigInt(i + 1);
    const attach = rogue.transport.onlink!;
    rogue.transport.onlink = (link) => {
      attach(link);
      rogue.send(rogue.version(target, claim ? { userAgent: `/tabchain:0.1.0(${claim})/` } : {}));
      rogue.send({ command: 'verack' });
      const closed = link.onclose;
      link.onclose = (reason) => {
        closed?.(reason);
        tn.clock.setTimer(ROGUE_REDIAL, () => rogue.dial(target.id));
      };
    };
    rogue.dial(target.id);
    return rogue;
  });
}

const inbound = (node: FullNode) => node.peerInfo().filter((p) => !p.outbound).length;

describe('inbound eviction', () => {
  it.each([{ claim: null }, { claim: 'wallet' }, { claim: 'miner' }])(`${ROGUES} idle rogues claiming role $claim cannot keep honest nodes out of a central with ${MAX_INBOUND} inbound slots`, async ({ claim }) => {
    const tn = new TimedNetwork({ seed: 125, latency: 20 });
    const central = tn.add('C', 'central', { mining: 'off' });
    const miner = tn.add('M', 'miner', { seeds: ['C'], mining: 'off' });
    await tn.advance(1_000);
    const log = tn.events.get('C')!;
    let most = 0;
    central.on((e) => {
      if (e.type === 'peer-connected' || e.type === 'peer-disconnected') most = Math.max(most, inbound(central));
    });
    const disconnections = (peer: string) => log.filter((e): e is Disconnected => e.type === 'peer-disconnected' && e.peer === peer);
    const connections = (peer: string) => log.filter((e): e is Connected => e.type === 'peer-connected' && e.peer === peer);
    const evictions = () => log.filter((e): e is Disconnected => e.type === 'peer-disconnected' && e.reason === EVICTED);

    // The honest miner mines three blocks and relays them to the central.
    for (let i = 0; i < 3; i++) {
      miner.mineOnce();
      await tn.advance(1_000);
    }
    expect(central.height).toBe(3);

    // The flood: every slot fills, and the rogues left out keep evicting each other.
    flood(tn, central, ROGUES, claim);
    await tn.advance(3_000, 250);
    expect(inbound(central)).toBe(MAX_INBOUND);
    expect(evictions().length).toBeGreaterThan(ROGUES - MAX_INBOUND);
    expect(central.peerIds()).toContain('M');

    // A new wallet joins the full house: it gets in at its first dial and syncs the chain.
    const joinedAt = tn.clock.now();
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.advance(wallet.timing.reconnect, 250);
    expect(connections('W')).toHaveLength(1);
    expect(connections('W')[0].time - joinedAt).toBeLessThan(wallet.timing.reconnect);
    expect(wallet.height).toBe(3);
    expect(wallet.tipHash).toBe(central.tipHash);

    // ... and stays while the rogues churn on; so does the miner, which relayed blocks.
    await tn.advance(10_000, 250);
    expect(disconnections('W')).toEqual([]);
    expect(disconnections('M')).toEqual([]);
    expect(central.peerIds()).toEqual(expect.arrayContaining(['M', 'W']));

    // The miner's link dies; it redials into the full house and gets back in.
    tn.net.cut('M', 'C');
    const cutAt = tn.clock.now();
    await tn.advance(miner.timing.reconnect, 250);
    const back = connections('M').filter((e) => e.time > cutAt);
    expect(back).toHaveLength(1);
    expect(back[0].time - cutAt).toBeLessThan(miner.timing.reconnect);
    expect(central.peerIds()).toContain('M');
    expect(disconnections('M').map((e) => e.reason)).toEqual(['closed by peer']); // the cut, never an eviction

    expect(most).toBeLessThanOrEqual(MAX_INBOUND);
    expect(inbound(central)).toBe(MAX_INBOUND);
  });
});
