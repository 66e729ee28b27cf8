import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COIN, type PrivateStrategy, type TeacherAction } from '../../core';
import { useDash } from './store';
import { byNodeId } from './derived';
import { teacherSecretFromHash } from './route';
import { signCommand } from './teacherSign';
import type { DashNode } from './model';

const INTERVALS = [500, 1_000, 2_000, 5_000];

/** The node whose oldest held message arrived first (dashboard clock): the class's next message. */
export function nextHolder(nodes: DashNode[]): DashNode | null {
  let best: DashNode | null = null;
  let at = Infinity;
  for (const n of nodes) {
    const l = n.lessons;
    if (!n.online || !l || l.held === 0) continue;
    const t = (l.oldest ?? Infinity) + n.offset;
    if (t < at || best === null) {
      best = n;
      at = t;
    }
  }
  return best;
}

/**
 * The lessons run from the projector (with the teacher link): slow motion, pause and step for the
 * whole class; and one node ordered to tamper with a block, double spend, or mine a private chain.
 * Each order is a signed teacher command the node carries out as if its student had clicked it.
 */
export function LessonsPanel({ network, send }: { network: string; send: (bytes: Uint8Array) => number }) {
  const { t } = useTranslation();
  const [secret] = useState(() => teacherSecretFromHash(location.hash));
  const nodes = useDash((s) => s.data.nodes);
  const replaying = useDash((s) => !!s.replay);
  const online = Object.values(nodes).filter((n) => n.online).sort((a, b) => byNodeId(a.id, b.id));
  const [interval, setInterval] = useState(1_000);
  const [target, setTarget] = useState('');
  const [height, setHeight] = useState('');
  const [stage, setStage] = useState<1 | 2 | 3>(1);
  const [peerA, setPeerA] = useState('');
  const [peerB, setPeerB] = useState('');
  const [merchant, setMerchant] = useState('');
  const [victim, setVictim] = useState('');
  const [amount, setAmount] = useState('1');
  const [strategy, setStrategy] = useState<PrivateStrategy>('withhold');
  const [sentTo, setSentTo] = useState<number | null>(null);

  if (!secret || replaying)
    return (
      <section className="dash-panel dash-lessons" aria-labelledby="dash-lessons-title">
        <h2 id="dash-lessons-title">{t('lessonsDash.title')}</h2>
        <p className="muted">{t('lessonsDash.noKey')}</p>
      </section>
    );

  const act = (action: TeacherAction) => setSentTo(send(signCommand(network, secret, action)));
  const held = online.reduce((s, n) => s + (n.lessons?.held ?? 0), 0);
  const next = nextHolder(online);
  const node = online.find((n) => n.id === target) ?? online[0];
  const peers = node ? [...node.peers].sort(byNodeId) : [];
  const pa = peerA || peers[0] || '';
  const pb = peerB || peers.find((p) => p !== pa) || '';
  const addressOf = (id: string) => nodes[id]?.lessons?.address ?? '';
  const sat = BigInt(Math.round(Math.max(0, Number(amount) || 0) * Number(COIN)));
  const attackers = online.filter((n) => n.lessons?.private);

  return (
    <section className="dash-panel dash-lessons" aria-labelledby="dash-lessons-title" data-testid="dash-lessons">
      <h2 id="dash-lessons-title">{t('lessonsDash.title')}</h2>
      <h3>{t('lessonsDash.slow')}</h3>
      <p className="muted small">{t('lessonsDash.slowHelp')}</p>
      <div className="dash-teacher-row">
        <button type="button" onClick={() => act({ kind: 'delivery', mode: 'live', intervalMs: 0 })} data-testid="dash-live">{t('lessonsDash.live')}</button>
        <label>
          {t('lessonsDash.every')}
          <select value={interval} onChange={(e) => setInterval(Number(e.target.value))}>
            {INTERVALS.map((ms) => <option key={ms} value={ms}>{t('lessonsDash.seconds', { seconds: ms / 1000 })}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => act({ kind: 'delivery', mode: 'slow', intervalMs: interval })} data-testid="dash-slow">{t('lessonsDash.slowDown')}</button>
        <button type="button" onClick={() => act({ kind: 'delivery', mode: 'paused', intervalMs: 0 })} data-testid="dash-pause">{t('lessonsDash.pause')}</button>
        <button type="button" disabled={!next} title={t('lessonsDash.stepHelp')} onClick={() => next && act({ kind: 'step', node: next.id, count: 1 })} data-testid="dash-step">{t('lessonsDash.step')}</button>
      </div>
      <p className="muted small" data-testid="dash-held" data-held={held}>
        {t('lessonsDash.held', { count: held })}{next ? ` · ${t('lessonsDash.next', { node: next.id })}` : ''}
      </p>

      <div className="dash-teacher-row">
        <label>
          {t('lessonsDash.node')}
          <select value={node?.id ?? ''} onChange={(e) => setTarget(e.target.value)} data-testid="dash-lesson-node">
            {online.map((n) => <option key={n.id} value={n.id}>{n.id}</option>)}
          </select>
        </label>
      </div>
      <h3>{t('lessonsDash.tamper')}</h3>
      <p className="muted small">{t('lessonsDash.tamperHelp')}</p>
      <div className="dash-teacher-row">
        <label>
          {t('lessonsDash.height')}
          <input type="number" min={1} value={height} placeholder={String(node?.height ?? '')} onChange={(e) => setHeight(e.target.value)} style={{ width: '5em' }} />
        </label>
        <label>
          {t('lessonsDash.stage')}
          <select value={stage} onChange={(e) => setStage(Number(e.target.value) as 1 | 2 | 3)}>
            {([1, 2, 3] as const).map((s) => <option key={s} value={s}>{t(`lessonsDash.stages.${s}`)}</option>)}
          </select>
        </label>
        <button type="button" disabled={!node} onClick={() => node && act({ kind: 'lesson', node: node.id, order: { do: 'tamper', height: Number(height) || node.height, stage } })} data-testid="dash-tamper">{t('lessonsDash.tamperGo')}</button>
      </div>
      <h3>{t('lessonsDash.double')}</h3>
      <p className="muted small">{t('lessonsDash.doubleHelp')}</p>
      <div className="dash-teacher-row">
        <label>
          {t('lessonsDash.merchant')}
          <select value={merchant} onChange={(e) => setMerchant(e.target.value)}>
            <option value="">—</option>
            {online.filter((n) => n.id !== node?.id && addressOf(n.id)).map((n) => <option key={n.id} value={n.id}>{n.id}</option>)}
          </select>
        </label>
        <label>
          {t('lessonsDash.peerA')}
          <select value={pa} onChange={(e) => setPeerA(e.target.value)}>{peers.map((p) => <option key={p} value={p}>{p}</option>)}</select>
        </label>
        <label>
          {t('lessonsDash.peerB')}
          <select value={pb} onChange={(e) => setPeerB(e.target.value)}>{peers.map((p) => <option key={p} value={p}>{p}</option>)}</select>
        </label>
        <label>
          {t('lessonsDash.amount')}
          <input value={amount} inputMode="decimal" onChange={(e) => setAmount(e.target.value)} style={{ width: '4em' }} />
        </label>
        <button type="button" disabled={!node || !merchant || !pa || !pb || pa === pb || sat <= 0n} onClick={() => node && act({ kind: 'lesson', node: node.id, order: { do: 'double-spend', peers: [pa, pb], to: [addressOf(merchant), addressOf(node.id)], amount: sat } })}>{t('lessonsDash.doubleGo')}</button>
      </div>
      <h3>{t('lessonsDash.attack')}</h3>
      <p className="muted small">{t('lessonsDash.attackHelp')}</p>
      <div className="dash-teacher-row">
        <label>
          {t('lessonsDash.strategy')}
          <select value={strategy} onChange={(e) => setStrategy(e.target.value as PrivateStrategy)}>
            <option value="withhold">{t('lessonsDash.withhold')}</option>
            <option value="selfish">{t('lessonsDash.selfish')}</option>
          </select>
        </label>
        <label>
          {t('lessonsDash.victim')}
          <select value={victim} onChange={(e) => setVictim(e.target.value)}>
            <option value="">{t('lessonsDash.none')}</option>
            {online.filter((n) => n.id !== node?.id && addressOf(n.id)).map((n) => <option key={n.id} value={n.id}>{n.id}</option>)}
          </select>
        </label>
        <button type="button" disabled={!node} onClick={() => node && act({ kind: 'lesson', node: node.id, order: { do: 'private', strategy, payTo: victim ? addressOf(victim) : '', amount: victim ? sat : 0n } })}>{t('lessonsDash.attackGo')}</button>
        <button type="button" disabled={!node?.lessons?.private} onClick={() => node && act({ kind: 'lesson', node: node.id, order: { do: 'release' } })}>{t('lessonsDash.release')}</button>
        <button type="button" disabled={!node?.lessons?.private} onClick={() => node && act({ kind: 'lesson', node: node.id, order: { do: 'abandon' } })}>{t('lessonsDash.abandon')}</button>
      </div>
      {attackers.map((n) => (
        <p key={n.id} className="small" data-testid={`dash-private-${n.id}`}>{t('lessonsDash.lead', { node: n.id, lead: n.lessons!.private!.lead, withheld: n.lessons!.private!.withheld })}</p>
      ))}
      {sentTo !== null && <p role="status" className="muted small">{t('lessonsDash.sent', { count: sentTo })}</p>}
    </section>
  );
}
