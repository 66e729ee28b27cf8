/**
 * The node's view of the network: links to peers that carry byte arrays. Implemented over
 * PeerJS/WebRTC in tabs and by an in-memory network in tests; the node never knows which.
 */

/** One open, ordered, reliable connection to one peer. */
export interface Link {
  /** The remote node's id. */
  readonly peerId: string;
  /** True if this side opened the connection. */
  readonly outbound: boolean;
  /** Sends one message (a whole frame); silently dropped if the link has closed. */
  send(data: Uint8Array): void;
  /** Closes the link; `onclose` fires on both sides. */
  close(reason?: string): void;
  /** Set by the node: called for each message received. */
  onmessage: ((data: Uint8Array) => void) | null;
  /** Set by the node: called once when the link closes (either side, or the connection dies). */
  onclose: ((reason: string) => void) | null;
}

/** Opens links and accepts incoming ones for one node id. */
export interface Transport {
  readonly localId: string;
  /**
   * Largest message (one whole frame, header included) a link carries. Absent: one WebRTC message,
   * 256 KiB (Chromium's SCTP limit, `MAX_MESSAGE`). The in-memory network has no such limit and
   * may carry Bitcoin's 1 MB blocks (Core's MAX_PROTOCOL_MESSAGE_LENGTH is 4,000,000 bytes).
   */
  readonly maxFrameBytes?: number;
  /** Asks for a link to `peerId`; the result arrives through `onlink` or `onconnectfailed`. */
  connect(peerId: string): void;
  /** Set by the node: a link (incoming or outgoing) is open. */
  onlink: ((link: Link) => void) | null;
  /** Set by the node: an outgoing connection could not be made. */
  onconnectfailed: ((peerId: string, reason: string) => void) | null;
  /** Closes every link and stops accepting new ones. */
  close(): void;
  /**
   * Node ids of this network registered with the signalling service now, if it can tell (PeerJS
   * `allow_discovery`): a mesh node's DNS seed when its seeds and stored addresses are gone.
   */
  discover?(): Promise<string[]>;
}

/** Time source and timers, injected so tests control time completely. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(ms: number, fn: () => void): number;
  clearTimer(id: number): void;
}

/** Randomness, injected so tests are reproducible. */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform 64-bit unsigned integer (version and ping nonces). */
  nonce64(): bigint;
  /** 32 random bytes (new wallet keys). */
  bytes32(): Uint8Array;
}

/** The real clock (browser or Node). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => setTimeout(fn, ms) as unknown as number,
  clearTimer: (id) => clearTimeout(id),
};

/** Cryptographically secure randomness from WebCrypto (browsers and Node 20). */
export const systemRandom: Random = {
  next: () => {
    const b = new Uint32Array(1);
    crypto.getRandomValues(b);
    return b[0]! / 2 ** 32;
  },
  nonce64: () => {
    const b = new BigUint64Array(1);
    crypto.getRandomValues(b);
    return b[0]!;
  },
  bytes32: () => crypto.getRandomValues(new Uint8Array(32)),
};
