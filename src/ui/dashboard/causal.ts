/**
 * Propagation rows that respect causality. Each node stamps events with its own clock and the
 * dashboard estimates every clock's offset; an estimate a few milliseconds off can show a wallet
 * receiving a block before the central node that sent it to it — impossible in a star. The message
 * log says who sent the block (or announced it) to whom, so a receiver's times are raised to at least
 * the moment its sender had the block (mined or connected). Only display changes; the folded
 * state keeps what the nodes reported.
 */
import type { MessageRecord } from './model';
import type { Propagation, PropagationRow } from './derived';

/** Messages that bring a block (whole, compact, or a compact block's missing transactions). */
const BRINGS = new Set(['block', 'cmpctblock', 'blocktxn']);
/** Messages that announce one (BIP 130 headers, BIP 152's pushed compact block, inv). */
const ANNOUNCES = new Set(['inv', 'headers', 'cmpctblock']);

/** A row, and whether its times were raised to follow its sender's. */
export type CausalRow = PropagationRow & { adjusted?: boolean };

/** `prop` with every receiver's heard/received/connected no earlier than its sender had the block. */
export function causalPropagation(prop: Propagation, messages: readonly MessageRecord[]): Propagation & { rows: CausalRow[]; adjusted: number } {
  const rows = new Map<string, CausalRow>(prop.rows.map((r) => [r.node, { ...r }]));
  // Who first sent this block (or announced it) to each node.
  const blockFrom = new Map<string, string>();
  const invFrom = new Map<string, string>();
  for (const m of messages) {
    if (!m.hashes?.includes(prop.hash)) continue;
    if (BRINGS.has(m.cmd) && !blockFrom.has(m.to)) blockFrom.set(m.to, m.from);
    if (ANNOUNCES.has(m.cmd) && !invFrom.has(m.to)) invFrom.set(m.to, m.from);
  }
  const had = (r: CausalRow | undefined) => {
    if (!r) return undefined;
    const t = [r.mined, r.connected, r.received].filter((x): x is number => x !== undefined);
    return t.length ? Math.min(...t) : undefined;
  };
  const raise = (r: CausalRow, key: 'heard' | 'received' | 'connected', floor: number | undefined) => {
    const v = r[key];
    if (v === undefined || floor === undefined || v >= floor) return false;
    r[key] = floor;
    r.adjusted = true;
    return true;
  };
  // A chain of relays settles in at most one pass per hop.
  for (let pass = 0; pass < rows.size; pass++) {
    let changed = false;
    for (const r of rows.values()) {
      const sender = rows.get(blockFrom.get(r.node) ?? '');
      if (r.mined === undefined) changed = raise(r, 'received', had(sender)) || changed;
      const announcer = rows.get(invFrom.get(r.node) ?? '');
      changed = raise(r, 'heard', had(announcer)) || changed;
      changed = raise(r, 'connected', r.received) || changed;
    }
    if (!changed) break;
  }
  const out = prop.rows.map((r) => rows.get(r.node)!);
  out.sort((x, y) => (x.connected ?? x.mined ?? Infinity) - (y.connected ?? y.mined ?? Infinity));
  return { ...prop, rows: out, adjusted: out.filter((r) => r.adjusted).length };
}
