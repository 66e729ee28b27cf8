import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage } from '../i18n';

/** The language select: switches this tab and every other open tab of this browser at once. */
export function LanguagePicker({ label }: { label?: string }) {
  const { t, i18n } = useTranslation();
  return (
    <select aria-label={label ?? t('header.language')} value={i18n.resolvedLanguage} onChange={(e) => setLanguage(e.target.value)} data-testid="language">
      {LANGUAGES.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>{l.label}</option>
      ))}
    </select>
  );
}

/** A standalone page's head (first screen, glossary page): the title and the language select. */
export function PageHead() {
  const { t } = useTranslation();
  return (
    <div className="setup-head">
      <h1>{t('app.title')}</h1>
      <label className="language">
        {t('header.language')} <LanguagePicker />
      </label>
    </div>
  );
}
