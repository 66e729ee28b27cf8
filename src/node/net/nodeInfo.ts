/**
 * The `nodeinfo` gossip (a tabchain extension; wire format in wire/nodeinfo.ts): each node
 * publishes one record — its role, its tip, and the addresses it has named — and every node keeps
 * the newest record of every node it hears of and passes fresh records on: a record with new or
 * changed names to everyone, any other only when it came from its own node (two hops). The book is bounded (MAX_NODES records, least recently heard forgotten), each peer's
 * records are rate-limited with a token bucket, and nothing is trusted: a name or a tip in a record
 * is what its sender claims, shown to people (payee lists, "who has the block") and read by nothing
 * that validates, relays or mines.
 */
import { BoundedMap, addressFromHash, bytesEqual, type WalletKey } from '../../core';
import { MAX_LABEL_BYTES, MAX_NODEINFO_LABELS, MAX_NODEINFO_RECORDS, type NodeInfoRecord } from '../wire/nodeinfo';
import type { EventBus, Role } from '../events';
import type { Clock } from '../transport';
import type { Peer } from './peer';

/** Records kept (one per node id). */
export const MAX_NODES = 1_000;
/** Token bucket per peer: records accepted at once, and refilled per second. */
const BUCKET_MAX = 1_000;
const BUCKET_REFILL = 10;
/** A node's own record is republished at most this often (ms) when its tip or names change. */
const PUBLISH_EVERY = 1_000;

/** A named address as the UI lists it. */
export interface NamedAddress {
  label: string;
  address: string;
  /** The node that published it, its role as claimed, and whether it is this node's own key. */
  node: string;
  role: Role | null;
  own: boolean;
}

/** What a node said of itself, and when this node heard it. */
export interface NodeInfoView {
  node: string;
  role: Role | null;
  height: number;
  tip: string;
  labels: { label: string; address: string }[];
  /** Node clock (ms) when the record arrived (or was made, for our own). */
  heard: number;
}

/** What the service reads of the node around it. */
export interface NodeInfoHost {
  readonly id: string;
  readonly role: Role;
  readonly clock: Clock;
  readonly bus: EventBus;
  keys(): readonly WalletKey[];
  tip(): { height: number; hash: string | null };
  readyPeers(): Iterable<Peer>;
}

const ZERO = '0'.repeat(64);
const utf8 = new TextEncoder();

/** A label cut to MAX_LABEL_BYTES of UTF-8 without splitting a character. */
export function clampLabel(label: string): string {
  let s = label.trim();
  while (utf8.encode(s).length > MAX_LABEL_BYTES) s = [...s].slice(0, -1).join('');
  return s;
}

export class NodeInfoBook {
  private readonly book = new BoundedMap<string, { rec: NodeInfoRecord; heard: number }>(MAX_NODES);
  private readonly buckets = new WeakMap<Peer, { tokens: number; at: number }>();
  /** Fresh records waiting to be passed on, with the peer each came from. */
  private relayQueue: { rec: NodeInfoRecord; from: Peer | null }[] = [];
  private seq = 0;
  private dirty = true;
  private lastPublish = -Infinity;
  private own: NodeInfoRecord | null = null;

  /** `enabled` false: this node neither publishes nor relays records, and ignores those it is sent (NodeOptions.nodeInfo). */
  constructor(private readonly host: NodeInfoHost, private readonly enabled = true) {}

  /** This node's record as it would publish it now. */
  private makeOwn(): NodeInfoRecord {
    const h = this.host;
    const tip = h.tip();
    this.seq = Math.max(this.seq + 1, h.clock.now());
    const labels = h.keys()
      .filter((k) => k.label)
      .slice(0, MAX_NODEINFO_LABELS)
      .map((k) => ({ label: clampLabel(k.label!), hash: k.pubkeyHash }));
    return { node: h.id, role: h.role, seq: this.seq, height: tip.height, tip: tip.hash ?? ZERO, labels };
  }

  /** The tip or the wallet's names changed: publish a new record at the next tick. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Every housekeeping tick: publish our record if it changed, pass fresh records on. */
  tick(): void {
    if (!this.enabled) return;
    const now = this.host.clock.now();
    if (this.dirty && now - this.lastPublish >= PUBLISH_EVERY) {
      this.dirty = false;
      this.lastPublish = now;
      this.own = this.makeOwn();
      this.relayQueue.push({ rec: this.own, from: null });
      this.changed();
    }
    this.flush();
  }

