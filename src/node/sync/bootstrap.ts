/**
 * Chain bootstrap: a node that joins a network knows only its name, so it asks a peer for the
 * network's parameters and genesis block (`getparams` / `params`, tabchain's own messages; see
 * docs/PROTOCOL.md), checks that the genesis is the one the peer's version named, and starts its
 * chain from them. Until then it asks every ready peer again now and then.
 */
import { blockHashHex, decodeBlock, fromHex, paramsFromJSON, paramsToJSON, type ChainParams } from '../../core';
import { ZERO_HASH } from '../wire/messages';
import { refusal, type Refusal } from '../misbehavior';
import type { Clock } from '../transport';
import type { Peer } from '../net/peer';

export interface BootstrapHost {
  readonly magic: number;
  readonly network: string;
  /** The chain's parameters once there is a chain. */
  params(): ChainParams | null;
  /** Starts the chain from parameters a peer gave (the peer is the first to sync from). */
  loadChain(params: ChainParams, from: Peer): void;
  refuse(peer: Peer, messageId: number, command: string, r: Refusal): void;
  ready(): Iterable<Peer>;
}

export class ChainBootstrap {
  constructor(
    private readonly host: BootstrapHost,
    private readonly clock: Clock,
    /** How long to wait before asking the same peer again (ms). */
    private readonly retryMs: number,
  ) {}

  /** A peer finished its handshake: without a chain, ask it (if it has one). */
  onReady(p: Peer): void {
    if (!this.host.params() && p.version!.genesis !== ZERO_HASH) this.ask(p);
  }

  private ask(p: Peer): void {
    p.paramsAskedAt = this.clock.now();
    p.send({ command: 'getparams' });
  }

  /** getparams: answered once we have a chain. */
  onGetParams(p: Peer): void {
    const params = this.host.params();
    if (params) p.send({ command: 'params', json: paramsToJSON(params) });
  }

  /** params: checked against our network and the peer's version, then the chain starts. */
  onParams(p: Peer, json: string, messageId: number): void {
    if (this.host.params()) return;
    try {
      const params = paramsFromJSON(json);
      if (params.magic !== this.host.magic || params.network !== this.host.network) throw new Error('parameters are for another network');
      if (!params.genesisHex) throw new Error('parameters carry no genesis block');
      const genesis = decodeBlock(fromHex(params.genesisHex));
      // A peer that had no chain when we shook hands (zero genesis) may have one now.
      if (p.version!.genesis !== ZERO_HASH && blockHashHex(genesis.header) !== p.version!.genesis)
        throw new Error("genesis does not match the peer's version message");
      // The engine checks the genesis block itself (proof of work, merkle root) and throws if bad.
      this.host.loadChain(params, p);
    } catch (e) {
      this.host.refuse(p, messageId, 'params', refusal('bad-params', (e as Error).message));
    }
  }

  /** Still no chain: ask every ready peer now and then (a neighbour may have got one since). */
  tick(): void {
    if (this.host.params()) return;
    for (const p of this.host.ready()) if (this.clock.now() - (p.paramsAskedAt ?? -Infinity) >= this.retryMs) this.ask(p);
  }
}
