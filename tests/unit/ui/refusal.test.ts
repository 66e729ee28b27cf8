/**
 * A refused payment says why in coins and what to do: the central that forgot "Mine it now" has 0
 * spendable (its coins wait in the mempool) and is told to tick it or wait for a miner; an address
 * short of amount + fee is told the most it can send.
 */
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { COIN, PaymentError } from '../../../src/core';
import { resources } from '../../../src/ui/i18n/resources';
import { refusalText } from '../../../src/ui/views/wallet/refusal';

async function en() {
  const i = i18next.createInstance();
  await i.init({ resources, lng: 'en', interpolation: { escapeValue: false } });
  return i.t.bind(i);
}

describe('refusals in coins, with the fix', () => {
  it('the central with 0 spendable and "Mine it now" unticked', async () => {
    const t = await en();
    const r = refusalText(t, new PaymentError('insufficient-funds', 'x', { have: 0n, need: 10n * COIN }), { role: 'central', from: 'CENTRAL_NODE', mine: false });
    expect(r.text).toBe('CENTRAL_NODE can spend 0 coins; this payment needs 10 coins (amount and fee).');
    expect(r.fix).toMatch(/Tick “Mine it now”.*or wait for a miner/);
    expect(r.text).not.toMatch(/sat/);
  });
  it('an address short of amount + fee is told the most it can send', async () => {
    const t = await en();
    const r = refusalText(t, new PaymentError('insufficient-funds', 'x', { have: 10n * COIN, need: 10n * COIN + 226n }), { role: 'wallet', from: 'WALLET_1', mine: false });
    expect(r.text).toBe('WALLET_1 can spend 10 coins; this payment needs 10.00000226 coins (amount and fee).');
    expect(r.fix).toBe('Send at most 10 coins minus the fee, or lower the fee rate.');
  });
});
