import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { nodeAddressToSearch, type NodeAddress } from '../runtime/url';
import type { Role, Topology } from '../../node/events';
import { dashboardSearch } from '../dashboard/route';
import { SIMULATOR_SEARCH } from '../sim/route';

/** First screen: create a network (central node) or join one as a miner or wallet; quick start. */
export function Setup({ onStart }: { onStart: (a: NodeAddress) => void }) {
  const { t } = useTranslation();
  const [network, setNetwork] = useState('class1');
  const [role, setRole] = useState<Role>('central');
  const [topology, setTopology] = useState<Topology>('star');
  const [preset, setPreset] = useState<'classroom' | 'regtest' | 'bitcoin-like'>('classroom');
  const valid = /^[A-Za-z0-9_-]{1,32}$/.test(network);

  const address = (r: Role): NodeAddress => ({ network, role: r, topology, ...(r === 'central' ? { preset } : {}) });

  const quickStart = () => {
    // One click opens the seed tutorial's three tabs: central, wallet, miner.
    for (const r of ['central', 'wallet', 'miner'] as Role[]) window.open(nodeAddressToSearch(address(r)), `_blank`);
  };

  return (
    <main className="setup">
      <h1>{t('app.title')}</h1>
      <p className="lead">{t('setup.lead')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onStart(address(role));
        }}
      >
        <label>
          {t('setup.network')}
          <input value={network} onChange={(e) => setNetwork(e.target.value.trim())} aria-invalid={!valid} required />
        </label>
        {!valid && <p className="error">{t('setup.networkInvalid')}</p>}
        <fieldset>
          <legend>{t('setup.role')}</legend>
          {(['central', 'miner', 'wallet'] as Role[]).map((r) => (
            <label key={r} className="choice">
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
              <strong>{t(`role.${r}`)}</strong> — {t(`setup.roleHelp.${r}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('setup.topology')}
          <select value={topology} onChange={(e) => setTopology(e.target.value as Topology)}>
            <option value="star">{t('topology.star')}</option>
            <option value="mesh">{t('topology.mesh')}</option>
          </select>
        </label>
        {role === 'central' && (
          <label>
            {t('setup.preset')}
            <select value={preset} onChange={(e) => setPreset(e.target.value as typeof preset)}>
              <option value="classroom">{t('preset.classroom')}</option>
              <option value="bitcoin-like">{t('preset.bitcoinLike')}</option>
              <option value="regtest">{t('preset.regtest')}</option>
            </select>
          </label>
        )}
        <div className="buttons">
          <button type="submit" disabled={!valid}>
            {role === 'central' ? t('setup.create') : t('setup.join')}
          </button>
          <button type="button" onClick={quickStart} disabled={!valid}>
            {t('setup.quickStart')}
          </button>
        </div>
        {/* Teacher dashboard: watches every node of the typed network (src/ui/dashboard). */}
        <p>
          <a href={valid ? dashboardSearch(network) : undefined} target="_blank" rel="noopener" aria-disabled={!valid} title={t('dashboard.openHelp')} data-testid="open-dashboard">
            {t('dashboard.open')}
          </a>
        </p>
        {/* Simulator: a whole network in this tab, faster than real time (src/ui/sim). */}
        <p>
          <a href={SIMULATOR_SEARCH} data-testid="open-simulator">{t('sim.open')}</a> — <span className="muted">{t('sim.openHelp')}</span>
        </p>
      </form>
    </main>
  );
}
