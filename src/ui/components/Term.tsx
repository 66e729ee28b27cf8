import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useShowView } from '../runtime/nav';

/** Terms the glossary explains (keys of `glossary.terms`). */
export const TERMS = [
  'node', 'block', 'genesis', 'height', 'tip', 'pow', 'mempool', 'utxo', 'outpoint', 'txid', 'coinbase', 'maturity', 'confirmation',
  'fork', 'reorg', 'inv', 'signalling', 'topology', 'direction', 'rtt', 'sat', 'fee', 'wif', 'nodeinfo',
] as const;
export type TermId = (typeof TERMS)[number];

/**
 * A term explained where it is used: its short meaning shows on hover and on keyboard focus (a
 * tooltip the button is described by); a click opens the glossary at that term.
 */
export function Term({ id, children }: { id: TermId; children?: React.ReactNode }) {
  const { t } = useTranslation();
  const tip = useId();
  const show = useShowView();
  return (
    <span className="term">
      <button
        type="button"
        className="term-button"
        aria-describedby={tip}
        onClick={() => {
          show('glossary');
          requestAnimationFrame(() => document.getElementById(`term-${id}`)?.scrollIntoView({ block: 'center' }));
        }}
      >
        {children ?? t(`glossary.terms.${id}.term`)}
      </button>
      <span role="tooltip" id={tip} className="term-tip">
        <strong>{t(`glossary.terms.${id}.term`)}</strong>: {t(`glossary.terms.${id}.what`)}
      </span>
    </span>
  );
}
