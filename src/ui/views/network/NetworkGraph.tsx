import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { viewStore, type ViewState } from '../../runtime/viewStore';
import { useViewShallow } from '../../useView';
import type { MessageEvent } from '../../../node/events';
import { COMMAND_COLORS, commandColor, isKeepalive } from './commandColors';
import { PacketLayer } from './packetLayer';

/** Most message animations in flight at once, and started per store update (a sync burst must not flood the canvas). */
const MAX_PACKETS = 24;
const MAX_NEW_PER_UPDATE = 8;
const PACKET_MS = 600;
/**
 * Redraws per second of the messages in flight (the graph itself redraws only when it changes).
 * Each redraw re-uploads the overlay canvas (~1 ms in a software-composited tab): 20 keeps a
 * packet's flight smooth enough (12 positions) at two thirds of the cost of 30.
 */
const PACKET_FPS = 20;

/** What the layout reads of the peers (their round trips change with every pong, the layout does not). */
export function layoutKey(peers: readonly { id: string; ready: boolean; role?: string; height?: number }[]): string {
  return peers.map((p) => `${p.id}/${p.ready ? 1 : 0}/${p.role ?? ''}/${p.height ?? ''}`).join(' ');
}

/** The drawing's coordinate system (the SVG scales it to the panel, keeping proportions). */
const VIEW_W = 700;
const VIEW_H = 440;
const PEER_R = 39;
const SELF_R = 48;

export interface GraphNode {
  id: string;
  x: number;
  y: number;
  r: number;
  label: string[];
  color: string;
  self: boolean;
  /** Known by address only (no live link): drawn dashed on the outer ring. */
  known: boolean;
}

const roleColor = (role?: string) => (role === 'central' ? '#6f42c1' : role === 'miner' ? '#b35c00' : role === 'wallet' ? '#0b6bcb' : '#5f6b7a');

/**
 * Concentric layout: this node in the middle, peers with a live link on the inner ring, nodes known
 * only by address on the outer ring, each ring in id order starting at the top. Pure, for tests.
 */
export function layoutGraph(
  s: Pick<ViewState, 'nodeId' | 'role' | 'height' | 'peers' | 'knownNodes'>,
  roleName: (role: string) => string,
): { nodes: GraphNode[]; edges: [string, string][] } {
  const ready = s.peers.filter((p) => p.ready).map((p) => p.id).sort(byId);
  const linked = new Set(ready);
  const others = [...new Set([...s.peers.map((p) => p.id), ...s.knownNodes])].filter((id) => id !== s.nodeId && !linked.has(id)).sort(byId);
  const label = (id: string, role?: string, height?: number) => [id, role ? roleName(role) : '?', ...(height !== undefined && height >= 0 ? [`#${height}`] : [])];
  const cx = VIEW_W / 2;
  const cy = VIEW_H / 2;
  const nodes: GraphNode[] = [{ id: s.nodeId, x: cx, y: cy, r: SELF_R, label: label(s.nodeId, s.role, s.height), color: roleColor(s.role), self: true, known: false }];
  // Rings are ellipses (the panel is wider than it is tall), nodes spaced at equal arc lengths
  // from the top; discs shrink when a ring is crowded and stay inside the gap between the rings.
  const INNER = { rx: 200, ry: 105 };
  const OUTER = { rx: 310, ry: 178 };
  const gapR = others.length ? (OUTER.ry - INNER.ry) / 2 - 2 : PEER_R;
  const ring = (ids: string[], rx: number, ry: number, known: boolean) => {
    if (!ids.length) return;
    const pts = ellipsePoints(rx, ry, ids.length);
    const arc = ellipsePerimeter(rx, ry) / ids.length;
    const r = Math.max(6, Math.min(PEER_R, gapR, arc / 2 - 2));
    ids.forEach((id, i) => {
      const peer = s.peers.find((p) => p.id === id);
      const full = label(id, peer?.role, peer?.height);
      nodes.push({ id, x: cx + pts[i]!.x, y: cy + pts[i]!.y, r, label: r < 24 ? full.slice(0, 1) : full, color: known ? '#c9ced6' : roleColor(peer?.role), self: false, known });
    });
  };
  ring(ready, INNER.rx, INNER.ry, false);
  ring(others, OUTER.rx, OUTER.ry, true);
  return { nodes, edges: ready.map((id) => [s.nodeId, id]) };
}

/** Perimeter of an ellipse, by summing 720 chords. */
function ellipsePerimeter(rx: number, ry: number): number {
  let p = 0;
  for (let i = 0; i < 720; i++) {
    const a = (2 * Math.PI * i) / 720;
    const b = (2 * Math.PI * (i + 1)) / 720;
    p += Math.hypot(rx * (Math.cos(b) - Math.cos(a)), ry * (Math.sin(b) - Math.sin(a)));
  }
  return p;
}

/** `n` points on an ellipse centred at 0, equally spaced along its outline, the first at the top. */
function ellipsePoints(rx: number, ry: number, n: number): { x: number; y: number }[] {
  const steps = 720;
  const at = (k: number) => {
    const a = -Math.PI / 2 + (2 * Math.PI * k) / steps;
    return { x: rx * Math.cos(a), y: ry * Math.sin(a) };
  };
  const step = ellipsePerimeter(rx, ry) / n;
  const out = [at(0)];
  let walked = 0;
  let prev = at(0);
  for (let k = 1; k <= steps && out.length < n; k++) {
    const p = at(k);
    walked += Math.hypot(p.x - prev.x, p.y - prev.y);
    prev = p;
    if (walked >= step * out.length) out.push(p);
  }
  while (out.length < n) out.push(at(0));
  return out;
}

