import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_FEE_RATE, MAX_FEE_RATE, isValidDestination, txidHex } from '../../../core';
import type { NodeQuery } from '../../../node/api';
import { coins, parseCoins, short } from '../../format';
import { labelText, shortAddress } from '../../labels';
import { useSession } from '../../runtime/context';
import { viewStore } from '../../runtime/viewStore';
import { useView } from '../../useView';
import { Term } from '../../components/Term';
import { refusalText, type RefusalText } from './refusal';

/** What the last send did, kept to say what happened to it since. */
interface Sent {
  txid: string;
  amount: string;
  to: string;
  fee: bigint;
  mine: boolean;
}

/** Blocks searched for the last payment's confirmation. */
const CONFIRM_SCAN = 20;

/** The block height holding `txid` among the last blocks, or null. */
function confirmedAt(query: NodeQuery, height: number, txid: string): number | null {
  for (let h = height; h >= Math.max(0, height - CONFIRM_SCAN); h--) {
    const e = query.entryAt(h);
    const b = e && query.block(e.hash);
    if (b?.txs.some((tx) => txidHex(tx) === txid)) return h;
  }
  return null;
}

/**
 * The send form: from one of this wallet's addresses, to a named address (picked from the names
 * nodes publish) or a typed one, an amount, a fee rate with the fee it makes shown in coins, and
 * the central's "Mine it now" (kept as set). After a send it says what really happened: mined,
 * waiting in the mempool, or confirmed in a block; a refusal says why in coins and what to do.
 */
export function SendForm() {
  const { t } = useTranslation();
  const { node } = useSession();
  const rows = useView((s) => s.wallet);
  const role = useView((s) => s.role);
  const named = useView((s) => s.named);
  const height = useView((s) => s.height);
  const mempool = useView((s) => s.mempool);
  const peers = useView((s) => s.peers.filter((p) => p.ready).length);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('1');
  const [feeRate, setFeeRate] = useState(String(DEFAULT_FEE_RATE));
  const [mine, setMine] = useState(false);
  const [sent, setSent] = useState<Sent | null>(null);
  const [refusal, setRefusal] = useState<RefusalText | null>(null);
  const fromAddr = from || rows[0]?.address || '';
  const rate = Number(feeRate);
  const rateOk = feeRate.trim() !== '' && Number.isFinite(rate) && rate >= 0 && rate <= MAX_FEE_RATE;
  const sat = parseCoins(amount);
  const own = named.filter((n) => n.own && n.address !== fromAddr);
  const others = named.filter((n) => !n.own);

  // The fee this payment would pay now (built and measured, not sent).
  const quote = useMemo(() => {
    if (!rateOk || sat === null || !isValidDestination(to.trim()) || !fromAddr) return null;
    try {
      return node.quotePayment(fromAddr, to.trim(), sat, { feeRate: rate });
    } catch {
      return null;
    }
  }, [node, fromAddr, to, sat, rate, rateOk, rows, mempool]);

  const status = useMemo(() => {
    if (!sent) return null;
    const pending = mempool.some((m) => m.txid === sent.txid);
    const at = pending ? null : confirmedAt(node.query, height, sent.txid);
    const base = { amount: sent.amount, to: sent.to, fee: coins(sent.fee), txid: short(sent.txid, 12), peers };
    if (at !== null) return t('send.confirmed', { txid: short(sent.txid, 12), height: at });
    return sent.mine ? t('send.sentMined', base) : t('send.sentPending', base);
  }, [sent, mempool, height, node, peers, t]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setSent(null);
    if (sat === null) return setRefusal({ code: 'bad-amount', text: t('walletView.badAmount') });
    if (!isValidDestination(to.trim())) return setRefusal({ code: 'bad-address', text: t('walletView.badAddress') });
    if (!rateOk) return setRefusal({ code: 'bad-fee', text: t('send.feeBad', { max: MAX_FEE_RATE }) });
    const label = rows.find((r) => r.address === fromAddr)?.label;
    try {
      const fee = node.quotePayment(fromAddr, to.trim(), sat, { feeRate: rate }).fee;
      const tx = node.send(fromAddr, to.trim(), sat, { feeRate: rate, mine });
      const toName = named.find((n) => n.address === to.trim())?.label;
      setSent({ txid: txidHex(tx), amount: coins(sat), to: toName ? `${toName} (${shortAddress(to.trim())})` : short(to.trim(), 14), fee, mine });
      setRefusal(null);
      viewStore.setState({ lastPaymentError: null });
    } catch (err) {
      const r = refusalText(t, err, { role, from: label ? labelText(t, label) : short(fromAddr, 14), mine });
      setRefusal(r);
      viewStore.setState({ lastPaymentError: `${r.code}: ${r.text}` });
    }
  };

  return (
    <form className="send" onSubmit={submit} aria-label={t('walletView.sendTitle')}>
      <h3>{t('walletView.sendTitle')}</h3>
      <div className="send-fields">
        <label>
          {t('walletView.from')}
          <select value={fromAddr} onChange={(e) => setFrom(e.target.value)}>
            {rows.map((r) => (
              <option key={r.address} value={r.address}>
                {r.label ? `${labelText(t, r.label)} · ` : ''}{shortAddress(r.address)} ({coins(r.total)})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('send.payee')}
          <select value={named.some((n) => n.address === to) ? to : ''} onChange={(e) => e.target.value && setTo(e.target.value)} data-testid="send-payee">
            <option value="">{t('send.payeeNone')}</option>
            {own.length > 0 && (
              <optgroup label={t('send.payeeMine')}>
                {own.map((n) => (
                  <option key={`own-${n.address}`} value={n.address}>{labelText(t, n.label)} · {shortAddress(n.address)}</option>
                ))}
              </optgroup>
            )}
            {others.length > 0 && (
              <optgroup label={t('send.payeeOthers')}>
                {others.map((n) => (
                  <option key={`${n.node}-${n.address}`} value={n.address}>{t('send.payeeOption', { label: labelText(t, n.label), node: n.node })} · {shortAddress(n.address)}</option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label>
          {t('walletView.to')}
          <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="m… / n…" className="mono" data-testid="send-to" autoComplete="off" />
        </label>
        <label>
          {t('walletView.amount')}
          <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" data-testid="send-amount" />
        </label>
        <label>
          {t('send.feeRate')}
          <input value={feeRate} onChange={(e) => setFeeRate(e.target.value)} inputMode="decimal" data-testid="send-fee-rate" aria-describedby="fee-quote" />
        </label>
      </div>
      <p className="muted small" id="fee-quote" data-testid="fee-quote">
        {quote ? t('send.feeQuote', { fee: coins(quote.fee), rate: feeRate, size: quote.size }) : t('send.feeDefault', { rate: DEFAULT_FEE_RATE })}{' '}
        <Term id="fee" /> <Term id="sat" />
      </p>
      <p className="muted small">{t('send.payeeHelp')}</p>
      {role === 'central' && (
        <label className="choice">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> {t('walletView.mineNow')}
        </label>
      )}
      <button type="submit">{t('walletView.send')}</button>
      {(status || refusal) && (
        <div role={refusal ? 'alert' : 'status'} className={`send-result ${refusal ? 'refusal' : 'ok'}`}>
          <p data-testid="send-result">{refusal ? t('walletView.refused', { reason: refusal.text }) : status}</p>
          {refusal?.fix && <p className="refusal-help">{refusal.fix}</p>}
          {refusal && <p className="refusal-help"><span className="tag">{refusal.code}</span></p>}
        </div>
      )}
    </form>
  );
}
