import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decodeOps, type Coin, type Tx } from '../../../core';
import { parseScriptText, scriptText } from './scriptInputs';

/** The input's scripts as edited by the student (null: the real ones). */
export interface EditedScripts {
  scriptSig: Uint8Array;
  scriptPubKey: Uint8Array;
}

/**
 * "What if?": the input's unlocking and locking scripts as text a student can change — or one
 * click to break the signature — and run again, to see which opcode fails and with which of
 * Core's errors. Nothing is sent anywhere: the real transaction is unchanged.
 */
export function WhatIf({ tx, index, coin, edited, onRun }: { tx: Tx; index: number; coin: Coin; edited: EditedScripts | null; onRun: (e: EditedScripts | null) => void }) {
  const { t } = useTranslation();
  const realSig = tx.inputs[index]!.scriptSig;
  const [sig, setSig] = useState(() => scriptText(edited?.scriptSig ?? realSig));
  const [pub, setPub] = useState(() => scriptText(edited?.scriptPubKey ?? coin.script));
  const [error, setError] = useState<string | null>(null);

  const run = (scriptSig: string, scriptPubKey: string) => {
    try {
      onRun({ scriptSig: parseScriptText(scriptSig), scriptPubKey: parseScriptText(scriptPubKey) });
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  /** Flips one bit in the middle of the scriptSig's first push of 9 bytes or more (the signature, in the usual scripts). */
  const breakSignature = () => {
    const bytes = parseScriptText(sig).slice();
    const push = decodeOps(bytes).ops.find((o) => o.data && o.data.length >= 9);
    if (!push) return setError(t('scriptView.whatIf.noSignature'));
    // The last bit of a DER signature's r: the signature stays well-formed DER (no strict-encoding
    // error) but signs nothing; any other push loses a bit in its middle.
    const data = push.data!;
    const start = push.end - data.length;
    const rLen = data[3] ?? 0;
    const at = data[0] === 0x30 && data[2] === 0x02 && rLen > 1 && 4 + rLen < data.length ? start + 4 + rLen - 1 : start + Math.floor(data.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    const text = scriptText(bytes);
    setSig(text);
    run(text, pub);
  };

  return (
    <details className="what-if" open={edited !== null}>
      <summary>{t('scriptView.whatIf.title')}</summary>
      <p className="muted small">{t('scriptView.whatIf.intro')}</p>
      <label>
        {t('scriptView.phase.scriptSig')}
        <textarea value={sig} onChange={(e) => setSig(e.target.value)} rows={3} className="mono" data-testid="whatif-scriptsig" />
      </label>
      <label>
        {t('scriptView.phase.scriptPubKey')}
        <textarea value={pub} onChange={(e) => setPub(e.target.value)} rows={2} className="mono" data-testid="whatif-scriptpubkey" />
      </label>
      <div className="buttons">
        <button type="button" onClick={() => run(sig, pub)} data-testid="whatif-run">{t('scriptView.whatIf.run')}</button>
        <button type="button" onClick={breakSignature} data-testid="whatif-break">{t('scriptView.whatIf.break')}</button>
        <button type="button" disabled={edited === null} onClick={() => { setSig(scriptText(realSig)); setPub(scriptText(coin.script)); setError(null); onRun(null); }}>
          {t('scriptView.whatIf.reset')}
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {edited && <p className="tag tag-pending">{t('scriptView.whatIf.editedNote')}</p>}
    </details>
  );
}
