import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SCRIPT_ERROR_TEXT, flagNames, opcodeName, solve, toHex, type Coin, type ScriptTrace, type TraceStep, type Tx } from '../../../core';
import { coins, short } from '../../format';
import { hashTypeName, readItem } from './scriptInputs';
import { SighashPanel } from './SighashPanel';

/**
 * One input's verification, stepped: the scripts as operation lists with the current, skipped
 * and failing operation marked, the stack after the current step (top first), the signature
 * checks of that step explained, and the verdict with Core's error.
 */
export function ScriptStepper({ trace, tx, index, coin }: { trace: ScriptTrace; tx: Tx; index: number; coin: Coin }) {
  const { t } = useTranslation();
  const last = trace.steps.length - 1;
  const [pos, setPos] = useState(0);
  const step = trace.steps[Math.min(pos, last)];
  const atEnd = pos >= last;
  // The latest signature check at or before this step, so the sighash stays in view while stepping on.
  const checkStep = [...trace.steps.slice(0, pos + 1)].reverse().find((s) => s.sigChecks.length > 0) ?? null;

  return (
    <div className="stepper" data-testid="script-stepper">
      <p className="muted small">
        {t('scriptView.spends', { value: coins(coin.value), kind: t(`scriptView.template.${solve(coin.script).type}`) })}{' '}
        <span className="tag">{t('scriptView.flags')}: {flagNames(trace.flags).join(', ') || 'NONE'}</span>
      </p>
      <div className="buttons" role="group" aria-label={t('scriptView.controls')}>
        <button type="button" onClick={() => setPos(0)} disabled={pos === 0}>« {t('scriptView.start')}</button>
        <button type="button" onClick={() => setPos((p) => Math.max(0, p - 1))} disabled={pos === 0}>◀ {t('scriptView.back')}</button>
        <button type="button" onClick={() => setPos((p) => Math.min(last, p + 1))} disabled={atEnd} data-testid="script-step">{t('scriptView.step')} ▶</button>
        <button type="button" onClick={() => setPos(last)} disabled={atEnd} data-testid="script-run">{t('scriptView.run')} »</button>
        <span className="muted" aria-live="polite">{t('scriptView.position', { step: Math.min(pos, last), total: last })}</span>
      </div>
      {atEnd && <Verdict trace={trace} />}
      <div className="script-cols">
        <div className="script-listing">
          {trace.phases.map((phase, p) => (
            <div key={p} className="script-phase">
              <h3>{t(`scriptView.phase.${phase.phase}`)}</h3>
              <ol className="ops" start={0}>
                {phase.ops.map((o, i) => (
                  <li key={i} className={opClass(trace, step, p, i, atEnd)} data-testid="script-op">
                    <span className="op-name">{opLabel(t, o.op, o.data)}</span>
                    {o.data && o.data.length > 0 && <span className="mono op-data" title={toHex(o.data)}>{short(toHex(o.data), 24)}</span>}
                  </li>
                ))}
                {(phase.truncated || failsAtEnd(trace, phase.phase, phase.ops.length)) && (
                  <li className={`op end ${atEnd && failsAtEnd(trace, phase.phase, phase.ops.length) ? 'failed' : ''}`}>
                    {phase.truncated ? t('scriptView.truncated') : t('scriptView.endCheck')}
                  </li>
                )}
              </ol>
            </div>
          ))}
        </div>
        <Stack step={step} />
      </div>
      {checkStep && <SighashPanel tx={tx} index={index} checks={checkStep.sigChecks} />}
    </div>
  );
}

/** An operation as listed: opcodes by Core's name, OP_0 as pushing nothing, other pushes by size. */
function opLabel(t: (k: string, o?: Record<string, unknown>) => string, op: number, data: Uint8Array | null): string {
  if (op === 0) return `OP_0 (${t('scriptView.item.empty')})`;
  return data ? t('scriptView.push', { bytes: data.length }) : opcodeName(op);
}

