/**
 * The proof-of-work search kernel: SHA-256d over an 80-byte header, specialised for trying many
 * nonces of one header (bcoin's `lib/mining/mine.js` idea, taken further).
 *
 * What makes it fast (FIPS 180-4 §6.2 applied twice, as Bitcoin does):
 *  - Midstate: the header's first 64 bytes (version, previous hash, 28 bytes of merkle root) do
 *    not change with the nonce, so their compression runs once per job.
 *  - Block 2 is header bytes 64..79 plus fixed padding (0x80, zeros, length 640): the padding
 *    words are constants and fold into the round constants. Words 0..2 (merkle tail, time, bits)
 *    are per-job, word 3 is the nonce, so rounds 0..2 and many schedule terms are per-job too.
 *  - The second SHA-256 hashes 32 bytes with constant padding (length 256) from the constant IV.
 *  - Early exit: Bitcoin compares the hash as a little-endian number, whose top 32 bits are the
 *    byte-swapped last state word H7 — and H7 = IV7 + (e after round 60), so rounds 61..63 are
 *    never computed. Only a nonce whose top word passes the threshold is hashed in full.
 *  - No allocation in the loop: state lives in locals (JS) or registers (WebAssembly).
 *
 * The hot loops are generated from one traced description by `scripts/gen-sha256d.ts`
 * (`sha256d.scan.ts` for JavaScript, `sha256dWasm.ts` for WebAssembly SIMD and scalar). This file
 * holds the plain reference SHA-256d, the job preparation, and the search that verifies
 * candidates in full and tracks the best hash seen, whichever backend scans.
 */
import { scanJs } from './sha256d.scan';
import { SHA256_IV as IV, SHA256_K as K } from './sha256Constants';
import { compareHashes, hashMeetsTarget, leadingZeroBits, targetFromBits } from '../consensus/pow';
import { HEADER_BITS, HEADER_NONCE, HEADER_TIME, assertHeader } from '../primitives/headerLayout';
import { hashToHex, readU32LE, writeU32LE } from '../encoding';

const W = new Int32Array(64);

/** One SHA-256 compression of `block[offset..offset+64)` into `state` (the plain reference form). */
function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + 4 * i;
    W[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!, y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + (g ^ (e & (f ^ g))) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0; state[1] = (state[1]! + b) | 0; state[2] = (state[2]! + c) | 0; state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0; state[5] = (state[5]! + f) | 0; state[6] = (state[6]! + g) | 0; state[7] = (state[7]! + h) | 0;
}

const PAD80 = new Uint8Array(64);
PAD80[16] = 0x80; PAD80[62] = 0x02; PAD80[63] = 0x80; // 640 bits
const PAD32 = new Uint8Array(64);
PAD32[32] = 0x80; PAD32[62] = 0x01; // 256 bits

/**
 * SHA-256d of an 80-byte header (the block hash, in internal byte order), computed plainly from
 * the standard; the reference the generated kernels are checked against and the full check every
 * candidate nonce goes through.
 */
export function sha256d80(header: Uint8Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
  assertHeader(header);
  const st = Int32Array.from(IV);
  compress(st, header, 0);
  PAD80.set(header.subarray(64, 80), 0);
  compress(st, PAD80, 0);
  for (let i = 0; i < 8; i++) {
    PAD32[4 * i] = st[i]! >>> 24; PAD32[4 * i + 1] = st[i]! >>> 16; PAD32[4 * i + 2] = st[i]! >>> 8; PAD32[4 * i + 3] = st[i]!;
  }
  st.set(IV);
  compress(st, PAD32, 0);
  for (let i = 0; i < 8; i++) {
    out[4 * i] = st[i]! >>> 24; out[4 * i + 1] = st[i]! >>> 16; out[4 * i + 2] = st[i]! >>> 8; out[4 * i + 3] = st[i]!;
  }
  return out;
}

/**
 * Writes a job's inputs in the kernels' layout: words 0..7 the midstate of header bytes 0..63,
 * words 8..10 header bytes 64..75 read big-endian (merkle tail, time, bits), as SHA-256 reads them.
 */
export function writeJobWords(header: Uint8Array, io: Int32Array): void {
  assertHeader(header);
  const st = Int32Array.from(IV);
  compress(st, header, 0);
  io.set(st, 0);
  for (let i = 0; i < 3; i++) {
    const o = 64 + 4 * i;
    io[8 + i] = (header[o]! << 24) | (header[o + 1]! << 16) | (header[o + 2]! << 8) | header[o + 3]!;
  }
}

/** Names of the scan backends, fastest first where supported. */
export type KernelName = 'wasm-simd' | 'wasm-scalar' | 'js';

/** Word offset of the candidate threshold in a backend's `io` view (see scripts/gen-sha256d.ts). */
export const IO_THRESHOLD = 11;
/** Word offset where a backend stores the top words of the group it stopped on. */
export const IO_TOPS = 16;

/**
 * A generated scan loop and its job memory: `scan(start, count)` tries whole groups of `lanes`
 * nonces and returns the offset of the first group with a lane whose top word <= io[11] (storing
 * the group's top words at io[16..]), or -1.
 */
export interface ScanBackend {
  readonly name: KernelName;
  readonly lanes: number;
  readonly io: Int32Array;
  scan(start: number, count: number): number;
}

/** The pure-JavaScript backend (runs wherever JavaScript does; about half the SIMD speed or less). */
export function jsBackend(): ScanBackend {
  const io = new Int32Array(32);
  return { name: 'js', lanes: 1, io, scan: (start, count) => scanJs(io, start, count) };
}

