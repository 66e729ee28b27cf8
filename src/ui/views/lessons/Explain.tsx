import { useTranslation } from 'react-i18next';

/** A lesson's short explanation: what Bitcoin does, and why. */
export function Explain({ text }: { text: string }) {
  const { t } = useTranslation();
  return (
    <aside className="lesson-explain">
      <h3>{t('lessons.bitcoin')}</h3>
      <p>{text}</p>
    </aside>
  );
}
