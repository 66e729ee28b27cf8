import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useView } from '../useView';
import { coins, parseCoins, short, splitZeros, clockTime, rate } from '../format';
import { currentSession } from '../runtime/session';
import { viewStore } from '../runtime/viewStore';
import { exportWif, walletKeyFromSecret, wifToPrivateKey, RuleError, isValidAddress } from '../../core';

/** A titled panel region with an accessible name. */
export function Panel({ id, title, children, className }: { id: string; title: string; children: React.ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={`${id}-title`} data-testid={`panel-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

export function PeersPanel() {
  const { t } = useTranslation();
  const peers = useView((s) => s.peers);
  const known = useView((s) => s.knownNodes);
  return (
    <Panel id="peers" title={t('peers.title')}>
      {peers.length === 0 ? (
        <p className="muted">{t('peers.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('peers.id')}</th>
              <th>{t('peers.role')}</th>
              <th>{t('peers.height')}</th>
              <th>{t('peers.direction')}</th>
              <th>{t('peers.rtt')}</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <tr key={p.id} data-testid={`peer-${p.id}`}>
                <td>{p.id}</td>
                <td>{p.role ? t(`role.${p.role}`) : '?'}</td>
                <td>{p.height}</td>
                <td>{p.ready ? (p.outbound ? t('peers.outbound') : t('peers.inbound')) : t('peers.handshaking')}</td>
                <td>{p.rtt !== undefined ? `${p.rtt} ms` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">{t('peers.known', { count: known.length, ids: known.join(', ') })}</p>
    </Panel>
  );
}

export function ChainPanel() {
  const { t } = useTranslation();
  const blocks = useView((s) => s.blocks);
  return (
    <Panel id="chain" title={t('chain.title')}>
      <ol className="blocks" aria-label={t('chain.title')}>
        {blocks.slice(0, 60).map((b) => {
          const [zeros, rest] = splitZeros(b.hash);
          return (
            <li key={b.hash} className={`block ${b.active ? 'active' : 'side'} ${b.invalid ? 'invalid' : ''}`} data-testid={`block-${b.height}`}>
              <div>
                <strong>#{b.height}</strong> <span className="mono hash" title={b.hash}><mark className="zeros">{zeros}</mark>{rest.slice(0, 14)}…</span>
                {!b.active && <span className="tag">{b.invalid ? t('chain.invalid', { reason: b.invalid }) : t('chain.sideBranch')}</span>}
              </div>
              <div className="muted">
                {t('chain.txs', { count: b.txCount })} · {new Date(b.time * 1000).toLocaleTimeString()} · {t('chain.miner')}: <span className="mono">{short(b.miner, 10)}</span>
              </div>
            </li>
          );
        })}
      </ol>
    </Panel>
  );
}

export function MempoolPanel() {
  const { t } = useTranslation();
  const txs = useView((s) => s.mempool);
  return (
    <Panel id="mempool" title={t('mempool.title', { count: txs.length })}>
      {txs.length === 0 ? (
        <p className="muted">{t('mempool.empty')}</p>
      ) : (
        <ul className="txs">
          {txs.map((tx) => (
            <li key={tx.txid} data-testid="mempool-tx">
              <span className="mono">{short(tx.txid, 16)}</span>
              <ul>
                {tx.outputs.map((o, i) => (
                  <li key={i}>
                    → <span className="mono">{o.address}</span> {coins(o.value)}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function WalletPanel() {
  const { t } = useTranslation();
  const rows = useView((s) => s.wallet);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('1');
  const [mine, setMine] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [wif, setWif] = useState('');
  const role = useView((s) => s.role);
  const fromAddr = from || rows[0]?.address || '';

  const send = (e: React.FormEvent) => {
    e.preventDefault();
    const s = currentSession();
    if (!s) return;
    const sat = parseCoins(amount);
    if (sat === null) return setMessage({ ok: false, text: t('wallet.badAmount') });
    if (!isValidAddress(to.trim())) return setMessage({ ok: false, text: t('wallet.badAddress') });
    try {
      const tx = s.node.send(fromAddr, to.trim(), sat, { mine });
      setMessage({ ok: true, text: t('wallet.sent', { amount, to: short(to, 14) }) });
      viewStore.setState({ lastPaymentError: null });
      void tx;
    } catch (err) {
      const reason = err instanceof RuleError ? `${err.reason}: ${err.debug}` : (err as Error).message;
      setMessage({ ok: false, text: t('wallet.refused', { reason }) });
      viewStore.setState({ lastPaymentError: reason });
    }
  };

  return (
    <Panel id="wallet" title={t('wallet.title')}>
      <table>
        <thead>
          <tr>
            <th>{t('wallet.address')}</th>
            <th>{t('wallet.confirmed')}</th>
            <th>{t('wallet.pending')}</th>
            <th>{t('wallet.balance')}</th>
            <th><span className="sr-only">{t('wallet.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.address}>
              <td>
                <span className="mono" data-testid="wallet-address">{r.address}</span>
                {r.label && <div className="muted">{r.label}</div>}
              </td>
              <td data-testid={`balance-${r.address}`}>{coins(r.confirmed)}</td>
              <td>{r.pendingIn || r.pendingOut ? `+${coins(r.pendingIn)} / -${coins(r.pendingOut)}` : '—'}</td>
              <td>{coins(r.total)}</td>
              <td>
                <button type="button" aria-label={t('wallet.copyLabel', { address: r.address })} onClick={() => void navigator.clipboard?.writeText(r.address)}>{t('wallet.copy')}</button>
                <button
                  type="button"
                  aria-label={t('wallet.exportLabel', { address: r.address })}
                  onClick={() => {
                    const k = currentSession()?.node.keys.find((x) => x.address === r.address);
                    if (k) prompt(t('wallet.exportPrompt'), exportWif(k));
                  }}
                >
                  {t('wallet.export')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="buttons">
        <button type="button" onClick={() => currentSession()?.node.newAddress()}>{t('wallet.newAddress')}</button>
      </div>
      <form className="send" onSubmit={send} aria-label={t('wallet.sendTitle')}>
        <h3>{t('wallet.sendTitle')}</h3>
        <label>
          {t('wallet.from')}
          <select value={fromAddr} onChange={(e) => setFrom(e.target.value)}>
            {rows.map((r) => (
              <option key={r.address} value={r.address}>{r.address} ({coins(r.total)})</option>
            ))}
          </select>
        </label>
        <label>
          {t('wallet.to')}
          <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="m… / n…" className="mono" data-testid="send-to" />
        </label>
        <label>
          {t('wallet.amount')}
          <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" data-testid="send-amount" />
        </label>
        {role === 'central' && (
          <label className="choice">
            <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> {t('wallet.mineNow')}
          </label>
        )}
        <button type="submit">{t('wallet.send')}</button>
        {message && (
          <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'} data-testid="send-result">{message.text}</p>
        )}
      </form>
      <form
        className="import"
        onSubmit={(e) => {
          e.preventDefault();
          try {
            currentSession()?.node.addKey(walletKeyFromSecret(wifToPrivateKey(wif), t('wallet.imported')));
            setWif('');
            setMessage({ ok: true, text: t('wallet.importedOk') });
          } catch (err) {
            setMessage({ ok: false, text: (err as Error).message });
          }
        }}
      >
        <label>
          {t('wallet.importWif')}
          <input value={wif} onChange={(e) => setWif(e.target.value)} className="mono" autoComplete="off" />
        </label>
        <button type="submit" disabled={!wif}>{t('wallet.import')}</button>
      </form>
    </Panel>
  );
}

export function MinerPanel() {
  const { t } = useTranslation();
  const mining = useView((s) => s.mining);
  const role = useView((s) => s.role);
  const node = () => currentSession()?.node;
  const p = mining.progress;
  return (
    <Panel id="miner" title={t('miner.title')}>
      <p data-testid="miner-state">
        {mining.active ? t('miner.searching') : t('miner.idle')} · {t(`miner.mode.${mining.mode}`)}
        {mining.mode === 'threshold' ? ` (${t('miner.thresholdShort', { n: mining.threshold })})` : ''}
      </p>
      <div className="buttons">
        {role === 'central' ? (
          <button type="button" onClick={() => node()?.mineOnce()}>{t('miner.mineNow')}</button>
        ) : null}
        <button type="button" onClick={() => node()?.setMining('continuous')} disabled={mining.mode === 'continuous'}>{t('miner.startContinuous')}</button>
        <button type="button" onClick={() => node()?.setMining('threshold')} disabled={mining.mode === 'threshold'}>{t('miner.startThreshold')}</button>
        <button type="button" onClick={() => node()?.setMining('off')} disabled={mining.mode === 'off'}>{t('miner.stop')}</button>
      </div>
      <label>
        {t('miner.threshold')}
        <input type="number" min={1} max={100} value={mining.threshold} onChange={(e) => node()?.setMining(node()!.mining, Number(e.target.value))} />
      </label>
      {p && (
        <dl className="facts">
          <div><dt>{t('miner.rate')}</dt><dd data-testid="hash-rate">{rate(p.hashRate)}</dd></div>
          <div><dt>{t('miner.tried')}</dt><dd>{p.hashes.toLocaleString()}</dd></div>
          <div><dt>{t('miner.best')}</dt><dd>{t('miner.zeroBits', { n: p.bestZeroBits })}</dd></div>
          <div><dt>{t('miner.expected')}</dt><dd>{Number.isFinite(p.expectedSeconds) ? `${p.expectedSeconds.toFixed(1)} s` : '—'}</dd></div>
        </dl>
      )}
      <p className="muted">{t('miner.found', { count: mining.found })}</p>
    </Panel>
  );
}

export function MessagesPanel() {
  const { t } = useTranslation();
  const messages = useView((s) => s.messages);
  const rejections = useView((s) => s.rejections);
  const [filter, setFilter] = useState('');
  const shown = messages.filter((m) => !filter || m.command === filter).slice(-200).reverse();
  const commands = [...new Set(messages.map((m) => m.command))].sort();
  return (
    <Panel id="messages" title={t('messages.title')} className="wide">
      <label>
        {t('messages.filter')}
        <select value={filter} onChange={(e) => setFilter(e.target.value)}>
          <option value="">{t('messages.all')}</option>
          {commands.map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      </label>
      <div role="log" aria-label={t('messages.title')} className="log">
        <table>
          <thead>
            <tr>
              <th>{t('messages.time')}</th>
              <th>{t('messages.dir')}</th>
              <th>{t('messages.peer')}</th>
              <th>{t('messages.command')}</th>
              <th>{t('messages.bytes')}</th>
              <th>{t('messages.summary')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => {
              const rej = rejections[m.id];
              return (
                <tr key={`${m.id}`} className={rej || m.reason ? 'rejected' : ''} data-command={m.command}>
                  <td className="mono">{clockTime(m.time)}</td>
                  <td>{m.dir === 'in' ? t('messages.in') : t('messages.out')}</td>
                  <td>{m.peer}</td>
                  <td><span className={`cmd cmd-${m.command}`}>{m.command}</span></td>
                  <td>{m.bytes}</td>
                  <td>
                    {m.summary}
                    {(rej || m.reason) && <div className="reason">{t('messages.rejected', { reason: rej?.reason ?? m.reason })}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
