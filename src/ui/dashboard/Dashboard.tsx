import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage } from '../i18n';
import { acquireDashboard, sendTeacherCommand, useDash } from './store';
import { TeacherPanel } from './TeacherPanel';
import { JoinCard } from '../components/JoinCard';
import { graphOf, tipGroups } from './derived';
import { NetworkGraph } from './NetworkGraph';
import { NodeTable } from './NodeTable';
import { Forks } from './Forks';
import { Propagation } from './Propagation';
import { Messages } from './Messages';
import { Balances } from './Balances';
import { LessonsPanel } from './LessonsPanel';
import { ClassRecord } from './ClassRecord';
import './dashboard.css';

/**
 * The teacher dashboard (`/?dashboard=NETWORK`): a tab that is not a node and watches a whole
 * network through the nodes' observer reports. Made to be read from the back of a classroom.
 * Without a network (`/?replay`) it only replays saved classes.
 */
export default function Dashboard({ network }: { network: string | null }) {
  const { t, i18n } = useTranslation();
  useEffect(() => (network ? acquireDashboard(network) : undefined), [network]);
  const replay = useDash((s) => s.replay);
  const shown = replay?.network ?? network ?? '';
  useEffect(() => {
    document.title = t('dashboard.pageTitle', { network: shown });
  }, [shown, t]);
  const receiver = useDash((s) => s.receiver);
  const data = useDash((s) => s.data);
  const summary = useMemo(() => {
    const online = Object.values(data.nodes).filter((n) => n.online);
    const groups = tipGroups(data);
    return { online: online.length, links: graphOf(data).edges.length, height: Math.max(-1, ...online.map((n) => n.height)), branches: groups.length };
  }, [data]);

  return (
    <div className="dashboard">
      <header className="dash-top">
        <h1>
          {t('dashboard.title')} <span className="dash-network">{shown}</span>
        </h1>
        <dl className="dash-facts">
          <div>
            <dt>{t('dashboard.facts.nodes')}</dt>
            <dd data-testid="dash-online">{summary.online}</dd>
          </div>
          <div>
            <dt>{t('dashboard.facts.links')}</dt>
            <dd data-testid="dash-links">{summary.links}</dd>
          </div>
          <div>
            <dt>{t('dashboard.facts.height')}</dt>
            <dd>{summary.height < 0 ? '—' : summary.height}</dd>
          </div>
          <div>
            <dt>{t('dashboard.facts.agreement')}</dt>
            <dd className={summary.branches > 1 ? 'dash-bad' : 'dash-good'}>
              {summary.branches > 1 ? t('dashboard.facts.branches', { count: summary.branches }) : summary.online ? t('dashboard.facts.agree') : '—'}
            </dd>
          </div>
          {network && (
            <div>
              <dt>{t('dashboard.facts.listening')}</dt>
              <dd data-testid="dash-receiver" className={`dash-rx-${receiver.state}`}>
                {t(`dashboard.receiver.${receiver.state}`)}
              </dd>
            </div>
          )}
        </dl>
        <label className="dash-lang">
          <span className="sr-only">{t('dashboard.language')}</span>
          <select aria-label={t('dashboard.language')} value={i18n.resolvedLanguage} onChange={(e) => setLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        {receiver.state === 'id-taken' && (
          <p role="alert" className="dash-banner">
            {t('dashboard.idTaken')}
          </p>
        )}
      </header>
      {network && !replay && summary.online === 0 && Object.keys(data.nodes).length === 0 && (
        <p className="dash-empty" role="status">
          {t('dashboard.empty', { network })}
        </p>
      )}
      <main className="dash-grid">
        <ClassRecord network={network} />
        {network && !replay && <TeacherPanel network={network} send={sendTeacherCommand} />}
        {network && <LessonsPanel network={network} send={sendTeacherCommand} />}
        {network && <JoinCard network={network} compact />}
        <NetworkGraph />
        <NodeTable />
        <Forks />
        <Propagation />
        <Balances />
        <Messages />
      </main>
    </div>
  );
}
