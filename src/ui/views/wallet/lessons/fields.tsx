/** The send fields the Script lessons share (the wallet's Send form has its own, with names and hints). */
import { useTranslation } from 'react-i18next';
import type { WalletKeyView } from '../../../../node/api';

/** Which of this wallet's addresses pays. */
export function FromField({ keys, value, onChange }: { keys: readonly WalletKeyView[]; value: string; onChange: (address: string) => void }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('walletView.from')}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {keys.map((k) => <option key={k.address} value={k.address}>{k.address}</option>)}
      </select>
    </label>
  );
}

/** The address paid. */
export function ToField({ value, onChange }: { value: string; onChange: (address: string) => void }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('walletView.to')}
      <input value={value} onChange={(e) => onChange(e.target.value)} className="mono" placeholder="m… / n… / 2…" />
    </label>
  );
}

/** The amount, in coins. */
export function AmountField({ value, onChange }: { value: string; onChange: (amount: string) => void }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('walletView.amount')}
      <input value={value} onChange={(e) => onChange(e.target.value)} inputMode="decimal" />
    </label>
  );
}
