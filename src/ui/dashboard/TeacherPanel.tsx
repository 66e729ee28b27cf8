import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { encodeSignedTeacherCommand, signTeacherCommand, type TeacherAction } from '../../core';
import { useDash } from './store';
import { byNodeId } from './derived';
import { teacherSecretFromHash } from './route';

let lastCounter = 0;

/** Counters only grow, even if the teacher's clock steps back (a replay is never newer). */
function nextCounter(): number {
  lastCounter = Math.max(Date.now(), lastCounter + 1);
  return lastCounter;
}

/**
 * The teacher's controls (only with the teacher link, whose `#teacher=` fragment carries the key
 * and never reaches a server): pause and resume mining, slow every miner down, cut one node off,
 * split the class in two and heal it, send a message to every screen. Each command is signed
 * here, handed to every node this dashboard hears from, and relayed by the nodes to the others;
 * the table shows where it took effect.
 */
export function TeacherPanel({ network, send }: { network: string; send: (bytes: Uint8Array) => number }) {
  const { t } = useTranslation();
  const [secret] = useState(() => teacherSecretFromHash(location.hash));
  const nodes = useDash((s) => s.data.nodes);
  const [throttle, setThrottle] = useState(100);
  const [text, setText] = useState('');
  const [target, setTarget] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const online = Object.values(nodes).filter((n) => n.online).sort((a, b) => byNodeId(a.id, b.id));

  if (!secret)
    return (
      <section className="dash-panel dash-teacher" aria-labelledby="dash-teacher-title">
        <h2 id="dash-teacher-title">{t('dashboard.teacher.title')}</h2>
        <p className="muted">{t('dashboard.teacher.noKey')}</p>
      </section>
    );

  const act = (action: TeacherAction) => {
    const signed = signTeacherCommand({ network, counter: nextCounter(), time: Math.floor(Date.now() / 1000), action }, secret);
    const n = send(encodeSignedTeacherCommand(signed));
    setStatus(t('dashboard.teacher.sent', { count: n, action: t(`dashboard.teacher.kind.${action.kind}`) }));
  };
  const paused = online.filter((n) => n.teacher.paused).length;
  const split = () => {
    // Two halves by node id; the central node (3000) leads the first.
    const ids = online.map((n) => n.id);
    act({ kind: 'partition', groups: [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)] });
  };

  return (
    <section className="dash-panel dash-teacher" aria-labelledby="dash-teacher-title" data-testid="teacher-panel">
      <h2 id="dash-teacher-title">{t('dashboard.teacher.title')}</h2>
      <p className="muted small">{t('dashboard.teacher.help')}</p>
      <div className="dash-teacher-row">
        <button type="button" onClick={() => act({ kind: 'mining', paused: true })}>{t('dashboard.teacher.pause')}</button>
        <button type="button" onClick={() => act({ kind: 'mining', paused: false })}>{t('dashboard.teacher.resume')}</button>
        <span className="muted" data-testid="teacher-paused-count">{t('dashboard.teacher.pausedOn', { count: paused, total: online.length })}</span>
      </div>
      <div className="dash-teacher-row">
        <label>
          {t('dashboard.teacher.throttle', { percent: throttle })}
          <input type="range" min={10} max={100} step={10} value={throttle} onChange={(e) => setThrottle(Number(e.target.value))} />
        </label>
        <button type="button" onClick={() => act({ kind: 'throttle', percent: throttle })}>{t('dashboard.teacher.apply')}</button>
      </div>
      <div className="dash-teacher-row">
        <button type="button" onClick={split} disabled={online.length < 2}>{t('dashboard.teacher.split')}</button>
        <button type="button" onClick={() => act({ kind: 'partition', groups: [] })}>{t('dashboard.teacher.heal')}</button>
      </div>
      <div className="dash-teacher-row">
        <label>
          {t('dashboard.teacher.node')}
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">—</option>
            {online.map((n) => (
              <option key={n.id} value={n.id}>{n.id}</option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!target} onClick={() => act({ kind: 'offline', node: target, offline: true })}>{t('dashboard.teacher.cutOff')}</button>
        <button type="button" disabled={!target} onClick={() => act({ kind: 'offline', node: target, offline: false })}>{t('dashboard.teacher.reconnect')}</button>
      </div>
      <form
        className="dash-teacher-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) act({ kind: 'message', text: text.trim().slice(0, 280) });
          setText('');
        }}
      >
        <label>
          {t('dashboard.teacher.message')}
          <input value={text} maxLength={280} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">{t('dashboard.teacher.sendMessage')}</button>
      </form>
      {status && <p role="status" className="muted small" data-testid="teacher-status">{status}</p>}
    </section>
  );
}
