/**
 * The seed tutorial's progress as facts a node can check for itself: names published on the
 * network (`nodeinfo`), payments and blocks in its own validated chain and mempool, and which tip
 * each node reports. A pure function of what the node holds, so every tab that holds the same chain
 * computes the same steps, and a reloaded tab computes them again from its stored chain.
 */
import { BoundedMap, COIN, addressFromHash, hashToHex, isCoinbase, parseP2PKH, scriptForAddress, toHex, txidHex, type Block, type Coin, type Tx } from '../../../core';
import type { NamedAddress, NodeInfoView, NodeQuery } from '../../../node/api';
import type { Role } from '../../../node/events';

/** The names the tutorial gives its addresses (as in "Building Blockchain in Go", part 7). */
export const CENTRAL_NAME = 'CENTRAL_NODE';
export const WALLET_NAMES = ['WALLET_1', 'WALLET_2', 'WALLET_3', 'WALLET_4'] as const;
export const MINER_NAME = 'MINER_WALLET';
export const TUTORIAL_NAMES = [...WALLET_NAMES, MINER_NAME, CENTRAL_NAME] as const;
export type TutorialName = (typeof TUTORIAL_NAMES)[number];

/** The nine steps, in order. */
export const STEP_IDS = [
  'create', // the central node creates the chain (genesis pays CENTRAL_NODE)
  'wallet', // a wallet node joins and names WALLET_1..4
  'miner', // a miner node joins and names MINER_WALLET
  'fund', // central sends 10 to WALLET_1 and 10 to WALLET_2, each mined at once
  'pay1', // the wallet pays 1 from WALLET_1 to WALLET_3
  'pay2', // the wallet pays 1 from WALLET_2 to WALLET_4
  'mined', // the miner mines both payments (at 2 transactions)
  'relayed', // every node reports the block: central, wallet and miner are on it
  'balances', // the six balances, the same on every node
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** Who does a step. */
export const STEP_ACTOR: Record<StepId, Role | null> = {
  create: 'central', wallet: 'wallet', miner: 'miner', fund: 'central', pay1: 'wallet', pay2: 'wallet', mined: 'miner', relayed: null, balances: null,
};

/** A payment as the tutorial looks at it. */
export interface SeenTx {
  txid: string;
  /** Block height, or null while in the mempool. */
  height: number | null;
  /** Address the block's coinbase paid (who mined it), for confirmed ones. */
  minedBy: string | null;
  from: Set<string>;
  outs: { address: string; value: bigint }[];
}

/** The evidence behind a done step (what the panel shows beside its tick). */
export interface Evidence {
  height?: number;
  txids?: string[];
  minedBy?: string | null;
  amount?: bigint;
  nodes?: string[];
}

/** One node's place in the final table: does it report our tip (so the same balances)? */
export interface NodeAtTip {
  node: string;
  role: Role | null;
  height: number;
  /** It reports our tip, or a block of our active chain at or above the tutorial's block. */
  agrees: boolean;
}

export interface TutorialFacts {
  /** Name → address, as resolved now. */
  names: Partial<Record<TutorialName, string>>;
  /** Which node published each name. */
  publishers: Partial<Record<TutorialName, string>>;
  evidence: (Evidence | null)[];
  /** The six balances (confirmed, this node's UTXO set), when every name is known. */
  balances: { name: TutorialName; address: string; value: bigint }[];
  /** The three nodes of the tutorial and whether each reports the tutorial's block. */
  nodes: NodeAtTip[];
}

/** What the facts are computed from: the node's query API, its names and node records. */
export interface FactsInput {
  query: Pick<NodeQuery, 'entryAt' | 'block' | 'undo' | 'entry' | 'isActive' | 'coin' | 'mempoolEntries' | 'mempoolEntry' | 'coinsFor'>;
  height: number;
  tipHash: string | null;
  named: readonly NamedAddress[];
  infos: readonly NodeInfoView[];
  /** Names resolved earlier (kept across reloads until the network says them again). */
  remembered: Partial<Record<TutorialName, string>>;
}

/** Blocks of the active chain the tutorial looks through (a class tutorial is short). */
const SCAN_BLOCKS = 500;
/** Block hash → its payments as `seenTxs` describes them (the facts are read again every 200 ms while blocks stream in). */
const described = new BoundedMap<string, SeenTx[]>(2 * SCAN_BLOCKS);

const NAME_ROLE = (name: TutorialName): Role => (name === MINER_NAME ? 'miner' : name === CENTRAL_NAME ? 'central' : 'wallet');

/** Key hash (hex) → address: a class pays few addresses, and base58check is the costly part of reading a block. */
const addresses = new BoundedMap<string, string>(4096);

function addressOf(script: Uint8Array): string | null {
  const h = parseP2PKH(script);
  if (!h) return null;
  const key = toHex(h);
  let a = addresses.get(key);
  if (a === undefined) addresses.set(key, (a = addressFromHash(h)));
  return a;
}

/** Picks the address each name stands for: our own key first, then the role the name belongs to, then the lowest node id. */
export function resolveNames(named: readonly NamedAddress[], remembered: FactsInput['remembered']): { names: TutorialFacts['names']; publishers: TutorialFacts['publishers'] } {
  const names: TutorialFacts['names'] = {};
  const publishers: TutorialFacts['publishers'] = {};
  for (const name of TUTORIAL_NAMES) {
    const c = named.filter((n) => n.label === name);
    c.sort((a, b) => Number(b.own) - Number(a.own) || Number(b.role === NAME_ROLE(name)) - Number(a.role === NAME_ROLE(name)) || a.node.localeCompare(b.node, 'en', { numeric: true }));
    const best = c[0];
    if (best) {
      names[name] = best.address;
      publishers[name] = best.node;
    } else if (remembered[name]) names[name] = remembered[name];
  }
  return { names, publishers };
}

/** Every payment of the active chain (last SCAN_BLOCKS blocks) and the mempool, with who paid and who was paid. */
export function seenTxs(input: FactsInput): SeenTx[] {
  const q = input.query;
  const out: SeenTx[] = [];
  for (let h = Math.max(1, input.height - SCAN_BLOCKS); h <= input.height; h++) {
    const entry = q.entryAt(h);
    if (!entry) continue;
    const known = described.get(entry.hash);
    if (known) {
      for (const t of known) out.push(t);
      continue;
    }
    const block = q.block(entry.hash);
    if (!block) continue;
    const undo = q.undo(entry.hash);
    const coinbase = block.txs[0];
    const minedBy = coinbase && coinbase.outputs[0] ? addressOf(coinbase.outputs[0].script) : null;
    const txs: SeenTx[] = [];
    let u = 0;
    for (const tx of block.txs) {
      if (isCoinbase(tx)) continue;
      const spent = tx.inputs.map(() => undo?.[u++] ?? null);
      txs.push(describe(tx, spent, h, minedBy));
    }
    // A block's payments never change: described once (base58 addresses cost), unless its spent coins are not known yet.
    if (undo || txs.length === 0) described.set(entry.hash, txs);
    for (const t of txs) out.push(t);
  }
  for (const e of q.mempoolEntries()) {
    const spent = e.tx.inputs.map((i) => {
      const key = `${hashToHex(i.prevout.txid)}:${i.prevout.vout}`;
      const coin = q.coin(key);
      if (coin) return coin;
      const parent = q.mempoolEntry(hashToHex(i.prevout.txid))?.tx.outputs[i.prevout.vout];
      return parent ? { value: parent.value, script: parent.script, height: -1, coinbase: false } : null;
    });
    out.push(describe(e.tx, spent, null, null));
  }
  return out;
}

function describe(tx: Tx, spent: (Coin | null)[], height: number | null, minedBy: string | null): SeenTx {
  const from = new Set<string>();
  for (const c of spent) {
    const a = c && addressOf(c.script);
    if (a) from.add(a);
  }
  const outs: SeenTx['outs'] = [];
  for (const o of tx.outputs) {
    const a = addressOf(o.script);
    if (a) outs.push({ address: a, value: o.value });
  }
  return { txid: txidHex(tx), height, minedBy, from, outs };
}

/** A payment from `from` to `to` (another address than the payer's own change). */
function payment(txs: SeenTx[], from: string | undefined, to: string | undefined, confirmedOnly: boolean): SeenTx | undefined {
  if (!from || !to) return undefined;
  return txs.find((t) => t.from.has(from) && t.outs.some((o) => o.address === to && o.value > 0n) && (!confirmedOnly || t.height !== null));
}
const paid = (t: SeenTx, to: string) => t.outs.filter((o) => o.address === to).reduce((s, o) => s + o.value, 0n);

/** The tutorial's facts as this node sees them. */
export function tutorialFacts(input: FactsInput): TutorialFacts {
  const { names, publishers } = resolveNames(input.named, input.remembered);
  const q = input.query;
  // The genesis coinbase pays the creator: that is the central node's address, named or not.
  const genesis = q.entryAt(0);
  const genesisBlock: Block | undefined = genesis ? q.block(genesis.hash) : undefined;
  const creator = genesisBlock?.txs[0]?.outputs[0] ? addressOf(genesisBlock.txs[0].outputs[0].script) : null;
  if (!names[CENTRAL_NAME] && creator) names[CENTRAL_NAME] = creator;
  const [W1, W2, W3, W4] = WALLET_NAMES.map((n) => names[n]);
  const C = names[CENTRAL_NAME];
  const txs = input.height >= 0 ? seenTxs(input) : [];

  const evidence: (Evidence | null)[] = STEP_IDS.map(() => null);
  if (genesis) evidence[0] = { height: 0, minedBy: creator };
  if (WALLET_NAMES.every((n) => names[n])) evidence[1] = { nodes: [...new Set(WALLET_NAMES.map((n) => publishers[n]).filter((x): x is string => !!x))] };
  if (names[MINER_NAME]) evidence[2] = { nodes: publishers[MINER_NAME] ? [publishers[MINER_NAME]] : [] };
  const f1 = payment(txs, C, W1, true);
  const f2 = payment(txs, C, W2, true);
  if (f1 && f2 && W1 && W2) evidence[3] = { txids: [f1.txid, f2.txid], height: Math.max(f1.height!, f2.height!), amount: paid(f1, W1) + paid(f2, W2) };
  const p1 = payment(txs, W1, W3, false);
  const p2 = payment(txs, W2, W4, false);
  if (p1 && W3) evidence[4] = { txids: [p1.txid], height: p1.height ?? undefined, amount: paid(p1, W3) };
  if (p2 && W4) evidence[5] = { txids: [p2.txid], height: p2.height ?? undefined, amount: paid(p2, W4) };
  let minedHeight: number | null = null;
  if (p1 && p2 && p1.height !== null && p2.height !== null) {
    minedHeight = Math.max(p1.height, p2.height);
    const block = p1.height === p2.height ? p1 : p1.height > p2.height ? p1 : p2;
    evidence[6] = { height: minedHeight, txids: [p1.txid, p2.txid], minedBy: block.minedBy };
  }

  // The tutorial's three nodes (the central, the wallet that named WALLET_1, the miner that named
  // MINER_WALLET) and whether each reports a tip at or above the tutorial's block on our chain.
  const who = new Map<string, Role | null>();
  const central = input.infos.find((i) => i.role === 'central');
  if (central) who.set(central.node, 'central');
  if (publishers.WALLET_1) who.set(publishers.WALLET_1, 'wallet');
  if (publishers[MINER_NAME]) who.set(publishers[MINER_NAME], 'miner');
  const nodes: NodeAtTip[] = [...who].map(([node, role]) => {
    const info = input.infos.find((i) => i.node === node);
    const e = info ? q.entry(info.tip) : undefined;
    const agrees = !!info && (info.tip === input.tipHash || (!!e && q.isActive(info.tip) && minedHeight !== null && e.height >= minedHeight));
    return { node, role, height: info?.height ?? -1, agrees };
  });
  if (minedHeight !== null && nodes.length === 3 && nodes.every((n) => n.agrees)) evidence[7] = { height: minedHeight, nodes: nodes.map((n) => n.node) };

  const balances: TutorialFacts['balances'] = [];
  if (TUTORIAL_NAMES.every((n) => names[n]))
    for (const name of TUTORIAL_NAMES) {
      const address = names[name]!;
      let value = 0n;
      for (const [, c] of q.coinsFor(scriptForAddress(address))) value += c.value;
      balances.push({ name, address, value });
    }
  if (evidence[7] && balances.length === TUTORIAL_NAMES.length) evidence[8] = { height: input.height };
  return { names, publishers, evidence, balances, nodes };
}

/** The seed tutorial's expected end: WALLET_1..4, MINER_WALLET, CENTRAL_NODE. */
export const EXPECTED_BALANCES: Record<TutorialName, bigint> = {
  WALLET_1: 9n * COIN, WALLET_2: 9n * COIN, WALLET_3: 1n * COIN, WALLET_4: 1n * COIN, MINER_WALLET: 10n * COIN, CENTRAL_NODE: 10n * COIN,
};
