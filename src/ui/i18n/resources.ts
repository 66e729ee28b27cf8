import { en } from './en';
import { ko } from './ko';

/**
 * Each view may keep its strings in `parts/<view>.ts` exporting `{ en, ko }` objects with one
 * top-level key (its namespace inside the translation), so views are translated independently.
 */
type Part = { en: Record<string, unknown>; ko: Record<string, unknown> };
const parts = import.meta.glob<Part>('./parts/*.ts', { eager: true, import: 'default' });

export const resources = {
  en: { translation: { ...en } as Record<string, unknown> },
  ko: { translation: { ...ko } as Record<string, unknown> },
};
for (const p of Object.values(parts)) {
  Object.assign(resources.en.translation, p.en);
  Object.assign(resources.ko.translation, p.ko);
}

