import type { Recorded } from '../tests/e2e/support/harness';
/**
 * Shared shape of every benchmark figure: a value printed beside its anchor (a reference measured
 * in the same run where possible) as a ratio, plus the bar the issue sets, if any.
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, and that reference's value in the same unit. */
  anchor: string;
  anchorValue: number;
  /** value / anchorValue. */
  ratio: number;
  /** Human-readable bar, e.g. ">= 3000/s"; `pass` says whether this run met it (absent: the run could not judge it). */
  bar?: string;
  pass?: boolean;
}

/** A benchmark module exports `run()`; bench/run.ts discovers every `*.bench.ts` file. */
export type BenchModule = { run: () => Promise<BenchFigure[]> };

/** Builds a figure and computes its ratio. */
export function figure(
  name: string,
  value: number,
  unit: string,
  anchor: string,
  anchorValue: number,
  bar?: { text: string; pass?: boolean },
): BenchFigure {
  return {
    name,
    value: round(value),
    unit,
    anchor,
    anchorValue: round(anchorValue),
    ratio: anchorValue ? round(value / anchorValue, 3) : 0,
    ...(bar ? { bar: bar.text, ...(bar.pass !== undefined ? { pass: bar.pass } : {}) } : {}),
  };
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Runs `fn` repeatedly for at least `ms` milliseconds and returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000, batch = 1): number {
  for (let i = 0; i < Math.min(50, batch * 5); i++) fn(); // warm up
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/**
 * Runs libsecp256k1 (WebAssembly) signature checks for `ms` of wall time before a measurement.
 * V8 first runs WebAssembly with its baseline compiler and moves hot functions to the optimising
 * one in the background, which takes a few seconds: measured here, verify/s rose from ≈2,900 in
 * the first second to ≈4,500 in the third. Benches measure the steady state a node reaches.
 */
export async function warmUpSignatures(ms = 3000): Promise<void> {
  const { secp256k1 } = await import('@noble/curves/secp256k1.js');
  const tiny = await import('tiny-secp256k1');
  const { secp256k1Wasm } = await import('../src/core');
  const priv = new Uint8Array(32).fill(7);
  const pub = secp256k1.getPublicKey(priv, true);
  const msg = new Uint8Array(32).fill(3);
  const sig = secp256k1.sign(msg, priv, { prehash: false });
  const end = performance.now() + ms;
  while (performance.now() < end)
    for (let i = 0; i < 64; i++) {
      tiny.verify(msg, pub, sig);
      secp256k1Wasm.verifySignatureCompact(sig, pub, msg);
    }
}

/** The middle value of xs (the upper of the two middle ones for an even count): the benches' median of repeats. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The q-quantile of xs, interpolated between the two nearest ranks (NaN for none). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
}

/** A recorded message of a tab (tests/e2e/support/harness.ts's recorder). */
type RecordedMessage = Extract<Recorded, { type: 'message' }>;

/** Round trips of a tab's keep-alive pings (from `since` on): each ping out paired with the next pong in from that peer. */
export function roundTrips(events: readonly Recorded[], since = -Infinity): number[] {
  const sent = new Map<string, number>();
  const out: number[] = [];
  for (const e of events) {
    if (e.type !== 'message' || e.at < since) continue;
    const m = e as RecordedMessage;
    if (m.dir === 'out' && m.command === 'ping') sent.set(m.peer, m.at);
    else if (m.dir === 'in' && m.command === 'pong' && sent.has(m.peer)) {
      out.push(m.at - sent.get(m.peer)!);
      sent.delete(m.peer);
    }
  }
  return out;
}
