import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { coins, short } from '../../format';
import { useView } from '../../useView';
import { TxFlow } from '../../components/TxFlow';
import { Term } from '../../components/Term';

/** Satoshis per byte with up to two decimals. */
function feeRate(fee: bigint, size: number): string {
  return size > 0 ? String(Math.round((Number(fee) / size) * 100) / 100) : '0';
}
import type { ReorgSummary } from '../../runtime/viewStore';

/**
 * The mempool view: transactions this node has validated and holds for the next block, each with
 * the outputs it spends (confirmed, or created by another mempool transaction) and the outputs it
 * creates; those that came back from a block disconnected in a reorg are marked as such.
 */
export function MempoolView() {
  const { t } = useTranslation();
  const pool = useView((s) => s.mempool);
  // The order a miner takes them: highest fee rate first (arrival order among equals).
  const txs = useMemo(() => pool.map((x, i) => ({ x, i })).sort((a, b) => {
    const d = BigInt(b.x.fee) * BigInt(a.x.size) - BigInt(a.x.fee) * BigInt(b.x.size);
    return d > 0n ? 1 : d < 0n ? -1 : a.i - b.i;
  }).map((e) => e.x), [pool]);
  const reorgs = useView((s) => s.reorgs);
  const mining = useView((s) => s.mining);
  const wallet = useView((s) => s.wallet);
  const mine = useMemo(() => new Set(wallet.map((w) => w.address)), [wallet]);
  const returnedBy = useMemo(() => {
    const m = new Map<string, ReorgSummary>();
    for (const r of reorgs) for (const x of r.returned) m.set(x, r);
    return m;
  }, [reorgs]);
  const inPool = useMemo(() => new Set(txs.map((x) => x.txid)), [txs]);
  const totalSize = txs.reduce((n, x) => n + x.size, 0);
  const totalFee = txs.reduce((n, x) => n + BigInt(x.fee), 0n);
  const now = Date.now() / 1000;

  return (
    <section className="panel mempool-view" aria-labelledby="mempool-title" data-testid="panel-mempool">
      <h2 id="mempool-title">{t('mempoolView.title', { count: txs.length })}</h2>
      <p className="muted small">{t('mempoolView.intro')} {t('msgx.mempoolOrder')} <Term id="mempool" /> <Term id="fee" /></p>
      <dl className="facts">
        <div><dt>{t('mempoolView.count')}</dt><dd data-testid="mempool-count">{txs.length}</dd></div>
        <div><dt>{t('mempoolView.bytes')}</dt><dd>{totalSize}</dd></div>
        <div><dt>{t('mempoolView.fees')}</dt><dd>{coins(totalFee)}</dd></div>
        <div>
          <dt>{t('mempoolView.miningRule')}</dt>
          <dd>
            {mining.mode === 'threshold'
              ? t('mempoolView.threshold', { count: txs.length, threshold: mining.threshold })
              : t(`minerView.mode.${mining.mode}`)}
          </dd>
        </div>
      </dl>
      {txs.length === 0 ? (
        <p className="muted empty">{t('mempoolView.empty')}</p>
      ) : (
        <ol className="mempool-list">
          {txs.map((x) => {
            const back = returnedBy.get(x.txid);
            const age = Math.max(0, Math.round(now - x.time));
            return (
              <li key={x.txid} className={`mempool-tx ${back ? 'returned' : ''}`} data-testid="mempool-tx" data-txid={x.txid}>
                <p className="tx-head">
                  <span className="mono" title={x.txid}>{short(x.txid, 20)}</span>{' '}
                  <span className="muted">· {t('mempoolView.meta', { size: x.size, fee: coins(BigInt(x.fee)), age })} · {t('msgx.feeRate', { rate: feeRate(BigInt(x.fee), x.size) })}</span>{' '}
                  {back && (
                    <span className="tag tag-returned" data-testid="returned-tag">
                      ↩ {t('mempoolView.returned', { height: back.disconnected.find((d) => d.txids.includes(x.txid))?.height ?? back.fork.height + 1 })}
                    </span>
                  )}
                </p>
                <TxFlow
                  inTitle={t('mempoolView.spends')}
                  inputs={
                    x.inputs.map((i) => (
                      <li key={i.outpoint} className={i.address && mine.has(i.address) ? 'mine' : ''}>
                        <span className="mono" title={i.outpoint}>{short(i.outpoint.split(':')[0], 10)}:{i.outpoint.split(':')[1]}</span>{' '}
                        {i.value !== null && <strong>{coins(i.value)}</strong>} <span className="mono">{short(i.address, 14)}</span>{' '}
                        <span className={`tag ${i.confirmed ? 'tag-ok' : 'tag-pending'}`}>
                          {i.confirmed ? t('mempoolView.confirmedCoin') : inPool.has(i.outpoint.split(':')[0]!) ? t('mempoolView.unconfirmedParent') : t('mempoolView.unknownCoin')}
                        </span>
                      </li>
                    ))
                  }
                  outTitle={t('mempoolView.creates')}
                  outputs={
                    x.outputs.map((o, v) => (
                      <li key={v} className={mine.has(o.address) ? 'mine' : ''}>
                        <span className="muted">#{v}</span> <strong>{coins(o.value)}</strong> → <span className="mono">{o.address}</span>{' '}
                        {mine.has(o.address) && <span className="tag">{t('walletView.mine')}</span>}
                      </li>
                    ))
                  }
                />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
