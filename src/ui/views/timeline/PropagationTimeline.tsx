import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BlockStep } from '../../../node/propagation';
import { assembleTimeline, axisTicks } from './assemble';

/** Width of one step's label, in em of the timeline (used to stack labels that would overlap). */
const LABEL_EM = 15;
/** Height of one label level, in em. */
const LEVEL_EM = 2;

/** The message a step of an older record came from (before steps named it). */
const DEFAULT_VIA: Partial<Record<BlockStep['kind'], string>> = { announced: 'inv', requested: 'getdata', received: 'block', sent: 'block' };

/** Counts of a compact block's rebuild for the labels ('rebuilt', 'missing'). */
function compactVars(e: BlockStep): Record<string, number> {
  const c = e.compact;
  if (!c) return {};
  return { total: c.total, fromPool: c.mempool + c.extra, prefilled: c.prefilled, missing: c.missing, fetched: c.fetched };
}

/** Milliseconds as "+12 ms" or "+1.25 s". */
export function offsetLabel(ms: number): string {
  return ms < 1000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/**
 * A horizontal timeline of one block's propagation: a row per node, each step (mined, announced,
 * requested, received, connected…) placed at its offset from the block's first sight, with a text
 * label (never colour alone) and a table of the same steps. Reusable: give it `{ node, kind, time }`
 * steps from one node or from every node (the teacher dashboard).
 */
export function PropagationTimeline({ events, self, caption }: { events: readonly BlockStep[]; self?: string; caption?: string }) {
  const { t } = useTranslation();
  const track = useRef<HTMLDivElement>(null);
  const [labelWidth, setLabelWidth] = useState(0.2);

  useEffect(() => {
    const el = track.current;
    if (!el) return;
    const measure = () => {
      const em = parseFloat(getComputedStyle(el).fontSize) || 16;
      const w = el.clientWidth;
      if (w > 0) setLabelWidth(Math.min(1, (LABEL_EM * em) / w));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [events.length > 0]);

  const timeline = useMemo(() => assembleTimeline(events, { self, labelWidth }), [events, self, labelWidth]);
  const ticks = axisTicks(timeline.span);
  const table = useMemo(() => [...events].sort((a, b) => a.time - b.time), [events]);
  const stepText = (e: BlockStep) => {
    // The message a step came from (inv or headers, block or cmpctblock), and for a compact block
    // how it was rebuilt: what the mempool held, what was prefilled, what had to be fetched.
    const vars = { peer: e.peer, via: e.via ?? DEFAULT_VIA[e.kind] ?? '', ...compactVars(e) };
    const kind = t(`timelineView.kind.${e.kind}`, { defaultValue: e.kind, ...vars });
    return e.peer ? t(`timelineView.withPeer.${e.kind}`, { defaultValue: `${kind} (${e.peer})`, ...vars }) : kind;
  };

  if (!events.length) return <p className="muted">{t('timelineView.noSteps')}</p>;
  return (
    <figure className="ptimeline">
      {caption && <figcaption>{caption}</figcaption>}
      <div className="ptl-grid">
        <div className="ptl-axis-label muted small">{t('timelineView.axis')}</div>
        <div className="ptl-axis" aria-hidden="true">
          {ticks.map((tk) => (
            <span key={tk} className="ptl-tick" style={{ left: `${timeline.span ? (100 * tk) / timeline.span : 0}%` }}>
              {offsetLabel(tk)}
            </span>
          ))}
        </div>
        {timeline.rows.map((row, r) => (
          <div key={row.node} className="ptl-row" role="group" aria-label={t('timelineView.rowAria', { node: row.node })}>
            <div className="ptl-node">
              <strong>{row.node}</strong>
              {row.node === self && <span className="tag">{t('timelineView.thisNode')}</span>}
            </div>
            <div className="ptl-track" ref={r === 0 ? track : undefined} style={{ height: `${row.levels * LEVEL_EM + 0.6}em` }}>
              <ol className="ptl-steps">
                {row.events.map((e, i) => (
                  <li
                    key={i}
                    className={`ptl-step kind-${e.kind} ${e.observed ? 'observed' : ''} anchor-${e.anchor}`}
                    style={{
                      top: `${e.level * LEVEL_EM + 0.3}em`,
                      ...(e.anchor === 'start' ? { left: `${e.x * 100}%` } : { right: `${(1 - e.x) * 100}%` }),
                      maxWidth: `${LABEL_EM}em`,
                    }}
                    title={e.observed ? t('timelineView.observed', { node: self ?? '' }) : undefined}
                  >
                    <span className="ptl-dot" aria-hidden="true" />
                    <span className="ptl-text">
                      {stepText(e)} <span className="ptl-offset">{offsetLabel(e.offset)}</span>
                      {e.observed && <span className="sr-only"> {t('timelineView.observed', { node: self ?? '' })}</span>}
                    </span>
                  </li>
                ))}
              </ol>
            </div>
          </div>
        ))}
      </div>
      <details className="ptl-table">
        <summary>{t('timelineView.tableSummary', { count: events.length })}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('timelineView.col.offset')}</th>
              <th scope="col">{t('timelineView.col.node')}</th>
              <th scope="col">{t('timelineView.col.step')}</th>
            </tr>
          </thead>
          <tbody>
            {table.map((e, i) => (
              <tr key={i}>
                <td className="mono">{offsetLabel(e.time - timeline.start)}</td>
                <td>{e.node}</td>
                <td>
                  {stepText(e)}
                  {e.observed && <span className="muted"> · {t('timelineView.observed', { node: self ?? '' })}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
