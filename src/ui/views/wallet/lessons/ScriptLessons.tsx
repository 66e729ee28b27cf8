import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../../runtime/context';
import { useView } from '../../../useView';
import { MultisigLesson } from './MultisigLesson';
import { NoteLesson } from './NoteLesson';
import { TimeLockLesson } from './TimeLockLesson';
import { useWatched } from './watched';
import './lessons.css';

type Lesson = 'multisig' | 'timelock' | 'note';
const LESSONS: Lesson[] = ['multisig', 'timelock', 'note'];

/**
 * The wallet's Script lessons: coins locked by more than one key (m-of-n multisig shared by
 * students), by time (CHECKLOCKTIMEVERIFY), and a note written into the chain (OP_RETURN).
 */
export function ScriptLessons() {
  const { t } = useTranslation();
  const { node } = useSession();
  const network = useView((s) => s.network);
  const nodeId = useView((s) => s.nodeId);
  const wallet = useView((s) => s.wallet);
  // Re-read on every block and mempool change: balances of the followed addresses move with them.
  useView((s) => s.tip);
  useView((s) => s.mempool);
  const keys = useMemo(() => node.query.walletKeys(), [node, wallet]);
  const [watched, follow] = useWatched(network, nodeId);
  const [lesson, setLesson] = useState<Lesson>('multisig');

  return (
    <section className="panel lessons-panel" aria-labelledby="lessons-title" data-testid="panel-lessons">
      <h2 id="lessons-title">{t('walletLessons.title')}</h2>
      <div className="segmented" role="group" aria-label={t('walletLessons.title')}>
        {LESSONS.map((l) => (
          <button key={l} type="button" aria-pressed={lesson === l} onClick={() => setLesson(l)} data-testid={`lesson-tab-${l}`}>
            {t(`walletLessons.${l}.tab`)}
          </button>
        ))}
      </div>
      {lesson === 'multisig' && <MultisigLesson node={node} keys={keys} watched={watched} follow={follow} />}
      {lesson === 'timelock' && <TimeLockLesson node={node} keys={keys} watched={watched} follow={follow} />}
      {lesson === 'note' && <NoteLesson node={node} keys={keys} />}
    </section>
  );
}