/** The best (lowest) hash seen while searching, for the miner view. */
export interface BestHash {
  /** SHA-256d in internal byte order. */
  hash: Uint8Array;
  /** Leading zero bits of the displayed hash. */
  zeroBits: number;
  /** Displayed (reversed) hex. */
  hex: string;
  nonce: number;
  time: number;
}

const TWO32 = 0x1_0000_0000;
/** The most nonces one backend call is given (its offsets are int32). */
const MAX_SCAN = 1 << 30;

/**
 * Searches nonces of one header with a backend: the backend filters on the top word, and every
 * candidate is hashed in full with `sha256d80` before it counts, so a backend bug can only miss a
 * solution, never forge one. Tracks hashes tried and the best hash, also across `setTime` rolls.
 */
export class NonceSearcher {
  readonly backend: ScanBackend;
  /** Hashes tried since `setJob`. */
  hashes = 0;
  private readonly header = new Uint8Array(80);
  private readonly digest = new Uint8Array(32);
  private target = 0n;
  private targetTop = 0;
  private bestHash: BestHash | null = null;
  private bestTop = TWO32;
  private threshold = 0;

  constructor(backend: ScanBackend) {
    this.backend = backend;
  }

  /** Loads a header template (its nonce is ignored) and target (default: decoded from its `bits`); resets stats. */
  setJob(header: Uint8Array, target?: bigint): void {
    assertHeader(header);
    this.header.set(header);
    this.target = target ?? targetFromBits(readU32LE(header, HEADER_BITS));
    if (this.target < 0n) throw new RangeError('target must be non-negative');
    this.targetTop = targetTopWord(this.target);
    this.bestHash = null;
    this.bestTop = TWO32;
    this.hashes = 0;
    writeJobWords(this.header, this.backend.io);
    this.updateThreshold();
  }

  /** Rolls the header's `time` field (nonce space exhausted); keeps stats and best. */
  setTime(time: number): void {
    writeU32LE(this.header, HEADER_TIME, time);
    // Time is header word 17 (bytes 68..71), read big-endian by SHA-256: io word 9.
    const h = this.header;
    this.backend.io[9] = (h[68]! << 24) | (h[69]! << 16) | (h[70]! << 8) | h[71]!;
  }

  /** The header's current `time` field. */
  get time(): number {
    return readU32LE(this.header, HEADER_TIME);
  }

  /** The best hash seen since `setJob`, or null before the first scan. */
  get best(): BestHash | null {
    return this.bestHash;
  }

  /** A copy of the current header with `nonce` written in. */
  headerWithNonce(nonce: number): Uint8Array {
    const out = this.header.slice();
    writeU32LE(out, HEADER_NONCE, nonce);
    return out;
  }

  /**
   * Tries nonces start .. start+count−1 (no wrap past 2^32 − 1) in order and returns the first
   * whose header hash meets the target, or −1.
   */
  search(start: number, count: number): number {
    if (!Number.isInteger(start) || start < 0 || start >= TWO32) throw new RangeError(`bad start nonce ${start}`);
    if (!Number.isInteger(count) || count < 0 || start + count > TWO32) throw new RangeError(`bad nonce count ${count}`);
    const { backend } = this;
    const { io, lanes } = backend;
    let off = 0;
    while (off < count) {
      const piece = Math.min(count - off, MAX_SCAN);
      const r = backend.scan((start + off) | 0, piece);
      if (r < 0) { off += piece; continue; }
      const group = off + r;
      for (let l = 0; l < lanes && group + l < count; l++) {
        if ((io[IO_TOPS + l]! >>> 0) > this.threshold) continue;
        const nonce = start + group + l;
        if (this.check(nonce)) {
          this.hashes += group + l + 1;
          return nonce;
        }
      }
      off = group + lanes;
    }
    this.hashes += count;
    return -1;
  }

  /** Full check of one candidate: true when it meets the target; updates the best hash either way. */
  private check(nonce: number): boolean {
    writeU32LE(this.header, HEADER_NONCE, nonce);
    const hash = sha256d80(this.header, this.digest);
    const top = ((hash[31]! << 24) | (hash[30]! << 16) | (hash[29]! << 8) | hash[28]!) >>> 0;
    if (!this.bestHash || compareHashes(hash, this.bestHash.hash) < 0) {
      this.bestHash = {
        hash: hash.slice(), zeroBits: leadingZeroBits(hash), hex: hashToHex(hash), nonce, time: this.time,
      };
      this.bestTop = top;
      this.updateThreshold();
    }
    return hashMeetsTarget(hash, this.target);
  }

  /** Candidates: top <= target's top word (may solve) or top < best's top word (new best). */
  private updateThreshold(): void {
    const forBest = this.bestTop === TWO32 ? 0xffffffff : this.bestTop - 1;
    this.threshold = Math.max(this.targetTop, forBest);
    this.backend.io[IO_THRESHOLD] = this.threshold | 0;
  }
}

/**
 * The top 32 bits of the target as a uint32 (target >> 224, saturated): what the kernels compare
 * each hash's top word with before checking the full 256 bits.
 */
export function targetTopWord(target: bigint): number {
  const top = target >> 224n;
  return top > 0xffffffffn ? 0xffffffff : Number(top);
}

/**
 * bcoin-style pure search with the JavaScript kernel: the first nonce in
 * [startNonce, startNonce + count) whose header meets `target` (default: from the header's bits),
 * or −1. The header is not modified. Every synchronous solver (`solveBlockSync`, the tests' miner)
 * calls this; the product's miners run the same `NonceSearcher` in workers or in chunks.
 */
export function mine(header: Uint8Array, target: bigint | undefined, startNonce: number, count: number): number {
  const searcher = new NonceSearcher(jsBackend());
  searcher.setJob(header, target);
  return searcher.search(startNonce, count);
}
