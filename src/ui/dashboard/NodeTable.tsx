import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { short } from '../format';
import { useDash } from './store';
import { byNodeId, tipGroups } from './derived';
import { branchOf } from './shared';
import { ScrollRegion } from './ScrollRegion';

/** One row per node: role, height, tip, peers, when it last reported. */
export function NodeTable() {
  const { t } = useTranslation();
  const data = useDash((s) => s.data);
  const now = useDash((s) => s.now);
  const groups = useMemo(() => tipGroups(data), [data]);
  const branches = branchOf(groups);
  const forked = groups.length > 1;
  const nodes = Object.values(data.nodes).sort((a, b) => byNodeId(a.id, b.id));
  const top = Math.max(-1, ...nodes.filter((n) => n.online).map((n) => n.height));
  return (
    <section className="dash-panel dash-nodes" aria-labelledby="dash-nodes-title">
      <h2 id="dash-nodes-title">{t('dashboard.nodes.title')}</h2>
      <ScrollRegion label={t('dashboard.nodes.title')}>
        <table data-testid="dash-node-table">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.nodes.node')}</th>
              <th scope="col">{t('dashboard.nodes.height')}</th>
              <th scope="col">{t('dashboard.nodes.tip')}</th>
              <th scope="col">{t('dashboard.nodes.peers')}</th>
              <th scope="col">{t('dashboard.nodes.lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => {
              const branch = n.online && forked ? branches.get(n.tip ?? '') : undefined;
              const ago = Math.max(0, Math.round((now - n.lastSeen) / 1000));
              return (
                <tr key={n.id} data-testid={`dash-node-${n.id}`} data-height={n.height} data-online={n.online} className={n.online ? (n.height < top ? 'behind' : '') : 'offline'}>
                  <th scope="row">
                    <span className="dash-id">{n.id}</span> <span className={`role-badge role-${n.role}`}>{t(`role.${n.role}`)}</span>
                    {n.mining && <span className="dash-tag">{t('dashboard.nodes.mining')}</span>}
                    {n.online && n.cutOff && <span className="dash-tag warn" data-testid={`dash-cutoff-${n.id}`}>{t('dashboard.nodes.cutOff')}</span>}
                    {n.online && n.teacher.paused && <span className="dash-tag warn" data-testid={`dash-paused-${n.id}`}>{t('dashboard.nodes.paused')}</span>}
                    {n.online && n.teacher.throttle < 100 && <span className="dash-tag">{t('dashboard.nodes.throttled', { percent: n.teacher.throttle })}</span>}
                    {n.online && n.teacher.group > 0 && <span className="dash-tag" data-testid={`dash-group-${n.id}`}>{t('dashboard.nodes.group', { group: n.teacher.group })}</span>}
                    {n.online && n.lessons && n.lessons.delivery !== 'live' && <span className="dash-tag warn" data-testid={`dash-held-${n.id}`}>{t(`lessonsDash.tags.${n.lessons.delivery}`)} · {t('lessonsDash.tags.held', { count: n.lessons.held })}</span>}
                    {n.online && n.lessons?.private && <span className="dash-tag warn" data-testid={`dash-private-tag-${n.id}`}>{t('lessonsDash.tags.private', { lead: n.lessons.private.lead >= 0 ? `+${n.lessons.private.lead}` : n.lessons.private.lead })}</span>}
                  </th>
                  <td className="dash-num" data-testid={`dash-height-${n.id}`}>
                    {n.height}
                    {n.online && n.height < top && <span className="dash-tag warn">{t('dashboard.nodes.behind', { count: top - n.height })}</span>}
                  </td>
                  <td>
                    <span className="dash-hash" title={n.tip ?? ''}>
                      {short(n.tip, 12)}
                    </span>
                    {branch && (
                      <span className="dash-branch" style={{ borderColor: branch.color, color: branch.color }}>
                        {t('dashboard.forks.branch', { letter: branch.letter })}
                      </span>
                    )}
                  </td>
                  <td>{n.online ? (n.peers.length ? [...n.peers].sort(byNodeId).join(', ') : t('dashboard.nodes.noPeers')) : '—'}</td>
                  <td>{n.online ? (ago <= 1 ? t('dashboard.nodes.justNow') : t('dashboard.nodes.ago', { seconds: ago })) : <span className="dash-bad">{t('dashboard.nodes.offline')}</span>}</td>
                </tr>
              );
            })}
            {nodes.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {t('dashboard.nodes.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}
