import type { Role, Topology } from '../../node/events';
import { CLASS_INTERVALS } from '../../core';

/** What the page URL says about the node: network, node id, role, topology (reload brings the same node back). */
export interface NodeAddress {
  network: string;
  role: Role;
  node?: string;
  topology: Topology;
  preset?: 'classroom' | 'regtest' | 'bitcoin-like';
  /** Seconds between blocks for a new classroom network (5, 10, 30 or 60). */
  interval?: number;
  /** STUN/TURN servers for use across the internet (see iceServersFromQuery). */
  ice?: string;
  /** Opened by the Tutorial: the node names its addresses as the seed tutorial does. */
  tutorial?: boolean;
}

export { CENTRAL_ID } from '../../app/tabNode';

/** Reads ?network=&role=&node=&topology= from a URL search string. */
export function parseNodeAddress(search: string): NodeAddress | null {
  const q = new URLSearchParams(search);
  const network = q.get('network');
  const role = q.get('role');
  if (!network || !/^[A-Za-z0-9_-]{1,32}$/.test(network)) return null;
  if (role !== 'central' && role !== 'miner' && role !== 'wallet') return null;
  const node = q.get('node') ?? undefined;
  const topology = q.get('topology') === 'mesh' ? 'mesh' : 'star';
  const preset = q.get('preset');
  const ice = q.get('ice');
  return {
    ...(q.get('tutorial') === '1' ? { tutorial: true } : {}),
    ...(ice ? { ice } : {}),
    network,
    role,
    topology,
    ...(node && /^\d{1,8}$/.test(node) ? { node } : {}),
    ...(preset === 'regtest' || preset === 'bitcoin-like' || preset === 'classroom' ? { preset } : {}),
    ...((CLASS_INTERVALS as readonly number[]).includes(Number(q.get('interval'))) ? { interval: Number(q.get('interval')) } : {}),
  };
}

/** The parameters a node address owns (nodeAddressToSearch writes them, parseNodeAddress reads them). */
const ADDRESS_KEYS = ['network', 'role', 'topology', 'node', 'preset', 'interval', 'ice', 'tutorial'];

/**
 * The page's search string with its node address written in (the id the tab picked, say), and
 * every other parameter of the page kept as it was: the open view, the language, `?lesson=`, the
 * signalling server (`?signal=`, `?relay=`), the bench's `?ping=` and `?par=`. A reload then
 * brings back the same node under the same settings.
 */
export function withNodeAddress(search: string, a: NodeAddress): string {
  const q = new URLSearchParams(nodeAddressToSearch(a));
  for (const [k, v] of new URLSearchParams(search)) if (!ADDRESS_KEYS.includes(k)) q.append(k, v);
  return `?${q.toString()}`;
}

/** The URL search string for a node address. */
export function nodeAddressToSearch(a: NodeAddress): string {
  const q = new URLSearchParams({ network: a.network, role: a.role, topology: a.topology });
  if (a.node) q.set('node', a.node);
  if (a.preset) q.set('preset', a.preset);
  if (a.interval) q.set('interval', String(a.interval));
  if (a.ice) q.set('ice', a.ice);
  if (a.tutorial) q.set('tutorial', '1');
  return `?${q.toString()}`;
}
