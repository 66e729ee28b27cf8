import { useTranslation } from 'react-i18next';
import { useView, useViewShallow } from '../useView';
import { partitionGroup } from '../../core';

/**
 * What a student must not miss, under the header: the teacher's message and what the teacher's
 * commands have set here (mining paused or slowed, the class split), and why this node has no
 * link if it has none (instead of retrying silently).
 */
export function NodeNotices() {
  const { t } = useTranslation();
  const { teacher, noLink, nodeId, refused } = useViewShallow((s) => ({ teacher: s.teacher, noLink: s.noLink, nodeId: s.nodeId, refused: s.teacherRefused }));
  const offline = useView((s) => s.offline);
  const group = teacher.partition.length ? partitionGroup(teacher.partition, nodeId) : -1;
  return (
    <div className="notices">
      {teacher.message && (
        <p role="status" className="banner teacher-message" data-testid="teacher-message">
          <strong>{t('notices.teacherSays')}</strong> {teacher.message.text}
        </p>
      )}
      {teacher.miningPaused && <p role="status" className="banner warn" data-testid="mining-paused">{t('notices.miningPaused')}</p>}
      {!teacher.miningPaused && teacher.throttle < 100 && <p role="status" className="banner warn" data-testid="mining-throttled">{t('notices.throttled', { percent: teacher.throttle })}</p>}
      {teacher.delivery.mode !== 'live' && (
        <p role="status" className="banner warn" data-testid="class-delivery" data-mode={teacher.delivery.mode}>
          {t(teacher.delivery.mode === 'paused' ? 'lessons.notice.paused' : 'lessons.notice.slow', { seconds: teacher.delivery.intervalMs / 1000 })}
        </p>
      )}
      {group >= 0 && (
        <p role="status" className="banner warn" data-testid="partitioned">
          {t('notices.partitioned', { group: group + 1, count: teacher.partition.length, ids: (teacher.partition[group] ?? []).join(', ') })}
        </p>
      )}
      {refused && (
        <p role="alert" className="banner error" data-testid="teacher-refused">
          {t('notices.teacherRefused', { from: refused.from, reason: refused.reason, code: refused.code })}
        </p>
      )}
      {noLink && !offline && (
        <p role="status" className="banner warn" data-testid="no-link">
          {t('notices.noLink', { peer: noLink.peer, reason: noLink.reason })}
        </p>
      )}
    </div>
  );
}
