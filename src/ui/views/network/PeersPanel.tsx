import { useTranslation } from 'react-i18next';
import { useView } from '../../useView';
import { useNode } from '../../runtime/context';
import { Term } from '../../components/Term';

/** A titled panel region with an accessible name. */
export function Panel({ id, title, children, className }: { id: string; title: string; children: React.ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={`${id}-title`} data-testid={`panel-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** This node's peers: id, role, height, link direction, round trip; and the nodes it knows of. */
export function PeersPanel() {
  const { t } = useTranslation();
  const peers = useView((s) => s.peers);
  const known = useView((s) => s.knownNodes);
  const offline = useView((s) => s.offline);
  const refused = useView((s) => s.refusals);
  const refusedCount = Object.values(refused).reduce((a, b) => a + b, 0);
  const node = useNode();
  const role = useView((s) => s.role);
  return (
    <Panel id="peers" title={t('peers.title')}>
      <div className="offline-switch">
        <button
          type="button"
          data-testid="offline-toggle"
          aria-pressed={offline}
          onClick={() => node.setOffline(!offline)}
        >
          {offline ? t('peers.goOnline') : t('peers.goOffline')}
        </button>
        <span className="muted">{offline ? t('peers.offlineHelp') : t('peers.onlineHelp')}</span>
      </div>
      {peers.length === 0 ? (
        <p className="muted">{offline ? t('peers.noneOffline') : role === 'central' ? t('msgx.noPeersCentral') : t('peers.none')}</p>
      ) : (
        // A central node of a class of sixty lists sixty peers: the table scrolls, its header stays.
        <div className="peer-scroll" data-testid="peer-table">
        <table>
          <thead>
            <tr>
              <th>{t('peers.id')}</th>
              <th>{t('peers.role')}</th>
              <th>{t('peers.height')}</th>
              <th><Term id="direction">{t('peers.direction')}</Term></th>
              <th><Term id="rtt">{t('peers.rtt')}</Term></th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <tr key={p.id} data-testid={`peer-${p.id}`}>
                <td>{p.id}</td>
                <td>{p.role ? t(`role.${p.role}`) : '?'}</td>
                <td>{p.height < 0 ? '—' : p.height}{p.claimed > Math.max(p.height, 0) && <span className="muted"> {t('peers.claims', { height: p.claimed })}</span>}</td>
                <td>{p.ready ? (p.outbound ? t('peers.outbound') : t('peers.inbound')) : t('peers.handshaking')}</td>
                <td>{p.rtt !== undefined ? `${Number(p.rtt.toFixed(1))} ms` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      <p className="muted">{t('peers.known', { count: known.length, ids: known.join(', ') })}</p>
      {refusedCount > 0 && (
        <p className="muted" data-testid="transport-refusals">
          {t('peers.refused', { count: refusedCount, list: Object.entries(refused).map(([r, n]) => `${t(`peers.refusal.${r}`, { defaultValue: r })} ×${n}`).join(', ') })}
        </p>
      )}
    </Panel>
  );
}
