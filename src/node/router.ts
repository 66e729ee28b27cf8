/**
 * The node's side of every peer (the PeerHost): the version we send, the node-level checks of the
 * version we receive, what follows a handshake, what a refusal costs the peer (misbehavior.ts),
 * and which service each message after the handshake goes to — an exhaustive switch, so a new
 * message type cannot be forgotten.
 */
import type { Chain, Mempool } from '../core';
import { MSG_BLOCK, MSG_TX, PROTOCOL_VERSION, ZERO_HASH, type Message, type VersionPayload } from './wire/messages';
import { NODE_NETWORK, type Timing } from './config';
import { refusal, type Refusal } from './misbehavior';
import type { EventBus, Role, Topology } from './events';
import type { Clock, Random } from './transport';
import type { Peer, PeerHost } from './net/peer';
import type { AddressBook } from './net/addrman';
import type { ConnectionManager } from './net/connman';
import type { BlockSync } from './sync/blockSync';
import type { TxRelay } from './sync/txRelay';
import { onSendCmpct, type CompactRelay } from './sync/compact';
import type { ChainBootstrap } from './sync/bootstrap';
import type { TeacherService } from './teacher';
import type { NodeInfoBook } from './net/nodeInfo';
import { serveGetBlocks, serveGetData, type ServeHooks } from './sync/serve';
import { syncState } from './sync/syncState';
import type { Liveness } from './lessons/delivery';

/** What exists once the node has a chain. */
export interface ChainServices {
  chain: Chain;
  mempool: Mempool;
  sync: BlockSync;
  relay: TxRelay;
  compact: CompactRelay;
}

export interface RouterDeps {
  id: string;
  role: Role;
  topology: Topology;
  magic: number;
  bus: EventBus;
  clock: Clock;
  random: Random;
  timing: Timing;
  connman: ConnectionManager;
  addrs: AddressBook;
  nodeInfo: NodeInfoBook;
  bootstrap(): ChainBootstrap;
  teacher(): TeacherService;
  services(): ChainServices | null;
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
  /** Blocks withheld or offered by a lesson (a private chain, a tampered block). */
  serve?: ServeHooks;
  /** The delivery gate's request clocks (lessons/delivery.ts). */
  liveness?: Liveness;
  /** A peer's reject (the tamper lab records how peers answered its block). */
  onReject?(p: Peer, m: Extract<Message, { command: 'reject' }>): void;
}

export class PeerRouter implements PeerHost {
  private msgSeq = 0;
  readonly magic: number;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly random: Random;
  readonly timing: Timing;
  readonly liveness?: Liveness;

  constructor(private readonly d: RouterDeps) {
    if (d.liveness) this.liveness = d.liveness;
    this.magic = d.magic;
    this.bus = d.bus;
    this.clock = d.clock;
    this.random = d.random;
    this.timing = d.timing;
  }

  nextMessageId(): number {
    return this.msgSeq++;
  }
  log(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.d.log(text, level);
  }

  /** PeerHost: our version message (its nonce remembered to recognise a connection to ourselves). */
  versionFor(p: Peer): VersionPayload {
    const svc = this.d.services();
    const nonce = this.d.random.nonce64();
    this.d.connman.noteVersionNonce(nonce);
    return {
      version: PROTOCOL_VERSION,
      services: NODE_NETWORK,
      timestamp: BigInt(Math.floor(this.d.clock.now() / 1000)),
      addrRecv: p.id,
      addrFrom: this.d.id,
      nonce,
      userAgent: `/tabchain:0.1.0(${this.d.role})/`,
      startHeight: Math.max(0, svc?.chain.height ?? 0),
      relay: true,
      genesis: svc ? svc.chain.genesis.hash : ZERO_HASH,
    };
  }

  /** PeerHost: a version naming our own nonce is a connection to ourselves; another genesis is another network. */
  checkVersion(_p: Peer, v: VersionPayload): Refusal | null {
    if (this.d.connman.isOwnNonce(v.nonce)) return refusal('self-connection', 'version nonce is our own');
    const g = this.d.services()?.chain.genesis.hash;
    if (g && v.genesis !== ZERO_HASH && v.genesis !== g) return refusal('different-genesis', `peer's chain starts at ${v.genesis.slice(0, 16)}…, ours at ${g.slice(0, 16)}…`);
    return null;
  }

  /** PeerHost: the handshake completed (Core then advertises itself and asks for addresses). */
  onReady(p: Peer): void {
    this.d.connman.forgetNonce(p.versionNonce);
    this.d.addrs.learnPeer(p);
    this.d.bus.emit({ type: 'peer-connected', time: this.d.clock.now(), peer: p.id, outbound: p.outbound, role: p.role, height: p.claimedHeight, userAgent: p.version!.userAgent });
    const svc = this.d.services();
    // Same genesis: the peer has proven block 0 at least.
    if (svc && p.version!.genesis === svc.chain.genesis.hash) p.bestHeight = Math.max(p.bestHeight, 0);
    if (svc) {
      // BIP 130 and BIP 152 first (Core: sendheaders, sendcmpct), then headers-first sync.
      svc.sync.headers.onReady(p);
      svc.compact.onReady(p);
      svc.sync.startSync();
    } else this.d.bootstrap().onReady(p);
    p.send({ command: 'addr', addrs: [this.d.addrs.self(this.d.id)] });
    if (p.outbound && this.d.topology === 'mesh') p.send({ command: 'getaddr' });
    svc?.relay.announceMempool(p);
    // The class's current state (mining paused, throttle, partition, last message) for a newcomer.
    for (const signed of this.d.teacher().forNewPeer()) p.send({ command: 'teacher', signed });
    // tabchain: a peer as high as we are may hold a competing tip of equal work (a node cut off
    // and reconnected): ask what it has past our locator, so both tips are fetched and shown.
    if (svc && p.claimedHeight === svc.chain.height && svc.sync.syncPeerId !== p.id) svc.sync.askTips(p);
    this.d.nodeInfo.onReady(p);
  }

