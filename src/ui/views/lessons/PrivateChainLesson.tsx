import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { txidHex as txidOf, type PrivateStrategy } from '../../../core';
import type { ReorgSummary } from '../../runtime/viewState';
import type { NodeApi } from '../../../node/api';
import { coins, parseCoins, short, clockTime } from '../../format';
import { useView } from '../../useView';
import { useLessonNode } from './useLessons';
import { Explain } from './Explain';

/** The most blocks drawn per chain (a longer chain shows its last ones). */
const DRAWN = 24;

/**
 * The 51 % attack and selfish mining: this node mines a private chain from its tip (optionally
 * after paying a victim publicly), shows both chains and its lead, and releases it; on every tab,
 * the last reorganisation and the payments it took out of the chain with their confirmations.
 */
export function PrivateChainLesson() {
  const { t } = useTranslation();
  const node = useLessonNode();
  const view = node.lessons.privateChain();
  const release = node.lessons.lastRelease();
  const [strategy, setStrategy] = useState<PrivateStrategy>('withhold');
  const [payTo, setPayTo] = useState('');
  const [amount, setAmount] = useState('1');
  const [auto, setAuto] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (f: () => void) => {
    setError(null);
    try {
      f();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const start = () =>
    act(() => {
      const sat = payTo.trim() ? parseCoins(amount) : null;
      if (payTo.trim() && !sat) throw new Error(t('lessons.badAmount'));
      node.lessons.startPrivate({ strategy, auto, ...(sat ? { payTo: payTo.trim(), amount: sat } : {}) });
    });

  return (
    <div className="lesson private" data-testid="lesson-private">
      <Explain text={t('lessons.private.explain')} />
      {!view && (
        <form className="lesson-form" onSubmit={(e) => { e.preventDefault(); start(); }}>
          <fieldset>
            <legend>{t('lessons.private.strategy')}</legend>
            {(['withhold', 'selfish'] as const).map((s) => (
              <label key={s} className="choice">
                <input type="radio" name="strategy" checked={strategy === s} onChange={() => setStrategy(s)} /> {t(`lessons.private.${s}`)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('lessons.private.payTo')}
            <input value={payTo} onChange={(e) => setPayTo(e.target.value)} data-testid="private-payto" />
          </label>
          <label>
            {t('lessons.private.amount')}
            <input value={amount} inputMode="decimal" onChange={(e) => setAmount(e.target.value)} data-testid="private-amount" />
          </label>
          <label className="choice">
            <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> {t('lessons.private.auto')}
          </label>
          <button type="submit" className="danger" data-testid="private-start">{t('lessons.private.start')}</button>
        </form>
      )}
      {view && (
        <section className="lesson-race" data-testid="private-view" data-lead={view.lead} data-withheld={view.withheld.length}>
          <p className="muted small">{t('lessons.private.fork', { height: view.fork.height })} · {t(`lessons.private.${view.strategy}`)}</p>
          <Chain label={t('lessons.private.publicChain')} from={view.fork.height} to={view.publicTip.height} kind="public" />
          <Chain label={t('lessons.private.privateChain')} from={view.fork.height} to={view.privateTip.height} kind="private" />
          <p className="lesson-lead" data-testid="private-lead">
            <strong>{t('lessons.private.lead')}</strong>: {view.lead > 0 ? t('lessons.private.leadValue', { count: view.lead }) : view.lead < 0 ? t('lessons.private.behind', { count: -view.lead }) : t('lessons.private.even')} · {t('lessons.private.withheld', { count: view.withheld.length, published: view.published })}
          </p>
          {view.payment && (
            <p data-testid="private-payment">
              {view.payment.height === null
                ? t('lessons.private.paymentWaiting', { txid: short(view.payment.txid), amount: coins(view.payment.amount) })
                : t('lessons.private.payment', { txid: short(view.payment.txid), amount: coins(view.payment.amount), count: view.payment.confirmations, copy: short(view.doubleSpend) })}
            </p>
          )}
          <div className="lesson-actions">
            <button type="button" onClick={() => act(() => node.lessons.minePrivate())} data-testid="private-mine">{t('lessons.private.mineOne')}</button>
            <label className="choice">
              <input type="checkbox" checked={view.auto} onChange={(e) => act(() => node.lessons.setPrivateAuto(e.target.checked))} /> {t('lessons.private.auto')}
            </label>
            <button type="button" className="danger" onClick={() => act(() => node.lessons.release())} data-testid="private-release">{t('lessons.private.release')}</button>
            <button type="button" onClick={() => act(() => node.lessons.abandon())}>{t('lessons.private.abandon')}</button>
          </div>
        </section>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {release && (
        <p className="lesson-made" data-testid="private-released">
          {t('lessons.private.released', { blocks: release.blocks, time: clockTime(release.time), outcome: t(release.wins ? 'lessons.private.wins' : 'lessons.private.loses') })}{' '}
          {release.overturned > 0 && t('lessons.private.overturned', { count: release.overturned })}
        </p>
      )}
      <LastReorg node={node} />
    </div>
  );
}

function Chain({ label, from, to, kind }: { label: string; from: number; to: number; kind: 'public' | 'private' }) {
  const { t } = useTranslation();
  const n = Math.max(0, to - from);
  return (
    <div className={`lesson-chain ${kind}`}>
      <span className="lesson-chain-label">{label}</span>
      <span className="lesson-chain-blocks" aria-hidden="true">
        {Array.from({ length: Math.min(n, DRAWN) }, (_, i) => <span key={i} className="lesson-block" />)}
      </span>
      <span className="muted small">{t('lessons.private.blocks', { height: to })}</span>
    </div>
  );
}

/** The payments the last reorg took out of this node's chain: not returned to the mempool, not in the new branch. */
export function vanishedPayments(r: ReorgSummary, node: NodeApi): { txid: string; confirmations: number }[] {
  const kept = new Set(r.returned);
  for (const c of r.connected) for (const tx of node.query.block(c.hash)?.txs ?? []) kept.add(txidOf(tx));
  const top = Math.max(...r.disconnected.map((d) => d.height));
  return r.disconnected.flatMap((d) => d.txids.filter((id) => !kept.has(id)).map((txid) => ({ txid, confirmations: top - d.height + 1 })));
}

function LastReorg({ node }: { node: NodeApi }) {
  const { t } = useTranslation();
  const reorg = useView((s) => s.reorgs[s.reorgs.length - 1]);
  const gone = reorg ? vanishedPayments(reorg, node) : [];
  return (
    <section aria-labelledby="private-reorg" data-testid="private-reorg">
      <h3 id="private-reorg">{t('lessons.private.reorgTitle')}</h3>
      {!reorg && <p className="muted">{t('lessons.private.noReorg')}</p>}
      {reorg && (
        <>
          <p>{t('lessons.private.reorg', { disconnected: reorg.disconnected.length, connected: reorg.connected.length, time: clockTime(reorg.time) })}</p>
          {gone.map((g) => (
            <p key={g.txid} className="lesson-cost" data-testid="private-vanished" data-txid={g.txid}>
              {t('lessons.private.vanished', { txid: short(g.txid), count: g.confirmations })}
            </p>
          ))}
          {gone.length === 0 && <p className="muted">{t('lessons.private.noVanished')}</p>}
        </>
      )}
    </section>
  );
}
