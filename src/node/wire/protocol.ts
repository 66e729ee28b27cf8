/**
 * Bitcoin's P2P messages as data: every message tabchain speaks as a tagged union, and the
 * protocol's constants and limits (Core's where Bitcoin has them). The byte layout is `codec.ts`,
 * framing `frame.ts`; `messages.ts` gathers them all. See docs/PROTOCOL.md.
 */
import type { Block, BlockHeader, SignedTeacherCommand, Tx } from '../../core';
import type { NodeInfoRecord } from './nodeinfo';

/** Bytes of a frame header: magic, command, payload length, checksum. */
export const HEADER_LEN = 24;
/** Where a frame header holds its payload length (uint32 LE): after the 4-byte magic and 12-byte command. */
export const LENGTH_AT = 16;
/** One WebRTC message carries at most 256 KiB (Chromium's SCTP maxMessageSize); frames stay within it. */
export const MAX_MESSAGE = 262_144;
export const MAX_PAYLOAD = MAX_MESSAGE - HEADER_LEN;
/** Bitcoin Core's limits. */
export const MAX_INV = 50_000;
export const MAX_ADDR = 1_000;
export const MAX_LOCATOR = 101;
/**
 * The version we speak: 70014 is Core's SHORT_IDS_BLOCKS_VERSION (BIP 152 compact blocks), which
 * implies SENDHEADERS_VERSION 70012 (BIP 130). Peers down to MIN_PEER_PROTO_VERSION are served the
 * old way (inv / getblocks), as Core serves peers that never send `sendheaders` or `sendcmpct`.
 */
export const PROTOCOL_VERSION = 70014;
/** Oldest version accepted (the first tabchain release spoke 70001, Core's minimum is 31800). */
export const MIN_PEER_PROTO_VERSION = 70001;
/** BIP 130: `sendheaders`, and headers-first download from peers at or above it. */
export const SENDHEADERS_VERSION = 70012;
/** BIP 152: `sendcmpct`, `cmpctblock`, `getblocktxn`, `blocktxn`. */
export const SHORT_IDS_BLOCKS_VERSION = 70014;
/** Core's MAX_HEADERS_RESULTS: headers in one `headers` message. */
export const MAX_HEADERS = 2_000;
/** BIP 152 compact block version 1: short ids of txids (version 2 is SegWit's wtxids; tabchain has no SegWit). */
export const CMPCT_VERSION = 1n;
/** Entries (short ids + prefilled, or requested indexes) of one compact block: at most the transactions a block may hold. */
export const MAX_CMPCT_TXS = 16_666;
/** Longest peer id carried in version/addr (browser peers are ids, not IP:port). */
export const MAX_PEER_ID = 64;
/** Core's MAX_SUBVERSION_LENGTH. */
export const MAX_USER_AGENT = 256;
/** reject: the command it answers fits the 12-byte command field; Core's reason limit is 111 bytes when sent, 256 accepted. */
export const MAX_REJECT_MESSAGE = 12;
export const MAX_REJECT_REASON = 256;
/** A signed teacher command fits in far less (its own decoder bounds every field). */
export const MAX_TEACHER_BYTES = 4096;

/** inv vector types (Bitcoin's MSG_TX, MSG_BLOCK). */
export const MSG_TX = 1;
export const MSG_BLOCK = 2;
/** BIP 152: in getdata, asks for the block as a `cmpctblock`. */
export const MSG_CMPCT_BLOCK = 4;

export interface InvItem {
  type: number;
  /** Display hex of the hash. */
  hash: string;
}

/** A peer address: Bitcoin's net_addr with a peer id in place of IP and port (a browser deviation). */
export interface PeerAddress {
  time: number;
  services: bigint;
  id: string;
}

