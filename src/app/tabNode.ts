/**
 * One tab's node, wired without a page: its stored state read back, a new network's genesis mined
 * (central node), the FullNode built over a transport and a miner, and its store kept in step.
 * The browser session (`src/ui/runtime/session.ts`) adds the URL, the Web Lock, PeerJS and the
 * view store around it; a test or a bench can run the same wiring headless (fake-indexeddb and the
 * in-memory network).
 */
import { makeParams, teacherPublicKey, toHex, walletKeyFromSecret, type Miner, type Preset } from '../core';
import { FullNode, type NodeOptions } from '../node/node';
import type { Role, Topology } from '../node/events';
import type { Clock, Random, Transport } from '../node/transport';
import { systemClock, systemRandom } from '../node/transport';
import { restoredOptions, type NodeStore, type StoredNode } from '../adapters/idb/nodeStore';

/** The central node's id in every network (the seed tutorial's 3000). */
export const CENTRAL_ID = '3000';

export interface TabNodeOptions {
  network: string;
  id: string;
  role: Role;
  topology: Topology;
  /** Parameters preset for a network this node creates (central only). */
  preset?: Preset;
  /** Seconds between blocks the teacher chose for a new network (classroom preset). */
  blockInterval?: number;
  transport: Transport;
  miner: Miner;
  /** The node's opened store and what it held. */
  store: NodeStore;
  saved: StoredNode;
  clock?: Clock;
  random?: Random;
  timing?: NodeOptions['timing'];
  /** Called before the genesis block is mined (it can take a moment on a slow preset). */
  onGenesis?: () => void;
}

/** A running tab node. */
export interface TabNode {
  node: FullNode;
  store: NodeStore;
  /** The teacher's secret (the central node that created this network keeps it), else null. */
  teacherSecret: Uint8Array | null;
  stop(): void;
}

/** A stored node was created with another role: opening it as this one would mix up the tutorial. */
export class RoleMismatch extends Error {
  constructor(readonly stored: Role) {
    super(`this node was created as ${stored}`);
  }
}

/**
 * Builds a tab's node from its store (or, for a central node with nothing stored, a new network),
 * attaches the store and starts it. Wallets and miners seed on the central node.
 */
export async function startTabNode(o: TabNodeOptions): Promise<TabNode> {
  if (o.saved.role && o.saved.role !== o.role) throw new RoleMismatch(o.saved.role);
  const clock = o.clock ?? systemClock;
  const random = o.random ?? systemRandom;
  let params = o.saved.params;
  let keys = o.saved.keys;
  let teacherSecret = o.saved.teacherSecret;
  if (!params && o.role === 'central') {
    o.onGenesis?.();
    if (keys.length === 0) keys = [walletKeyFromSecret(random.bytes32(), 'central')];
    // The teacher key: its public half goes into the parameters every node checks commands with;
    // the secret stays in this node's database and in the teacher's dashboard link.
    teacherSecret = random.bytes32();
    const base = makeParams(o.network, o.preset ?? 'classroom', o.blockInterval ? { targetSpacing: o.blockInterval } : {});
    params = await FullNode.createNetworkParams({ ...base, teacherKey: toHex(teacherPublicKey(teacherSecret)) }, keys[0]!, o.miner, Math.floor(clock.now() / 1000));
    o.store.saveTeacherSecret(teacherSecret);
  }
  const node = new FullNode({
    id: o.id,
    role: o.role,
    network: o.network,
    transport: o.transport,
    miner: o.miner,
    clock,
    random,
    topology: o.topology,
    seeds: o.role === 'central' ? [] : [CENTRAL_ID],
    ...restoredOptions(o.saved),
    keys,
    ...(params ? { params } : {}),
    ...(o.timing ? { timing: o.timing } : {}),
  });
  const detach = o.store.attach(node);
  node.start();
  return {
    node,
    store: o.store,
    teacherSecret,
    stop() {
      detach();
      node.stop();
      o.miner.dispose?.();
      o.store.close();
    },
  };
}
