import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { SimConnection } from './connection';
import type { GraphInfo } from './protocol';

/** Ways to split the network in two: by region (world links) or in halves by node number. */
export function splits(g: GraphInfo): { id: string; groups: number[][] }[] {
  const n = g.settings.nodes;
  const all = Array.from({ length: n }, (_, i) => i);
  const byRegions = (names: string[]) => {
    const inside = all.filter((i) => names.includes(g.regionNames[g.regions[i] ?? 0] ?? ''));
    const outside = all.filter((i) => !inside.includes(i));
    return [inside, outside];
  };
  const out = [{ id: 'halves', groups: [all.slice(0, Math.ceil(n / 2)), all.slice(Math.ceil(n / 2))] }];
  if (g.settings.links === 'world')
    out.push(
      { id: 'americas', groups: byRegions(['north-america', 'south-america']) },
      { id: 'europe', groups: byRegions(['europe']) },
      { id: 'asia', groups: byRegions(['asia-pacific', 'japan', 'australia']) },
    );
  return out.filter((s) => s.groups.every((grp) => grp.length > 0));
}

/** "0-9, 15, 20-22" → [0..9, 15, 20, 21, 22]; null if anything is not a node number. */
export function parseNodeList(text: string, nodes: number): number[] | null {
  const out = new Set<number>();
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (a > b || b >= nodes) return null;
    for (let i = a; i <= b; i++) out.add(i);
  }
  return out.size ? [...out].sort((x, y) => x - y) : null;
}

/**
 * The teacher's hand on a running network: split it and heal it, slow down or break links (one
 * link, or every link of a group), move hash power, change the payment rate. Every action is
 * recorded with the moment it happened, so a saved run replays it.
 */
