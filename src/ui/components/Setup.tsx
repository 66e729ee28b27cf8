import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { nodeAddressToSearch, type NodeAddress } from '../runtime/url';
import type { Role, Topology } from '../../node/events';
import { dashboardSearch } from '../dashboard/route';
import { CLASS_INTERVALS } from '../../core';
import { onlineNodes, storedNodes } from '../runtime/session';
import { PageHead } from './LanguagePicker';
import { Term } from './Term';
import { OpenSavedNode } from '../views/lessons/OpenSavedNode';
import { SIMULATOR_SEARCH } from '../sim/route';

/** Nodes of a network that exist already: online on the signalling server, or stored in this browser. */
async function existingNodes(network: string): Promise<string[]> {
  const [online, stored] = await Promise.all([onlineNodes(network), storedNodes(network)]);
  return [...new Set([...online, ...stored])].sort();
}

/** The first of name-2, name-3, … that no node uses yet (a fresh network beside an old one). */
async function freshName(network: string): Promise<string> {
  for (let n = 2; n < 1000; n++) {
    const name = `${network.slice(0, 28)}-${n}`;
    if ((await existingNodes(name)).length === 0) return name;
  }
  return `${network.slice(0, 24)}-${Date.now() % 100000}`;
}

/**
 * Opens the seed tutorial's three tabs — central, wallet, miner — and brings the central's to the
 * front, where the tutorial starts (a tab behind others paints at a few frames a second).
 */
function openThree(address: (r: Role) => NodeAddress): void {
  const central = window.open(nodeAddressToSearch(address('central')), '_blank');
  for (const r of ['wallet', 'miner'] as Role[]) window.open(nodeAddressToSearch(address(r)), '_blank');
  central?.focus();
}

