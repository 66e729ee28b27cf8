import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { LanguagePicker } from '../components/LanguagePicker';
import { SimConnection } from './connection';
import { SettingsForm } from './SettingsForm';
import { Controls } from './Controls';
import { NetworkMap } from './NetworkMap';
import { TeacherPanel } from './TeacherPanel';
import { LessonsPanel } from './LessonsPanel';
import { Plots } from './Plots';
import { NodeViews } from './NodeViews';
import type { Speed } from './protocol';
import './sim.css';

/**
 * The Simulator (`/?sim`): a whole network of real full nodes in one tab. The nodes run in a Web
 * Worker on a virtual clock; this page draws what the worker reports (the network, plots, one
 * node's views) and sends the teacher's commands.
 */
export default function SimulatorPage() {
  // One engine per mount (React's strict mode mounts twice: the first worker is closed, not reused).
  const [conn, setConn] = useState<SimConnection | null>(null);
  useEffect(() => {
    const c = new SimConnection();
    setConn(c);
    return () => c.close();
  }, []);
  return conn ? <Simulator conn={conn} /> : null;
}

function Simulator({ conn }: { conn: SimConnection }) {
  const { t } = useTranslation();
  const graph = useStore(conn.store, (s) => s.graph);
  const error = useStore(conn.store, (s) => s.error);
  const [setup, setSetup] = useState(true);
  const [speed, setSpeed] = useState<Speed>(0);
  useEffect(() => {
    document.title = `tabchain — ${t('sim.title')}`;
  }, [t]);

  return (
    <div className="sim">
      <header className="sim-top">
        <h1>{t('sim.title')}</h1>
        <p className="muted">{t('sim.lead')}</p>
        <div className="controls">
          <LanguagePicker />
          <a href="/" className="nowrap">{t('sim.back')}</a>
        </div>
      </header>
      {error && <p role="alert" className="banner error" data-testid="sim-error">{error}</p>}
      {setup || !graph ? (
        <main className="sim-setup">
          <SettingsForm onStart={(run) => { conn.start(run, speed); setSetup(false); }} />
        </main>
      ) : (
        <main className="sim-run">
          <Controls conn={conn} speed={speed} setSpeed={setSpeed} onNew={() => { conn.pause(); setSetup(true); }} />
          <Facts conn={conn} />
          <div className="sim-grid">
            <NetworkMap conn={conn} />
            <div className="sim-side">
              <TeacherPanel conn={conn} />
              <LessonsPanel conn={conn} />
            </div>
          </div>
          <Plots conn={conn} />
          <NodeViews conn={conn} />
        </main>
      )}
    </div>
  );
}

/** The run at a glance: nodes, blocks, stale, payments, messages, where the engine runs. */
function Facts({ conn }: { conn: SimConnection }) {
  const { t } = useTranslation();
  const frame = useStore(conn.store, (s) => s.frame);
  const graph = useStore(conn.store, (s) => s.graph);
  const onPage = useStore(conn.store, (s) => s.onPage);
  if (!frame || !graph) return null;
  const s = graph.settings;
  const best = frame.tips[0];
  return (
    <dl className="facts sim-facts">
      <div><dt>{t('sim.facts.nodes')}</dt><dd data-testid="sim-nodes">{s.nodes}</dd></div>
      <div><dt>{t('sim.facts.height')}</dt><dd data-testid="sim-height">{best ? best.height : 0}</dd></div>
      <div><dt>{t('sim.facts.tips')}</dt><dd data-testid="sim-tips">{frame.tips.length}</dd></div>
      <div><dt>{t('sim.facts.blocks')}</dt><dd>{frame.summary.blocks}</dd></div>
      <div><dt>{t('sim.facts.payments')}</dt><dd data-testid="sim-payments">{frame.payments.made}</dd></div>
      <div><dt>{t('sim.facts.messages')}</dt><dd data-testid="sim-messages">{frame.delivered.toLocaleString()}</dd></div>
      <div><dt>{t('sim.facts.validation')}</dt><dd>{t(`sim.validation.${s.validation}`)}</dd></div>
      <div><dt>{t('sim.facts.engine')}</dt><dd>{onPage ? t('sim.facts.onPage') : t('sim.facts.worker')}{frame.heapMB !== null ? ` · ${Math.round(frame.heapMB)} MB` : ''}</dd></div>
    </dl>
  );
}