  /**
   * After a handshake: our own record, then every node that named addresses (who a node is spreads
   * everywhere; the tips of unnamed nodes far away are not worth a newcomer's bandwidth), in
   * messages of ≤ 100 records.
   */
  onReady(p: Peer): void {
    if (!this.enabled) return;
    this.own ??= this.makeOwn();
    const all = [this.own, ...[...this.book.values()].map((x) => x.rec).filter((r) => r.node !== p.id && r.labels.length > 0)];
    for (let i = 0; i < all.length; i += MAX_NODEINFO_RECORDS) p.send({ command: 'nodeinfo', records: all.slice(i, i + MAX_NODEINFO_RECORDS) });
  }

  /** A nodeinfo message: rate-limited, newer records kept and queued for relay. */
  onMessage(p: Peer, records: NodeInfoRecord[]): void {
    if (!this.enabled) return;
    const now = this.host.clock.now();
    const b = this.buckets.get(p) ?? { tokens: BUCKET_MAX, at: now };
    b.tokens = Math.min(BUCKET_MAX, b.tokens + ((now - b.at) / 1000) * BUCKET_REFILL);
    b.at = now;
    const accepted = records.slice(0, Math.max(0, Math.floor(b.tokens)));
    b.tokens -= accepted.length;
    this.buckets.set(p, b);
    let fresh = 0;
    for (const rec of accepted) {
      if (rec.node === this.host.id || !rec.node) continue;
      const old = this.book.get(rec.node);
      if (old && old.rec.seq >= rec.seq) continue;
      this.book.touch(rec.node, { rec, heard: now });
      // A node's names (new to us, or changed) spread to everyone: payee lists need them. The rest
      // — its role and tip — goes two hops: to its peers, and from them, heard first-hand, to
      // theirs (a star's leaves hear each other through the central). Flooded, every record went
      // over every link: each node's first record at joining (a 1,000-node simulation spent 290
      // CPU s on 5 blocks) and every tip on every block (95 % of a 200-node simulation's traffic).
      if (p.id === rec.node || (rec.labels.length > 0 && (!old || !sameIdentity(old.rec, rec)))) this.relayQueue.push({ rec, from: p });
      fresh++;
    }
    if (fresh) this.changed();
  }

  /** Sends queued records to every ready peer except the one each came from (one message per peer). */
  private flush(): void {
    if (!this.relayQueue.length) return;
    const queue = this.relayQueue;
    this.relayQueue = [];
    for (const p of this.host.readyPeers()) {
      const records = queue.filter((q) => q.from !== p && q.rec.node !== p.id).map((q) => q.rec);
      for (let i = 0; i < records.length; i += MAX_NODEINFO_RECORDS) p.send({ command: 'nodeinfo', records: records.slice(i, i + MAX_NODEINFO_RECORDS) });
    }
  }

  private changed(): void {
    this.host.bus.emit({ type: 'nodeinfo-changed', time: this.host.clock.now() });
  }

  get size(): number {
    return this.book.size;
  }

  /** Every node heard of (ourselves first, as we would publish now), for the UI. */
  nodes(): NodeInfoView[] {
    const view = (rec: NodeInfoRecord, heard: number): NodeInfoView => ({
      node: rec.node,
      role: rec.role,
      height: rec.height,
      tip: rec.tip,
      labels: rec.labels.map((l) => ({ label: l.label, address: addressFromHash(l.hash) })),
      heard,
    });
    const h = this.host;
    const tip = h.tip();
    const self: NodeInfoView = {
      node: h.id, role: h.role, height: tip.height, tip: tip.hash ?? ZERO, heard: h.clock.now(),
      labels: h.keys().filter((k) => k.label).map((k) => ({ label: k.label!, address: k.address })),
    };
    return [self, ...[...this.book.values()].map((x) => view(x.rec, x.heard))];
  }

  /** Every named address: this wallet's own, then those other nodes published. */
  named(): NamedAddress[] {
    const out: NamedAddress[] = [];
    const seen = new Set<string>();
    for (const n of this.nodes())
      for (const l of n.labels) {
        const key = `${n.node}:${l.address}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ label: l.label, address: l.address, node: n.node, role: n.role, own: n.node === this.host.id });
      }
    return out;
  }
}

/** Same role and the same names for the same keys (only the tip differs). */
function sameIdentity(a: NodeInfoRecord, b: NodeInfoRecord): boolean {
  return a.role === b.role && a.labels.length === b.labels.length && a.labels.every((l, i) => l.label === b.labels[i]!.label && bytesEqual(l.hash, b.labels[i]!.hash));
}
