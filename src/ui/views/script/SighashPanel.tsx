import { useTranslation } from 'react-i18next';
import { SIGHASH_ONE, bytesEqual, disassemble, sighashPreimage, toHex, type SighashField, type SignatureCheckRecord, type Tx } from '../../../core';
import { short } from '../../format';
import { hashTypeName } from './scriptInputs';

/** Bytes of one field shown before it is cut (a long script or a big transaction). */
const FIELD_BYTES = 96;

/**
 * What a signature check signed, field by field: Core's legacy signature hash serializes the
 * transaction with every other input's script blanked and this input's replaced by the script
 * being signed, adjusted by the hash type, then the hash type; SHA-256d of it is the message the
 * key signed. Shown for each check the current step made (CHECKMULTISIG may try several keys).
 */
export function SighashPanel({ tx, index, checks }: { tx: Tx; index: number; checks: SignatureCheckRecord[] }) {
  const { t } = useTranslation();
  return (
    <section className="sighash" aria-label={t('scriptView.sighash.title')} data-testid="script-sighash">
      <h3>{t('scriptView.sighash.title')}</h3>
      <p className="muted small">{t('scriptView.sighash.intro')}</p>
      {checks.map((c, k) => (
        <Check key={k} tx={tx} index={index} check={c} />
      ))}
    </section>
  );
}

function Check({ tx, index, check }: { tx: Tx; index: number; check: SignatureCheckRecord }) {
  const { t } = useTranslation();
  const fields: SighashField[] = [];
  const one = check.digest !== null && bytesEqual(check.digest, SIGHASH_ONE);
  if (check.digest && !one) sighashPreimage(tx, index, check.scriptCode, check.hashType, fields);
  return (
    <div className={`sig-check ${check.valid ? 'valid' : 'invalid'}`}>
      <dl className="facts">
        <div><dt>{t('scriptView.sighash.hashType')}</dt><dd>{hashTypeName(check.hashType)}</dd></div>
        <div><dt>{t('scriptView.sighash.pubkey')}</dt><dd className="mono">{short(toHex(check.pubkey), 20)}</dd></div>
        <div><dt>{t('scriptView.sighash.result')}</dt><dd className={check.valid ? 'ok' : 'error'}>{check.valid ? t('scriptView.sighash.valid') : t('scriptView.sighash.invalid')}</dd></div>
      </dl>
      <p className="small">
        {t('scriptView.sighash.scriptCode')}: <span className="mono">{disassemble(check.scriptCode) || '—'}</span>
      </p>
      {check.digest === null ? (
        <p className="muted small">{t('scriptView.sighash.notHashed')}</p>
      ) : one ? (
        <p className="small">{t('scriptView.sighash.one')}</p>
      ) : (
        <table className="sighash-fields">
          <thead>
            <tr>
              <th scope="col">{t('scriptView.sighash.field')}</th>
              <th scope="col">{t('scriptView.sighash.bytes')}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f, i) => (
              <tr key={i} className={f.note ? `note-${f.note}` : ''}>
                <td>
                  {t(`scriptView.sighash.fields.${f.field}`, { index: f.index })}
                  {f.note && <span className="tag">{t(`scriptView.sighash.notes.${f.note}`)}</span>}
                </td>
                <td className="mono">{f.bytes.length > FIELD_BYTES ? `${toHex(f.bytes.subarray(0, FIELD_BYTES))}…` : toHex(f.bytes) || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {check.digest && (
        <p className="small">
          {t('scriptView.sighash.digest')}: <span className="mono" data-testid="script-digest">{toHex(check.digest)}</span>
        </p>
      )}
    </div>
  );
}
