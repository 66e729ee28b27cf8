import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hashToHex, walletKeyFromSecret, wifToPrivateKey, type Coin } from '../../../core';
import type { NodeQuery } from '../../../node/api';
import { coins, short } from '../../format';
import { labelText } from '../../labels';
import { useSession } from '../../runtime/context';
import { isDefaultLabel } from '../../runtime/tutorial';
import { useView } from '../../useView';
import { TxFlow } from '../../components/TxFlow';
import { CopyButton } from '../../components/CopyButton';
import { Term } from '../../components/Term';
import { SendForm } from './SendForm';
import { addressOfScript } from '../chain/blockParts';
import { describePayment, type PaymentPart, type PaymentView } from './payments';
import { ScriptLessons } from './lessons/ScriptLessons';

/** Blocks searched for this wallet's confirmed payments (newest first). */
const HISTORY_BLOCKS = 100;
const HISTORY_SHOWN = 30;
/** UTXO rows listed before "show more". */
const UTXO_PAGE = 100;

/**
 * The wallet view: this node's addresses and balances, the send form (with the reason when a
 * payment is refused), every payment of the wallet with the outputs it spends and creates (pending
 * in the mempool or confirmed in a block), and a browser of this node's whole UTXO set.
 */
export function WalletView() {
  return (
    <div className="wallet-view">
      <WalletPanel />
      <ScriptLessons />
      <PaymentsPanel />
      <UtxoPanel />
    </div>
  );
}

