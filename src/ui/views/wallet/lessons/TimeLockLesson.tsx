import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addSignature, buildScriptSpend, disassemble, timeLockAddress, type ScriptAddress, type Tx } from '../../../../core';
import type { NodeApi, WalletKeyView } from '../../../../node/api';
import { coins, parseCoins } from '../../../format';
import { useView } from '../../../useView';
import { AmountField, FromField } from './fields';
import { refusalText } from './watched';

/**
 * Lesson: a time-locked payment (OP_CHECKLOCKTIMEVERIFY, BIP65). Coins sent to
 * `<height> CLTV DROP <key> CHECKSIG` (behind a P2SH address) can be spent by the key only in a
 * transaction whose lock time has reached that block: before, the mempool holds it back as not
 * final; lying about the lock time makes the script itself fail.
 */
export function TimeLockLesson({ node, keys, watched, follow }: { node: NodeApi; keys: WalletKeyView[]; watched: ScriptAddress[]; follow: (a: ScriptAddress) => void }) {
  const { t } = useTranslation();
  const height = useView((s) => s.height);
  const [from, setFrom] = useState('');
  const [amount, setAmount] = useState('1');
  const [blocks, setBlocks] = useState('3');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const key = keys.find((k) => k.address === from) ?? keys[0];

  const lock = (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const sat = parseCoins(amount);
      const wait = Number(blocks);
      if (sat === null) throw new Error(t('walletView.badAmount'));
      if (!key || !Number.isInteger(wait) || wait < 1 || wait > 1000) throw new Error(t('walletLessons.timelock.badBlocks'));
      const addr = timeLockAddress(height + wait, key.publicKey);
      node.send(key.address, addr.address, sat);
      follow(addr);
      setResult({ ok: true, text: t('walletLessons.timelock.locked', { amount, height: height + wait }) });
    } catch (err) {
      setResult({ ok: false, text: refusalText(err) });
    }
  };

  return (
    <div className="lesson" data-testid="lesson-timelock">
      <p className="muted small">{t('walletLessons.timelock.intro')}</p>
      <form onSubmit={lock} className="send-fields">
        <FromField keys={keys} value={key?.address ?? ''} onChange={setFrom} />
        <AmountField value={amount} onChange={setAmount} />
        <label>
          {t('walletLessons.timelock.blocks', { height })}
          <input value={blocks} onChange={(e) => setBlocks(e.target.value)} inputMode="numeric" data-testid="timelock-blocks" />
        </label>
        <button type="submit">{t('walletLessons.timelock.lock')}</button>
      </form>
      {result && <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'ok' : 'error'}>{result.text}</p>}
      {watched.filter((a) => a.kind === 'timelock').map((a) => (
        <Locked key={a.address} node={node} keys={keys} addr={a} height={height} />
      ))}
    </div>
  );
}

/** One time-locked address: when it opens, and spending it back (honestly, or claiming an earlier lock time). */
function Locked({ node, keys, addr, height }: { node: NodeApi; keys: WalletKeyView[]; addr: ScriptAddress; height: number }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const balance = node.query.scriptBalance(addr.script);
  const owner = keys.find((k) => addr.keys?.some((x) => x.length === k.publicKey.length && x.every((b, i) => b === k.publicKey[i])));
  const unlock = addr.lockTime ?? 0;

  const spend = (lockTime: number) => {
    try {
      if (!owner) throw new Error(t('walletLessons.timelock.notMine'));
      const utxos = node.query.spendable(addr.script);
      const total = utxos.reduce((s, c) => s + c.coin.value, 0n);
      let tx: Tx = buildScriptSpend({ from: addr, coins: utxos, to: owner.address, amount: total, lockTime });
      tx.inputs.forEach((_, i) => {
        tx = addSignature(tx, i, node.signInput(tx, i, addr.redeemScript, owner.address), owner.publicKey);
      });
      node.submitTx(tx);
      setResult({ ok: true, text: t('walletLessons.sent') });
    } catch (err) {
      setResult({ ok: false, text: refusalText(err) });
    }
  };

  return (
    <div className="script-address" data-testid="timelock-address">
      <p>
        <strong>{t('walletLessons.timelock.address', { height: unlock })}</strong> <span className="mono">{addr.address}</span>{' '}
        <span className="tag">{coins(balance.total)}</span>{' '}
        {/* nLockTime = H makes a transaction final in blocks after H (IsFinalTx: lock time < height). */}
        <span className={`tag ${height >= unlock ? 'tag-ok' : 'tag-pending'}`}>
          {height >= unlock ? t('walletLessons.timelock.open') : t('walletLessons.timelock.waiting', { count: unlock - height })}
        </span>
      </p>
      <p className="small muted">{t('walletLessons.redeem')}: <span className="mono">{disassemble(addr.redeemScript)}</span></p>
      <div className="buttons">
        <button type="button" disabled={balance.total === 0n} onClick={() => spend(unlock)} data-testid="timelock-spend">{t('walletLessons.timelock.spend')}</button>
        {height < unlock && (
          <button type="button" disabled={balance.total === 0n} onClick={() => spend(height)} data-testid="timelock-cheat">{t('walletLessons.timelock.cheat', { height })}</button>
        )}
      </div>
      {result && <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'ok' : 'error'} data-testid="timelock-result">{result.text}</p>}
    </div>
  );
}