function byId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * This node and every node it knows of (peers and addr), live connections as edges, each message
 * animated along its edge and labelled with its command. Drawn as SVG by React: nothing runs while
 * nothing changes (a canvas graph library kept a 60 Hz frame loop going in every tab).
 */
export function NetworkGraph() {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const graphState = useViewShallow((s) => ({ nodeId: s.nodeId, role: s.role, height: s.height, peerKey: layoutKey(s.peers), knownNodes: s.knownNodes }));
  const graph = useMemo(() => layoutGraph({ ...graphState, peers: viewStore.getState().peers }, (r) => t(`role.${r}`)), [graphState, t]);
  const [keepalive, setKeepalive] = useState(false);
  const showKeepalive = useRef(keepalive);
  showKeepalive.current = keepalive;
  const graphRef = useRef(graph);
  graphRef.current = graph;

  useEffect(() => {
    const layer = new PacketLayer(overlay.current!, { durationMs: PACKET_MS, maxPackets: MAX_PACKETS, fps: PACKET_FPS });
    // The layer's own frame counter, readable from the canvas (the ui bench counts frames drawn, not rAF ticks).
    (overlay.current as HTMLCanvasElement & { packetLayer?: PacketLayer }).packetLayer = layer;
    // Where the SVG's drawing sits in the panel (preserveAspectRatio="xMidYMid meet").
    let scale = 1;
    let dx = 0;
    let dy = 0;
    const fit = () => {
      const w = box.current!.clientWidth;
      const h = box.current!.clientHeight;
      scale = Math.min(w / VIEW_W, h / VIEW_H);
      dx = (w - VIEW_W * scale) / 2;
      dy = (h - VIEW_H * scale) / 2;
      layer.resize(w, h, window.devicePixelRatio || 1);
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(box.current!);
    const disc = (id: string) => {
      const n = graphRef.current.nodes.find((g) => g.id === id);
      return n ? { x: dx + n.x * scale, y: dy + n.y * scale, r: (n.r + 7) * scale } : null;
    };
    let lastMessage = viewStore.getState().messages.at(-1)?.id ?? -1;
    const animateNew = (s: ViewState) => {
      const fresh: MessageEvent[] = [];
      for (let i = s.messages.length - 1; i >= 0 && s.messages[i]!.id > lastMessage; i--) fresh.push(s.messages[i]!);
      if (s.messages.length) lastMessage = s.messages[s.messages.length - 1]!.id;
      // In a burst (initial sync: hundreds of messages per update) show a sample, newest first.
      // The keepalive is not drawn unless asked for: each packet keeps the canvas redrawing for
      // PACKET_MS, so a tab at rest never stopped drawing (8 idle tabs of one browser spent about a
      // tenth of a core on it at the default 5-s pings, and a quarter at the benches' 1-s pings).
      const drawn = showKeepalive.current ? fresh : fresh.filter((m) => !isKeepalive(m.command));
      for (const m of drawn.slice(0, MAX_NEW_PER_UPDATE).reverse()) {
        const from = m.dir === 'out' ? s.nodeId : m.peer;
        const to = m.dir === 'out' ? m.peer : s.nodeId;
        if (!disc(from) || !disc(to)) continue;
        layer.add({ from: () => disc(from), to: () => disc(to) }, m.command, commandColor(m.command));
      }
    };
    const unsub = viewStore.subscribe(animateNew);
    return () => {
      unsub();
      ro.disconnect();
      layer.destroy();
    };
  }, []);

  const byNode = new Map(graph.nodes.map((n) => [n.id, n]));
  return (
    <section className="panel graph-panel" aria-labelledby="graph-title" data-testid="network-graph">
      <h2 id="graph-title">{t('graph.title')}</h2>
      <div className="graph-wrap">
        <div ref={box} className="graph" role="img" aria-label={t('graph.aria')} data-nodes={graph.nodes.map((n) => n.id).join(' ')} data-edges={graph.edges.map((e) => e.join('-')).join(' ')}>
          <svg viewBox={`0 0 ${VIEW_W} ${VIEW_H}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
            {graph.edges.map(([a, b]) => {
              const na = byNode.get(a)!;
              const nb = byNode.get(b)!;
              return <line key={`${a}-${b}`} x1={na.x} y1={na.y} x2={nb.x} y2={nb.y} className="graph-edge" />;
            })}
            {graph.nodes.map((n) => (
              <g key={n.id} className={`graph-node${n.self ? ' self' : ''}${n.known ? ' known' : ''}`} transform={`translate(${n.x.toFixed(1)} ${n.y.toFixed(1)})`}>
                <circle r={n.r} fill={n.color} />
                <text textAnchor="middle" fontSize={n.r < 30 ? 10 : 13}>
                  {n.label.map((line, i) => (
                    <tspan key={i} x={0} dy={i === 0 ? `${-0.6 * (n.label.length - 1) + 0.35}em` : '1.2em'}>{line}</tspan>
                  ))}
                </text>
              </g>
            ))}
          </svg>
        </div>
        <canvas ref={overlay} className="packet-layer" aria-hidden="true" />
      </div>
      <ul className="legend" aria-label={t('graph.legend')}>
        {Object.entries(COMMAND_COLORS).filter(([c]) => c !== 'params' && c !== 'getparams').map(([c, color]) => (
          <li key={c}><span className="swatch" style={{ background: color }} aria-hidden="true" /> {c}</li>
        ))}
        <li><span className="swatch dashed" aria-hidden="true" /> {t('graph.knownOnly')}</li>
      </ul>
      <label className="graph-keepalive">
        <input type="checkbox" checked={keepalive} onChange={(e) => setKeepalive(e.target.checked)} /> {t('msgx.showKeepalive')}
      </label>
    </section>
  );
}
