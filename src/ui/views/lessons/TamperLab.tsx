import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  addressFromHash,
  bitsToTarget,
  blockHashHex,
  checkInPlace,
  childLink,
  editBlock,
  hashToBigInt,
  blockHash,
  merkleMatches,
  merkleRoot,
  parseP2PKH,
  scriptForAddress,
  txid,
  txidChange,
  withMerkleRoot,
  hashToHex,
  medianTimePast,
  type Block,
  type TamperEdit,
} from '../../../core';
import { coins, parseCoins, short, clockTime } from '../../format';
import { useLessonNode } from './useLessons';
import { Explain } from './Explain';
import { Reason } from './Reason';

type Stage = 'edited' | 'merkle' | 'mined';

/** The address an output pays, or its script in hex. */
function payee(script: Uint8Array): string {
  const h = parseP2PKH(script);
  return h ? addressFromHash(h) : '?';
}

/**
 * The tamper lab: pick a block of this node's chain and one output, change its amount or
 * recipient in a copy, and watch what every node would check, in Core's order, stage by stage
 * (edited, merkle root recomputed, re-mined here); then send it to the peers and see each refuse it.
 */
export function TamperLab() {
  const { t } = useTranslation();
  const node = useLessonNode();
  const q = node.query;
  const [height, setHeight] = useState(() => Math.max(1, node.height));
  const [txIndex, setTxIndex] = useState<number | null>(null);
  const [output, setOutput] = useState(0);
  const [value, setValue] = useState('');
  const [recipient, setRecipient] = useState<'keep' | 'mine' | 'other'>('mine');
  const [other, setOther] = useState('');
  const [stage, setStage] = useState<Stage>('edited');
  const [mined, setMined] = useState<Block | null>(null);
  const [busy, setBusy] = useState<{ what: 'mining' | 'extending'; hashes: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const entry = node.height >= 1 ? q.entryAt(Math.min(Math.max(1, height), node.height)) : undefined;
  const original = entry ? q.block(entry.hash) : undefined;
  const tx = txIndex ?? (original ? original.txs.length - 1 : 0);
  const myAddress = q.walletKeys()[0]?.address ?? '';
  const reset = () => {
    abort.current?.abort();
    setStage('edited');
    setMined(null);
    setBusy(null);
    setError(null);
  };

  const edit: TamperEdit | null = useMemo(() => {
    if (!original) return null;
    const out = original.txs[tx]?.outputs[output];
    if (!out) return null;
    const v = value.trim() ? parseCoins(value) : null;
    let script: Uint8Array | undefined;
    try {
      if (recipient === 'mine' && myAddress) script = scriptForAddress(myAddress);
      else if (recipient === 'other' && other.trim()) script = scriptForAddress(other.trim());
    } catch {
      script = undefined;
    }
    return { tx, output, ...(v !== null ? { value: v } : {}), ...(script ? { script } : {}) };
  }, [original, tx, output, value, recipient, other, myAddress]);

  if (!entry || !original || !edit) return <p className="muted">{t('lessons.tamper.noBlock')}</p>;
  const params = node.params!;
  const ctx = { params, height: entry.height, medianTimePast: medianTimePast(entry.parent), spent: q.undo(entry.hash) ?? [] };
  const edited = editBlock(original, edit);
  const current = stage === 'edited' ? edited : stage === 'merkle' ? withMerkleRoot(edited) : mined ?? withMerkleRoot(edited);
  const verdict = checkInPlace(current, ctx);
  const childEntry = q.entryAt(entry.height + 1);
  const child = childEntry ? q.block(childEntry.hash) : undefined;
  const link = child ? childLink(child, current) : null;
  const ids = txidChange(original, edited, tx);
  const hash = blockHashHex(current.header);
  const powOk = hashToBigInt(blockHash(current.header)) <= bitsToTarget(current.header.bits).target;
  const merkleOk = merkleMatches(current);
  const failedAt = verdict?.reason;
  const descendants = node.height - entry.height;

  const remine = async () => {
    const ac = new AbortController();
    abort.current = ac;
    setBusy({ what: 'mining', hashes: 0 });
    try {
      const b = await node.lessons.mine(withMerkleRoot(edited), { signal: ac.signal, onProgress: (p) => setBusy({ what: 'mining', hashes: p.hashes }) });
      if (b) {
        setMined(b);
        setStage('mined');
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const send = async () => {
    setError(null);
    let blocks: Block[] | null = [current];
    if (stage === 'mined' && mined) {
      const ac = new AbortController();
      abort.current = ac;
      setBusy({ what: 'extending', hashes: 0 });
      try {
        blocks = await node.lessons.extendTampered(mined, { signal: ac.signal, onProgress: (p) => setBusy({ what: 'extending', hashes: p.hashes }) });
      } catch (e) {
        setError((e as Error).message);
        blocks = null;
      } finally {
        setBusy(null);
      }
    }
    if (blocks) node.lessons.broadcast(blocks);
  };
  const last = node.lessons.lastBroadcast();

  return (
    <div className="lesson tamper" data-testid="lesson-tamper">
      <Explain text={t('lessons.tamper.explain')} />
      <div className="lesson-form">
        <label>
          {t('lessons.tamper.block')}
          <select value={entry.height} onChange={(e) => { setHeight(Number(e.target.value)); setTxIndex(null); setOutput(0); reset(); }} data-testid="tamper-height">
            {Array.from({ length: node.height }, (_, i) => node.height - i).map((h) => (
              <option key={h} value={h}>{t('lessons.tamper.height', { height: h })}</option>
            ))}
          </select>
        </label>
        <label>
          {t('lessons.tamper.tx')}
          <select value={tx} onChange={(e) => { setTxIndex(Number(e.target.value)); setOutput(0); reset(); }} data-testid="tamper-tx">
            {original.txs.map((_, i) => (
              <option key={i} value={i}>{i === 0 ? t('lessons.tamper.coinbase') : t('lessons.tamper.txLabel', { index: i })}</option>
            ))}
          </select>
        </label>
        <label>
          {t('lessons.tamper.output')}
          <select value={output} onChange={(e) => { setOutput(Number(e.target.value)); reset(); }} data-testid="tamper-output">
            {original.txs[tx]!.outputs.map((o, i) => (
              <option key={i} value={i}>{t('lessons.tamper.outputLabel', { index: i, value: coins(o.value), address: short(payee(o.script), 14) })}</option>
            ))}
          </select>
        </label>
        <label>
          {t('lessons.tamper.value')}
          <input value={value} inputMode="decimal" placeholder={coins(original.txs[tx]!.outputs[output]!.value)} onChange={(e) => { setValue(e.target.value); reset(); }} data-testid="tamper-value" />
        </label>
        <label>
          {t('lessons.tamper.recipient')}
          <select value={recipient} onChange={(e) => { setRecipient(e.target.value as typeof recipient); reset(); }} data-testid="tamper-recipient">
            <option value="keep">{t('lessons.tamper.keep')}</option>
            <option value="mine">{t('lessons.tamper.mine', { address: short(myAddress, 14) })}</option>
            <option value="other">{t('lessons.tamper.other')}</option>
          </select>
        </label>
        {recipient === 'other' && (
          <label>
            {t('lessons.tamper.otherAddress')}
            <input value={other} onChange={(e) => { setOther(e.target.value); reset(); }} />
          </label>
        )}
      </div>

      <h3>{t('lessons.tamper.steps')} — <span data-testid="tamper-stage">{t(`lessons.tamper.stage.${stage}`)}</span></h3>
      <ol className="lesson-checks" data-testid="tamper-checks">
        <li className={ids.before !== ids.after ? 'changed' : ''}>
          <strong>{t('lessons.tamper.txid')}</strong>: {ids.before !== ids.after ? t('lessons.tamper.txidChanged', { before: short(ids.before), after: short(ids.after) }) : t('lessons.tamper.txidSame')}
        </li>
        <Check name={t('lessons.tamper.merkle')} ok={merkleOk} reason={failedAt === 'bad-txnmrklroot' ? failedAt : null} skipped={false}
          text={merkleOk ? t('lessons.tamper.merkleOk') : t('lessons.tamper.merkleBad', { header: short(hashToHex(current.header.merkleRoot)), actual: short(hashToHex(merkleRoot(current.txs.map(txid)).root)) })} />
        <Check name={t('lessons.tamper.pow')} ok={powOk} reason={failedAt === 'high-hash' ? failedAt : null} skipped={!merkleOk}
          text={powOk ? (stage === 'merkle' ? t('lessons.tamper.powLucky') : t('lessons.tamper.powOk', { hash: short(hash, 16) })) : t('lessons.tamper.powBad', { hash: short(hash, 16) })} />
        <Check name={t('lessons.tamper.spend')} ok={!verdict} reason={verdict && verdict.reason !== 'bad-txnmrklroot' && verdict.reason !== 'high-hash' ? verdict.reason : null} skipped={!merkleOk || !powOk}
          text={verdict ? verdict.debug : t('lessons.tamper.spendOk')} />
        <li className={link && !link.links ? 'bad' : ''}>
          <strong>{t('lessons.tamper.child')}</strong>: {!link ? t('lessons.tamper.childNone') : link.links ? t('lessons.tamper.childOk') : (
            <>{t('lessons.tamper.childBad', { height: entry.height + 1, names: short(link.names), is: short(link.is) })} <Reason reason="prev-blk-not-found" /></>
          )}
        </li>
      </ol>
      {!verdict && <p className="lesson-ok" data-testid="tamper-valid">{t('lessons.tamper.valid')}</p>}

      <div className="lesson-actions">
        {stage === 'edited' && <button type="button" onClick={() => setStage('merkle')} data-testid="tamper-recompute">{t('lessons.tamper.recompute')}</button>}
        {stage === 'merkle' && !busy && <button type="button" onClick={() => void remine()} data-testid="tamper-remine">{t('lessons.tamper.remine')}</button>}
        {busy && (
          <>
            <span role="status">{t(busy.what === 'mining' ? 'lessons.tamper.mining' : 'lessons.tamper.extending', { hashes: busy.hashes.toLocaleString() })}</span>
            <button type="button" onClick={() => abort.current?.abort()}>{t('lessons.tamper.cancel')}</button>
          </>
        )}
        {!busy && <button type="button" className="danger" onClick={() => void send()} data-testid="tamper-broadcast">{t('lessons.tamper.broadcast')}</button>}
        <button type="button" onClick={reset}>{t('lessons.tamper.reset')}</button>
      </div>
      <p className="muted small">{t('lessons.tamper.broadcastHelp')} {stage === 'mined' && t('lessons.tamper.extendHelp', { count: descendants })}</p>
      {error && <p role="alert" className="error">{error}</p>}

      {last && (
        <section aria-labelledby="tamper-answers" data-testid="tamper-answers">
          <h3 id="tamper-answers">{t('lessons.tamper.answers')}</h3>
          <p className="muted small">{t('lessons.tamper.sent', { count: last.answers.length, time: clockTime(last.time) })}</p>
          <table>
            <thead>
              <tr><th scope="col">{t('lessons.tamper.peer')}</th><th scope="col">{t('lessons.tamper.answer')}</th><th scope="col">{t('lessons.tamper.link')}</th></tr>
            </thead>
            <tbody>
              {last.answers.map((a) => (
                <tr key={a.peer} data-testid={`tamper-answer-${a.peer}`}>
                  <th scope="row">{a.peer}</th>
                  <td>{a.rejected ? <Reason reason={a.rejected} /> : <span className="muted">{t('lessons.tamper.noAnswer')}</span>}</td>
                  <td>{a.closed ? t('lessons.tamper.closed', { reason: a.closed }) : t('lessons.tamper.open')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {last.answers.some((a) => a.rejected) && <p className="lesson-cost">{t('lessons.tamper.cost')}</p>}
        </section>
      )}
    </div>
  );
}

function Check({ name, ok, reason, skipped, text }: { name: string; ok: boolean; reason: string | null; skipped: boolean; text: string }) {
  const { t } = useTranslation();
  return (
    <li className={skipped ? 'skipped' : ok ? 'ok' : 'bad'}>
      <strong>{name}</strong>: {skipped ? <span className="muted">{t('lessons.tamper.notChecked')}</span> : <>{text} {reason && <Reason reason={reason} />}</>}
    </li>
  );
}

