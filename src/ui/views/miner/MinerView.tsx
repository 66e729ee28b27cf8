import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { bitsToTarget, expectedHashes } from '../../../core';
import { rate } from '../../format';
import { useSession } from '../../runtime/context';
import type { Session } from '../../runtime/session';
import { viewStore } from '../../runtime/viewStore';
import { useView } from '../../useView';
import { bitsHex, targetHex, zeroBitsOfHex } from '../chain/blockParts';
import { Hash } from '../chain/Hash';
import { HashRatePlot } from './HashRatePlot';
import { difficultyStory } from './difficultyStory';
import { Term } from '../../components/Term';

/** Sets the number of mining workers (WorkerMiner.setConcurrency) and shows it in the store. */
function setWorkers(miner: Session['miner'], n: number): void {
  if (!miner.setConcurrency) return;
  miner.setConcurrency(n);
  const s = viewStore.getState();
  viewStore.setState({ mining: { ...s.mining, concurrency: miner.concurrency } });
}

/** Seconds as "0.4 s", "12 s", "3.5 min", "2.1 h". */
function duration(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Large counts as "16.8 M" etc. */
function count(n: number): string {
  if (n >= 1e12) return `${(n / 1e12).toFixed(1)} T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return `${Math.round(n)}`;
}

/**
 * The miner view: mining mode and threshold, worker count, the hash rate over time and per worker,
 * nonces tried, the best hash so far against the target, and the expected time to a block — the
 * proof-of-work lottery made visible. Difficulty is a consensus parameter, shown, not changed.
 */
export function MinerView() {
  const { t } = useTranslation();
  const mining = useView((s) => s.mining);
  const role = useView((s) => s.role);
  const params = useView((s) => s.params);
  const height = useView((s) => s.height);
  const tipBits = useView((s) => s.blocks.find((b) => b.active)?.bits ?? null);
  const hashRates = useView((s) => s.hashRates);
  const blocks = useView((s) => s.blocks);
  const story = useMemo(() => {
    const active = blocks.filter((b) => b.active);
    return params ? difficultyStory(params, active, active.find((b) => b.height === 0)) : { classHashRate: null, recentInterval: null, schedule: null };
  }, [blocks, params]);
  const session = useSession();
  const node = () => session.node;
  const p = mining.progress;
  const bits = mining.job?.bits ?? tipBits ?? params?.genesisBits ?? null;
  const target = bits !== null ? targetHex(bits) : null;
  const perBlock = bits !== null ? expectedHashes(bitsToTarget(bits).target) : null;
  const workers = Math.max(mining.concurrency, p?.perWorker.length ?? 0);
  const canSetWorkers = !!session.miner.setConcurrency && mining.maxConcurrency > 1;
  const kernel = session.miner.kernel ?? null;

  return (
    <div className="miner-view">
      <div className="miner-col">
        <section className="panel miner-controls" aria-labelledby="miner-title" data-testid="panel-miner">
          <h2 id="miner-title">{t('minerView.title')}</h2>
          <p data-testid="miner-state" className="miner-state">
            {mining.active ? t('minerView.searching') : t('minerView.idle')} · {t(`minerView.mode.${mining.mode}`)}
            {mining.mode === 'threshold' ? ` (${t('minerView.thresholdShort', { n: mining.threshold })})` : ''}
          </p>
          <div className="buttons">
            {role !== 'wallet' && (
              <button type="button" onClick={() => node().mineOnce()}>{t('minerView.mineNow')}</button>
            )}
            <button type="button" onClick={() => node().setMining('continuous')} disabled={mining.mode === 'continuous'}>{t('minerView.startContinuous')}</button>
            <button type="button" onClick={() => node().setMining('threshold')} disabled={mining.mode === 'threshold'}>{t('minerView.startThreshold')}</button>
            <button type="button" onClick={() => node().setMining('off')} disabled={mining.mode === 'off'}>{t('minerView.stop')}</button>
          </div>
          <div className="miner-settings">
            <label>
              {t('minerView.threshold')}
              <input type="number" min={1} max={100} value={mining.threshold} onChange={(e) => node().setMining(node().mining, Number(e.target.value))} />
            </label>
            <label>
              {t('minerView.workers', { max: mining.maxConcurrency })}
              <select value={mining.concurrency} disabled={!canSetWorkers} onChange={(e) => setWorkers(session.miner, Number(e.target.value))} data-testid="worker-count">
                {Array.from({ length: Math.max(1, mining.maxConcurrency) }, (_, i) => (
                  <option key={i + 1} value={i + 1}>{i + 1}</option>
                ))}
              </select>
            </label>
          </div>
          <p className="muted small">
            {mining.job
              ? t('minerView.job', { height: mining.job.height, count: mining.job.txCount })
              : mining.lastStop
                ? t(`minerView.stopped.${mining.lastStop.why}`)
                : t('minerView.noJob')}
            {kernel && ` · ${t('minerView.kernel', { kernel })}`}
          </p>
          <p className="muted small">{t('minerView.found', { count: mining.found })}</p>
        </section>

        <section className="panel miner-difficulty" aria-labelledby="miner-diff-title">
          <h2 id="miner-diff-title">{t('minerView.difficulty.title')}</h2>
          {params && bits !== null ? (
            <>
              <p>{t('minerView.difficulty.bits', { bits: bitsHex(bits), zeros: zeroBitsOfHex(targetHex(bits)) })}</p>
              <p>
                {params.asertHalfLife > 0
                  ? t('minerView.difficulty.asert', { spacing: params.targetSpacing, halfLife: params.asertHalfLife })
                  : params.retargetInterval > 0
                  ? t('minerView.difficulty.retarget', {
                      interval: params.retargetInterval,
                      spacing: params.targetSpacing,
                      next: (Math.floor(height / params.retargetInterval) + 1) * params.retargetInterval,
                    })
                  : t('minerView.difficulty.fixed', { spacing: params.targetSpacing })}
              </p>
              {story.schedule && (
                <p data-testid="difficulty-why">
                  {story.schedule.offset <= 0
                    ? t('minerView.difficulty.ahead', { seconds: -story.schedule.offset, factor: story.schedule.factor.toFixed(2) })
                    : t('minerView.difficulty.behind', { seconds: story.schedule.offset, factor: story.schedule.factor.toFixed(2) })}
                </p>
              )}
              {story.classHashRate !== null && story.recentInterval !== null && (
                <p data-testid="class-hash-rate">{t('minerView.difficulty.classRate', { rate: rate(story.classHashRate), interval: story.recentInterval.toFixed(1) })}</p>
              )}
              <p className="muted small">{t('minerView.difficulty.consensus')} <Term id="pow" /> <Term id="coinbase" /></p>
            </>
          ) : (
            <p className="muted">{t('minerView.difficulty.none')}</p>
          )}
        </section>
      </div>
      <div className="miner-col">
        <section className="panel miner-stats" aria-labelledby="miner-stats-title">
          <h2 id="miner-stats-title">{t('minerView.statsTitle')}</h2>
          <dl className="facts big-facts">
            <div><dt>{t('minerView.rate')}</dt><dd data-testid="hash-rate">{p ? rate(p.hashRate) : '—'}</dd></div>
            <div><dt>{t('minerView.tried')}</dt><dd data-testid="hashes-tried">{p ? p.hashes.toLocaleString() : '—'}</dd></div>
            <div><dt>{t('minerView.perBlock')}</dt><dd>{perBlock !== null ? count(perBlock) : '—'}</dd></div>
            <div><dt>{t('minerView.expected')}</dt><dd>{p ? duration(p.expectedSeconds) : '—'}</dd></div>
          </dl>
          <div className="pow-compare" role="group" aria-label={t('minerView.compareAria')}>
            <div className="pow-row">
              <span className="pow-label">{t('minerView.best')}</span>
              {p?.bestHash ? <Hash hex={p.bestHash} bits={p.bestZeroBits} /> : <span className="muted">{t('minerView.noBest')}</span>}
            </div>
            <div className="pow-row">
              <span className="pow-label">{t('minerView.target')}</span>
              {target ? <Hash hex={target} bits={zeroBitsOfHex(target)} /> : '—'}
            </div>
            <p className="muted small">{t('minerView.compareNote')}</p>
          </div>
          <h3>{t('minerView.perWorker')}</h3>
          {p && p.perWorker.length ? (
            <ul className="worker-bars">
              {p.perWorker.map((r, i) => {
                const max = Math.max(...p.perWorker, 1);
                return (
                  <li key={i}>
                    <span className="worker-name">{t('minerView.worker', { n: i + 1 })}</span>
                    <span className="worker-bar" aria-hidden="true"><span style={{ width: `${(100 * r) / max}%` }} /></span>
                    <span className="worker-rate">{rate(r)}</span>
                  </li>
                );
              })}
            </ul>
          ) : (
            <p className="muted">{t('minerView.noWorkers')}</p>
          )}
        </section>

        <section className="panel miner-plot" aria-labelledby="miner-plot-title">
          <h2 id="miner-plot-title">{t('minerView.plot.title')}</h2>
          <HashRatePlot points={hashRates} workers={workers} />
        </section>

      </div>
    </div>
  );
}
