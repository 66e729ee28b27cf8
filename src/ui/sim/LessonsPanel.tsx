import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { SimConnection } from './connection';

/**
 * The classroom's attacks, played by simulated nodes: a tampered block broadcast by one node, and
 * a double spend that a miner with most of the hash power backs with a private chain (51 %).
 * Each step is a recorded action; the panel says what the network did about it.
 */
export function LessonsPanel({ conn }: { conn: SimConnection }) {
  const { t } = useTranslation();
  const graph = useStore(conn.store, (s) => s.graph);
  const frame = useStore(conn.store, (s) => s.frame);
  const [tamperer, setTamperer] = useState('1');
  // The last miner by default: in a star the first one is the hub, and cutting the hub off splits everyone.
  const [miner, setMiner] = useState<number | null>(null);
  const [merchantSide, setMerchantSide] = useState<string | null>(null);
  if (!graph || !frame) return null;
  const n = graph.settings.nodes;
  const k = miner ?? graph.miners.length - 1;
  const attacker = graph.miners[k] ?? 0;
  const merchantAt = Number(merchantSide ?? String(n - 1 === attacker ? 1 : n - 1));
  const offline = frame.offline.includes(attacker);
  const publicHeight = frame.tips[0]?.height ?? 0;
  const privateHeight = frame.heights[attacker] ?? 0;
  const others = graph.miners.length - 1;
  const grab = () => {
    conn.act({ kind: 'hash', miner: k, share: 60 });
    graph.miners.forEach((_, j) => j !== k && conn.act({ kind: 'hash', miner: j, share: 40 / others }));
  };
  return (
    <section className="panel sim-lessons" aria-labelledby="sim-lessons-title">
      <h2 id="sim-lessons-title">{t('sim.lessons.title')}</h2>
      <h3>{t('sim.lessons.tamperTitle')}</h3>
      <p className="muted">{t('sim.lessons.tamperHelp')}</p>
      <div className="sim-row">
        <label className="inline">{t('sim.lessons.node')}<input type="number" min={0} max={n - 1} value={tamperer} onChange={(e) => setTamperer(e.target.value)} /></label>
        <button type="button" onClick={() => conn.act({ kind: 'tamper', node: Number(tamperer) })}>{t('sim.lessons.tamper')}</button>
      </div>
      <ul data-testid="sim-tampered">
        {frame.lessons.tampered.map((x) => (
          <li key={x.hash}>{t('sim.lessons.tampered', { node: x.node, hash: x.hash.slice(0, 12), peers: x.sentTo.length, reason: x.reason, refused: x.refusedBy })}</li>
        ))}
      </ul>
      <h3>{t('sim.lessons.attackTitle')}</h3>
      <p className="muted">{t('sim.lessons.attackHelp')}</p>
      <div className="sim-row">
        <label className="inline">
          {t('sim.lessons.attacker')}
          <select value={k} onChange={(e) => setMiner(Number(e.target.value))}>
            {graph.miners.map((m, j) => <option key={j} value={j}>{t('sim.node.minerAt', { k: j, node: m })}</option>)}
          </select>
        </label>
        <label className="inline">{t('sim.lessons.merchantAt')}<input type="number" min={0} max={n - 1} value={merchantAt} onChange={(e) => setMerchantSide(e.target.value)} /></label>
      </div>
      <ol className="sim-steps">
        <li><button type="button" onClick={grab}>{t('sim.lessons.grab', { share: 60 })}</button></li>
        <li><button type="button" disabled={offline} onClick={() => conn.act({ kind: 'offline', node: attacker, offline: true })}>{t('sim.lessons.withhold')}</button></li>
        <li><button type="button" onClick={() => conn.act({ kind: 'doubleSpend', node: attacker, toMerchant: merchantAt, toAttacker: attacker })}>{t('sim.lessons.doubleSpend')}</button></li>
        <li><button type="button" disabled={!offline} onClick={() => conn.act({ kind: 'offline', node: attacker, offline: false })}>{t('sim.lessons.release')}</button></li>
      </ol>
      <p data-testid="sim-race">{offline ? t('sim.lessons.race', { private: privateHeight, public: publicHeight }) : t('sim.lessons.noRace')}</p>
      <ul data-testid="sim-double-spends">
        {frame.lessons.doubleSpends.map((d) => (
          <li key={d.pay.txid}>
            {t('sim.lessons.payment', { who: t('sim.lessons.merchant'), txid: d.pay.txid.slice(0, 10), conf: d.pay.confirmations, mempools: d.pay.inMempools })}
            <br />
            {t('sim.lessons.payment', { who: t('sim.lessons.self', { node: d.node }), txid: d.back.txid.slice(0, 10), conf: d.back.confirmations, mempools: d.back.inMempools })}
            {d.refused.length > 0 && <div className="muted">{t('sim.lessons.refused', { list: d.refused.join('; ') })}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
