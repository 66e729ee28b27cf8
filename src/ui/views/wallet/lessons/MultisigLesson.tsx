import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  addSignature,
  buildScriptSpend,
  bytesEqual,
  decodeTx,
  disassemble,
  encodeTx,
  fromHex,
  inputSigners,
  isValidDestination,
  multisigAddress,
  toHex,
  type ScriptAddress,
  type Tx,
} from '../../../../core';
import type { NodeApi, WalletKeyView } from '../../../../node/api';
import { coins, parseCoins, short } from '../../../format';
import { AmountField, ToField } from './fields';
import { refusalText } from './watched';

/**
 * Lesson: m-of-n multisig across students' wallets. Each student shares a public key; any of them
 * builds the same P2SH address from the keys (sorted, BIP67). To spend, one proposes a
 * transaction and signs it; its hex travels to the others, who add signatures until m are there;
 * then anyone broadcasts it.
 */
export function MultisigLesson({ node, keys, watched, follow }: { node: NodeApi; keys: WalletKeyView[]; watched: ScriptAddress[]; follow: (a: ScriptAddress) => void }) {
  const { t } = useTranslation();
  const [m, setM] = useState(2);
  const [others, setOthers] = useState('');
  const [error, setError] = useState<string | null>(null);
  const mine = keys[0];

  const create = (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const pasted = others.split(/[\s,]+/).filter(Boolean).map((h) => {
        if (!/^(02|03)[0-9a-fA-F]{64}$/.test(h)) throw new Error(t('walletLessons.multisig.badKey', { key: short(h, 16) }));
        return fromHex(h.toLowerCase());
      });
      const all = mine ? [mine.publicKey, ...pasted.filter((k) => !bytesEqual(k, mine.publicKey))] : pasted;
      follow(multisigAddress(m, all));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="lesson" data-testid="lesson-multisig">
      <p className="muted small">{t('walletLessons.multisig.intro')}</p>
      {mine && (
        <label>
          {t('walletLessons.multisig.yourKey')}
          <input readOnly value={toHex(mine.publicKey)} className="mono" onFocus={(e) => e.currentTarget.select()} data-testid="my-pubkey" />
        </label>
      )}
      <form onSubmit={create}>
        <label>
          {t('walletLessons.multisig.otherKeys')}
          <textarea value={others} onChange={(e) => setOthers(e.target.value)} rows={3} className="mono" data-testid="multisig-keys" />
        </label>
        <label className="choice">
          {t('walletLessons.multisig.required')}
          <select value={m} onChange={(e) => setM(Number(e.target.value))} data-testid="multisig-m">
            {[1, 2, 3].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <button type="submit">{t('walletLessons.multisig.create')}</button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
      {watched.filter((a) => a.kind === 'multisig').map((a) => (
        <SharedAddress key={a.address} node={node} keys={keys} addr={a} />
      ))}
      <SignPasted node={node} keys={keys} />
    </div>
  );
}

/** One shared address: its script, balance, and a form to propose a payment from it. */
function SharedAddress({ node, keys, addr }: { node: NodeApi; keys: WalletKeyView[]; addr: ScriptAddress }) {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('1');
  const [out, setOut] = useState<{ hex?: string; error?: string } | null>(null);
  const balance = node.query.scriptBalance(addr.script);

  const propose = (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const sat = parseCoins(amount);
      if (sat === null) throw new Error(t('walletView.badAmount'));
      if (!isValidDestination(to.trim())) throw new Error(t('walletView.badAddress'));
      let tx = buildScriptSpend({ from: addr, coins: node.query.spendable(addr.script), to: to.trim(), amount: sat });
      tx = signWithMyKeys(node, keys, tx);
      setOut({ hex: toHex(encodeTx(tx)) });
    } catch (err) {
      setOut({ error: refusalText(err) });
    }
  };

  return (
    <div className="script-address" data-testid="shared-address">
      <p>
        <strong>{t('walletLessons.multisig.address', { m: addr.required, n: addr.keys?.length })}</strong>{' '}
        <span className="mono" data-testid="shared-address-text">{addr.address}</span>{' '}
        <span className="tag">{coins(balance.total)}</span>
      </p>
      <p className="small muted">{t('walletLessons.redeem')}: <span className="mono">{disassemble(addr.redeemScript)}</span></p>
      <form onSubmit={propose} className="send-fields">
        <ToField value={to} onChange={setTo} />
        <AmountField value={amount} onChange={setAmount} />
        <button type="submit">{t('walletLessons.multisig.propose')}</button>
      </form>
      {out?.error && <p role="alert" className="error">{out.error}</p>}
      {out?.hex && <SignPasted key={out.hex} node={node} keys={keys} initial={out.hex} />}
    </div>
  );
}

