/**
 * A node saved to a file (`tabchain-node`, version 1; docs/PROTOCOL.md): its network parameters
 * (genesis included), every valid block it has (side branches too), its tip, its mempool, its
 * wallet's addresses and labels — private keys only when the student asks — and its recent message
 * log. Reading one checks the envelope, every field, then replays every block and transaction
 * through the engine (`verifyNodeFile`): a file that does not rebuild exactly the chain it names is
 * refused whole.
 */
import {
  Chain,
  Mempool,
  RuleError,
  decodeBlock,
  decodeTx,
  encodeBlock,
  encodeTx,
  fromHex,
  paramsFromJSON,
  paramsToJSON,
  toHex,
  walletKeyFromSecret,
  wifToPrivateKey,
  type Block,
  type ChainParams,
  type Tx,
  type WalletKey,
} from '../../core';
import type { NodeApi } from '../../node/api';
import type { MessageEvent, Role, Topology } from '../../node/events';
import { BodyError, arr, hex, int, obj, readEnvelope, refuse, str, writeEnvelope, type FileResult } from './envelope';

/** Bounds of what a node file may hold. */
export const NODE_FILE_LIMITS = { blocks: 20_000, mempool: 5_000, wallet: 1_000, messages: 2_000, blockBytes: 262_144, txBytes: 262_144 };

/** One line of the saved message log. */
export interface SavedMessage {
  time: number;
  dir: 'in' | 'out';
  peer: string;
  command: string;
  bytes: number;
  summary: string;
  reason?: string;
}

/** A node file, read and checked field by field. */
export interface NodeFile {
  exported: number;
  network: string;
  node: string;
  role: Role;
  topology: Topology;
  params: ChainParams;
  tip: string;
  /** Every block but the genesis, parents before children. */
  blocks: Block[];
  mempool: Tx[];
  /** Addresses and labels; `key` only when the file carries private keys. */
  wallet: { address: string; label?: string; key?: WalletKey }[];
  /** The teacher's secret (a central node that created the network, saved with its keys). */
  teacherSecret: Uint8Array | null;
  messages: SavedMessage[];
}

/** What to put in a node file. */
export interface NodeFileOptions {
  topology: Topology;
  /** Include private keys (and the teacher's secret): whoever has the file can spend the coins. */
  keys: boolean;
  teacherSecret?: Uint8Array | null;
  messages?: readonly MessageEvent[];
  now?: number;
}

/** Writes a node to a file's text. */
export function writeNodeFile(node: NodeApi, o: NodeFileOptions): string {
  const q = node.query;
  if (!node.params || !node.tipHash) throw new Error('this node has no chain to save yet');
  const blocks = q.entries().filter((e) => e.height > 0 && e.status === 'valid').map((e) => q.block(e.hash)).filter((b): b is Block => !!b);
  const wallet = q.walletKeys().map((k) => {
    const wif = o.keys ? q.exportWif(k.address) : undefined;
    return { address: k.address, ...(k.label ? { label: k.label } : {}), ...(wif ? { wif } : {}) };
  });
  const messages = (o.messages ?? []).slice(-NODE_FILE_LIMITS.messages).map((m) => ({
    time: m.time, dir: m.dir, peer: m.peer, command: m.command, bytes: m.bytes, summary: m.summary.slice(0, 200), ...(m.reason ? { reason: m.reason } : {}),
  }));
  return writeEnvelope('tabchain-node', {
    app: 'tabchain 0.1.0',
    exported: o.now ?? Date.now(),
    network: node.network,
    node: node.id,
    role: node.role,
    topology: o.topology,
    params: paramsToJSON(node.params),
    tip: node.tipHash,
    blocks: blocks.map((b) => toHex(encodeBlock(b))),
    mempool: q.mempoolEntries().map((e) => toHex(encodeTx(e.tx))),
    keys: o.keys,
    wallet,
    ...(o.keys && o.teacherSecret ? { teacherSecret: toHex(o.teacherSecret) } : {}),
    messages,
  });
}

