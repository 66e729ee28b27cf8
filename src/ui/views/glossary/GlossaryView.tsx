import { useTranslation } from 'react-i18next';
import { TERMS } from '../../components/Term';

/** Every term on one page: what it is, what Bitcoin does, what tabchain simplifies. */
export function GlossaryView() {
  const { t } = useTranslation();
  return (
    <section className="panel glossary" aria-labelledby="glossary-title" data-testid="panel-glossary">
      <h2 id="glossary-title">{t('glossary.title')}</h2>
      <p className="muted">{t('glossary.intro')}</p>
      <dl className="glossary-list">
        {TERMS.map((id) => (
          <div key={id} id={`term-${id}`} className="glossary-entry" tabIndex={-1}>
            <dt>{t(`glossary.terms.${id}.term`)}</dt>
            <dd>
              <p>{t(`glossary.terms.${id}.what`)}</p>
              <p><strong>{t('glossary.bitcoin')}:</strong> {t(`glossary.terms.${id}.bitcoin`)}</p>
              <p><strong>{t('glossary.tabchain')}:</strong> {t(`glossary.terms.${id}.tabchain`)}</p>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
