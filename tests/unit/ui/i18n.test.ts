import { describe, expect, it } from 'vitest';
import { resources } from '../../../src/ui/i18n/resources';

function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

// Every visible string exists in both languages (English and Korean), with the same placeholders.
describe('translations', () => {
  const en = keys(resources.en.translation).sort();
  const ko = keys(resources.ko.translation).sort();

  it('Korean has exactly the English keys (parts included)', () => {
    expect(en).toContain('nav.overview');
    expect(ko.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !ko.includes(k))).toEqual([]);
  });

  it('every Korean string is non-empty and keeps the English placeholders', () => {
    const get = (o: unknown, path: string) => path.split('.').reduce((x: any, k) => x?.[k], o) as string;
    for (const k of en) {
      const e = get(resources.en.translation, k);
      const kk = get(resources.ko.translation, k);
      expect(typeof kk, k).toBe('string');
      expect(kk.length, k).toBeGreaterThan(0);
      const ph = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
      expect(ph(kk), k).toEqual(ph(e));
    }
  });

  it('Korean strings are actually Korean where English has words', () => {
    const untranslated = en.filter((k) => {
      const get = (o: unknown) => k.split('.').reduce((x: any, p) => x?.[p], o) as string;
      const e = get(resources.en.translation);
      const kk = get(resources.ko.translation);
      // Protocol words and names stay as they are in both languages (UTXO, txid, inv / getdata, WALLET_1).
      const words = e.replace(/\{\{\w+\}\}/g, '').replace(/\b(UTXO|txid|inv|getdata|block|nodeinfo|ping|pong|sat|WALLET_\d|MINER_WALLET|CENTRAL_NODE)\b/g, '');
      return /[a-z]{4,}/i.test(words) && e === kk && !/^(tabchain|English)$/.test(e);
    });
    expect(untranslated).toEqual([]);
  });
});