  /**
   * The chain just started (parameters from a peer): peers that shook hands before it existed
   * hear now what a handshake would have told them (sendheaders, sendcmpct).
   */
  onChainLoaded(): void {
    const svc = this.d.services();
    if (!svc) return;
    for (const p of this.d.connman.ready()) {
      svc.sync.headers.onReady(p);
      svc.compact.onReady(p);
    }
  }

  /** PeerHost: records a refusal, answers with `reject` if the table says so, punishes or disconnects. */
  refuse(p: Peer, messageId: number, command: string, r: Refusal, hash?: string): void {
    this.d.bus.emit({ type: 'rejected', time: this.d.clock.now(), messageId, peer: p.id, command, ...(hash ? { hash } : {}), code: r.code, reason: r.reason, debug: r.debug, punished: r.punish });
    if (r.reject !== undefined && !p.closed)
      p.send({ command: 'reject', message: command.slice(0, 12), code: r.reject, reason: r.reason.slice(0, 111), ...(hash ? { hash } : {}) });
    if (r.punish) this.d.connman.discourage(p, r.reason);
    else if (r.disconnect) p.close(r.reason);
  }

  /** PeerHost: the link closed; the connection manager forgets it and redials. */
  onClosed(p: Peer, reason: string): void {
    this.d.connman.onClosed(p, reason);
  }

  /** PeerHost: one message after the handshake, to the service that owns it. */
  onMessage(p: Peer, m: Message, id: number): void {
    const svc = this.d.services();
    switch (m.command) {
      case 'getaddr':
        return this.d.addrs.onGetAddr(p);
      case 'addr':
        this.d.addrs.onAddr(p, m.addrs, this.d.connman.peers.values(), (text) => this.d.log(text, 'warn'));
        return this.d.connman.maintain();
      case 'inv': {
        for (const it of m.items) p.remember(it.hash);
        if (!svc) return;
        svc.relay.onInv(p, m.items.filter((i) => i.type === MSG_TX).map((i) => i.hash));
        return svc.sync.onInv(p, m.items.filter((i) => i.type === MSG_BLOCK).map((i) => i.hash));
      }
      case 'getdata':
        return serveGetData(p, m.items, svc?.chain ?? null, svc?.mempool ?? null, (hash) => svc?.sync.noteHeight(p, hash), this.d.serve, svc?.compact);
      case 'notfound':
        if (!svc) return;
        svc.relay.onNotFound(p, m.items.filter((i) => i.type === MSG_TX).map((i) => i.hash));
        return svc.sync.onNotFound(p, m.items.filter((i) => i.type === MSG_BLOCK).map((i) => i.hash));
      case 'getblocks':
        if (svc) serveGetBlocks(p, m.locator, m.stop, svc.chain, (hash) => svc.sync.noteHeight(p, hash), this.d.serve);
        return;
      case 'block':
        return svc?.sync.onBlock(p, m.block, id);
      case 'sendheaders':
        syncState(p).sendHeaders = true;
        return;
      case 'getheaders':
        return svc?.sync.headers.onGetHeaders(p, m.locator, m.stop);
      case 'headers':
        return svc?.sync.headers.onHeaders(p, m.headers, id);
      case 'sendcmpct':
        return onSendCmpct(p, m.announce, m.version);
      case 'cmpctblock':
        return svc?.compact.onCmpctBlock(p, m.compact, id);
      case 'getblocktxn':
        return svc?.compact.onGetBlockTxn(p, m.hash, m.indexes, id);
      case 'blocktxn':
        return svc?.compact.onBlockTxn(p, m.hash, m.txs, id);
      case 'tx':
        return svc?.relay.onTx(p, m.tx, id);
      case 'reject':
        this.d.onReject?.(p, m);
        return this.d.log(`${p.id} rejected our ${m.message}: ${m.reason}`, 'warn');
      case 'getparams':
        return this.d.bootstrap().onGetParams(p);
      case 'params':
        return this.d.bootstrap().onParams(p, m.json, id);
      case 'teacher': {
        const r = this.d.teacher().receive(m.signed, p.id);
        if (r && r.code !== 'teacher-duplicate') this.refuse(p, id, 'teacher', r);
        return;
      }
      case 'nodeinfo':
        return this.d.nodeInfo.onMessage(p, m.records);
      case 'version':
      case 'verack':
      case 'ping':
      case 'pong':
        return; // the peer's own handshake and keepalive
      default:
        return assertNever(m);
    }
  }
}

function assertNever(m: never): void {
  throw new Error(`unhandled message ${(m as Message).command}`);
}
