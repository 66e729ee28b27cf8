import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Delivery } from '../../../node/api';
import { useLessonNode } from './useLessons';
import { Explain } from './Explain';

/** Intervals a tab can slow its own messages to (ms). */
const INTERVALS = [250, 500, 1_000, 2_000, 5_000];

/**
 * Slow motion, pause and step for this tab's incoming messages (the teacher sets the same for the
 * whole class from the dashboard): what waits, in order, and buttons to deliver it one by one.
 */
export function SlowMotionLesson() {
  const { t } = useTranslation();
  const node = useLessonNode(150);
  const d = node.lessons.delivery();
  const held = node.lessons.held(20);
  const [interval, setInterval] = useState(1_000);
  const now = node.clock.now();
  const mode = (x: Delivery) => t(`lessons.slow.modes.${x.mode}`, { seconds: x.intervalMs / 1000 });
  return (
    <div className="lesson slow" data-testid="lesson-slow">
      <Explain text={t('lessons.slow.explain')} />
      <dl className="lesson-facts">
        <div>
          <dt>{t('lessons.slow.classSetting')}</dt>
          <dd data-testid="slow-class">{mode(d.class)}</dd>
        </div>
        <div>
          <dt>{t('lessons.slow.mySetting')}</dt>
          <dd data-testid="slow-local">{mode(d.local)}</dd>
        </div>
        <div>
          <dt>{t('lessons.slow.effective')}</dt>
          <dd data-testid="slow-effective" data-mode={d.effective.mode}>{mode(d.effective)}</dd>
        </div>
      </dl>
      <div className="lesson-actions" role="group" aria-label={t('lessons.slow.mySetting')}>
        <button type="button" aria-pressed={d.local.mode === 'live'} onClick={() => node.lessons.setDelivery('live')} data-testid="slow-live">{t('lessons.slow.live')}</button>
        <button type="button" aria-pressed={d.local.mode === 'slow'} onClick={() => node.lessons.setDelivery('slow', interval)} data-testid="slow-slow">{t('lessons.slow.slow')}</button>
        <label>
          {t('lessons.slow.interval')}
          <select value={interval} onChange={(e) => { setInterval(Number(e.target.value)); if (d.local.mode === 'slow') node.lessons.setDelivery('slow', Number(e.target.value)); }}>
            {INTERVALS.map((ms) => <option key={ms} value={ms}>{t('lessons.slow.seconds', { seconds: ms / 1000 })}</option>)}
          </select>
        </label>
        <button type="button" aria-pressed={d.local.mode === 'paused'} onClick={() => node.lessons.setDelivery('paused')} data-testid="slow-pause">{t('lessons.slow.pause')}</button>
        <button type="button" disabled={d.held === 0} onClick={() => node.lessons.step(1)} data-testid="slow-step">{t('lessons.slow.step')}</button>
        <button type="button" disabled={d.held === 0} onClick={() => node.lessons.step(5)}>{t('lessons.slow.step5')}</button>
      </div>
      <h3 data-testid="slow-held" data-held={d.held}>{d.held ? t('lessons.slow.held', { count: d.held }) : t('lessons.slow.nothing')}</h3>
      {held.length > 0 && (
        <ol className="lesson-held">
          {held.map((m, i) => (
            <li key={`${m.at}-${i}`}>
              <code className={`cmd cmd-${m.command}`}>{m.command}</code> {t('lessons.slow.from', { peer: m.peer })} · {m.bytes} B · <span className="muted">{t('lessons.slow.waiting', { seconds: Math.max(0, Math.round((now - m.at) / 1000)) })}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
