import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SimConnection } from './connection';
import type { Frame } from './protocol';

type Build = (width: number) => uPlot.Options;

/** One uPlot chart: built once per `build` (language, kind), fed new data without rebuilding. */
function Chart({ build, data, testId }: { build: Build; data: uPlot.AlignedData; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(build(Math.max(220, el.clientWidth)), dataRef.current, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(220, el.clientWidth), height: u.height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [build]);
  const shown = useRef<uPlot.AlignedData | null>(null);
  useEffect(() => {
    // A frame arrives several times a second; most leave a plot's numbers as they were.
    if (shown.current && sameData(shown.current, data)) return;
    shown.current = data;
    plot.current?.setData(data);
  }, [data]);
  return <div ref={box} className="sim-chart" data-testid={testId} />;
}

function sameData(a: uPlot.AlignedData, b: uPlot.AlignedData): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

const HEIGHT = 200;
const bars = uPlot.paths.bars!({ size: [0.8, 40] });

/** Vertical marks at given x values, labelled (the CDF's 50th and 90th percentiles). */
function marks(get: () => { x: number; label: string }[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#b42318';
        ctx.fillStyle = '#b42318';
        ctx.setLineDash([5, 4]);
        ctx.font = `${12 * devicePixelRatio}px sans-serif`;
        get().forEach((m, i) => {
          const x = u.valToPos(m.x, 'x', true);
          if (!Number.isFinite(x)) return;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          // Labels on rows of their own: close percentiles would print over each other.
          ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + (14 + 16 * i) * devicePixelRatio);
        });
        ctx.restore();
      },
    },
  };
}

const fmtMs = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
const mb = (bytes: number) => (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1);

/**
 * Network-wide plots (uPlot): how fast blocks reached the nodes (the CDF of propagation delays with
 * its 50th and 90th percentiles), the stale-block rate as blocks were found, the block-interval
 * histogram, and the bytes each link carried.
 */
export function Plots({ conn }: { conn: SimConnection }) {
  const { t, i18n } = useTranslation();
  const frame = useStore(conn.store, (s) => s.frame);
  const pRef = useRef<Frame['summary'] | null>(null);
  pRef.current = frame?.summary ?? null;
  const lang = i18n.resolvedLanguage;
  const builds = useRef<Record<string, { lang?: string; build: Build }>>({});
  const memo = (key: string, make: () => Build): Build => {
    const b = builds.current[key];
    if (b && b.lang === lang) return b.build;
    const build = make();
    builds.current[key] = { lang, build };
    return build;
  };
  if (!frame) return null;
  const s = frame.summary;
  const cdf: uPlot.AlignedData = [s.cdf.map((p) => p[0] / 1000), s.cdf.map((p) => p[1] * 100)];
  const stale: uPlot.AlignedData = [frame.staleSeries.map((p) => p[0]), frame.staleSeries.map((p) => p[1] * 100)];
  const intervals: uPlot.AlignedData = [s.intervals.map((b) => b[0]), s.intervals.map((b) => b[1])];
  const links: uPlot.AlignedData = [s.links.map((_, i) => i + 1), s.links.map((l) => l.bytes / 1e6)];
  const total = Object.values(s.byKind).reduce((a, b) => a + b, 0);

  const cdfBuild = memo('cdf', () => (width) => ({
    width, height: HEIGHT, scales: { x: { time: false } }, legend: { show: false },
    axes: [{ label: t('sim.plot.delay') }, { label: t('sim.plot.nodesWithBlock'), size: 60 }],
    series: [{}, { stroke: '#0b6bcb', width: 2, fill: '#0b6bcb22' }],
    plugins: [marks(() => {
      const p = pRef.current;
      return p && p.p50 !== null && p.p90 !== null ? [{ x: p.p50 / 1000, label: 'p50' }, { x: p.p90 / 1000, label: 'p90' }] : [];
    })],
  }));
  const staleBuild = memo('stale', () => (width) => ({
    width, height: HEIGHT, scales: { x: { time: false }, y: { range: [0, 100] } }, legend: { show: false },
    axes: [{ label: t('sim.plot.blocksFound') }, { label: t('sim.plot.staleRate'), size: 60 }],
    series: [{}, { stroke: '#b35c00', width: 2 }],
  }));
  const fromZero: uPlot.Scale = { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] };
  const intervalBuild = memo('intervals', () => (width) => ({
    width, height: HEIGHT, scales: { x: { time: false }, y: fromZero }, legend: { show: false },
    axes: [{ label: t('sim.plot.interval') }, { label: t('sim.plot.blocks'), size: 50 }],
    series: [{}, { stroke: '#1d7a34', fill: '#1d7a3466', paths: bars, points: { show: false } }],
  }));
  const linkBuild = memo('links', () => (width) => ({
    width, height: HEIGHT, scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } }, legend: { show: false },
    axes: [{ label: t('sim.plot.linkRank') }, { label: t('sim.plot.megabytes'), size: 60 }],
    series: [{}, { stroke: '#6f42c1', fill: '#6f42c166', paths: bars, points: { show: false } }],
  }));

  return (
    <section className="sim-plots" aria-label={t('sim.plot.title')}>
      <figure className="panel">
        <h2>{t('sim.plot.propagation')}</h2>
        <Chart build={cdfBuild} data={cdf} testId="plot-propagation" />
        <figcaption data-testid="sim-percentiles">{t('sim.plot.percentiles', { p50: fmtMs(s.p50), p90: fmtMs(s.p90), blocks: s.blocks })}</figcaption>
      </figure>
      <figure className="panel">
        <h2>{t('sim.plot.stale')}</h2>
        <Chart build={staleBuild} data={stale} testId="plot-stale" />
        <figcaption data-testid="sim-stale">{t('sim.plot.staleText', { stale: s.stale, blocks: s.blocks, rate: (s.staleRate * 100).toFixed(1) })}</figcaption>
      </figure>
      <figure className="panel">
        <h2>{t('sim.plot.intervals')}</h2>
        <Chart build={intervalBuild} data={intervals} testId="plot-intervals" />
        <figcaption>{t('sim.plot.meanInterval', { mean: s.meanInterval === null ? '—' : s.meanInterval.toFixed(1) })}</figcaption>
      </figure>
      <figure className="panel">
        <h2>{t('sim.plot.traffic')}</h2>
        <Chart build={linkBuild} data={links} testId="plot-traffic" />
        <figcaption>
          {t('sim.plot.trafficText', { links: s.linkCount, total: mb(total) })}{' '}
          {(Object.entries(s.byKind) as [string, number][]).map(([k, v]) => `${k} ${total ? Math.round((v / total) * 100) : 0} %`).join(' · ')}
        </figcaption>
      </figure>
    </section>
  );
}
