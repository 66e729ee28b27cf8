/**
 * `nodeinfo` (a tabchain extension, not a Bitcoin message): who a node is, where its chain is, and
 * the addresses it names — so a payee list can say "WALLET_1" instead of a 34-character address,
 * and a tutorial can show which nodes already have a block. Like `addr`, it is gossip: relayed
 * from node to node, newest record per node kept, bounded, and believed for display only (a node
 * can claim any name or tip; nothing in consensus or relay reads it). See docs/PROTOCOL.md.
 *
 * Payload: var_int count ≤ 100, then count × record:
 *   var_str node id (≤ 64 bytes) | uint8 role (0 none, 1 central, 2 miner, 3 wallet) |
 *   uint64 seq (newer replaces older) | int32 tip height (-1: no chain) | char[32] tip hash |
 *   var_int label count ≤ 16, then × (var_str label (≤ 32 bytes) | char[20] HASH160 of the key)
 */
import { ByteReader, ByteWriter, DecodeError, hashToHex } from '../../core';
import type { Role } from '../events';

/** Records per message (a full message stays far below one frame: ≤ ~96 KB). */
export const MAX_NODEINFO_RECORDS = 100;
/** Named addresses per record. */
export const MAX_NODEINFO_LABELS = 16;
/** Bytes of UTF-8 in one label. */
export const MAX_LABEL_BYTES = 32;
const MAX_ID = 64;

/** One named address: the label its owner gave it and the key hash it pays (P2PKH). */
export interface NamedHash {
  label: string;
  hash: Uint8Array;
}

/** What one node says about itself. */
export interface NodeInfoRecord {
  node: string;
  role: Role | null;
  /** Increases with every new record from that node (the node's clock in ms, or more). */
  seq: number;
  height: number;
  /** Display hex of its tip (zeros with no chain). */
  tip: string;
  labels: NamedHash[];
}

const ROLES: (Role | null)[] = [null, 'central', 'miner', 'wallet'];
const utf8 = new TextEncoder();
const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

function checkBytes(s: string, max: number, what: string): void {
  const n = utf8.encode(s).length;
  if (n > max) throw new RangeError(`${what}: ${n} bytes exceeds the limit of ${max}`);
}

function readUtf8(r: ByteReader, max: number, what: string): string {
  const b = r.varBytes(max, what);
  try {
    return utf8Fatal.decode(b);
  } catch {
    throw new DecodeError(`invalid UTF-8: ${what}`);
  }
}

/** Writes a nodeinfo payload (refusing what every receiver would refuse). */
export function writeNodeInfo(w: ByteWriter, records: readonly NodeInfoRecord[]): void {
  if (records.length > MAX_NODEINFO_RECORDS) throw new RangeError(`nodeinfo count ${records.length} exceeds ${MAX_NODEINFO_RECORDS}`);
  w.compactSize(records.length);
  for (const rec of records) {
    checkBytes(rec.node, MAX_ID, 'node id');
    if (rec.labels.length > MAX_NODEINFO_LABELS) throw new RangeError(`labels ${rec.labels.length} exceed ${MAX_NODEINFO_LABELS}`);
    if (!/^[0-9a-f]{64}$/.test(rec.tip)) throw new RangeError('tip must be 64 hex digits');
    w.varString(rec.node).u8(ROLES.indexOf(rec.role)).u64(BigInt(rec.seq)).i32(rec.height);
    const tip = new Uint8Array(32);
    for (let i = 0; i < 32; i++) tip[i] = parseInt(rec.tip.slice(62 - 2 * i, 64 - 2 * i), 16);
    w.bytes(tip);
    w.compactSize(rec.labels.length);
    for (const l of rec.labels) {
      checkBytes(l.label, MAX_LABEL_BYTES, 'label');
      if (l.hash.length !== 20) throw new RangeError('a key hash is 20 bytes');
      w.varString(l.label).bytes(l.hash);
    }
  }
}

/** Reads a nodeinfo payload; throws DecodeError on anything malformed. */
export function readNodeInfo(r: ByteReader): NodeInfoRecord[] {
  const n = r.count(MAX_NODEINFO_RECORDS, 'nodeinfo records');
  const out: NodeInfoRecord[] = [];
  for (let i = 0; i < n; i++) {
    const node = readUtf8(r, MAX_ID, 'node id');
    const roleByte = r.u8('role');
    if (roleByte >= ROLES.length) throw new DecodeError(`unknown role ${roleByte}`);
    const seq = r.u64('seq');
    if (seq > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError('seq beyond 2^53');
    const height = r.i32('tip height');
    const tip = hashToHex(r.bytesN(32, 'tip hash'));
    const k = r.count(MAX_NODEINFO_LABELS, 'labels');
    const labels: NamedHash[] = [];
    for (let j = 0; j < k; j++) labels.push({ label: readUtf8(r, MAX_LABEL_BYTES, 'label'), hash: r.bytesN(20, 'key hash').slice() });
    out.push({ node, role: ROLES[roleByte] ?? null, seq: Number(seq), height, tip, labels });
  }
  return out;
}

/** One line for the message log. */
export function nodeInfoSummary(records: readonly NodeInfoRecord[]): string {
  const shown = records.slice(0, 3).map((r) => `${r.node}${r.role ? `(${r.role})` : ''} h${r.height}${r.labels.length ? ` ${r.labels.map((l) => l.label).join(',')}` : ''}`);
  return `${records.length} node${records.length === 1 ? '' : 's'}: ${shown.join('; ')}${records.length > 3 ? '; …' : ''}`;
}
