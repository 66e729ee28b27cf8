/**
 * Why a payment was refused, in coins and with the fix: the wallet's own refusals (not enough
 * funds, a bad amount or address) and the mempool's (Core's reason codes), as the send form and the
 * tutorial's buttons show them.
 */
import type { TFunction } from 'i18next';
import { PaymentError, RuleError } from '../../../core';
import type { Role } from '../../../node/events';
import { coins } from '../../format';

/** A refusal: its code (Core's reason, or the wallet's) and the sentence a student reads. */
export interface RefusalText {
  code: string;
  text: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
}

/** Turns what `send` threw into a sentence in the page's language, amounts in coins. */
export function refusalText(t: TFunction, err: unknown, ctx: { role: Role; from: string; mine: boolean }): RefusalText {
  if (err instanceof PaymentError) {
    if (err.reason === 'insufficient-funds' && err.funds) {
      const { have, need } = err.funds;
      const text = t('send.refusal.funds', { from: ctx.from, have: coins(have), need: coins(need) });
      const fix =
        have === 0n && ctx.role === 'central' && !ctx.mine
          ? t('send.refusal.fixCentral')
          : have === 0n
            ? t('send.refusal.fixWait')
            : t('send.refusal.fixLower', { max: coins(have) });
      return { code: err.reason, text, fix };
    }
    return { code: err.reason, text: t(`walletView.why.${err.reason}`) };
  }
  if (err instanceof RuleError) return { code: err.reason, text: `${err.reason}: ${err.debug}` };
  return { code: 'other', text: (err as Error).message };
}
