/**
 * An adversarial "raw peer": a bare endpoint on the MemoryNetwork that speaks whatever bytes the
 * test hands it (well-formed messages through `encodeMessage`, or anything at all through
 * `sendRaw`) and records every frame the node sends back. It has no chain and no rules.
 */
import type { MemoryLink, MemoryNetwork, MemoryTransport } from '../../../src/adapters/memory/network';
import {
  PROTOCOL_VERSION,
  decodePayload,
  encodeMessage,
  isKnownCommand,
  parseFrame,
  type Message,
  type VersionPayload,
} from '../../../src/node/wire/messages';
import type { FullNode } from '../../../src/node/node';
import { sha256d } from '../../../src/core';

/** A frame the raw peer received, decoded when possible. */
export interface Received {
  command: string;
  message?: Message;
  raw: Uint8Array;
  at: number;
}

export class RawPeer {
  readonly transport: MemoryTransport;
  link: MemoryLink | null = null;
  readonly received: Received[] = [];
  /** Why the link closed, once it has. */
  closedReason: string | null = null;
  /** Called for every decoded message (to script answers: getblocks → inv, …). */
  onmessage: ((m: Message, peer: RawPeer) => void) | null = null;
  nonce = 0x5eed_0000_0000_0001n;
  /** Answer pings (so long tests are not cut by the node's ping timeout). */
  autoPong = true;

  constructor(
    readonly net: MemoryNetwork,
    readonly id: string,
    readonly magic: number,
  ) {
    this.transport = net.transport(id);
    this.transport.onlink = (link) => this.attach(link as MemoryLink);
    this.transport.onconnectfailed = (_peer, reason) => {
      this.closedReason = `connect failed: ${reason}`;
    };
  }

  /** A raw peer speaking to `node`'s network. */
  static for(net: MemoryNetwork, id: string, node: FullNode): RawPeer {
    return new RawPeer(net, id, node.magic);
  }

  private attach(link: MemoryLink): void {
    this.link = link;
    this.closedReason = null;
    link.onmessage = (data) => {
      const f = parseFrame(this.magic, data);
      const at = this.net.clock.now();
      if (!f.ok || !isKnownCommand(f.header.command)) {
        this.received.push({ command: f.header?.command ?? '?', raw: data, at });
        return;
      }
      let message: Message | undefined;
      try {
        message = decodePayload(f.header.command, f.payload);
      } catch {
        message = undefined;
      }
      this.received.push({ command: f.header.command, message, raw: data, at });
      if (message?.command === 'ping' && this.autoPong && this.connected) this.send({ command: 'pong', nonce: message.nonce });
      if (message) this.onmessage?.(message, this);
    };
    link.onclose = (reason) => {
      this.closedReason = reason;
    };
  }

  /** Opens a connection to a node (call the network's flush/settle to let it open). */
  dial(target: string): void {
    this.transport.connect(target);
  }

  get connected(): boolean {
    return !!this.link && !this.link.closed;
  }

  send(m: Message): void {
    this.sendRaw(encodeMessage(this.magic, m));
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.link) throw new Error(`${this.id} has no link`);
    this.link.send(bytes);
  }

  /** A version message as this peer would send it to `target`. */
  version(node: FullNode, over: Partial<VersionPayload> = {}): Message {
    return {
      command: 'version',
      payload: {
        version: PROTOCOL_VERSION,
        services: 1n,
        timestamp: BigInt(Math.floor(this.net.clock.now() / 1000)),
        addrRecv: node.id,
        addrFrom: this.id,
        nonce: this.nonce,
        userAgent: '/raw-peer:0.0.1/',
        startHeight: 0,
        relay: true,
        genesis: node.chain?.genesis.hash ?? '0'.repeat(64),
        ...over,
      },
    };
  }

  /** Messages of one command received so far. */
  got<C extends Message['command']>(command: C): Extract<Message, { command: C }>[] {
    return this.received.filter((r) => r.command === command && r.message).map((r) => r.message as Extract<Message, { command: C }>);
  }

  /** Commands received so far, in order. */
  commands(): string[] {
    return this.received.map((r) => r.command);
  }

  clear(): void {
    this.received.length = 0;
  }

  close(): void {
    this.link?.close('raw peer closed');
  }
}

/** A frame around any payload bytes, with a correct length and checksum (for malformed payloads). */
export function frameOf(magic: number, command: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(24 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, true);
  for (let i = 0; i < command.length && i < 12; i++) out[4 + i] = command.charCodeAt(i);
  view.setUint32(16, payload.length, true);
  out.set(sha256d(payload).subarray(0, 4), 20);
  out.set(payload, 24);
  return out;
}

/** Connects a raw peer to `node` and completes the handshake (the raw peer dials). */
export async function handshaken(net: MemoryNetwork, settle: () => Promise<void>, id: string, node: FullNode, over: Partial<VersionPayload> = {}): Promise<RawPeer> {
  const raw = RawPeer.for(net, id, node);
  raw.dial(node.id);
  await settle();
  raw.send(raw.version(node, over));
  raw.send({ command: 'verack' });
  await settle();
  if (!node.peerIds().includes(id)) throw new Error(`${id} did not complete the handshake with ${node.id}`);
  return raw;
}
