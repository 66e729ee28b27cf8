import { useTranslation } from 'react-i18next';
import { useView, useViewShallow } from '../useView';
import { coins, short } from '../format';
import { LanguagePicker } from './LanguagePicker';
import { Term } from './Term';
import { useSession } from '../runtime/context';

/** Who this node is, how it is connected, how far it has synced. */
export function Header() {
  const { t } = useTranslation();
  const session = useSession();
  const { nodeId, role, network, topology, signal, storage, repaired, height, tip, bestKnownHeight, inFlight } = useViewShallow((s) => ({
    nodeId: s.nodeId, role: s.role, network: s.network, topology: s.topology, signal: s.signal, storage: s.storage, repaired: s.repaired,
    height: s.height, tip: s.tip, bestKnownHeight: s.bestKnownHeight, inFlight: s.inFlight,
  }));
  const peers = useView((s) => s.peers.filter((p) => p.ready).length);
  const offline = useView((s) => s.offline);
  // "Syncing" only while blocks are really being downloaded: a node that just mined or heard of a
  // block is not behind (the central's own block used to flash "Syncing: height 0 of 1").
  const syncing = useView((s) => s.syncing);
  const synced = height >= 0 && (height >= bestKnownHeight || !syncing);
  // A primitive, so the selector's answer is stable between renders (an object would loop).
  const forkKey = useView((s) => {
    const f = liveFork(s.blocks);
    return f ? `${f.tips}:${f.height}` : '';
  });
  const fork = forkKey ? { tips: Number(forkKey.split(':')[0]), height: Number(forkKey.split(':')[1]) } : null;
  return (
    <header className="top">
      <div className="identity">
        <h1>
          <span className={`role-badge role-${role}`}>{t(`role.${role}`)}</span> {t('header.node')} <span data-testid="node-id">{nodeId}</span>
        </h1>
        <span>
          {t('header.network')}: <strong>{network}</strong> · {t(`topology.${topology}`)}
        </span>
      </div>
      <dl className="facts">
        <div>
          <dt>{t('header.peers')}</dt>
          <dd data-testid="peer-count">
            {peers}
            {offline && <span className="offline-badge" data-testid="offline-badge"> · {t('header.offline')}</span>}
          </dd>
        </div>
        <div>
          <dt><Term id="height">{t('header.height')}</Term></dt>
          <dd data-testid="height">{height}</dd>
        </div>
        <div>
          <dt><Term id="tip">{t('header.tip')}</Term></dt>
          <dd className="mono" title={tip ?? ''}>{short(tip, 16)}</dd>
        </div>
        <div>
          <dt><Term id="signalling">{t('header.signal')}</Term></dt>
          <dd data-testid="signal-status" className={`signal-${signal.state}`}>
            {t(`signal.${signal.state}`)}
            {signal.state === 'reconnecting' ? ` (${t('signal.attempt', { n: signal.attempt })})` : ''}
          </dd>
        </div>
      </dl>
      <div className="sync">
        <label htmlFor="sync-progress">
          {offline ? t('header.cutOffSync') : synced ? t('header.synced') : t('header.syncing', { height, best: bestKnownHeight, inFlight })}
        </label>
        <progress id="sync-progress" max={Math.max(1, bestKnownHeight)} value={synced ? Math.max(1, bestKnownHeight) : Math.max(0, height)} />
      </div>
      <div className="controls">
        <LanguagePicker />
        <button type="button" onClick={() => { if (confirm(t('header.resetConfirm'))) void session.reset(); }}>{t('header.reset')}</button>
      </div>
      {fork && (
        <p role="status" className="banner fork" data-testid="live-fork">
          {t('fork.live', { count: fork.tips, height: fork.height })} <Term id="fork" />
        </p>
      )}
      {storage && (
        <p role="alert" className="banner error" data-testid="storage-problem">
          {t(`storage.${storage.kind}`)} {storage.message}
        </p>
      )}
      {repaired && (
        <p role="alert" className="banner warn" data-testid="storage-repaired">
          {t('storage.repaired', {
            storedCount: repaired.stored.count, stored: coins(repaired.stored.total),
            count: repaired.replayed.count, total: coins(repaired.replayed.total), height: repaired.height,
          })}
        </p>
      )}
      {signal.state !== 'online' && signal.state !== 'connecting' && (
        <p role="status" className="banner warn">{t('signal.help')}</p>
      )}
    </header>
  );
}

/**
 * Two or more valid tips with the active tip's height (equal work in a class, where difficulty is
 * the same for every branch): a live fork that the next block decides. Null when there is one tip.
 */
export function liveFork(blocks: readonly { hash: string; height: number; prev: string; active: boolean; invalid?: string }[]): { tips: number; height: number } | null {
  const tip = blocks.find((b) => b.active);
  if (!tip) return null;
  const parents = new Set(blocks.map((b) => b.prev));
  const rivals = blocks.filter((b) => b.height === tip.height && !b.invalid && !parents.has(b.hash));
  return rivals.length > 1 ? { tips: rivals.length, height: tip.height } : null;
}
