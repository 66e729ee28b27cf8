import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clockTime, short } from '../../format';
import { useView } from '../../useView';
import { blocksSeen, stepsOfBlock } from '../../../node/propagation';
import { offsetLabel, PropagationTimeline } from './PropagationTimeline';

/**
 * The propagation view: for a block this node has seen, when it was mined, announced (inv),
 * requested (getdata), received and sent (block), stored and connected — by this node and, as
 * this node observed them through their messages, by its peers. Bitcoin's inv → getdata → block.
 */
export function TimelineView() {
  const { t } = useTranslation();
  const records = useView((s) => s.propagation);
  const blocks = useView((s) => s.blocks);
  const self = useView((s) => s.nodeId);
  const hashes = useMemo(() => blocksSeen(records).reverse(), [records]);
  const [picked, setPicked] = useState<string | null>(null);
  const selected = picked && hashes.includes(picked) ? picked : (hashes[0] ?? null);
  const byHash = useMemo(() => new Map(blocks.map((b) => [b.hash, b])), [blocks]);
  const events = useMemo(() => (selected ? stepsOfBlock(records, selected) : []), [records, selected]);
  const label = (h: string) => {
    const b = byHash.get(h);
    const where = !b ? t('timelineView.notInChain') : b.active ? t('chainView.kind.active') : t('chainView.kind.side');
    return `${b ? `#${b.height}` : '#?'} · ${short(h, 14)} · ${where}`;
  };
  const start = events.length ? events[0]!.time : 0;
  const own = events.filter((e) => e.node === self);
  const connected = own.find((e) => e.kind === 'connected' || e.kind === 'accepted');
  const announcedTo = new Set(own.filter((e) => e.kind === 'announced' && e.peer).map((e) => e.peer));

  return (
    <section className="panel timeline-view" aria-labelledby="timeline-title" data-testid="panel-timeline">
      <h2 id="timeline-title">{t('timelineView.title')}</h2>
      <p className="muted small">{t('timelineView.intro')}</p>
      {hashes.length === 0 ? (
        <p className="muted">{t('timelineView.noBlocks')}</p>
      ) : (
        <>
          <label className="timeline-pick">
            {t('timelineView.pick')}
            <select value={selected ?? ''} onChange={(e) => setPicked(e.target.value)} data-testid="timeline-block">
              {hashes.map((h) => (
                <option key={h} value={h}>{label(h)}</option>
              ))}
            </select>
          </label>
          {selected && (
            <dl className="facts">
              <div><dt>{t('timelineView.firstSeen')}</dt><dd className="mono">{clockTime(start)}</dd></div>
              <div><dt>{t('timelineView.connectedAfter')}</dt><dd>{connected ? offsetLabel(connected.time - start) : '—'}</dd></div>
              <div><dt>{t('timelineView.announcedTo')}</dt><dd>{announcedTo.size ? [...announcedTo].join(', ') : '—'}</dd></div>
            </dl>
          )}
          <PropagationTimeline events={events} self={self} />
          <p className="muted small">{t('timelineView.legend')}</p>
        </>
      )}
    </section>
  );
}
