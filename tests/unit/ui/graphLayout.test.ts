/**
 * The node view's network graph layout: this node in the middle, live peers on the inner ring,
 * nodes known only by address on the outer ring, discs that never overlap and stay in the picture.
 */
import { describe, expect, it } from 'vitest';
import { layoutGraph, layoutKey } from '../../../src/ui/views/network/NetworkGraph';
import type { PeerRow } from '../../../src/ui/runtime/viewStore';

const peer = (id: string, ready = true, height = 3): PeerRow => ({ id, outbound: true, role: 'wallet', height, claimed: height, ready });
const state = (peers: PeerRow[], knownNodes: string[] = []) => ({ nodeId: '3000', role: 'central' as const, height: 3, peers, knownNodes });

describe('layoutGraph', () => {
  it('puts this node in the middle, live peers on the inner ring with edges, known-only nodes outside without', () => {
    const g = layoutGraph(state([peer('3001'), peer('3002'), peer('3003', false)], ['3004', '3001']), (r) => r);
    const at = (id: string) => g.nodes.find((n) => n.id === id)!;
    expect(at('3000')).toMatchObject({ self: true, known: false, label: ['3000', 'central', '#3'] });
    expect(g.edges).toEqual([['3000', '3001'], ['3000', '3002']]);
    expect(at('3003').known).toBe(true); // still handshaking: no edge yet
    expect(at('3004').known).toBe(true);
    expect(at('3004').label).toEqual(['3004', '?']);
    const d = (id: string) => Math.hypot(at(id).x - at('3000').x, at(id).y - at('3000').y);
    expect(d('3004')).toBeGreaterThan(d('3001'));
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['3000', '3001', '3002', '3003', '3004']);
  });

  it('keeps discs apart and inside the drawing for 1 to 40 nodes on each ring', () => {
    for (const n of [1, 2, 7, 15, 40]) {
      const ids = Array.from({ length: n }, (_, i) => String(3001 + i));
      const g = layoutGraph(state(ids.map((id) => peer(id)), ids.map((id) => String(Number(id) + 100))), (r) => r);
      for (const a of g.nodes) {
        expect(a.x - a.r).toBeGreaterThanOrEqual(0);
        expect(a.y - a.r).toBeGreaterThanOrEqual(0);
        expect(a.x + a.r).toBeLessThanOrEqual(700);
        expect(a.y + a.r).toBeLessThanOrEqual(440);
        for (const b of g.nodes) if (a !== b) expect(Math.hypot(a.x - b.x, a.y - b.y), `${n}: ${a.id}/${b.id}`).toBeGreaterThanOrEqual(a.r + b.r);
      }
    }
  });
});

describe('layoutKey', () => {
  it('changes with what the layout draws of a peer, not with its round trip', () => {
    const base = [peer('3001'), peer('3002', false)];
    const key = layoutKey(base);
    expect(layoutKey(base.map((p) => ({ ...p, rtt: 12, claimed: 9, outbound: false })))).toBe(key);
    expect(layoutKey([peer('3001'), peer('3002', true)])).not.toBe(key); // ready: an edge appears
    expect(layoutKey([peer('3001', true, 4), peer('3002', false)])).not.toBe(key); // height: its label
    expect(layoutKey([{ ...peer('3001'), role: 'miner' }, peer('3002', false)])).not.toBe(key); // role: colour and label
    expect(layoutKey([peer('3001'), peer('3003', false)])).not.toBe(key);
  });
});
