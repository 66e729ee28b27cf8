/** A refusal of settings or a run file (src/sim's `Why`) said in the page's language. */
import type { TFunction } from 'i18next';
import type { Why } from '../../sim/settings';

export function whyText(t: TFunction, why: Why): string {
  // An action's rule is said in the page's language too (the English detail is the command line's).
  const detail = why.part ? t(`sim.why.actionPart.${why.part}`, { ...why }) : why.detail;
  return t(`sim.why.${why.code}`, { ...why, detail, field: why.field ? t(`sim.why.fields.${why.field}`) : '' });
}