function failsAtEnd(trace: ScriptTrace, phase: string, n: number): boolean {
  return trace.failedAt?.phase === phase && trace.failedAt.opIndex >= n;
}

/** CSS class of operation `i` of phase `p` given the current step. */
function opClass(trace: ScriptTrace, step: TraceStep | undefined, p: number, i: number, atEnd: boolean): string {
  const phases = trace.phases.map((x) => x.phase);
  const cur = step ? phases.indexOf(step.phase) : -1;
  const failed = atEnd && trace.failedAt?.phase === phases[p] && trace.failedAt?.opIndex === i;
  if (failed) return 'op failed';
  const done = p < cur || (p === cur && step !== undefined && i <= step.opIndex);
  const current = step !== undefined && p === cur && i === step.opIndex;
  const skipped = trace.steps.some((s) => s.phase === phases[p] && s.opIndex === i && !s.executed);
  return `op${done ? ' done' : ''}${current ? ' current' : ''}${skipped && done ? ' skipped' : ''}`;
}

function Verdict({ trace }: { trace: ScriptTrace }) {
  const { t } = useTranslation();
  if (trace.result === 'OK')
    return <p className="verdict ok" role="status" data-testid="script-verdict">✔ {t('scriptView.valid')}</p>;
  const at = trace.failedAt;
  const phase = trace.phases.find((p) => p.phase === at?.phase);
  const op = phase && at ? phase.ops[at.opIndex] : undefined;
  return (
    <p className="verdict bad" role="status" data-testid="script-verdict">
      ✘ {t('scriptView.invalid', { phase: at ? t(`scriptView.phase.${at.phase}`) : '', op: op ? opLabel(t, op.op, op.data) : t('scriptView.endCheck') })}
      <br />
      <code className="reason" data-testid="script-error">SCRIPT_ERR_{trace.result}: {SCRIPT_ERROR_TEXT[trace.result]}</code>
    </p>
  );
}

function Stack({ step }: { step: TraceStep | undefined }) {
  const { t } = useTranslation();
  const items = step ? [...step.stack].reverse() : [];
  const alt = step ? [...step.altstack].reverse() : [];
  return (
    <div className="stack-col">
      <h3>{t('scriptView.stack', { count: items.length })}</h3>
      {items.length === 0 ? <p className="muted">{t('scriptView.stackEmpty')}</p> : (
        <ol className="stack" data-testid="script-stack">
          {items.map((v, i) => <StackItem key={i} v={v} top={i === 0} />)}
        </ol>
      )}
      {alt.length > 0 && (
        <>
          <h3>{t('scriptView.altstack', { count: alt.length })}</h3>
          <ol className="stack">{alt.map((v, i) => <StackItem key={i} v={v} top={i === 0} />)}</ol>
        </>
      )}
    </div>
  );
}

function StackItem({ v, top }: { v: Uint8Array; top: boolean }) {
  const { t } = useTranslation();
  const r = readItem(v);
  const label =
    r.kind === 'number' ? t('scriptView.item.number', { value: r.value })
    : r.kind === 'signature' ? t('scriptView.item.signature', { hashType: hashTypeName(r.hashType) })
    : r.kind === 'pubkey' ? t(r.compressed ? 'scriptView.item.pubkeyCompressed' : 'scriptView.item.pubkey')
    : r.kind === 'hash' ? t('scriptView.item.hash', { bits: r.bits })
    : r.kind === 'script' ? t(`scriptView.item.script.${r.what}`)
    : r.kind === 'text' ? t('scriptView.item.text', { text: r.text })
    : t(`scriptView.item.${r.kind}`);
  return (
    <li className={top ? 'top' : ''}>
      <span className="item-kind">{label}</span>{' '}
      {v.length > 0 && <span className="mono" title={toHex(v)}>{short(toHex(v), 40)}</span>}{' '}
      <span className="muted small">{t('scriptView.bytes', { count: v.length })}</span>
    </li>
  );
}
