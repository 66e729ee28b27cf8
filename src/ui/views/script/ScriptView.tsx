import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hashToHex, toHex, traceInput } from '../../../core';
import { short } from '../../format';
import { useSession } from '../../runtime/context';
import { useView } from '../../useView';
import { blockTxs, flagsFor, mempoolTxs, type DebugTx, type InputSource } from './scriptInputs';
import { ScriptStepper } from './ScriptStepper';
import { WhatIf, type EditedScripts } from './WhatIf';
import './script.css';

type Source = 'block' | 'mempool';

/**
 * The Script debugger: pick any input of a block or of a mempool transaction, and run its
 * scriptSig, the scriptPubKey of the coin it spends and (for P2SH) the redeem script, one opcode
 * at a time, with the stack, every signature hash field by field, and where and why it fails.
 */
export function ScriptView() {
  const { t } = useTranslation();
  const { node } = useSession();
  const blocks = useView((s) => s.blocks);
  const mempool = useView((s) => s.mempool);
  const height = useView((s) => s.height);
  const params = useView((s) => s.params);
  const [source, setSource] = useState<Source>('block');
  const [picked, setPicked] = useState<string | null>(null);
  const [txPick, setTxPick] = useState<string | null>(null);
  const [inputPick, setInputPick] = useState(0);
  const [edited, setEdited] = useState<EditedScripts | null>(null);

  // Blocks that have something to debug (a non-coinbase transaction), newest first.
  const withPayments = useMemo(() => blocks.filter((b) => b.active && b.txCount > 1).sort((a, b) => b.height - a.height), [blocks]);
  const block = withPayments.find((b) => b.hash === picked) ?? withPayments[0] ?? null;
  const txs: DebugTx[] = useMemo(() => {
    if (source === 'mempool') return mempoolTxs(node.query);
    return block ? blockTxs(node.query, block.hash) : [];
    // The mempool summaries change whenever the mempool does; blocks never change.
  }, [node.query, source, block, mempool]);
  const dtx = txs.find((x) => x.txid === txPick) ?? txs[0] ?? null;
  const index = dtx && inputPick < dtx.tx.inputs.length ? inputPick : 0;
  const coin = dtx?.coins[index] ?? null;
  const where: InputSource | null = source === 'mempool' ? { kind: 'mempool' } : block ? { kind: 'block', hash: block.hash, height: block.height } : null;
  const flags = params && where ? flagsFor(params, where, height) : 0;
  // The input as it is, or with the scripts the student edited ("What if?").
  const run = useMemo(() => {
    if (!dtx || !coin) return null;
    if (!edited) return { tx: dtx.tx, coin };
    const tx = { ...dtx.tx, inputs: dtx.tx.inputs.map((x, i) => (i === index ? { ...x, scriptSig: edited.scriptSig } : x)) };
    return { tx, coin: { ...coin, script: edited.scriptPubKey } };
  }, [dtx, coin, index, edited]);
  const trace = useMemo(() => (run ? traceInput(run.tx, index, run.coin.script, flags) : null), [run, index, flags]);
  const pick = (f: () => void) => {
    f();
    setEdited(null);
  };

  return (
    <section className="panel script-view" aria-labelledby="script-title" data-testid="panel-script">
      <h2 id="script-title">{t('scriptView.title')}</h2>
      <p className="muted small">{t('scriptView.intro')}</p>
      <div className="script-picker">
        <div className="segmented" role="group" aria-label={t('scriptView.source')}>
          {(['block', 'mempool'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={source === s} onClick={() => pick(() => { setSource(s); setTxPick(null); setInputPick(0); })}>
              {t(`scriptView.from.${s}`, { count: s === 'mempool' ? mempool.length : withPayments.length })}
            </button>
          ))}
        </div>
        {source === 'block' && (
          <label>
            {t('scriptView.block')}
            <select value={block?.hash ?? ''} onChange={(e) => pick(() => { setPicked(e.target.value); setTxPick(null); setInputPick(0); })} data-testid="script-block">
              {withPayments.map((b) => (
                <option key={b.hash} value={b.hash}>
                  {t('scriptView.blockOption', { height: b.height, count: b.txCount - 1, hash: short(b.hash, 12) })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('scriptView.tx')}
          <select value={dtx?.txid ?? ''} onChange={(e) => pick(() => { setTxPick(e.target.value); setInputPick(0); })} data-testid="script-tx" disabled={!txs.length}>
            {txs.map((x) => (
              <option key={x.txid} value={x.txid}>
                {t('scriptView.txOption', { txid: short(x.txid, 16), count: x.tx.inputs.length })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('scriptView.input')}
          <select value={index} onChange={(e) => pick(() => setInputPick(Number(e.target.value)))} data-testid="script-input" disabled={!dtx}>
            {dtx?.tx.inputs.map((input, i) => (
              <option key={i} value={i}>
                {t('scriptView.inputOption', { index: i, outpoint: `${short(hashToHex(input.prevout.txid), 12)}:${input.prevout.vout}` })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!dtx ? (
        <p className="muted empty" data-testid="script-empty">{t(source === 'mempool' ? 'scriptView.emptyMempool' : 'scriptView.emptyBlocks')}</p>
      ) : !coin || !trace || !run ? (
        <p className="muted empty">{t('scriptView.noCoin')}</p>
      ) : (
        <>
          <WhatIf key={`${dtx.txid}:${index}`} tx={dtx.tx} index={index} coin={coin} edited={edited} onRun={setEdited} />
          <ScriptStepper key={`${dtx.txid}:${index}:${flags}:${edited ? scriptKey(edited) : 'real'}`} trace={trace} tx={run.tx} index={index} coin={run.coin} />
        </>
      )}
    </section>
  );
}

function scriptKey(e: EditedScripts): string {
  return `${toHex(e.scriptSig)}/${toHex(e.scriptPubKey)}`;
}
