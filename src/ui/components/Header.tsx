import { useTranslation } from 'react-i18next';
import { useView, useViewShallow } from '../useView';
import { coins, short } from '../format';
import { LANGUAGES } from '../i18n';
import { useSession } from '../runtime/context';

/** Who this node is, how it is connected, how far it has synced. */
export function Header() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { nodeId, role, network, topology, signal, storage, repaired, height, tip, bestKnownHeight, inFlight } = useViewShallow((s) => ({
    nodeId: s.nodeId, role: s.role, network: s.network, topology: s.topology, signal: s.signal, storage: s.storage, repaired: s.repaired,
    height: s.height, tip: s.tip, bestKnownHeight: s.bestKnownHeight, inFlight: s.inFlight,
  }));
  const peers = useView((s) => s.peers.filter((p) => p.ready).length);
  const offline = useView((s) => s.offline);
  const synced = height >= 0 && height >= bestKnownHeight;
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
          <dt>{t('header.height')}</dt>
          <dd data-testid="height">{height}</dd>
        </div>
        <div>
          <dt>{t('header.tip')}</dt>
          <dd className="mono" title={tip ?? ''}>{short(tip, 16)}</dd>
        </div>
        <div>
          <dt>{t('header.signal')}</dt>
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
        <label>
          <span className="sr-only">{t('header.language')}</span>
          <select aria-label={t('header.language')} value={i18n.resolvedLanguage} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>{l.label}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => { if (confirm(t('header.resetConfirm'))) void session.reset(); }}>{t('header.reset')}</button>
      </div>
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
