import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TamperLab } from './TamperLab';
import { DoubleSpendLesson } from './DoubleSpendLesson';
import { PrivateChainLesson } from './PrivateChainLesson';
import { SlowMotionLesson } from './SlowMotionLesson';
import { FilesLesson } from './FilesLesson';
import './lessons.css';

const LESSONS = [
  { id: 'tamper', component: TamperLab },
  { id: 'double', component: DoubleSpendLesson },
  { id: 'private', component: PrivateChainLesson },
  { id: 'slow', component: SlowMotionLesson },
  { id: 'files', component: FilesLesson },
] as const;

type LessonId = (typeof LESSONS)[number]['id'];

/**
 * The lessons teachers pick this simulator for, each on real blocks and transactions of this
 * node: tamper with a block, double spend, a 51 % attack, slow motion, saving and loading.
 * `?lesson=<id>` opens one directly.
 */
export function LessonsView() {
  const { t } = useTranslation();
  const [lesson, setLesson] = useState<LessonId>(() => {
    const q = new URLSearchParams(location.search).get('lesson');
    return LESSONS.some((l) => l.id === q) ? (q as LessonId) : 'tamper';
  });
  const Active = LESSONS.find((l) => l.id === lesson)!.component;
  return (
    <section className="panel lessons" data-testid="panel-lessons" aria-labelledby="lessons-title">
      <h2 id="lessons-title" className="sr-only">{t('lessons.title')}</h2>
      <div role="tablist" aria-label={t('lessons.pick')} className="lesson-tabs">
        {LESSONS.map((l) => (
          <button
            key={l.id}
            role="tab"
            id={`lesson-tab-${l.id}`}
            aria-selected={l.id === lesson}
            aria-controls="lesson-panel"
            className={l.id === lesson ? 'selected' : ''}
            onClick={() => setLesson(l.id)}
          >
            {t(`lessons.names.${l.id}`)}
          </button>
        ))}
      </div>
      <div id="lesson-panel" role="tabpanel" aria-labelledby={`lesson-tab-${lesson}`}>
        <Active />
      </div>
    </section>
  );
}
