import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { rate } from '../../format';
import type { HashRatePoint } from '../../runtime/viewStore';

/** Seconds of history plotted. */
const WINDOW_S = 120;
/** Seconds the time axis spans at least. */
const MIN_SPAN_S = 30;
/** A pause longer than this between samples is drawn as a gap (mining stopped). */
const GAP_MS = 2_000;
const WORKER_COLOURS = ['#0b6bcb', '#6f42c1', '#1d7a34', '#b42318', '#8a5a00', '#0e7c86', '#5b6470', '#c2185b'];

/** Columns for uPlot: x in seconds before the latest sample, total rate, then each worker's rate. */
export function plotData(points: readonly HashRatePoint[], workers: number, windowS = WINDOW_S): (number | null)[][] {
  const last = points.length ? points[points.length - 1]!.time : 0;
  const recent = points.filter((p) => last - p.time <= windowS * 1000);
  const cols: (number | null)[][] = [[], [], ...Array.from({ length: workers }, () => [])];
  recent.forEach((p, i) => {
    if (i > 0 && p.time - recent[i - 1]!.time > GAP_MS) {
      cols[0]!.push((p.time - last) / 1000 - 0.001);
      for (let c = 1; c < cols.length; c++) cols[c]!.push(null);
    }
    cols[0]!.push((p.time - last) / 1000);
    cols[1]!.push(p.rate);
    for (let w = 0; w < workers; w++) cols[2 + w]!.push(p.perWorker[w] ?? null);
  });
  return cols;
}

/**
 * The miner's hash rate over the last two minutes (uPlot): all workers together and each worker,
 * so a class sees the rate add up and change when workers are added or removed.
 */
export function HashRatePlot({ points, workers }: { points: readonly HashRatePoint[]; workers: number }) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => plotData(points, workers), [points, workers]);
  const dataRef = useRef(data);
  dataRef.current = data;

  const hasPoints = points.length > 0;
  useEffect(() => {
    const el = box.current;
    if (!el || !hasPoints) return;
    const height = Math.max(160, Math.round(parseFloat(getComputedStyle(el).fontSize) * 13));
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      // At least the last 30 s, so the first seconds of mining show a time axis with several ticks
      // (a range of a second or two had one), growing to the whole window.
      scales: { x: { time: false, range: (_u, min) => [Math.min(min ?? 0, -MIN_SPAN_S), 0] } },
      axes: [
        { label: t('minerView.plot.x'), incrs: [1, 2, 5, 10, 15, 30, 60], values: (_u, vals) => vals.map((v) => `${Math.round(v)}`) },
        { label: t('minerView.plot.y'), size: 80, values: (_u, vals) => vals.map((v) => rate(v)) },
      ],
      series: [
        { label: t('minerView.plot.time'), value: (_u, v) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} s`) },
        { label: t('minerView.plot.total'), stroke: '#b35c00', width: 3, value: (_u, v) => (v === null || v === undefined ? '—' : rate(v)) },
        ...Array.from({ length: workers }, (_, w) => ({
          label: t('minerView.worker', { n: w + 1 }),
          stroke: WORKER_COLOURS[w % WORKER_COLOURS.length],
          width: 1.5,
          dash: [6, 4],
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : rate(v)),
        })),
      ],
    };
    const u = new uPlot(opts, dataRef.current as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [workers, t, i18n.resolvedLanguage, hasPoints]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const latest = points[points.length - 1];
  const max = points.reduce((m, p) => Math.max(m, p.rate), 0);
  return (
    <figure className="hashrate-plot">
      {hasPoints && <div ref={box} role="img" aria-label={latest ? t('minerView.plot.aria', { now: rate(latest.rate), max: rate(max) }) : ''} />}
      <figcaption className={hasPoints ? 'muted small' : 'muted'}>{hasPoints ? t('minerView.plot.caption') : t('minerView.plot.empty')}</figcaption>
    </figure>
  );
}
