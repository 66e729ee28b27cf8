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

/** The channel every tab of this browser hears a language switch on. */
const CHANNEL = 'tabchain-language';
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

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

/** The page says which language it is in (screen readers, and `:lang(ko)` line breaking in CSS). */
function markDocument(lng: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}
markDocument(i18n.resolvedLanguage ?? 'en');
i18n.on('languageChanged', (lng) => {
  markDocument(i18n.resolvedLanguage ?? lng);
  // A `?lang=` in this tab's address would win on reload: keep it in step.
  if (typeof location !== 'undefined' && new URLSearchParams(location.search).has('lang')) {
    const q = new URLSearchParams(location.search);
    q.set('lang', lng);
    history.replaceState(history.state, '', `?${q.toString()}${location.hash}`);
  }
});

/**
 * Switches the language of this tab and of every other open tab of this browser at once (a
 * BroadcastChannel message; the stored choice makes new tabs start in it too).
 */
export function setLanguage(lng: string): void {
  void i18n.changeLanguage(lng);
  channel?.postMessage(lng);
}

// Another tab switched: follow it (without broadcasting again). Where BroadcastChannel is missing,
// the stored choice's `storage` event says the same.
if (channel)
  channel.onmessage = (e: MessageEvent) => {
    if (typeof e.data === 'string' && LANGUAGES.some((l) => l.code === e.data) && e.data !== i18n.language) void i18n.changeLanguage(e.data);
  };
else if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => {
    if (e.key === 'i18nextLng' && e.newValue && LANGUAGES.some((l) => l.code === e.newValue) && e.newValue !== i18n.language) void i18n.changeLanguage(e.newValue);
  });

export default i18n;
