import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';

/** The address a student opens to join a network: this page's origin with `?join=<network>`. */
export function joinUrl(network: string, origin = location.origin): string {
  return `${origin}/?join=${encodeURIComponent(network)}`;
}

/**
 * How students join in seconds: the room code (the network's name, to type on the first screen),
 * the join link, and a QR code of it (a phone camera opens "join as wallet / miner" with the
 * network filled in).
 */
export function JoinCard({ network, compact = false }: { network: string; compact?: boolean }) {
  const { t } = useTranslation();
  const url = joinUrl(network);
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(url, { margin: 1, width: compact ? 160 : 240, errorCorrectionLevel: 'M' }).then((d) => live && setQr(d), () => live && setQr(null));
    return () => {
      live = false;
    };
  }, [url, compact]);
  return (
    <section className={`panel join-card ${compact ? 'compact' : ''}`} aria-labelledby="join-title" data-testid="join-card">
      <h2 id="join-title">{t('join.title')}</h2>
      <p className="join-room">
        {t('join.room')} <strong data-testid="room-code">{network}</strong>
      </p>
      {qr && <img className="join-qr" src={qr} alt={t('join.qrAlt', { url })} width={compact ? 160 : 240} height={compact ? 160 : 240} data-testid="join-qr" />}
      <p className="join-link">
        <a href={url} target="_blank" rel="noopener" data-testid="join-link">{url}</a>{' '}
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(() => setCopied(true), () => setCopied(false));
            if (!navigator.clipboard) setCopied(false);
          }}
        >
          {copied ? t('join.copied') : t('join.copy')}
        </button>
      </p>
      <p className="muted small">{t('join.help')}</p>
    </section>
  );
}
