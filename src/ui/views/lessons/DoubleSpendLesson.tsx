import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { coins, parseCoins, short } from '../../format';
import { useLessonNode } from './useLessons';
import { Explain } from './Explain';
import { Reason } from './Reason';

/**
 * The double spend: sign two payments of the same coin and send each to a different peer; then,
 * on every tab, what this node saw of it: which copy it kept or refused (txn-mempool-conflict),
 * which one a block confirmed, which one it evicted, and what that cost this wallet.
 */
export function DoubleSpendLesson() {
  const { t } = useTranslation();
  const node = useLessonNode();
  const keys = node.query.walletKeys();
  const peers = node.peerInfo().filter((p) => p.ready).map((p) => p.id);
  const [from, setFrom] = useState(keys[0]?.address ?? '');
  const [amount, setAmount] = useState('1');
  const [toA, setToA] = useState('');
  const [peerA, setPeerA] = useState('');
  const [peerB, setPeerB] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pa = peerA || peers[0] || '';
  const pb = peerB || peers.find((p) => p !== pa) || '';
  const made = node.lessons.lastDoubleSpend();
  const conflicts = node.lessons.conflicts();

  const send = () => {
    setError(null);
    const sat = parseCoins(amount);
    if (!sat) return setError(t('lessons.badAmount'));
    try {
      const back = node.newAddress(t('lessons.double.backToMe'));
      node.lessons.doubleSpend({ from: from || keys[0]!.address, to: [toA.trim(), back.address], peers: [pa, pb], amount: sat });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="lesson double" data-testid="lesson-double">
      <Explain text={t('lessons.double.explain')} />
      {peers.length < 2 && <p className="notice" data-testid="double-need-peers">{t('lessons.double.needPeers')}</p>}
      <form className="lesson-form" onSubmit={(e) => { e.preventDefault(); send(); }}>
        <label>
          {t('lessons.double.from')}
          <select value={from} onChange={(e) => setFrom(e.target.value)}>
            {keys.map((k) => <option key={k.address} value={k.address}>{k.label ? `${k.label} — ` : ''}{short(k.address, 16)}</option>)}
          </select>
        </label>
        <label>
          {t('lessons.double.amount')}
          <input value={amount} inputMode="decimal" onChange={(e) => setAmount(e.target.value)} data-testid="double-amount" />
        </label>
        <div className="lesson-pair">
          <fieldset>
            <legend>{t('lessons.double.first')}</legend>
            <label>
              {t('lessons.double.to')}
              <input value={toA} placeholder={t('lessons.double.toPlaceholder')} onChange={(e) => setToA(e.target.value)} data-testid="double-to" />
            </label>
            <label>
              {t('lessons.double.via')}
              <select value={pa} onChange={(e) => setPeerA(e.target.value)} data-testid="double-peer-a">
                {peers.map((p) => <option key={p} value={p}>{p}</option>)}
              </select>
            </label>
          </fieldset>
          <fieldset>
            <legend>{t('lessons.double.second')}</legend>
            <p className="muted small">{t('lessons.double.to')}: {t('lessons.double.backToMe')}</p>
            <label>
              {t('lessons.double.via')}
              <select value={pb} onChange={(e) => setPeerB(e.target.value)} data-testid="double-peer-b">
                {peers.map((p) => <option key={p} value={p}>{p}</option>)}
              </select>
            </label>
          </fieldset>
        </div>
        <button type="submit" className="danger" disabled={peers.length < 2 || !toA.trim()} data-testid="double-send">{t('lessons.double.send')}</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {made && (
        <p className="lesson-made" data-testid="double-made">
          {t('lessons.double.made', { a: short(made.txids[0]), b: short(made.txids[1]), peerA: made.peers[0], peerB: made.peers[1], coin: made.outpoints.map((o) => short(o, 14)).join(', ') })}
        </p>
      )}

      <section aria-labelledby="double-seen">
        <h3 id="double-seen">{t('lessons.double.seen')} <Reason reason="txn-mempool-conflict" /></h3>
        {conflicts.length === 0 && <p className="muted">{t('lessons.double.none')}</p>}
        {conflicts.map((c) => {
          const lost = c.txs.find((x) => x.state === 'evicted' && x.toUs > 0n);
          const won = c.txs.find((x) => x.state === 'confirmed' && x.toUs > 0n);
          return (
            <div key={c.outpoints.join()} className="lesson-conflict" data-testid="double-conflict">
              <p className="muted small">{t('lessons.double.coin', { coin: c.outpoints.map((o) => short(o, 14)).join(', ') })}</p>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('lessons.double.txid')}</th>
                    <th scope="col">{t('lessons.double.fromPeer')}</th>
                    <th scope="col">{t('lessons.double.state')}</th>
                    <th scope="col">{t('lessons.double.toUs')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.txs.map((x) => (
                    <tr key={x.txid} className={`state-${x.state}`} data-testid={`double-tx-${x.state}`} data-txid={x.txid}>
                      <th scope="row" className="mono">{short(x.txid, 16)}</th>
                      <td>{x.from === 'self' ? t('lessons.double.thisNode') : x.from ?? t('lessons.double.unknown')}</td>
                      <td>{t(`lessons.double.states.${x.state}`, { height: x.height ?? '?' })} {x.state === 'refused' && <Reason reason="txn-mempool-conflict" />}</td>
                      <td className="num">{x.toUs > 0n ? coins(x.toUs) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {lost && <p className="lesson-cost" data-testid="double-lost">{t('lessons.double.lost', { amount: coins(lost.toUs) })}</p>}
              {won && !lost && <p className="lesson-ok">{t('lessons.double.won')}</p>}
            </div>
          );
        })}
      </section>
    </div>
  );
}
