import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { readClassFile, writeClassFile } from '../../adapters/files/classFile';
import type { FileRefusal } from '../../adapters/files/envelope';
import { classRecord, closeReplay, openReplay, playReplay, seekReplay, setReplaySpeed, useDash } from './store';
import { download, stampedName } from '../views/lessons/download';
import { FileButton } from '../components/FileButton';

const SPEEDS = [1, 2, 5, 10, 30];

/**
 * The class record: save what the dashboard recorded to a file; open a saved class and replay it
 * here with play, pause and seek (the live class goes on being recorded meanwhile).
 */
export function ClassRecord({ network }: { network: string | null }) {
  const { t } = useTranslation();
  const replay = useDash((s) => s.replay);
  const [count, setCount] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<FileRefusal | null>(null);
  useEffect(() => {
    if (!network) return;
    const timer = setInterval(() => setCount(classRecord()?.arrivals.length ?? 0), 1_000);
    return () => clearInterval(timer);
  }, [network]);
  const save = () => {
    const r = classRecord();
    if (!r) return;
    const name = stampedName(`${r.network}-class`, 'tabchain-class');
    download(name, writeClassFile(r));
    setSaved(name);
  };
  const open = async (f: File | undefined) => {
    setRefusal(null);
    if (!f) return;
    const read = readClassFile(await f.text());
    if (!read.ok) return setRefusal(read.refusal);
    openReplay(read.value);
  };
  return (
    <section className="dash-panel dash-record" aria-labelledby="dash-record-title" data-testid="dash-record">
      <h2 id="dash-record-title">{replay ? t('lessonsDash.record.replaying', { network: replay.network }) : network ? t('lessonsDash.record.title') : t('lessonsDash.record.replayTitle')}</h2>
      {!replay && network && <p className="muted small">{t('lessonsDash.record.help')} {t('lessonsDash.record.recorded', { count })}</p>}
      {!replay && !network && <p className="muted small">{t('lessonsDash.record.empty')}</p>}
      <div className="dash-teacher-row">
        {network && !replay && <button type="button" onClick={save} data-testid="dash-save-class">{t('lessonsDash.record.save')}</button>}
        <FileButton label={t('lessonsDash.record.open')} accept=".tabchain-class,.json,application/json,text/plain" onFile={(f) => void open(f)} testId="dash-open-class" />
      </div>
      {saved && <p role="status" className="muted small">{t('lessonsDash.record.saved', { name: saved })}</p>}
      {refusal && (
        <p role="alert" className="error" data-testid="dash-class-refused" data-code={refusal.code}>
          {t('lessons.files.refused', { reason: t(`lessons.files.codes.${refusal.code}`), detail: refusal.detail })}
        </p>
      )}
      {replay && (
        <div className="dash-replay" data-testid="dash-replay">
          <button type="button" onClick={() => playReplay(!replay.playing)} data-testid="dash-replay-play">{replay.playing ? t('lessonsDash.record.pause') : t('lessonsDash.record.play')}</button>
          <label className="dash-replay-seek">
            <span className="sr-only">{t('lessonsDash.record.position')}</span>
            <input type="range" min={replay.start} max={Math.max(replay.end, replay.start + 1)} step={100} value={replay.position} onChange={(e) => seekReplay(Number(e.target.value))} aria-label={t('lessonsDash.record.position')} data-testid="dash-replay-seek" />
          </label>
          <span className="dash-time" data-testid="dash-replay-time">{clock(replay.position - replay.start)} / {clock(replay.end - replay.start)}</span>
          <label>
            {t('lessonsDash.record.speed')}
            <select value={replay.speed} onChange={(e) => setReplaySpeed(Number(e.target.value))}>
              {SPEEDS.map((s) => <option key={s} value={s}>×{s}</option>)}
            </select>
          </label>
          {network && <button type="button" onClick={closeReplay} data-testid="dash-replay-close">{t('lessonsDash.record.close')}</button>}
          {replay.truncatedBefore !== null && <p className="muted small">{t('lessonsDash.record.truncated')}</p>}
        </div>
      )}
    </section>
  );
}

/** Elapsed time as m:ss. */
function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
