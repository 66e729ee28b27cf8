import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isValidDestination, utf8 } from '../../../../core';
import type { NodeApi, WalletKeyView } from '../../../../node/api';
import { parseCoins } from '../../../format';
import { AmountField, FromField, ToField } from './fields';
import { refusalText } from './watched';

/** Core relays OP_RETURN outputs of up to 83 bytes: the opcode, a push prefix and 80 bytes of data. */
const MAX_NOTE_BYTES = 80;

/**
 * Lesson: a note in the chain. A payment gets an extra output `OP_RETURN <note>` of 0 coins:
 * everyone stores it in the block forever, nobody can spend it, so no UTXO set keeps it.
 */
export function NoteLesson({ node, keys }: { node: NodeApi; keys: WalletKeyView[] }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('0.1');
  const [note, setNote] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const bytes = utf8(note).length;
  const key = keys.find((k) => k.address === from) ?? keys[0];

  const send = (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const sat = parseCoins(amount);
      if (sat === null) throw new Error(t('walletView.badAmount'));
      if (!isValidDestination(to.trim())) throw new Error(t('walletView.badAddress'));
      if (!key) throw new Error(t('walletView.badAddress'));
      node.send(key.address, to.trim(), sat, { note });
      setResult({ ok: true, text: t('walletLessons.note.sent') });
    } catch (err) {
      setResult({ ok: false, text: refusalText(err) });
    }
  };

  return (
    <div className="lesson" data-testid="lesson-note">
      <p className="muted small">{t('walletLessons.note.intro')}</p>
      <form onSubmit={send}>
        <div className="send-fields">
          <FromField keys={keys} value={key?.address ?? ''} onChange={setFrom} />
          <ToField value={to} onChange={setTo} />
          <AmountField value={amount} onChange={setAmount} />
        </div>
        <label>
          {t('walletLessons.note.note', { bytes, max: MAX_NOTE_BYTES })}
          <input value={note} onChange={(e) => setNote(e.target.value)} data-testid="note-text" aria-invalid={bytes > MAX_NOTE_BYTES} />
        </label>
        {bytes > MAX_NOTE_BYTES && <p className="warn small">{t('walletLessons.note.tooLong')}</p>}
        <button type="submit" disabled={!note}>{t('walletLessons.note.send')}</button>
      </form>
      {result && <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'ok' : 'error'} data-testid="note-result">{result.text}</p>}
    </div>
  );
}
