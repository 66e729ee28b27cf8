/**
 * Frames on a data channel, as Bitcoin's TCP stream carries them: back to back. What a node sends
 * one peer in one task (the 32 blocks answering a getdata, a header and a compact block) goes out
 * as one data-channel message of whole frames, up to COALESCE_BYTES; the receiver cuts it into
 * frames by the length in each header. Each data-channel message costs the page, Chromium's
 * WebRTC thread and its network service a thread hop or two; a download of 2,000 small blocks
 * took 2,000 of them, now about one per getdata.
 */
import { concatBytes, readU32LE } from '../../core/encoding';
import { HEADER_LEN, LENGTH_AT } from '../../node/wire/messages';
/** Most bytes of frames sent together (one frame may be bigger: it then goes alone). */
export const COALESCE_BYTES = 64 * 1024;

/**
 * The frames of one data-channel message, in order. A last piece shorter than its header says
 * (or shorter than a header) is handed on as it is: the node's frame parser refuses it with the
 * reason it gives any truncated frame.
 */
export function* framesOf(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; ) {
    const left = bytes.length - at;
    const size = left >= HEADER_LEN ? Math.min(left, HEADER_LEN + readU32LE(bytes, at + LENGTH_AT)) : left;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/**
 * Collects the frames sent in one task and hands them to `write` as one message when the task's
 * microtasks run (or sooner, when the next frame would pass COALESCE_BYTES). Order is kept.
 */
export class FrameCoalescer {
  private queued: Uint8Array[] = [];
  private bytes = 0;

  constructor(
    private readonly write: (message: Uint8Array) => void,
    // (Called on its own, never as a method: the browser's queueMicrotask throws unless `this` is the window.)
    private readonly defer: (flush: () => void) => void = (flush) => queueMicrotask(flush),
  ) {}

  push(frame: Uint8Array): void {
    if (this.queued.length && this.bytes + frame.length > COALESCE_BYTES) this.flush();
    this.queued.push(frame);
    this.bytes += frame.length;
    if (this.queued.length === 1) this.defer(() => this.flush());
  }

  /** True while frames wait for the end of the task. */
  get pending(): boolean {
    return this.queued.length > 0;
  }

  /** Sends what is queued now (nothing if it is empty). */
  flush(): void {
    if (!this.queued.length) return;
    const frames = this.queued;
    this.queued = [];
    this.bytes = 0;
    this.write(frames.length === 1 ? frames[0]! : concatBytes(...frames));
  }
}
