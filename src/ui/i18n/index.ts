import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { resources } from './resources';

/** English and Korean, switchable, defaulting to the browser's language. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'ko', label: '한국어' },
] as const;

/** Keys missing from a language are collected here (tests fail on any). */
export const missingKeys = new Set<string>();

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources,
    fallbackLng: 'en',
    supportedLngs: ['en', 'ko'],
    nonExplicitSupportedLngs: true,
    interpolation: { escapeValue: false },
    detection: { order: ['querystring', 'localStorage', 'navigator'], lookupQuerystring: 'lang', caches: ['localStorage'] },
    saveMissing: true,
    missingKeyHandler: (lngs, _ns, key) => {
      missingKeys.add(`${lngs.join(',')}:${key}`);
      (window as unknown as { __missingKeys?: string[] }).__missingKeys = [...missingKeys];
    },
  });

export default i18n;
