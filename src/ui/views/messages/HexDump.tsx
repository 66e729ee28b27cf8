import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { toHex } from '../../../core';
import type { Field } from '../../../node/wire/annotate';

/**
 * 16 bytes per row, each byte tagged with the field it belongs to; hovering or focusing a field
 * in the list highlights its bytes (and the reverse). Field names are always shown as text, in the page's language.
 */
export function HexDump({ bytes, fields, maxBytes = 4096 }: { bytes: Uint8Array; fields: Field[]; maxBytes?: number }) {
  const { t } = useTranslation();
  const [active, setActive] = useState<number | null>(null);
  const owner = useMemo(() => {
    const o = new Int32Array(Math.min(bytes.length, maxBytes)).fill(-1);
    fields.forEach((f, i) => {
      for (let b = f.start; b < f.end && b < o.length; b++) o[b] = i;
    });
    return o;
  }, [bytes, fields, maxBytes]);
  const hex = useMemo(() => toHex(bytes.subarray(0, maxBytes)), [bytes, maxBytes]);
  const rows: number[] = [];
  for (let i = 0; i < owner.length; i += 16) rows.push(i);
  return (
    <div className="hexdump">
      <div className="hex-rows mono" aria-label={t('msgview.hexLabel', { n: bytes.length })} role="group">
        {rows.map((start) => (
          <div key={start} className="hex-row">
            <span className="hex-offset">{start.toString(16).padStart(6, '0')}</span>
            {Array.from({ length: Math.min(16, owner.length - start) }, (_, j) => {
              const b = start + j;
              const f = owner[b]!;
              const cls = f < 0 ? '' : `field f${f % 6} ${fields[f]!.group}${active === f ? ' on' : ''}`;
              return (
                <span key={b} className={`hex-byte ${cls}`} title={f >= 0 ? fieldName(t, fields[f]!) : undefined} onMouseEnter={() => setActive(f >= 0 ? f : null)}>
                  {hex.slice(2 * b, 2 * b + 2)}
                </span>
              );
            })}
          </div>
        ))}
        {bytes.length > maxBytes && <div className="muted">{t('msgview.truncatedDump', { shown: maxBytes, total: bytes.length })}</div>}
      </div>
      <ol className="field-list">
        {fields.map((f, i) => (
          <li
            key={i}
            className={`field f${i % 6} ${f.group}${active === i ? ' on' : ''}`}
            tabIndex={0}
            onMouseEnter={() => setActive(i)}
            onFocus={() => setActive(i)}
          >
            <span className="field-name">{fieldName(t, f)}</span> <span className="muted">[{f.start}–{f.end})</span>{' '}
            <span className="mono field-value">{f.value.length > 80 ? `${f.value.slice(0, 80)}…` : f.value}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * A field's name in the page's language: its numbered parts (`tx 1 in 0`) and the codec's label,
 * each translated; where the translation differs, the codec's label follows in parentheses, the
 * word Bitcoin's documentation uses. A label without a translation shows as it is.
 */
export function fieldName(t: TFunction, f: Pick<Field, 'what' | 'parts'>): string {
  const part = (p: string) => {
    const m = /^(.*?) (\d+)$/.exec(p);
    return m ? `${t(`wirePart.${m[1]}`, { defaultValue: m[1] })} ${m[2]}` : p;
  };
  const label = t(`wireField.${f.what}`, { defaultValue: f.what });
  const named = label === f.what ? label : `${label} (${f.what})`;
  return f.parts.length ? `${f.parts.map(part).join(' ')}: ${named}` : named;
}
