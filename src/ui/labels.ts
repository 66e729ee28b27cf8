import type { TFunction } from 'i18next';

/**
 * An address label as a person reads it: names given by people (WALLET_1, SHOP) as they are, the
 * node's own default labels ("wallet 3001", "address 2", "central") in the page's language.
 */
export function labelText(t: TFunction, label: string | undefined): string {
  if (!label) return '';
  const role = /^(central|miner|wallet)(?: (\d+))?$/.exec(label);
  if (role) return `${t(`role.${role[1]}`)}${role[2] ? ` ${role[2]}` : ''}`;
  const n = /^address (\d+)$/.exec(label);
  if (n) return t('names.addressN', { n: n[1] });
  return label;
}

/** The first and last characters of an address (m…k9), for lists that also show a name. */
export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