const ROLES: Role[] = ['central', 'miner', 'wallet'];
const ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Reads a node file's text: the envelope, then every field. Blocks are decoded, not yet replayed. */
export function readNodeFile(text: string): FileResult<NodeFile> {
  const env = readEnvelope(text, 'tabchain-node');
  if (!env.ok) return env;
  try {
    const b = obj(env.value.body, 'the body');
    const id = (v: unknown, what: string) => {
      const s = str(v, what, 40);
      if (!ID.test(s)) throw new BodyError(`${what} is not a node or network name`);
      return s;
    };
    const role = str(b.role, 'role', 10) as Role;
    if (!ROLES.includes(role)) throw new BodyError('role is not central, miner or wallet');
    let params: ChainParams;
    try {
      params = paramsFromJSON(str(b.params, 'params', 100_000));
    } catch (e) {
      throw new BodyError((e as Error).message);
    }
    const keys = b.keys === true;
    const wallet = arr(b.wallet, 'wallet', NODE_FILE_LIMITS.wallet).map((w, i) => {
      const o = obj(w, `wallet entry ${i}`);
      const address = str(o.address, `wallet entry ${i} address`, 64);
      const label = o.label === undefined ? undefined : str(o.label, `wallet entry ${i} label`, 100);
      let key: WalletKey | undefined;
      if (o.wif !== undefined) {
        if (!keys) throw new BodyError('the file has a private key it says it does not have');
        try {
          key = walletKeyFromSecret(wifToPrivateKey(str(o.wif, `wallet entry ${i} key`, 64)), label);
        } catch {
          throw new BodyError(`wallet entry ${i}'s private key is not a valid WIF`);
        }
        if (key.address !== address) throw new BodyError(`wallet entry ${i}'s private key is not the key of ${address}`);
      }
      return { address, ...(label !== undefined ? { label } : {}), ...(key ? { key } : {}) };
    });
    const decode = <T>(list: unknown, what: string, max: number, bytes: number, f: (b: Uint8Array) => T) =>
      arr(list, what, max).map((h, i) => {
        try {
          return f(fromHex(hex(h, `${what} ${i}`, bytes)));
        } catch (e) {
          if (e instanceof BodyError) throw e;
          throw new BodyError(`${what} ${i} does not decode: ${(e as Error).message}`);
        }
      });
    const messages = arr(b.messages ?? [], 'messages', NODE_FILE_LIMITS.messages).map((m, i) => {
      const o = obj(m, `message ${i}`);
      const dir: 'in' | 'out' | null = o.dir === 'in' || o.dir === 'out' ? o.dir : null;
      if (!dir) throw new BodyError(`message ${i} has no direction`);
      const reason = o.reason === undefined ? undefined : str(o.reason, `message ${i} reason`, 200);
      return { time: int(o.time, `message ${i} time`), dir, peer: str(o.peer, `message ${i} peer`, 64), command: str(o.command, `message ${i} command`, 12), bytes: int(o.bytes, `message ${i} size`), summary: str(o.summary, `message ${i} summary`, 200), ...(reason ? { reason } : {}) };
    });
    const file: NodeFile = {
      exported: int(b.exported, 'export time'),
      network: id(b.network, 'network'),
      node: id(b.node, 'node'),
      role,
      topology: b.topology === 'mesh' ? 'mesh' : 'star',
      params,
      tip: hex(b.tip, 'tip', 32),
      blocks: decode(b.blocks, 'block', NODE_FILE_LIMITS.blocks, NODE_FILE_LIMITS.blockBytes, decodeBlock),
      mempool: decode(b.mempool, 'transaction', NODE_FILE_LIMITS.mempool, NODE_FILE_LIMITS.txBytes, decodeTx),
      wallet,
      teacherSecret: b.teacherSecret === undefined ? null : fromHex(hex(b.teacherSecret, 'teacher secret', 32)),
      messages,
    };
    if (file.params.network !== file.network) throw new BodyError(`the parameters are for network ${file.params.network}, not ${file.network}`);
    if (file.teacherSecret && (file.teacherSecret.length !== 32 || !keys)) throw new BodyError('the teacher secret is not a saved private key');
    return { ok: true, value: file };
  } catch (e) {
    if (e instanceof BodyError) return refuse('invalid', e.message);
    throw e;
  }
}

/**
 * Replays a node file through the engine: every block from its genesis (each checked like a block
 * from a peer), the tip it names reached, every mempool transaction accepted on that tip. The
 * chain and mempool it rebuilt, or why the file is refused.
 */
export function verifyNodeFile(file: NodeFile, nowSeconds: number): FileResult<{ chain: Chain; mempool: Mempool }> {
  let chain: Chain;
  try {
    chain = new Chain(file.params);
  } catch (e) {
    return refuse('invalid', `the genesis block is not valid: ${(e as Error).message}`);
  }
  // Time enough for every block: the file may come from a computer whose clock ran ahead.
  const now = Math.max(nowSeconds, ...file.blocks.map((b) => b.header.time));
  for (const [i, block] of file.blocks.entries()) {
    const r = chain.processBlock(block, now);
    if (r.status !== 'accepted') return refuse('invalid', `block ${i} (${r.hash.slice(0, 16)}…) was refused: ${r.error?.reason ?? r.status}`);
  }
  if (chain.tip.hash !== file.tip) return refuse('invalid', `the blocks lead to ${chain.tip.hash.slice(0, 16)}…, not to the tip the file names`);
  const mempool = new Mempool(chain);
  for (const tx of file.mempool) {
    try {
      mempool.accept(tx, now);
    } catch (e) {
      if (e instanceof RuleError) return refuse('invalid', `a mempool transaction was refused: ${e.reason}`);
      throw e;
    }
  }
  return { ok: true, value: { chain, mempool } };
}
