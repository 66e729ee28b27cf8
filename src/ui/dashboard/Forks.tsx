import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { short, clockTime } from '../format';
import { useDash } from './store';
import { blockTree, tipGroups } from './derived';
import type { Activity } from './model';
import { branchOf } from './shared';

/**
 * Do the nodes agree? Nodes grouped by tip (a branch letter each when they disagree), the last
 * heights of every known branch (a height with two blocks is a fork), and recent reorgs.
 */
export function Forks() {
  const { t } = useTranslation();
  const data = useDash((s) => s.data);
  const groups = useMemo(() => tipGroups(data), [data]);
  const tree = useMemo(() => blockTree(data, 6), [data]);
  const branches = branchOf(groups);
  const forked = groups.length > 1;
  const notable = data.activity
    .filter((a) => a.kind === 'reorg' || a.kind === 'invalid' || a.kind === 'rejected' || a.kind === 'offline')
    .slice(-6)
    .sort((a, b) => b.time - a.time);

  return (
    <section className="dash-panel dash-forks" aria-labelledby="dash-forks-title">
      <h2 id="dash-forks-title">{t('dashboard.forks.title')}</h2>
      <p className={`dash-verdict ${forked ? 'dash-bad' : 'dash-good'}`} data-testid="dash-verdict" data-tips={groups.length} role="status">
        {groups.length === 0
          ? t('dashboard.forks.nobody')
          : forked
            ? t('dashboard.forks.disagree', { count: groups.length })
            : t('dashboard.forks.agree', { count: groups[0]!.nodes.length, height: groups[0]!.height })}
      </p>
      {forked && (
        <ul className="dash-groups">
          {groups.map((g) => {
            const b = branches.get(g.tip ?? '')!;
            return (
              <li key={g.tip ?? ''} style={{ borderLeftColor: b.color }}>
                <strong style={{ color: b.color }}>{t('dashboard.forks.branch', { letter: b.letter })}</strong> · {t('dashboard.forks.groupLine', { height: g.height, nodes: g.nodes.join(', ') })}{' '}
                <span className="mono">{short(g.tip, 12)}</span>
              </li>
            );
          })}
        </ul>
      )}
      <h3>{t('dashboard.forks.treeTitle')}</h3>
      <ol className="dash-tree" aria-label={t('dashboard.forks.treeTitle')}>
        {tree.map((row) => (
          <li key={row.height} className={row.blocks.length > 1 ? 'fork' : ''}>
            <span className="dash-tree-height">{t('dashboard.forks.height', { height: row.height })}</span>
            {row.blocks.map((b) => {
              const br = b.tipOf.length && forked ? branches.get(b.hash) : undefined;
              return (
                <span key={b.hash} className={`dash-block ${b.side ? 'side' : ''} ${b.invalid ? 'invalid' : ''}`} title={b.hash} data-hash={b.hash} style={br ? { borderColor: br.color } : undefined}>
                  <span className="mono">{short(b.hash, 10)}</span>{' '}
                  {b.invalid ? (
                    <span className="dash-bad">{t('dashboard.forks.invalid')}</span>
                  ) : b.side ? (
                    <span>{t('dashboard.forks.side')}</span>
                  ) : b.tipOf.length ? (
                    <span>{t('dashboard.forks.tipOf', { nodes: b.tipOf.join(', ') })}</span>
                  ) : (
                    <span className="muted">{t('dashboard.forks.onChainOf', { count: b.onChainOf.length })}</span>
                  )}
                </span>
              );
            })}
            {row.blocks.length > 1 && <span className="dash-tag warn">{t('dashboard.forks.forkHere')}</span>}
          </li>
        ))}
      </ol>
      {notable.length > 0 && (
        <>
          <h3>{t('dashboard.forks.activity')}</h3>
          <ul className="dash-activity">
            {notable.map((a, i) => (
              <li key={`${a.time}-${a.node}-${i}`}>
                <span className="muted">{clockTime(a.time)}</span> {activityText(t, a)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function activityText(t: (k: string, o?: Record<string, unknown>) => string, a: Activity): string {
  const d = a.detail;
  switch (a.kind) {
    case 'reorg':
      return t('dashboard.activity.reorg', { node: a.node, disconnected: d.disconnected, connected: d.connected, height: d.forkHeight });
    case 'invalid':
      return t('dashboard.activity.invalid', { node: a.node, hash: short(String(d.hash), 10), reason: d.reason });
    case 'rejected':
      return t('dashboard.activity.rejected', { node: a.node, peer: d.peer, command: d.cmd, reason: d.reason });
    case 'offline':
      return t('dashboard.activity.offline', { node: a.node });
    default:
      return `${a.node} ${a.kind}`;
  }
}
