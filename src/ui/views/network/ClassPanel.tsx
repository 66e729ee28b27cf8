import { useTranslation } from 'react-i18next';
import { toHex } from '../../../core';
import { useSession } from '../../runtime/context';
import { useView } from '../../useView';
import { JoinCard } from '../../components/JoinCard';
import { teacherDashboardSearch } from '../../dashboard/route';

/**
 * The central node's class panel: how students join (room code, link, QR code) and, for the
 * teacher only, the link to the dashboard with the teacher's controls (it carries the teacher key).
 */
export function ClassPanel() {
  const { t } = useTranslation();
  const network = useView((s) => s.network);
  const { teacherSecret } = useSession();
  return (
    <div className="class-panel">
      <JoinCard network={network} compact />
      {teacherSecret && (
        <section className="panel teacher-link" aria-labelledby="teacher-link-title">
          <h2 id="teacher-link-title">{t('join.teacherTitle')}</h2>
          <p className="muted small">{t('join.teacherHelp')}</p>
          <p>
            <a href={teacherDashboardSearch(network, toHex(teacherSecret))} target="_blank" rel="noopener" data-testid="teacher-dashboard-link">
              {t('join.teacherOpen')}
            </a>
          </p>
        </section>
      )}
    </div>
  );
}
