import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { runFileToJson } from '../../sim/runFile';
import type { SimConnection } from './connection';
import type { Speed } from './protocol';

export const SPEEDS: Speed[] = [0, 1, 10, 60, 600];

/** Virtual time as h:mm:ss.t */
export function clockText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const tenth = Math.floor((ms % 1000) / 100);
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${tenth}`;
}

/**
 * Time: play / pause, one message, to the next block, speed (flat out or a multiple of real time),
 * seek to a virtual time (earlier times replay from the start), replay the whole run, save it.
 */
export function Controls({ conn, speed, setSpeed, onNew }: { conn: SimConnection; speed: Speed; setSpeed: (s: Speed) => void; onNew: () => void }) {
  const { t } = useTranslation();
  const frame = useStore(conn.store, (s) => s.frame);
  const graph = useStore(conn.store, (s) => s.graph);
  const node = useStore(conn.store, (s) => s.node);
  const [seekTo, setSeekTo] = useState('');
  if (!frame || !graph) return null;
  const running = frame.running;
  const save = () => {
    const json = runFileToJson({ seed: graph.seed, settings: graph.settings, actions: frame.actions });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    a.download = `tabchain-sim-${graph.seed}-${graph.settings.nodes}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  return (
    <section className="sim-controls panel" aria-label={t('sim.controls.title')}>
      <div className="sim-clock" role="status" aria-live="off">
        <span className="sim-time" data-testid="sim-clock" title={t('sim.controls.clockHelp')}>{clockText(frame.now)}</span>
        <span className="muted" data-testid="sim-mode">{t(`sim.mode.${frame.mode}`)}{frame.running && frame.rate > 0 ? ` · ${t('sim.controls.rate', { rate: frame.rate.toFixed(frame.rate < 10 ? 1 : 0) })}` : ''}</span>
      </div>
      <div className="buttons">
        {running && frame.mode === 'playing' ? (
          <button type="button" onClick={() => conn.pause()}>{t('sim.controls.pause')}</button>
        ) : (
          <button type="button" className="primary" onClick={() => conn.play()}>{t('sim.controls.play')}</button>
        )}
        <button type="button" onClick={() => conn.step('message')} disabled={frame.mode === 'playing'}>{t('sim.controls.stepMessage')}</button>
        <button type="button" onClick={() => conn.step('block')} disabled={frame.mode === 'playing'}>{t('sim.controls.stepBlock')}</button>
        <label className="inline">
          {t('sim.controls.speed')}
          <select value={speed} onChange={(e) => { const v = Number(e.target.value); setSpeed(v); conn.setSpeed(v); }}>
            {SPEEDS.map((v) => <option key={v} value={v}>{v === 0 ? t('sim.speed.max') : t('sim.speed.times', { n: v })}</option>)}
          </select>
        </label>
        <form className="inline" onSubmit={(e) => { e.preventDefault(); const v = Number(seekTo); if (seekTo !== '' && v >= 0) conn.seek(v * 1000); }}>
          <label className="inline">
            {t('sim.controls.seek')}
            <input type="number" min={0} step="any" value={seekTo} onChange={(e) => setSeekTo(e.target.value)} placeholder={String(Math.round(frame.now / 1000))} />
          </label>
          <button type="submit">{t('sim.controls.go')}</button>
        </form>
      </div>
      <div className="buttons">
        <button type="button" onClick={() => conn.start({ seed: graph.seed, settings: graph.settings, actions: frame.actions }, speed, node)}>{t('sim.controls.replay')}</button>
        <button type="button" onClick={save}>{t('sim.controls.save')}</button>
        <button type="button" onClick={onNew}>{t('sim.controls.new')}</button>
      </div>
    </section>
  );
}
