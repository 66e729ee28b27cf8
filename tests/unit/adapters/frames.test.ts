/**
 * Frames back to back on a data channel: what a node sends a peer in one task goes as one
 * message, cut into the same frames on arrival; a truncated piece reaches the frame parser,
 * which refuses it as it refuses any truncated frame.
 */
import { describe, expect, it } from 'vitest';
import { COALESCE_BYTES, FrameCoalescer, framesOf } from '../../../src/adapters/peerjs/frames';
import { encodeMessage, parseFrame } from '../../../src/node/wire/frame';

const MAGIC = 0x0b110907;
const ping = (n: number) => encodeMessage(MAGIC, { command: 'ping', nonce: BigInt(n) });
const tx = (size: number) => encodeMessage(MAGIC, { command: 'notfound', items: Array.from({ length: Math.floor(size / 36) }, (_, i) => ({ type: 1, hash: i.toString(16).padStart(64, '0') })) });

/** A coalescer whose deferred flush the test runs by hand (the task's microtasks). */
function coalescer() {
  const written: Uint8Array[] = [];
  let pending: (() => void) | null = null;
  const c = new FrameCoalescer((m) => written.push(m), (f) => (pending = f));
  return { c, written, endTask: () => (pending?.(), (pending = null)) };
}

describe('frames on a data channel', () => {
  it('frames sent in one task leave as one message when its microtasks run, and arrive as the same frames in order', () => {
    const { c, written, endTask } = coalescer();
    const frames = [ping(1), tx(2_000), ping(2)];
    expect(c.pending).toBe(false);
    for (const f of frames) c.push(f);
    expect(written).toHaveLength(0);
    expect(c.pending).toBe(true); // (a link closed now waits a moment for them: transport.ts)
    endTask();
    expect(c.pending).toBe(false);
    expect(written).toHaveLength(1);
    expect(written[0]!.length).toBe(frames.reduce((n, f) => n + f.length, 0));
    expect([...framesOf(written[0]!)]).toEqual(frames);
    for (const f of framesOf(written[0]!)) expect(parseFrame(MAGIC, f).ok).toBe(true);
    endTask();
    expect(written).toHaveLength(1); // nothing more queued, nothing more sent
  });

  it(`a frame that would pass ${COALESCE_BYTES} bytes starts the next message; a bigger frame goes alone`, () => {
    const { c, written, endTask } = coalescer();
    const big = tx(40_000);
    c.push(big);
    c.push(tx(40_000)); // 80 KB together: the first goes now
    expect(written).toEqual([big]);
    const huge = tx(100_000);
    c.push(huge);
    endTask();
    expect(written.map((m) => m.length)).toEqual([big.length, big.length, huge.length]);
    expect(written.every((m) => [...framesOf(m)].length === 1)).toBe(true);
  });

  it('a truncated last frame, or a piece shorter than a header, is handed on whole and refused by the frame parser', () => {
    const whole = ping(7);
    const cut = tx(500).subarray(0, 100);
    const pieces = [...framesOf(new Uint8Array([...whole, ...cut]))];
    expect(pieces).toHaveLength(2);
    expect(parseFrame(MAGIC, pieces[0]!).ok).toBe(true);
    const r = parseFrame(MAGIC, pieces[1]!);
    expect(r.ok === false && r.fault.kind).toBe('length-mismatch');
    const tail = [...framesOf(new Uint8Array([...whole, 1, 2, 3]))];
    const t = parseFrame(MAGIC, tail[1]!);
    expect(t.ok === false && t.fault.kind).toBe('too-short');
    // A header claiming more than the message holds takes the rest, no more.
    const lying = Uint8Array.from(whole);
    new DataView(lying.buffer).setUint32(16, 0xffffffff, true);
    expect([...framesOf(lying)]).toEqual([lying]);
  });
});
