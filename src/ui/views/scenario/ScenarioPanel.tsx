import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../runtime/context';
import { useView } from '../../useView';
import { coins } from '../../format';
import { nodeAddressToSearch } from '../../runtime/url';
import { STEP_IDS } from './tracker';
import type { Role } from '../../../node/events';

/**
 * The seed tutorial's nine steps, each explained with the real Bitcoin message it mirrors,
 * ticking itself when this node sees the network do it.
 */
export function ScenarioPanel() {
  const { t } = useTranslation();
  const tr = useSession().scenario;
  // Re-render on tracker changes.
  useSyncExternalStore(
    (cb) => tr.onChange(cb),
    () => tr.doneCount,
  );
  const wallet = useView((s) => s.wallet);
  const network = useView((s) => s.network);
  const topology = useView((s) => s.topology);
  const role = useView((s) => s.role);
  const steps = tr.steps;
  const next = steps.findIndex((s) => s.at === null);
  const lastDone = next === -1 ? steps.length - 1 : next - 1;

  const open = (r: Role) => window.open(nodeAddressToSearch({ network, role: r, topology }), '_blank');

  return (
    <section className="panel scenario" aria-labelledby="scenario-title" data-testid="scenario">
      <h2 id="scenario-title">{t('scenario.title')}</h2>
      <p className="muted">{t('scenario.intro', { role: t(`role.${role}`) })}</p>
      <div className="buttons">
        <button type="button" onClick={() => open('wallet')}>{t('scenario.openWallet')}</button>
        <button type="button" onClick={() => open('miner')}>{t('scenario.openMiner')}</button>
      </div>
      <ol className="steps">
        {STEP_IDS.map((id, i) => {
          const s = steps[i]!;
          const state = s.at !== null ? 'done' : i === next ? 'current' : 'todo';
          return (
            <li key={id} className={`step ${state}`} data-testid={`step-${i + 1}`} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
              <div className="step-head">
                <span className="step-mark" aria-hidden="true">{s.at !== null ? '✓' : i + 1}</span>
                <strong>{t(`scenario.steps.${id}.title`)}</strong>
                <span className="step-status">
                  {s.at !== null
                    ? `${t('scenario.done')}${s.inferred ? ` (${t('scenario.inferred')})` : ''} · ${new Date(s.at).toLocaleTimeString()}`
                    : state === 'current'
                      ? t('scenario.waiting')
                      : t('scenario.todo')}
                </span>
              </div>
              {state === 'current' || (state === 'done' && i === lastDone) ? (
                <StepBody id={id} current={state === 'current'} wallet={wallet} />
              ) : state === 'done' ? (
                <details>
                  <summary>{t('scenario.explain')}</summary>
                  <StepBody id={id} current={false} wallet={wallet} />
                </details>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** What a step means, the Bitcoin message it mirrors, and what to do next. */
function StepBody({ id, current, wallet }: { id: (typeof STEP_IDS)[number]; current: boolean; wallet: { address: string; confirmed: bigint }[] }) {
  const { t } = useTranslation();
  return (
    <div className="step-body">
      <p>{t(`scenario.steps.${id}.what`)}</p>
      <p className="muted">{t(`scenario.steps.${id}.bitcoin`)}</p>
      {current && <p className="hint">{t(`scenario.steps.${id}.todo`)}</p>}
      {id === 'balance' && (
        <ul className="balances">
          {wallet.map((w) => (
            <li key={w.address}>
              <span className="mono">{w.address}</span>: {coins(w.confirmed)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
