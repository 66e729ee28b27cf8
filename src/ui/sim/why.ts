/** A refusal of settings or a run file (src/sim's `Why`) said in the page's language. */
import type { TFunction } from 'i18next';
import type { Why } from '../../sim/settings';

export function whyText(t: TFunction, why: Why): string {
  return t(`sim.why.${why.code}`, { ...why, field: why.field ? t(`sim.why.fields.${why.field}`) : '' });
}
