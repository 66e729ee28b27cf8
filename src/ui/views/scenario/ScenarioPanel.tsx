import { useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { COIN, txidHex } from '../../../core';
import type { Role } from '../../../node/events';
import { useSession } from '../../runtime/context';
import { useShowView } from '../../runtime/nav';
import { nodeAddressToSearch } from '../../runtime/url';
import { applyTutorialNames, hasTutorialNames } from '../../runtime/tutorial';
import { useView } from '../../useView';
import { coins, short } from '../../format';
import { refusalText } from '../wallet/refusal';
import { CENTRAL_NAME, MINER_NAME, STEP_ACTOR, STEP_IDS, type Evidence, type StepId, type TutorialFacts, type TutorialName } from './facts';
import { BalanceTable } from './BalanceTable';

/**
 * The seed tutorial's nine steps: each ticks from a fact this node can check (its chain, its
 * mempool, the names and tips other nodes publish), shows that fact, and, in the tab whose node
 * does the step, offers the step as one click that sends the real messages.
 */
export function ScenarioPanel() {
  const { t } = useTranslation();
  const session = useSession();
  const tr = session.scenario;
  useSyncExternalStore((cb) => tr.onChange(cb), () => tr.snapshot);
  const role = useView((s) => s.role);
  const network = useView((s) => s.network);
  const topology = useView((s) => s.topology);
  const steps = tr.steps;
  const facts = tr.facts;
  const next = steps.findIndex((s) => s.at === null);
  const lastDone = next === -1 ? steps.length - 1 : next - 1;
  const done = tr.doneCount;
  const open = (r: Role) => window.open(nodeAddressToSearch({ network, role: r, topology, tutorial: true }), '_blank');
  // The last one-click action's outcome stays beside its step, also once the step is done.
  const [result, setResult] = useState<ActionResult | null>(null);

  return (
    <section className="panel scenario" aria-labelledby="scenario-title" data-testid="scenario">
      <h2 id="scenario-title">
        {t('scenario.title')} <span className="tag" data-testid="tutorial-progress" data-done={done}>{t('scenario.progress', { done })}</span>
      </h2>
      <p className="muted">{t('scenario.intro')} {t('scenario.introFee')}</p>
      {role === 'central' && (
        <div className="buttons">
          <button type="button" onClick={() => open('wallet')}>{t('scenario.openWallet')}</button>
          <button type="button" onClick={() => open('miner')}>{t('scenario.openMiner')}</button>
        </div>
      )}
      <ol className="steps">
        {STEP_IDS.map((id, i) => {
          const s = steps[i]!;
          const state = s.at !== null ? 'done' : i === next ? 'current' : 'todo';
          return (
            <li key={id} className={`step ${state}`} data-testid={`step-${i + 1}`} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
              <div className="step-head">
                <span className="step-mark" aria-hidden="true">{s.at !== null ? '✓' : i + 1}</span>
                <strong>
                  <span className="sr-only">{i + 1}. </span>
                  {t(`scenario.steps.${id}.title`)}
                </strong>
                <span className="step-status">
                  {s.at !== null ? `${t('scenario.done')}${s.inferred ? ` (${t('scenario.inferred')})` : ''}` : state === 'current' ? t('scenario.waiting') : t('scenario.todo')}
                </span>
              </div>
              {state === 'current' || (state === 'done' && i === lastDone) ? (
                <StepBody id={id} index={i} current={state === 'current'} facts={facts} onResult={setResult} />
              ) : state === 'done' ? (
                <details>
                  <summary>{t('scenario.explain')}</summary>
                  <StepBody id={id} index={i} current={false} facts={facts} onResult={setResult} />
                </details>
              ) : null}
              {result?.step === id && <ResultLine result={result} />}
            </li>
          );
        })}
      </ol>
      <BalanceTable facts={facts} />
    </section>
  );
}

/** What a step means, the Bitcoin it mirrors, the fact that proved it, and what to do. */
/** What a one-click step did: sent (and what happened next) or refused, and why. */
interface ActionResult {
  step: StepId;
  ok: boolean;
  text: string;
}

function ResultLine({ result }: { result: ActionResult }) {
  const { t } = useTranslation();
  const show = useShowView();
  return (
    <div role={result.ok ? 'status' : 'alert'} className={`send-result ${result.ok ? 'ok' : 'refusal'}`}>
      <p data-testid="tutorial-result">{result.text}</p>
      {result.ok && (
        <button type="button" className="link" onClick={() => show('messages')}>{t('scenario.seeMessages')}</button>
      )}
    </div>
  );
}

function StepBody({ id, index, current, facts, onResult }: { id: StepId; index: number; current: boolean; facts: TutorialFacts; onResult: (r: ActionResult) => void }) {
  const { t } = useTranslation();
  const role = useView((s) => s.role);
  const nodeInfos = useView((s) => s.nodeInfos);
  const actor = STEP_ACTOR[id];
  const actorNode = actor ? nodeInfos.find((n) => n.role === actor)?.node : undefined;
  return (
    <div className="step-body">
      <p>{t(`scenario.steps.${id}.what`)}</p>
      <p className="muted">{t(`scenario.steps.${id}.bitcoin`)}</p>
      <EvidenceLine id={id} evidence={facts.evidence[index] ?? null} facts={facts} />
      {current &&
        (actor === null ? (
          <p className="hint">{t('scenario.nothingToDo')}</p>
        ) : actor === role ? (
          <StepActions id={id} facts={facts} onResult={onResult} />
        ) : (
          <p className="hint">{actorNode ? t('scenario.doInNode', { role: t(`role.${actor}`), node: actorNode }) : t('scenario.doIn', { role: t(`role.${actor}`) })}</p>
        ))}
    </div>
  );
}

function EvidenceLine({ id, evidence, facts }: { id: StepId; evidence: Evidence | null; facts: TutorialFacts }) {
  const { t } = useTranslation();
  if (!evidence) return null;
  const name = (address: string | null | undefined) => (address ? (Object.entries(facts.names).find(([, a]) => a === address)?.[0] ?? short(address, 10)) : '?');
  let text: string;
  if (id === 'wallet' || id === 'miner') text = evidence.nodes?.length ? t('scenario.evidence.names', { nodes: evidence.nodes.join(', ') }) : '';
  else if (id === 'relayed') text = t('scenario.evidence.nodes', { nodes: (evidence.nodes ?? []).join(', '), height: evidence.height });
  else if (id === 'pay1' || id === 'pay2') {
    const txid = short(evidence.txids?.[0], 12);
    text = evidence.height === undefined ? t('scenario.evidence.mempool', { txid }) : t('scenario.evidence.paid', { txid, amount: coins(evidence.amount ?? 0n), height: evidence.height });
  } else if (evidence.minedBy !== undefined) text = t('scenario.evidence.blockBy', { height: evidence.height, miner: name(evidence.minedBy) });
  else text = t('scenario.evidence.block', { height: evidence.height });
  return text ? <p className="evidence small" data-testid={`evidence-${id}`}>{text}</p> : null;
}

/** The one-click version of a step, in the tab whose node does it. */
function StepActions({ id, facts, onResult }: { id: StepId; facts: TutorialFacts; onResult: (r: ActionResult) => void }) {
  const { t } = useTranslation();
  const { node } = useSession();
  const role = useView((s) => s.role);
  const wallet = useView((s) => s.wallet);
  const mempool = useView((s) => s.mempool.length);
  const threshold = useView((s) => s.mining.threshold);
  const names = facts.names;
  const setResult = (r: { ok: boolean; text: string }) => onResult({ step: id, ...r });
  const spendable = (address: string | undefined) => wallet.find((w) => w.address === address)?.total ?? 0n;

  const pay = (from: string, to: TutorialName, amount: bigint, mine: boolean) => {
    const address = names[to];
    if (!address) return;
    try {
      const tx = node.send(from, address, amount, { fee: 0n, mine });
      const txid = short(txidHex(tx), 12);
      setResult({ ok: true, text: t(mine ? 'scenario.action.sentMined' : 'scenario.action.sent', { amount: coins(amount), to, txid }) });
    } catch (err) {
      const r = refusalText(t, err, { role, from: labelOf(from), mine });
      setResult({ ok: false, text: `${t('scenario.action.failed', { reason: r.text })}${r.fix ? ` ${r.fix}` : ''}` });
    }
  };
  const labelOf = (address: string) => (Object.entries(names).find(([, a]) => a === address)?.[0] ?? address);

  let buttons: React.ReactNode = null;
  if (id === 'wallet' || id === 'miner' || (id === 'create' && !hasTutorialNames(node))) {
    buttons = hasTutorialNames(node) ? null : (
      <button type="button" onClick={() => applyTutorialNames(node)}>
        {role === 'wallet' ? t('scenario.action.nameWallet') : t(role === 'miner' ? 'scenario.action.nameMiner' : 'scenario.action.nameCentral', { name: role === 'miner' ? MINER_NAME : CENTRAL_NAME })}
      </button>
    );
  } else if (id === 'fund') {
    const from = names[CENTRAL_NAME];
    buttons = (['WALLET_1', 'WALLET_2'] as const).map((to, k) => {
      const already = !!facts.evidence[3] || (k === 0 ? !!paidTo(facts, 'WALLET_1') : false);
      return (
        <button key={to} type="button" disabled={!from || !names[to] || already} onClick={() => from && pay(from, to, 10n * COIN, true)} data-testid={`tutorial-fund-${to}`}>
          {t('scenario.action.fund', { to })}
        </button>
      );
    });
    if (!names.WALLET_1 || !names.WALLET_2) buttons = [buttons, <p key="wait" className="muted small">{t('scenario.action.waitName', { name: !names.WALLET_1 ? 'WALLET_1' : 'WALLET_2' })}</p>];
  } else if (id === 'pay1' || id === 'pay2') {
    const [fromName, to] = id === 'pay1' ? (['WALLET_1', 'WALLET_3'] as const) : (['WALLET_2', 'WALLET_4'] as const);
    const from = names[fromName];
    const has = spendable(from) >= COIN;
    buttons = (
      <>
        <button type="button" disabled={!from || !names[to] || !has} onClick={() => from && pay(from, to, COIN, false)} data-testid={`tutorial-${id}`}>
          {t('scenario.action.pay', { from: fromName, to })}
        </button>
        {!has && <p className="muted small">{t('scenario.action.noCoins', { from: fromName })}</p>}
      </>
    );
  } else if (id === 'mined') {
    buttons = <p className="muted small" data-testid="tutorial-miner-rule">{t('scenario.action.minerRule', { threshold, count: mempool })}</p>;
  }
  return (
    <div className="step-actions">
      <div className="buttons">{buttons}</div>
    </div>
  );
}

/** True when the chain or mempool already holds a funding payment to this name (a step half done). */
function paidTo(facts: TutorialFacts, name: TutorialName): boolean {
  return facts.balances.some((b) => b.name === name && b.value > 0n);
}