/** First screen: the Tutorial; create a network (central node) or join one as a miner or wallet; quick start. */
export function Setup({ onStart }: { onStart: (a: NodeAddress) => void }) {
  const { t } = useTranslation();
  // A join link or QR code (`?join=<network>`) opens "join as wallet / miner" with the network filled in.
  const [joining] = useState(() => new URLSearchParams(location.search).get('join'));
  const [network, setNetwork] = useState(() => (joining && /^[A-Za-z0-9_-]{1,32}$/.test(joining) ? joining : 'class1'));
  const [role, setRole] = useState<Role>(joining ? 'wallet' : 'central');
  const [topology, setTopology] = useState<Topology>('star');
  const [preset, setPreset] = useState<'classroom' | 'regtest' | 'bitcoin-like'>('classroom');
  const [interval, setBlockInterval] = useState<number>(10);
  const [ask, setAsk] = useState<{ tutorial: boolean; existing: string[]; fresh: string } | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const valid = /^[A-Za-z0-9_-]{1,32}$/.test(network);

  const address = (net: string, tutorial: boolean) => (r: Role): NodeAddress => ({ network: net, role: r, topology, ...(r === 'central' ? { preset, ...(preset === 'classroom' ? { interval } : {}) } : {}), ...(tutorial ? { tutorial: true } : {}) });

  // One click opens the seed tutorial's three tabs; on a network that exists already, ask first.
  const start = async (tutorial: boolean) => {
    const existing = await existingNodes(network);
    if (existing.length) return setAsk({ tutorial, existing, fresh: await freshName(network) });
    go(network, tutorial);
  };
  const go = (net: string, tutorial: boolean) => {
    setAsk(null);
    setNetwork(net);
    openThree(address(net, tutorial));
    setOpened(net);
  };

  return (
    <main className="setup">
      <PageHead />
      <p className="lead">{t('setup.lead')} <Term id="node" /></p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onStart(address(network, false)(role));
        }}
      >
        <label>
          {t('setup.network')}
          <input value={network} onChange={(e) => setNetwork(e.target.value.trim())} aria-invalid={!valid} required />
        </label>
        {!valid && <p className="error">{t('setup.networkInvalid')}</p>}
        {/* What a new network is made of (a student following a join link only joins one). */}
        {(!joining || role === 'central') && (
          <>
            <label>
              {t('setup.preset')}
              <select value={preset} onChange={(e) => setPreset(e.target.value as typeof preset)}>
                <option value="classroom">{t('preset.classroom')}</option>
                <option value="bitcoin-like">{t('preset.bitcoinLike')}</option>
                <option value="regtest">{t('preset.regtest')}</option>
              </select>
            </label>
            {preset === 'classroom' && (
              <label>
                {t('setup.interval')}
                <select value={interval} onChange={(e) => setBlockInterval(Number(e.target.value))} aria-describedby="interval-help">
                  {CLASS_INTERVALS.map((s) => (
                    <option key={s} value={s}>{t('setup.intervalSeconds', { count: s })}</option>
                  ))}
                </select>
                <span id="interval-help" className="muted small">{t('setup.intervalHelp')}</span>
              </label>
            )}
          </>
        )}
        <section className="tutorial-start" aria-labelledby="tutorial-start-title">
          <h2 id="tutorial-start-title">{t('start.title')}</h2>
          <p>{t('start.what')}</p>
          <button type="button" className="primary" onClick={() => void start(true)} disabled={!valid} data-testid="start-tutorial">
            {t('start.button')}
          </button>
          {opened && <p role="status" className="muted small">{t('start.opened', { network: opened })}</p>}
        </section>
        {ask && <AskExisting ask={ask} network={network} onContinue={() => go(network, ask.tutorial)} onFresh={() => go(ask.fresh, ask.tutorial)} onCancel={() => setAsk(null)} />}
        <h2 className="setup-own">{t('start.own')}</h2>
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
          {t('setup.topology')} <Term id="topology" />
          <select value={topology} onChange={(e) => setTopology(e.target.value as Topology)}>
            <option value="star">{t('topology.star')}</option>
            <option value="mesh">{t('topology.mesh')}</option>
          </select>
        </label>
        <div className="buttons">
          <button type="submit" disabled={!valid}>
            {role === 'central' ? t('setup.create') : t('setup.join')}
          </button>
          <button type="button" onClick={() => void start(false)} disabled={!valid}>
            {t('setup.quickStart')}
          </button>
        </div>
        {/* Teacher dashboard: watches every node of the typed network (src/ui/dashboard). */}
        <p className="setup-links">
          <a href={valid ? dashboardSearch(network) : undefined} target="_blank" rel="noopener" aria-disabled={!valid} title={t('dashboard.openHelp')} data-testid="open-dashboard">
            {t('dashboard.open')}
          </a>
          {' · '}
          <a href="?glossary" target="_blank" rel="noopener" data-testid="open-glossary">{t('glossary.openPage')}</a>
        </p>
        {/* Simulator: a whole network in this tab, faster than real time (src/ui/sim). */}
        <p>
          <a href={SIMULATOR_SEARCH} data-testid="open-simulator">{t('sim.open')}</a> — <span className="muted">{t('sim.openHelp')}</span>
        </p>
      </form>
      {/* A saved node (a prepared class) or a saved class to replay (src/ui/views/lessons). */}
      <details className="setup-open">
        <summary>{t('lessons.files.open')}</summary>
        <OpenSavedNode />
      </details>
      <p>
        <a href="?replay" target="_blank" rel="noopener" data-testid="setup-replay">{t('lessons.files.replay')}</a>
      </p>
    </main>
  );
}

/** "This network exists already": continue it, or start a fresh one under a new name. */
function AskExisting({ ask, network, onContinue, onFresh, onCancel }: { ask: { existing: string[]; fresh: string }; network: string; onContinue: () => void; onFresh: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div role="alertdialog" aria-labelledby="ask-title" aria-describedby="ask-text" className="panel ask-existing" data-testid="ask-existing">
      <h2 id="ask-title">{t('start.existsTitle', { network })}</h2>
      <p id="ask-text">{t('start.existsText', { network, count: ask.existing.length, nodes: ask.existing.join(', ') })}</p>
      <div className="buttons">
        <button type="button" ref={first} onClick={onFresh}>{t('start.fresh', { network: ask.fresh })}</button>
        <button type="button" onClick={onContinue}>{t('start.continue', { network })}</button>
        <button type="button" onClick={onCancel}>{t('start.cancel')}</button>
      </div>
    </div>
  );
}
