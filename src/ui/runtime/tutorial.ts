/**
 * The tutorial's world: the names the seed tutorial gives its addresses, given by each node to its
 * own keys when its tab was opened by the Tutorial (`&tutorial=1`), or by one click in its panel.
 * Naming is idempotent: a reloaded tab finds its names in its stored wallet and changes nothing.
 */
import type { NodeApi } from '../../node/api';
import type { Role } from '../../node/events';
import { CENTRAL_NAME, MINER_NAME, WALLET_NAMES } from '../views/scenario/facts';

/** The names a node of this role gives its own addresses in the tutorial. */
export function namesFor(role: Role): readonly string[] {
  return role === 'central' ? [CENTRAL_NAME] : role === 'miner' ? [MINER_NAME] : WALLET_NAMES;
}

/** Default labels the node gave its keys ("wallet 3001", "address 2"), which a tutorial name may replace. */
export function isDefaultLabel(label: string | undefined): boolean {
  return !label || /^(central|miner|wallet)( \d+)?$/.test(label) || /^address \d+$/.test(label);
}

/** True when this node's wallet already carries every tutorial name of its role. */
export function hasTutorialNames(node: Pick<NodeApi, 'role' | 'query'>): boolean {
  const labels = new Set(node.query.walletKeys().map((k) => k.label));
  return namesFor(node.role).every((n) => labels.has(n));
}

/**
 * Names this node's addresses as the tutorial does: the central's and the miner's first key (where
 * block rewards go); in a wallet, the unnamed (or default-named) keys first, then new addresses for
 * the rest (a wallet needs four).
 */
export function applyTutorialNames(node: Pick<NodeApi, 'role' | 'query' | 'setLabel' | 'newAddress'>): void {
  const keys = node.query.walletKeys();
  const have = new Set(keys.map((k) => k.label));
  // The central's and the miner's name belong to their first key: the one block rewards pay.
  const first = keys[0];
  if (node.role !== 'wallet' && first) {
    const name = namesFor(node.role)[0]!;
    if (first.label !== name) node.setLabel(first.address, name);
    return;
  }
  const free = keys.filter((k) => isDefaultLabel(k.label));
  for (const name of namesFor(node.role)) {
    if (have.has(name)) continue;
    const k = free.shift();
    if (k) node.setLabel(k.address, name);
    else node.newAddress(name);
  }
}
