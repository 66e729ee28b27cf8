import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { short } from '../format';
import { useDash } from './store';
import { propagationOf, recentBlocks, type PropagationRow } from './derived';
import { plusMs } from './shared';
import { ScrollRegion } from './ScrollRegion';
import { causalPropagation } from './causal';

const MARKS = [
  { key: 'heard', symbol: '○' },
  { key: 'received', symbol: '◆' },
  { key: 'mined', symbol: '★' },
  { key: 'connected', symbol: '■' },
] as const;

/**
 * How one block spread: for every node, when it heard of the block (inv), received it, mined it
 * or connected it, relative to the first time any node saw it.
 */
export function Propagation() {
  const { t } = useTranslation();
  const data = useDash((s) => s.data);
  const [picked, setPicked] = useState<string>('');
  const blocks = useMemo(() => recentBlocks(data, 30), [data]);
  const hash = picked && data.blocks[picked] ? picked : blocks[0]?.hash ?? '';
  const prop = useMemo(() => {
    const p = hash ? propagationOf(data, hash) : null;
    return p ? causalPropagation(p, data.messages) : null;
  }, [data, hash]);
  const span = prop ? Math.max(1, ...prop.rows.flatMap((r) => MARKS.map((m) => r[m.key] ?? 0))) : 1;

  return (
    <section className="dash-panel dash-prop" aria-labelledby="dash-prop-title">
      <div className="dash-panel-head">
        <h2 id="dash-prop-title">{t('dashboard.prop.title')}</h2>
        <label className="choice">
          {t('dashboard.prop.block')}
          <select value={picked} onChange={(e) => setPicked(e.target.value)} data-testid="dash-prop-block">
            <option value="">{t('dashboard.prop.newest')}</option>
            {blocks.map((b) => (
              <option key={b.hash} value={b.hash}>
                {t('dashboard.prop.option', { height: b.height, hash: short(b.hash, 12) })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!prop ? (
        <p className="muted">{t('dashboard.prop.none')}</p>
      ) : (
        <>
          <p className="dash-prop-summary" data-testid="dash-prop-summary" data-hash={prop.hash} data-reached={prop.reached}>
            {t('dashboard.prop.summary', { height: prop.height, hash: short(prop.hash, 16), reached: prop.reached, total: prop.rows.length })}
          </p>
          <ScrollRegion label={t('dashboard.prop.title')}>
            <table className="dash-prop-table" data-testid="dash-prop-table">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.prop.node')}</th>
                  {MARKS.map((m) => (
                    <th scope="col" key={m.key}>
                      <span aria-hidden="true">{m.symbol}</span> {t(`dashboard.prop.${m.key}`)}
                    </th>
                  ))}
                  <th scope="col" className="dash-prop-bar-head">
                    {t('dashboard.prop.timeline', { span: plusMs(span) })}
                  </th>
                </tr>
              </thead>
              <tbody>
                {prop.rows.map((r) => (
                  <Row key={r.node} row={r} span={span} />
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {prop.adjusted > 0 && <p className="muted small" data-testid="dash-prop-adjusted">{t('dashx.adjusted', { count: prop.adjusted })}</p>}
        </>
      )}
    </section>
  );
}

function Row({ row, span }: { row: PropagationRow; span: number }) {
  const { t } = useTranslation();
  const done = row.connected !== undefined || row.mined !== undefined;
  return (
    <tr data-testid={`dash-prop-${row.node}`} data-done={done} className={done ? '' : 'waiting'}>
      <th scope="row">
        <span className="dash-id">{row.node}</span> <span className={`role-badge role-${row.role}`}>{t(`role.${row.role}`)}</span>
      </th>
      {MARKS.map((m) => (
        <td key={m.key} className="dash-num">
          {plusMs(row[m.key])}
        </td>
      ))}
      <td className="dash-prop-bar">
        <div className="dash-track" aria-hidden="true">
          {MARKS.map((m) =>
            row[m.key] === undefined ? null : (
              <span key={m.key} className={`dash-mark dash-mark-${m.key}`} style={{ left: `${(100 * row[m.key]!) / span}%` }} title={`${t(`dashboard.prop.${m.key}`)} ${plusMs(row[m.key])}`}>
                {m.symbol}
              </span>
            ),
          )}
        </div>
        {!done && <span className="muted">{t('dashboard.prop.waiting')}</span>}
      </td>
    </tr>
  );
}
