import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Setup } from './components/Setup';
import { Header } from './components/Header';
import { NodeNotices } from './components/NodeNotices';
import { VIEWS } from './views';
import { parseNodeAddress, nodeAddressToSearch, type NodeAddress } from './runtime/url';
import { startSession, type Session } from './runtime/session';
import { SessionContext } from './runtime/context';
import { NavContext } from './runtime/nav';
import { GlossaryView } from './views/glossary/GlossaryView';
import { PageHead } from './components/LanguagePicker';
import { useView } from './useView';
import { createMiner, maxMiners } from './runtime/miner';
import { dashboardNetwork } from './dashboard/route';
import { isSimulator } from './sim/route';

// Teacher dashboard (`/?dashboard=NETWORK`): an observer page, not a node (src/ui/dashboard).
const Dashboard = lazy(() => import('./dashboard/Dashboard'));
// Simulator (`/?sim`): a whole network of nodes in a Web Worker, not a node itself (src/ui/sim).
const Simulator = lazy(() => import('./sim/SimulatorPage'));

/** The teacher dashboard for `?dashboard=`, else the node app. */
export function App() {
  const [dashboard] = useState(() => dashboardNetwork(location.search));
  const [simulator] = useState(() => isSimulator(location.search));
  if (simulator)
    return (
      <Suspense fallback={null}>
        <Simulator />
      </Suspense>
    );
  const [glossary] = useState(() => new URLSearchParams(location.search).has('glossary'));
  if (glossary) return <GlossaryPage />;
  // `?replay`: the dashboard without a live class, to replay a saved one.
  const [replay] = useState(() => new URLSearchParams(location.search).has('replay'));
  if (dashboard || replay)
    return (
      <Suspense fallback={null}>
        <Dashboard network={dashboard} />
      </Suspense>
    );
  return <NodeApp />;
}

/** Setup screen, or this tab's node. */
function NodeApp() {
  const { t } = useTranslation();
  const [address, setAddress] = useState<NodeAddress | null>(() => parseNodeAddress(location.search));
  const phase = useView((s) => s.phase);
  const error = useView((s) => s.error);
  const status = useView((s) => s.status);
  const [session, setSession] = useState<Session | null>(null);

  useEffect(() => {
    if (!address) return;
    startSession(address, createMiner, maxMiners()).then(setSession, (e) => {
      console.error(e);
      (window as unknown as { __startError?: string }).__startError = String(e);
    });
  }, [address]);

  if (!address)
    return (
      <Setup
        onStart={(a) => {
          history.pushState(null, '', nodeAddressToSearch(a));
          setAddress(a);
        }}
      />
    );
  if (phase === 'refused' || phase === 'error')
    return (
      <main className="setup">
        <h1>{t('app.title')}</h1>
        <p role="alert" className="error" data-testid="refused">
          {error === 'already-open' ? t('refused.alreadyOpen') : error?.startsWith('id-taken') ? t('refused.idTaken') : error?.startsWith('role-mismatch') ? t('refused.roleMismatch') : error}
        </p>
        <a href="/">{t('refused.back')}</a>
      </main>
    );
  if (phase !== 'running' || !session)
    return (
      <main className="setup">
        <h1>{t('app.title')}</h1>
        <p role="status">{t(`starting.${status || 'starting'}`)}</p>
      </main>
    );
  return (
    <SessionContext.Provider value={session}>
      <NodeScreen />
    </SessionContext.Provider>
  );
}

/** The running node: header, a tab per view, the active view. */
function NodeScreen() {
  const { t } = useTranslation();
  const [view, setView] = useState(() => new URLSearchParams(location.search).get('view') ?? VIEWS[0]!.id);
  const [projector, setProjector] = useState(false);
  const active = VIEWS.find((v) => v.id === view) ?? VIEWS[0]!;
  const Active = active.component;
  return (
    <NavContext.Provider value={setView}>
    <div className={`app ${projector ? 'projector' : ''}`}>
      <Header />
      <NodeNotices />
      <nav className="tabs" aria-label={t('nav.label')}>
        <div role="tablist" aria-label={t('nav.label')}>
          {VIEWS.map((v) => (
            <button
              key={v.id}
              role="tab"
              id={`tab-${v.id}`}
              aria-selected={v.id === active.id}
              aria-controls="view"
              className={v.id === active.id ? 'selected' : ''}
              onClick={() => setView(v.id)}
            >
              {t(v.label)}
            </button>
          ))}
        </div>
        <label className="choice">
          <input type="checkbox" checked={projector} onChange={(e) => setProjector(e.target.checked)} /> {t('nav.projector')}
        </label>
      </nav>
      <main>
        <div id="view" role="tabpanel" aria-labelledby={`tab-${active.id}`} className="view" data-testid={`view-${active.id}`}>
          <Active />
        </div>
      </main>
    </div>
    </NavContext.Provider>
  );
}

/** The glossary as a page of its own (`/?glossary`), linked from the first screen. */
function GlossaryPage() {
  const { t } = useTranslation();
  return (
    <main className="glossary-page">
      <PageHead />
      <GlossaryView />
      <p><a href="/">{t('glossary.back')}</a></p>
    </main>
  );
}