function WalletPanel() {
  const { t } = useTranslation();
  const rows = useView((s) => s.wallet);
  const { node } = useSession();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [wif, setWif] = useState('');

  return (
    <section className="panel wallet-panel" aria-labelledby="wallet-title" data-testid="panel-wallet">
      <h2 id="wallet-title">{t('walletView.title')}</h2>
      <div className="table-scroll">
        <table className="wallet-table">
          <thead>
            <tr>
              <th scope="col">{t('walletView.address')}</th>
              <th scope="col">{t('walletView.confirmed')}</th>
              <th scope="col">{t('walletView.pending')}</th>
              <th scope="col">{t('walletView.balance')}</th>
              <th scope="col"><span className="sr-only">{t('walletView.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.address}>
                <td>
                  <span className="mono address" data-testid="wallet-address" id={`addr-${r.address}`}>{r.address}</span>
                  <LabelEditor address={r.address} label={r.label} />
                </td>
                <td data-testid={`balance-${r.address}`} data-label={t('walletView.confirmed')}>{coins(r.confirmed)}</td>
                <td data-label={t('walletView.pending')}>{r.pendingIn || r.pendingOut ? `+${coins(r.pendingIn)} / −${coins(r.pendingOut)}` : '—'}</td>
                <td data-label={t('walletView.balance')}>{coins(r.total)}</td>
                <td className="row-actions">
                  <CopyButton text={r.address} label={t('walletView.copyLabel', { address: r.address })} selectOnFail={() => document.getElementById(`addr-${r.address}`)} />
                  <button
                    type="button"
                    aria-label={t('walletView.exportLabel', { address: r.address })}
                    onClick={() => {
                      if (!confirm(t('send.exportWarning', { address: r.address }))) return;
                      const key = node.query.exportWif(r.address);
                      if (key) prompt(t('walletView.exportPrompt'), key);
                    }}
                  >
                    {t('walletView.export')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('walletView.balanceNote')} <Term id="utxo" /> <Term id="confirmation" /> <Term id="wif" /></p>
      <div className="buttons">
        <button type="button" onClick={() => node.newAddress()}>{t('walletView.newAddress')}</button>
      </div>
      <SendForm />
      <form
        className="import"
        onSubmit={(e) => {
          e.preventDefault();
          try {
            node.addKey(walletKeyFromSecret(wifToPrivateKey(wif), t('walletView.imported')));
            setWif('');
            setMessage({ ok: true, text: t('walletView.importedOk') });
          } catch (err) {
            setMessage({ ok: false, text: (err as Error).message });
          }
        }}
      >
        <label>
          {t('walletView.importWif')}
          <input value={wif} onChange={(e) => setWif(e.target.value)} className="mono" autoComplete="off" />
        </label>
        <button type="submit" disabled={!wif}>{t('walletView.import')}</button>
        {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      </form>
    </section>
  );
}

/** An address's name, editable in place (names are published to other nodes in nodeinfo). */
function LabelEditor({ address, label }: { address: string; label?: string }) {
  const { t } = useTranslation();
  const { node } = useSession();
  const [value, setValue] = useState<string | null>(null);
  const shown = labelText(t, label);
  if (value === null)
    return (
      <div className="label-line">
        {shown && <span className="address-label" data-testid="wallet-label">{shown}</span>}{' '}
        <button type="button" className="link small" onClick={() => setValue(label && !isDefaultLabel(label) ? label : '')} aria-label={t('send.renameLabel', { address })}>
          {t('send.rename')}
        </button>
      </div>
    );
  return (
    <form
      className="label-edit"
      onSubmit={(e) => {
        e.preventDefault();
        node.setLabel(address, value);
        setValue(null);
      }}
    >
      <input value={value} onChange={(e) => setValue(e.target.value)} maxLength={32} aria-label={t('send.renameLabel', { address })} autoFocus />
      <button type="submit">{t('send.renameSave')}</button>
    </form>
  );
}

/** A pending or confirmed payment of this wallet. */
interface WalletPayment extends PaymentView {
  height: number | null;
}

function PaymentsPanel() {
  const { t } = useTranslation();
  const tip = useView((s) => s.tip);
  const height = useView((s) => s.height);
  const mempool = useView((s) => s.mempool);
  const wallet = useView((s) => s.wallet);
  const { query } = useSession().node;
  const mine = useMemo(() => new Set(wallet.map((w) => w.address)), [wallet]);
  const payments = useMemo(() => {
    const out: WalletPayment[] = [];
    for (const e of query.mempoolEntries()) {
      const spent = e.tx.inputs.map((input) => spentOf(query, `${hashToHex(input.prevout.txid)}:${input.prevout.vout}`));
      const p = describePayment(e.tx, spent, mine);
      if (p) out.push({ ...p, height: null });
    }
    out.reverse();
    {
      for (let h = height; h >= Math.max(0, height - HISTORY_BLOCKS) && out.length < HISTORY_SHOWN; h--) {
        const entry = query.entryAt(h);
        const block = entry && query.block(entry.hash);
        if (!entry || !block) continue;
        const undo = query.undo(entry.hash) ?? [];
        let u = 0;
        const perTx: (Coin | null)[][] = block.txs.map((tx, i) => (i === 0 ? [] : tx.inputs.map(() => undo[u++] ?? null)));
        for (let i = block.txs.length - 1; i >= 0; i--) {
          const p = describePayment(block.txs[i]!, perTx[i]!, mine);
          if (p) out.push({ ...p, height: h });
        }
      }
    }
    return out.slice(0, HISTORY_SHOWN);
    // The node's state is not React state: the tip and mempool rows say when to look again.
  }, [query, height, tip, mempool, mine]);

  return (
    <section className="panel payments-panel" aria-labelledby="payments-title" data-testid="panel-payments">
      <h2 id="payments-title">{t('walletView.payments.title')}</h2>
      <p className="muted small">{t('walletView.payments.intro')} <Term id="fee" /> <Term id="txid" /></p>
      {payments.length === 0 ? (
        <p className="muted">{t('walletView.payments.none')}</p>
      ) : (
        <ol className="payment-list">
          {payments.map((p) => (
            <li key={`${p.txid}-${p.height ?? 'pending'}`} className={`payment ${p.height === null ? 'pending' : 'confirmed'}`} data-testid="wallet-payment" data-txid={p.txid}>
              <p className="payment-head">
                <span className={`tag ${p.height === null ? 'tag-pending' : 'tag-ok'}`}>
                  {p.height === null ? t('walletView.payments.pending') : t('walletView.payments.confirmed', { height: p.height, count: height - p.height + 1 })}
                </span>{' '}
                {p.coinbase && <span className="tag">{t('walletView.payments.reward')}</span>} <span className="mono" title={p.txid}>{short(p.txid, 16)}</span>
                {p.net !== null && (
                  <strong className={p.net >= 0n ? 'ok' : 'error'}> {p.net >= 0n ? '+' : '−'}{coins(p.net >= 0n ? p.net : -p.net)}</strong>
                )}
                {p.fee !== null && p.fee > 0n && <span className="muted"> · {t('walletView.payments.fee', { fee: coins(p.fee) })}</span>}
              </p>
              <TxFlow
                inTitle={t('walletView.payments.spends')}
                inputs={p.coinbase ? <li>{t('walletView.payments.newCoins')}</li> : p.inputs.map((x) => <Part key={x.outpoint} part={x} />)}
                outTitle={t('walletView.payments.creates')}
                outputs={p.outputs.map((x) => <Part key={x.outpoint} part={x} />)}
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The coin an unconfirmed input spends: a confirmed output, or an output of a mempool parent. */
function spentOf(query: NodeQuery, outpoint: string): { value: bigint; script: Uint8Array } | null {
  const coin = query.coin(outpoint);
  if (coin) return coin;
  const [txid = '', vout] = outpoint.split(':');
  const parent = query.mempoolEntry(txid)?.tx.outputs[Number(vout)];
  return parent ? { value: parent.value, script: parent.script } : null;
}

function Part({ part }: { part: PaymentPart }) {
  const { t } = useTranslation();
  return (
    <li className={part.mine ? 'mine' : ''}>
      <span className="mono" title={part.outpoint}>{short(part.outpoint.split(':')[0], 10)}:{part.outpoint.split(':')[1]}</span>{' '}
      {part.value !== null ? <strong>{coins(part.value)}</strong> : <span className="muted">{t('walletView.payments.unknownValue')}</span>}{' '}
      <span className="mono">{part.address ? short(part.address, 14) : '—'}</span> {part.mine && <span className="tag">{t('walletView.mine')}</span>}
    </li>
  );
}

function UtxoPanel() {
  const { t } = useTranslation();
  const tip = useView((s) => s.tip);
  const wallet = useView((s) => s.wallet);
  const mempool = useView((s) => s.mempool);
  const [mineOnly, setMineOnly] = useState(false);
  const [limit, setLimit] = useState(UTXO_PAGE);
  const mine = useMemo(() => new Set(wallet.map((w) => w.address)), [wallet]);
  const { query } = useSession().node;
  const all = useMemo(() => {
    const rows = [];
    for (const [key, coin] of query.utxos()) {
      const address = addressOfScript(coin.script);
      rows.push({ key, coin, address, mine: !!address && mine.has(address), spender: query.spenderOf(key) ?? null });
    }
    rows.sort((a, b) => b.coin.height - a.coin.height || (a.key < b.key ? -1 : 1));
    return rows;
    // The UTXO set changes with the tip; mempool rows say which coins are being spent.
  }, [query, tip, mempool, mine]);
  const shown = mineOnly ? all.filter((r) => r.mine) : all;
  const total = (list: typeof all) => list.reduce((s, r) => s + r.coin.value, 0n);
  const mineRows = all.filter((r) => r.mine);
  const pendingOutputs = mempool.reduce((n, m) => n + m.outputs.length, 0);
  return (
    <section className="panel utxo-panel" aria-labelledby="utxo-title" data-testid="panel-utxo">
      <h2 id="utxo-title">{t('walletView.utxo.title')}</h2>
      <p className="muted small">{t('walletView.utxo.intro')} <Term id="outpoint" /> <Term id="coinbase" /> <Term id="maturity" /></p>
      <dl className="facts utxo-totals">
        <div><dt>{t('walletView.utxo.allCount')}</dt><dd data-testid="utxo-count">{all.length}</dd></div>
        <div><dt>{t('walletView.utxo.allValue')}</dt><dd>{coins(total(all))}</dd></div>
        <div><dt>{t('walletView.utxo.mineCount')}</dt><dd>{mineRows.length}</dd></div>
        <div><dt>{t('walletView.utxo.mineValue')}</dt><dd>{coins(total(mineRows))}</dd></div>
        <div><dt>{t('walletView.utxo.pendingOutputs')}</dt><dd>{pendingOutputs}</dd></div>
      </dl>
      <label className="choice">
        <input type="checkbox" checked={mineOnly} onChange={(e) => setMineOnly(e.target.checked)} /> {t('walletView.utxo.mineOnly')}
      </label>
      <div className="table-scroll utxo-scroll">
        <table className="utxo-table">
          <caption className="sr-only">{t('walletView.utxo.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('walletView.utxo.outpoint')}</th>
              <th scope="col">{t('walletView.address')}</th>
              <th scope="col">{t('walletView.utxo.value')}</th>
              <th scope="col">{t('walletView.utxo.height')}</th>
              <th scope="col">{t('walletView.utxo.state')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, limit).map((r) => (
              <tr key={r.key} className={r.mine ? 'mine' : ''} data-testid="utxo-row">
                <td className="mono" title={r.key}>{short(r.key.split(':')[0], 12)}:{r.key.split(':')[1]}</td>
                <td>
                  <span className="mono">{r.address ?? t('chainView.tx.nonStandard')}</span> {r.mine && <span className="tag">{t('walletView.mine')}</span>}
                </td>
                <td>{coins(r.coin.value)}</td>
                <td>
                  #{r.coin.height} {r.coin.coinbase && <span className="tag">{t('walletView.utxo.coinbase')}</span>}
                </td>
                <td>{r.spender ? t('walletView.utxo.beingSpent', { txid: short(r.spender, 10) }) : t('walletView.utxo.unspent')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length > limit && (
        <button type="button" onClick={() => setLimit(limit + UTXO_PAGE)}>{t('walletView.utxo.more', { count: shown.length - limit })}</button>
      )}
    </section>
  );
}
