import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { SimConnection } from './connection';
import type { GraphInfo } from './protocol';

/** Where each region sits on the map (fractions of width and height), roughly as on a world map. */
const REGION_AT: Record<string, [number, number]> = {
  'north-america': [0.2, 0.33], 'south-america': [0.3, 0.78], europe: [0.5, 0.3], 'asia-pacific': [0.7, 0.58], japan: [0.86, 0.3], australia: [0.86, 0.82], classroom: [0.5, 0.5],
};
/** The tip most nodes follow first, then the others. */
export const TIP_COLOURS = ['#1d7a34', '#d9480f', '#6f42c1', '#0b6bcb', '#b42318', '#8a5a00', '#0e7c86', '#c2185b'];
const ASPECT = 0.7;

/** Positions in [0,1]²: each region's nodes on a sunflower spiral around the region's place. Pure. */
export function mapLayout(g: Pick<GraphInfo, 'regions' | 'regionNames'>): [number, number][] {
  const count = new Map<number, number>();
  for (const r of g.regions) count.set(r, (count.get(r) ?? 0) + 1);
  const seen = new Map<number, number>();
  const golden = Math.PI * (3 - Math.sqrt(5));
  return g.regions.map((r) => {
    const k = seen.get(r) ?? 0;
    seen.set(r, k + 1);
    const total = count.get(r) ?? 1;
    const [cx, cy] = REGION_AT[g.regionNames[r] ?? 'classroom'] ?? [0.5, 0.5];
    const spread = (g.regionNames.length > 1 ? 0.16 : 0.42) * Math.sqrt((k + 0.5) / total) * Math.min(1, Math.sqrt(total / 60) + 0.35);
    return [cx + spread * Math.cos(k * golden) * ASPECT, cy + spread * Math.sin(k * golden)];
  });
}

/**
 * Every simulated node on one canvas (a thousand of them stay cheap): coloured by the tip it
 * follows, miners as squares, offline nodes hollow, the node the views show ringed. A click picks
 * the node the views show.
 */
export function NetworkMap({ conn }: { conn: SimConnection }) {
  const { t } = useTranslation();
  const graph = useStore(conn.store, (s) => s.graph);
  const frame = useStore(conn.store, (s) => s.frame);
  const selected = useStore(conn.store, (s) => s.node);
  const canvas = useRef<HTMLCanvasElement>(null);
  const edgesLayer = useRef<HTMLCanvasElement | null>(null);
  const pos = useMemo(() => (graph ? mapLayout(graph) : []), [graph]);
  const miners = useMemo(() => new Set(graph?.miners ?? []), [graph]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !graph || !frame) return;
    const w = c.clientWidth * devicePixelRatio;
    const h = c.clientHeight * devicePixelRatio;
    if (c.width !== w || c.height !== h || !edgesLayer.current) {
      c.width = w;
      c.height = h;
      // The links never change during a run: drawn once per size on a layer of their own.
      const layer = document.createElement('canvas');
      layer.width = w;
      layer.height = h;
      const lc = layer.getContext('2d')!;
      lc.strokeStyle = graph.edges.length > 2000 ? '#5f6b7a18' : '#5f6b7a40';
      lc.lineWidth = devicePixelRatio;
      lc.beginPath();
      for (const [a, b] of graph.edges) {
        const pa = pos[a];
        const pb = pos[b];
        if (!pa || !pb) continue;
        lc.moveTo(pa[0] * w, pa[1] * h);
        lc.lineTo(pb[0] * w, pb[1] * h);
      }
      lc.stroke();
      edgesLayer.current = layer;
    }
    const ctx = c.getContext('2d')!;
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(edgesLayer.current, 0, 0);
    const r = Math.max(1.5, Math.min(9, 160 / Math.sqrt(graph.settings.nodes))) * devicePixelRatio;
    const offline = new Set(frame.offline);
    pos.forEach(([x, y], i) => {
      const colour = TIP_COLOURS[Math.min(frame.tipOf[i] ?? 0, TIP_COLOURS.length - 1)]!;
      ctx.beginPath();
      if (miners.has(i)) ctx.rect(x * w - r, y * h - r, 2 * r, 2 * r);
      else ctx.arc(x * w, y * h, r, 0, 2 * Math.PI);
      if (offline.has(i)) {
        ctx.strokeStyle = colour;
        ctx.lineWidth = devicePixelRatio * 1.5;
        ctx.stroke();
      } else {
        ctx.fillStyle = colour;
        ctx.fill();
      }
    });
    // Region names under their clusters (world links only).
    if (graph.regionNames.length > 1) {
      ctx.font = `${12 * devicePixelRatio}px sans-serif`;
      ctx.fillStyle = '#3d4653';
      ctx.textAlign = 'center';
      graph.regionNames.forEach((name, k) => {
        const at = REGION_AT[name];
        if (at && graph.regions.includes(k)) ctx.fillText(t(`sim.region.${name}`), at[0] * w, Math.min(h - 4, (at[1] + 0.2) * h));
      });
    }
    const sp = pos[selected];
    if (sp) {
      ctx.beginPath();
      ctx.arc(sp[0] * w, sp[1] * h, r + 4 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.stroke();
    }
  }, [graph, frame, pos, miners, selected, t]);

  useEffect(() => {
    const reset = () => (edgesLayer.current = null);
    addEventListener('resize', reset);
    return () => removeEventListener('resize', reset);
  }, []);
  useEffect(() => {
    edgesLayer.current = null;
  }, [graph]);

  if (!graph || !frame) return null;
  const pick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - rect.left) / rect.width;
    const y = (e.clientY - rect.top) / rect.height;
    let best = -1;
    let dist = Infinity;
    pos.forEach(([px, py], i) => {
      const d = (px - x) ** 2 + ((py - y) * rect.height / rect.width) ** 2;
      if (d < dist) (dist = d), (best = i);
    });
    if (best >= 0) conn.select(best);
  };
  return (
    <section className="panel sim-map" aria-labelledby="sim-map-title">
      <h2 id="sim-map-title">{t('sim.map.title', { nodes: graph.settings.nodes, links: graph.edges.length })}</h2>
      <canvas ref={canvas} onClick={pick} role="img" aria-label={t('sim.map.aria', { nodes: graph.settings.nodes, tips: frame.tips.length })} data-testid="sim-map" />
      <ul className="sim-legend">
        {frame.tips.slice(0, 6).map((tip, i) => (
          <li key={tip.hash}>
            <span className="swatch" style={{ background: TIP_COLOURS[Math.min(i, TIP_COLOURS.length - 1)] }} />
            {t('sim.map.tip', { height: tip.height, nodes: tip.nodes, hash: tip.hash.slice(0, 8) })}
          </li>
        ))}
        <li><span className="swatch square" /> {t('sim.map.miner')}</li>
        <li><span className="swatch hollow" /> {t('sim.map.offline')}</li>
      </ul>
    </section>
  );
}
