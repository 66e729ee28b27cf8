/**
 * What a node builds once it has a network's parameters: the chain (restored from storage, or
 * from genesis, plus any stored blocks), the mempool, block sync and transaction relay, each wired
 * to the node's event bus. The node's services that need a chain exist only from here on.
 */
import { Chain, Mempool, type Block, type ChainEvent, type ChainParams, type RestoreReport, type RuleError, type ScriptChecker, type Tx } from '../core';
import { ScriptPrecheck } from './sync/precheck';
import { BlockSync, type SyncPeers } from './sync/blockSync';
import { TxRelay } from './sync/txRelay';
import { CompactRelay } from './sync/compact';
import type { ChainServices } from './router';
import type { NodeOptions, Timing } from './config';
import type { EventBus } from './events';
import type { Peer } from './net/peer';
import type { Clock, Random } from './transport';

export interface ChainHooks {
  /** The chain's tip moved (relay the news, restart mining). */
  onTipChanged(events: ChainEvent[], from: Peer | null): void;
  /** A transaction entered the mempool from a peer. */
  onTxAccepted(txid: string, peer: string): void;
  /** A peer's transaction was refused (the lessons watch for conflicting payments). */
  onTxRefused?(tx: Tx, peer: string, e: RuleError): void;
  /** The mempool changed (a running block template is stale). */
  onMempoolChanged(): void;
  log(text: string, level: 'info' | 'warn' | 'error'): void;
}

/** Every chain service lets go of a peer that left. */
export function peerClosed(svc: ChainServices, p: Peer): void {
  svc.relay.onPeerClosed(p);
  svc.compact.onPeerClosed(p);
  svc.sync.onPeerClosed(p);
}

/** Builds the chain and its services; `report` says what restoring from storage found. */
export function startChain(
  params: ChainParams,
  blocks: Block[],
  restore: NodeOptions['restore'] | undefined,
  deps: { peers: SyncPeers; clock: Clock; random: Random; timing: Timing; bus: EventBus; hooks: ChainHooks; scriptChecker?: ScriptChecker },
): { services: ChainServices; report: RestoreReport | null } {
  const { clock, bus, hooks } = deps;
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const chain = new Chain(params);
  const mempool = new Mempool(chain);
  let report: RestoreReport | null = null;
  if (restore) {
    report = chain.restore(restore);
    for (const tx of restore.mempool ?? []) {
      try {
        mempool.accept(tx, nowSeconds());
      } catch {
        // no longer valid on the restored chain: dropped, as Core drops it from mempool.dat
      }
    }
  }
  for (const b of blocks) {
    const r = chain.processBlock(b, nowSeconds());
    if (r.status === 'invalid') hooks.log(`stored block ${r.hash} is invalid: ${r.error?.reason}`, 'warn');
  }
  // Signature checks of downloaded blocks in a worker pool, when the node was given one.
  const pre = deps.scriptChecker ? new ScriptPrecheck(chain, mempool, deps.scriptChecker, (prev) => sync.tree.get(prev)?.height) : null;
  const sync = new BlockSync(chain, deps.peers, clock, deps.timing, bus, {
    afterBlock: (r) => mempool.handleChainEvents(r.events, nowSeconds()),
    onTipChanged: (events, from) => hooks.onTipChanged(events, from),
    ...(pre ? { precheck: (b: Block) => pre.precheck(b), assist: () => pre.assist() } : {}),
  });
  const relay = new TxRelay(mempool, deps.peers, clock, deps.timing, (txid, peer) => hooks.onTxAccepted(txid, peer), (tx, peer, e) => hooks.onTxRefused?.(tx, peer, e), deps.random);
  const compact = new CompactRelay(chain, mempool, sync, deps.peers, clock, deps.random, bus, () => relay.orphans.txs());
  sync.compact = compact;
  // Event objects are built only when someone listens (a download emits several per block).
  chain.on((event) => {
    if (bus.listening) bus.emit({ type: 'chain', time: clock.now(), event });
  });
  mempool.on((event) => {
    hooks.onMempoolChanged();
    if (bus.listening) bus.emit({ type: 'mempool', time: clock.now(), event });
  });
  return { services: { chain, mempool, sync, relay, compact }, report };
}