export interface VersionPayload {
  version: number;
  services: bigint;
  timestamp: bigint;
  /** The receiving peer's id as the sender sees it. */
  addrRecv: string;
  /** The sender's own id. */
  addrFrom: string;
  nonce: bigint;
  userAgent: string;
  startHeight: number;
  relay: boolean;
  /** tabchain addition: genesis hash (display hex), so nodes of different chains refuse each other. */
  genesis: string;
  /** addr_recv's services field, when not 0 (Core fills in what it believes the receiver offers). */
  addrRecvServices?: bigint;
  /** addr_from's services field, when it differs from `services` (Core repeats `services` there). */
  addrFromServices?: bigint;
}

/** A transaction sent whole inside a compact block, at its absolute index in the block. */
export interface PrefilledTx {
  index: number;
  tx: Tx;
}

/**
 * BIP 152's HeaderAndShortIDs: the header, a nonce that salts the short ids, a 6-byte short id
 * (a number below 2^48) for each transaction not sent whole, and the transactions sent whole
 * (at least the coinbase). Indexes are absolute here; the wire encodes them differentially.
 */
export interface CompactBlock {
  header: BlockHeader;
  nonce: bigint;
  shortIds: number[];
  prefilled: PrefilledTx[];
}

/** Every message tabchain speaks, as a tagged union. */
export type Message =
  | { command: 'version'; payload: VersionPayload }
  | { command: 'verack' }
  | { command: 'getaddr' }
  | { command: 'addr'; addrs: PeerAddress[] }
  | { command: 'inv'; items: InvItem[] }
  | { command: 'getdata'; items: InvItem[] }
  | { command: 'notfound'; items: InvItem[] }
  | { command: 'getblocks'; version: number; locator: string[]; stop: string }
  /** BIP 130: announce new blocks to me with `headers`, not `inv`. */
  | { command: 'sendheaders' }
  | { command: 'getheaders'; version: number; locator: string[]; stop: string }
  | { command: 'headers'; headers: BlockHeader[] }
  /** BIP 152: compact blocks supported (announce = high-bandwidth: push `cmpctblock` to me unasked). */
  | { command: 'sendcmpct'; announce: boolean; version: bigint }
  | { command: 'cmpctblock'; compact: CompactBlock }
  /** BIP 152: the transactions at these absolute indexes of a block. */
  | { command: 'getblocktxn'; hash: string; indexes: number[] }
  | { command: 'blocktxn'; hash: string; txs: Tx[] }
  | { command: 'block'; block: Block }
  | { command: 'tx'; tx: Tx }
  | { command: 'ping'; nonce: bigint }
  | { command: 'pong'; nonce: bigint }
  | { command: 'reject'; message: string; code: number; reason: string; hash?: string }
  | { command: 'getparams' }
  | { command: 'params'; json: string }
  /** tabchain extension: a teacher command and its signature (core/teacher.ts). */
  | { command: 'teacher'; signed: SignedTeacherCommand }
  /** tabchain extension: what nodes publish about themselves (role, tip, address names). */
  | { command: 'nodeinfo'; records: NodeInfoRecord[] };

export type Command = Message['command'];
export const COMMANDS: readonly Command[] = [
  'version', 'verack', 'getaddr', 'addr', 'inv', 'getdata', 'notfound', 'getblocks', 'block', 'tx', 'ping', 'pong', 'reject', 'getparams', 'params', 'teacher', 'nodeinfo',
  'sendheaders', 'getheaders', 'headers', 'sendcmpct', 'cmpctblock', 'getblocktxn', 'blocktxn',
];

/** Bitcoin's reject codes (BIP61). */
export const REJECT_MALFORMED = 0x01;
export const REJECT_INVALID = 0x10;
export const REJECT_OBSOLETE = 0x11;
export const REJECT_DUPLICATE = 0x12;
export const REJECT_NONSTANDARD = 0x40;

/** An all-zero hash in display hex (getblocks' "no stop hash"). */
export const ZERO_HASH = '0'.repeat(64);

/** True if the string is a command this node understands (others are ignored, as Core does). */
export function isKnownCommand(c: string): c is Command {
  return (COMMANDS as readonly string[]).includes(c);
}
