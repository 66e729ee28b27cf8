import { useTranslation } from 'react-i18next';

/** The glossary key of a Core reason: the reason up to any " (…)" detail. */
export function reasonKey(reason: string): string {
  const i = reason.indexOf(' (');
  return i < 0 ? reason : reason.slice(0, i);
}

/**
 * A Bitcoin Core reason string, as Core writes it, with what it means on hover and focus. It
 * carries `data-reason` (its glossary key) so the glossary can link every occurrence by that key.
 */
export function Reason({ reason }: { reason: string }) {
  const { t, i18n } = useTranslation();
  const key = reasonKey(reason);
  const meaning = i18n.exists(`lessonReasons.${key}`) ? t(`lessonReasons.${key}`) : t('lessonReasons.unknown');
  return (
    <code className="reason" data-reason={key} title={meaning} tabIndex={0} aria-label={`${reason}: ${meaning}`}>
      {reason}
    </code>
  );
}
