import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Setup } from './components/Setup';
import { Header } from './components/Header';
import { ChainPanel, MempoolPanel, MessagesPanel, MinerPanel, PeersPanel, WalletPanel } from './components/Panels';
import { parseNodeAddress, nodeAddressToSearch, type NodeAddress } from './runtime/url';
import { startSession } from './runtime/session';
import { useView } from './useView';
import { createMiner, maxMiners } from './runtime/miner';

/** Setup screen, or this tab's node. */
export function App() {
  const { t } = useTranslation();
  const [address, setAddress] = useState<NodeAddress | null>(() => parseNodeAddress(location.search));
  const phase = useView((s) => s.phase);
  const error = useView((s) => s.error);
  const status = useView((s) => s.status);

  useEffect(() => {
    if (!address) return;
    startSession(address, createMiner, maxMiners()).catch((e) => {
      console.error(e);
      (window as unknown as { __startError?: string }).__startError = String(e);
    });
  }, [address]);

  if (!address)
    return (
      <Setup
        onStart={(a) => {
          history.pushState(null, '', nodeAddressToSearch(a));
          setAddress(a);
        }}
      />
    );
  if (phase === 'refused' || phase === 'error')
    return (
      <main className="setup">
        <h1>{t('app.title')}</h1>
        <p role="alert" className="error" data-testid="refused">
          {error === 'already-open' ? t('refused.alreadyOpen') : error?.startsWith('id-taken') ? t('refused.idTaken') : error?.startsWith('role-mismatch') ? t('refused.roleMismatch') : error}
        </p>
        <a href="/">{t('refused.back')}</a>
      </main>
    );
  if (phase !== 'running')
    return (
      <main className="setup">
        <h1>{t('app.title')}</h1>
        <p role="status">{t(`starting.${status || 'starting'}`)}</p>
      </main>
    );
  return (
    <div className="app">
      <Header />
      <main className="grid">
        <PeersPanel />
        <WalletPanel />
        <MinerPanel />
        <MempoolPanel />
        <ChainPanel />
        <MessagesPanel />
      </main>
    </div>
  );
}
