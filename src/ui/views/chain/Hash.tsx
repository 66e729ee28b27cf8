import { useTranslation } from 'react-i18next';
import { splitZeros } from '../../format';

/**
 * A 64-hex hash or target with its leading zeros highlighted — the proof of work a class can see.
 * `chars` shortens it (the full value stays in the title); the highlight is backed by text where
 * `bits` is given (the number of leading zero bits), so colour never carries the meaning alone.
 */
export function Hash({ hex, chars, bits, className }: { hex: string; chars?: number; bits?: number; className?: string }) {
  const { t } = useTranslation();
  const [zeros, rest] = splitZeros(hex);
  const shownRest = chars !== undefined && zeros.length + rest.length > chars ? `${rest.slice(0, Math.max(4, chars - zeros.length))}…` : rest;
  return (
    <span className={`mono hash ${className ?? ''}`} title={hex}>
      {zeros && <mark className="zeros">{zeros}</mark>}
      {shownRest}
      {bits !== undefined && <span className="zero-bits"> ({t('chainView.zeroBits', { count: bits })})</span>}
    </span>
  );
}
