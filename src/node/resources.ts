/**
 * Sizes of every table a peer can make a node grow, gathered from its services: tests flood a
 * node and check each stays bounded, and the UI's debug view shows them.
 */
import type { AddressBook } from './net/addrman';
import type { ConnectionManager } from './net/connman';
import type { ChainServices } from './router';

/** One count per peer-fed table (see `resourceCounts`). */
export interface ResourceCounts {
  peers: number;
  addrBook: number;
  discouraged: number;
  wantedBlocks: number;
  blocksInFlight: number;
  txInFlight: number;
  txRequests: number;
  knownInv: number;
  orphans: number;
  deferred: number;
  recentlyRejected: number;
}

/** Counts every peer-fed table of a node's services (`svc` null before the node has a chain). */
export function resourceCounts(connman: ConnectionManager, addrs: AddressBook, svc: ChainServices | null): ResourceCounts {
  let txInFlight = 0;
  let knownInv = 0;
  for (const p of connman.peers.values()) {
    txInFlight += p.txInFlight.size;
    knownInv += p.knownInv.size;
  }
  const s = svc?.sync.counts() ?? { wantedBlocks: 0, blocksInFlight: 0, deferred: 0, recentlyRejected: 0 };
  const r = svc?.relay.counts() ?? { txRequests: 0, rejectedTxs: 0 };
  const c = connman.counts();
  return {
    peers: c.peers,
    addrBook: addrs.size,
    discouraged: c.discouraged,
    wantedBlocks: s.wantedBlocks,
    blocksInFlight: s.blocksInFlight,
    txInFlight,
    txRequests: r.txRequests,
    knownInv,
    orphans: svc ? svc.chain.orphanHashes().length : 0,
    deferred: s.deferred,
    recentlyRejected: s.recentlyRejected + r.rejectedTxs,
  };
}
