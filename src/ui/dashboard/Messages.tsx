import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localSummary } from '../summary';
import { clockTime } from '../format';
import { useDash } from './store';
import { commandsSeen, filterMessages, messageMatrix } from './derived';
import { commandColor } from './shared';
import { KEEPALIVE_COMMANDS } from '../views/network/commandColors';
import { ScrollRegion } from './ScrollRegion';

const SHOWN = 120;

/**
 * Messages between any two nodes: a from × to matrix of counts (click a cell to pick the pair)
 * and the log, filtered by pair and command.
 */
export function Messages() {
  const { t } = useTranslation();
  const data = useDash((s) => s.data);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cmd, setCmd] = useState('');
  const [both, setBoth] = useState(true);
  const [pings, setPings] = useState(false);
  const hidden = useMemo(() => (pings ? [] : KEEPALIVE_COMMANDS), [pings]);
  const matrix = useMemo(() => messageMatrix(data, cmd || null, hidden), [data, cmd, hidden]);
  const commands = useMemo(() => commandsSeen(data), [data]);
  const log = useMemo(() => filterMessages(data, { from, to, cmd, either: both, hide: hidden }, SHOWN).reverse(), [data, from, to, cmd, both, hidden]);
  const ids = matrix.ids;

  return (
    <section className="dash-panel dash-msgs" aria-labelledby="dash-msgs-title">
      <div className="dash-panel-head">
        <h2 id="dash-msgs-title">{t('dashboard.msgs.title')}</h2>
        <div className="dash-controls">
          <Choice label={t('dashboard.msgs.from')} value={from} onChange={setFrom} any={t('dashboard.msgs.any')} options={ids} />
          <Choice label={t('dashboard.msgs.to')} value={to} onChange={setTo} any={t('dashboard.msgs.any')} options={ids} />
          <label className="choice">
            <input type="checkbox" checked={both} onChange={(e) => setBoth(e.target.checked)} /> {t('dashboard.msgs.both')}
          </label>
          <label className="choice">
            <input type="checkbox" checked={pings} onChange={(e) => setPings(e.target.checked)} /> {t('dashboard.msgs.pings')}
          </label>
          <Choice label={t('dashboard.msgs.command')} value={cmd} onChange={setCmd} any={t('dashboard.msgs.allCommands')} options={commands} />
          <button type="button" onClick={() => { setFrom(''); setTo(''); setCmd(''); }} disabled={!from && !to && !cmd}>
            {t('dashboard.msgs.clear')}
          </button>
        </div>
      </div>
      <div className="dash-msgs-body">
        <ScrollRegion label={t('dashboard.msgs.matrixCaption')} className="dash-matrix-wrap">
          <table className="dash-matrix" data-testid="dash-matrix">
            <caption>{cmd ? t('dashboard.msgs.matrixCaptionCmd', { command: cmd }) : t('dashboard.msgs.matrixCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.msgs.fromTo')}</th>
                {ids.map((id) => (
                  <th scope="col" key={id}>{id}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ids.map((a) => (
                <tr key={a}>
                  <th scope="row">{a}</th>
                  {ids.map((b) => {
                    if (a === b) return <td key={b} className="dash-diag" aria-hidden="true" />;
                    const n = matrix.count(a, b);
                    const selected = from === a && to === b;
                    const alpha = n && matrix.max ? 0.12 + (0.55 * n) / matrix.max : 0;
                    return (
                      <td key={b} style={{ background: n ? `rgba(47,111,214,${alpha.toFixed(2)})` : undefined }} className={selected ? 'selected' : ''}>
                        <button
                          type="button"
                          className="dash-cell"
                          aria-label={t('dashboard.msgs.cellLabel', { from: a, to: b, count: n })}
                          aria-pressed={selected}
                          onClick={() => {
                            setFrom(a);
                            setTo(b);
                          }}
                        >
                          {n || '·'}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <ScrollRegion label={t('dashboard.msgs.logCaption')} className="dash-log">
          <table data-testid="dash-log">
            <caption className="sr-only">{t('dashboard.msgs.logCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.msgs.time')}</th>
                <th scope="col">{t('dashboard.msgs.fromTo')}</th>
                <th scope="col">{t('dashboard.msgs.command')}</th>
                <th scope="col">{t('dashboard.msgs.bytes')}</th>
                <th scope="col">{t('dashboard.msgs.summary')}</th>
              </tr>
            </thead>
            <tbody>
              {log.map((m) => (
                <tr key={m.seq} className={m.reason ? 'rejected' : ''}>
                  <td className="dash-time">{clockTime(m.time)}</td>
                  <td className="dash-nowrap">
                    {m.from} → {m.to}
                  </td>
                  <td>
                    <span className="dash-cmd" style={{ background: commandColor(m.cmd) }}>{m.cmd}</span>
                  </td>
                  <td className="dash-num">{m.bytes}</td>
                  <td className="dash-summary" title={m.reason ? `${localSummary(t, m.cmd, m.summary)} — ${m.reason}` : localSummary(t, m.cmd, m.summary)}>
                    {localSummary(t, m.cmd, m.summary)}
                    {m.reason && <span className="reason"> {m.reason}</span>}
                  </td>
                </tr>
              ))}
              {log.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">{t('dashboard.msgs.none')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </ScrollRegion>
      </div>
    </section>
  );
}

/** A labelled filter select: "any" (empty value) first, then the options. */
function Choice({ label, value, onChange, any, options }: { label: string; value: string; onChange: (v: string) => void; any: string; options: string[] }) {
  return (
    <label className="choice">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o} value={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}