export function TeacherPanel({ conn }: { conn: SimConnection }) {
  const { t } = useTranslation();
  const graph = useStore(conn.store, (s) => s.graph);
  const frame = useStore(conn.store, (s) => s.frame);
  const [split, setSplit] = useState('halves');
  const [group, setGroup] = useState('0-4');
  const [linkA, setLinkA] = useState('0');
  const [linkB, setLinkB] = useState('1');
  const [latency, setLatency] = useState('500');
  const [bandwidth, setBandwidth] = useState('');
  const [loss, setLoss] = useState('');
  const [rate, setRate] = useState<string | null>(null);
  const [shares, setShares] = useState<Record<number, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  if (!graph || !frame) return null;
  const n = graph.settings.nodes;
  const options = splits(graph);
  const change = () => ({
    ...(latency !== '' ? { latency: Number(latency) } : {}),
    ...(bandwidth !== '' ? { bandwidth: Number(bandwidth) } : {}),
    ...(loss !== '' ? { loss: Number(loss) / 100 } : {}),
  });
  const applyGroup = () => {
    const nodes = parseNodeList(group, n);
    if (!nodes) return setProblem(t('sim.teacher.badNodes', { max: n - 1 }));
    if (!Object.keys(change()).length) return setProblem(t('sim.teacher.noChange'));
    setProblem(null);
    conn.act({ kind: 'group', nodes, ...change() });
  };
  const applyLink = () => {
    const a = Number(linkA);
    const b = Number(linkB);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n || a === b) return setProblem(t('sim.teacher.badLink', { max: n - 1 }));
    if (!Object.keys(change()).length) return setProblem(t('sim.teacher.noChange'));
    setProblem(null);
    conn.act({ kind: 'link', a, b, ...change() });
  };
  return (
    <section className="panel sim-teacher" aria-labelledby="sim-teacher-title">
      <h2 id="sim-teacher-title">{t('sim.teacher.title')}</h2>
      <div className="sim-row">
        <label className="inline">
          {t('sim.teacher.split')}
          <select value={split} onChange={(e) => setSplit(e.target.value)}>
            {options.map((o) => <option key={o.id} value={o.id}>{t(`sim.split.${o.id}`, { a: o.groups[0]!.length, b: o.groups[1]!.length })}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => conn.act({ kind: 'partition', groups: (options.find((o) => o.id === split) ?? options[0]!).groups })}>{t('sim.teacher.splitNow')}</button>
        <button type="button" disabled={!frame.partition} onClick={() => conn.act({ kind: 'heal' })}>{t('sim.teacher.heal')}</button>
        <span className="muted" data-testid="sim-partition">{frame.partition ? t('sim.teacher.splitState', { groups: frame.partition.map((g) => g.length).join(' | ') }) : t('sim.teacher.whole')}</span>
      </div>
      <fieldset>
        <legend>{t('sim.teacher.links')}</legend>
        <div className="sim-row">
          <label className="inline">{t('sim.teacher.latency')}<input type="number" min={0} value={latency} onChange={(e) => setLatency(e.target.value)} /></label>
          <label className="inline">{t('sim.teacher.bandwidth')}<input type="number" min={0} step="any" value={bandwidth} onChange={(e) => setBandwidth(e.target.value)} placeholder="—" /></label>
          <label className="inline">{t('sim.teacher.loss')}<input type="number" min={0} max={100} value={loss} onChange={(e) => setLoss(e.target.value)} placeholder="—" /></label>
        </div>
        <div className="sim-row">
          <label className="inline">{t('sim.teacher.group')}<input value={group} onChange={(e) => setGroup(e.target.value)} size={10} /></label>
          <button type="button" onClick={applyGroup}>{t('sim.teacher.applyGroup')}</button>
        </div>
        <div className="sim-row">
          <label className="inline">{t('sim.teacher.linkFrom')}<input type="number" min={0} max={n - 1} value={linkA} onChange={(e) => setLinkA(e.target.value)} /></label>
          <label className="inline">{t('sim.teacher.linkTo')}<input type="number" min={0} max={n - 1} value={linkB} onChange={(e) => setLinkB(e.target.value)} /></label>
          <button type="button" onClick={applyLink}>{t('sim.teacher.applyLink')}</button>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('sim.teacher.miners')}</legend>
        <table className="sim-miners">
          <thead><tr><th>{t('sim.teacher.miner')}</th><th>{t('sim.teacher.node')}</th><th>{t('sim.teacher.share')}</th><th /></tr></thead>
          <tbody>
            {graph.miners.map((node, k) => (
              <tr key={k}>
                <td>{k}</td>
                <td>{node}</td>
                <td>
                  <input aria-label={t('sim.teacher.shareOf', { k })} type="number" min={0} max={1000} step="any" size={5}
                    value={shares[k] ?? String(Math.round((frame.shares[k] ?? 0) * 100) / 100)} onChange={(e) => setShares((s) => ({ ...s, [k]: e.target.value }))} />
                </td>
                <td><button type="button" onClick={() => { conn.act({ kind: 'hash', miner: k, share: Number(shares[k] ?? frame.shares[k] ?? 0) }); setShares(({ [k]: _, ...rest }) => rest); }}>{t('sim.teacher.set')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <div className="sim-row">
        <label className="inline">{t('sim.teacher.txRate')}<input type="number" min={0} max={50} step="any" value={rate ?? String(frame.txRate)} onChange={(e) => setRate(e.target.value)} /></label>
        <button type="button" onClick={() => { conn.act({ kind: 'txRate', rate: Number(rate ?? frame.txRate) }); setRate(null); }}>{t('sim.teacher.set')}</button>
      </div>
      <p className="muted">{t('sim.teacher.offlineHint')}</p>
      {problem && <p role="alert" className="error">{problem}</p>}
      <details>
        <summary>{t('sim.teacher.recorded', { count: frame.actions.length })}</summary>
        <ol className="sim-actions mono">
          {frame.actions.map((a, i) => <li key={i}>{(a.at / 1000).toFixed(1)} s: {a.kind} {JSON.stringify({ ...a, kind: undefined, at: undefined, step: undefined })}</li>)}
        </ol>
      </details>
    </section>
  );
}