/** Signs every input whose redeem script holds one of this wallet's keys that has not signed yet. */
function signWithMyKeys(node: NodeApi, keys: WalletKeyView[], tx: Tx): Tx {
  let signed = tx;
  tx.inputs.forEach((_, i) => {
    const state = inputSigners(signed, i);
    if (!state || state.complete) return;
    for (const k of keys) {
      if (!state.from.keys?.some((x) => bytesEqual(x, k.publicKey)) || state.signers.some((x) => bytesEqual(x, k.publicKey))) continue;
      signed = addSignature(signed, i, node.signInput(signed, i, state.from.redeemScript, k.address), k.publicKey);
      if (inputSigners(signed, i)?.complete) break;
    }
  });
  return signed;
}

/**
 * A transaction passed between students as hex: who has signed each input, this wallet's
 * signature added on request, and broadcast once every input has its m signatures.
 */
function SignPasted({ node, keys, initial }: { node: NodeApi; keys: WalletKeyView[]; initial?: string }) {
  const { t } = useTranslation();
  const [hex, setHex] = useState(initial ?? '');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const parsed = useMemo(() => {
    try {
      return hex.trim() ? decodeTx(fromHex(hex.trim())) : null;
    } catch {
      return null;
    }
  }, [hex]);
  const states = parsed ? parsed.inputs.map((_, i) => inputSigners(parsed, i)) : [];
  const complete = states.length > 0 && states.every((s) => s?.complete);

  return (
    <div className="paste-tx">
      {!initial && <h4>{t('walletLessons.multisig.pasteTitle')}</h4>}
      <label>
        {t(initial ? 'walletLessons.multisig.hex' : 'walletLessons.multisig.paste')}
        <textarea value={hex} onChange={(e) => { setHex(e.target.value); setResult(null); }} rows={3} className="mono" data-testid="multisig-paste" />
      </label>
      {hex.trim() && !parsed && <p className="error">{t('walletLessons.multisig.notTx')}</p>}
      {parsed && (
        <>
          <ul className="small" data-testid="multisig-status">
            {states.map((s, i) => (
              <li key={i}>
                {s ? t('walletLessons.multisig.status', { input: i, signed: s.signers.length, required: s.from.required ?? 1 }) : t('walletLessons.multisig.unknownInput', { input: i })}
              </li>
            ))}
            {parsed.outputs.map((o, v) => <li key={`o${v}`}>{t('walletLessons.multisig.pays', { value: coins(o.value), script: short(disassemble(o.script), 48) })}</li>)}
          </ul>
          <div className="buttons">
            <button type="button" disabled={complete} onClick={() => { try { setHex(toHex(encodeTx(signWithMyKeys(node, keys, parsed)))); } catch (err) { setResult({ ok: false, text: refusalText(err) }); } }}>
              {t('walletLessons.multisig.sign')}
            </button>
            <button type="button" disabled={!complete} onClick={() => { try { node.submitTx(parsed); setResult({ ok: true, text: t('walletLessons.sent') }); } catch (err) { setResult({ ok: false, text: refusalText(err) }); } }} data-testid="multisig-broadcast">
              {t('walletLessons.multisig.broadcast')}
            </button>
          </div>
        </>
      )}
      {result && <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'ok' : 'error'} data-testid="multisig-result">{result.text}</p>}
    </div>
  );
}
