/**
 * The mining port: how a node asks for proof of work without knowing where it runs
 * (a pool of Web Workers in a tab, the main thread in tests and as a fallback).
 *
 * A job is a complete 80-byte block header template (version, previous hash, merkle root, time,
 * bits, nonce). The miner searches the 32-bit nonce space for a header whose SHA-256d, read as a
 * little-endian 256-bit number (Bitcoin's rule), is <= the target encoded by the header's `bits`.
 * When the nonce space is exhausted it rolls the header's time field forward by one second and
 * goes on, so the solved header may differ from the template in `time` and `nonce` only.
 */
export interface MiningJob {
  /** 80-byte serialized header template. Never mutated by the miner. */
  header: Uint8Array;
  /** Upper bound for the rolled `time` field (e.g. now + 2 h); rolling stops the search there. */
  maxTime?: number;
}

/** Progress reported a few times per second (never per nonce), for the UI's miner view. */
export interface MinerProgress {
  /** Hashes tried since the job started, all workers together. */
  hashes: number;
  /** Hashes per second over the last interval, all workers together. */
  hashRate: number;
  /** Hashes per second of each worker (index = worker). */
  perWorker: number[];
  /** Most leading zero bits seen in a displayed (reversed) hash so far, and that hash in hex. */
  bestZeroBits: number;
  bestHash: string;
  /** Expected seconds to find a block at the current rate and target (2^256 / (target+1) / rate). */
  expectedSeconds: number;
}

export interface MineOptions {
  signal?: AbortSignal;
  onProgress?: (p: MinerProgress) => void;
}

/**
 * Resolves with the solved 80-byte header, or `null` when cancelled through `signal`
 * (a new tip or a new template) — a stale solution is never returned after cancellation.
 */
export interface Miner {
  mine(job: MiningJob, options?: MineOptions): Promise<Uint8Array | null>;
  /** Number of parallel searchers (workers); adjustable from 1 to the core count where supported. */
  readonly concurrency: number;
  setConcurrency?(n: number): void;
  /** Mines at this fraction of full speed (0 < f ≤ 1): the teacher's throttle, like a CPU slider. */
  setThrottle?(fraction: number): void;
  /** Releases workers. */
  dispose?(): void;
}
