import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Copies text to the clipboard. The async Clipboard API exists only in a secure context (https or
 * localhost); a classroom page served from http://<lan-ip> falls back to a hidden textarea and
 * execCommand('copy'), and where even that fails, selects the text for Ctrl+C.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // permission refused or no focus: try the old way below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** A Copy button that says "Copied" (or how to copy by hand) for a moment after a click. */
export function CopyButton({ text, label, selectOnFail }: { text: string; label: string; selectOnFail?: () => HTMLElement | null }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const timer = useRef<number | null>(null);
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);
  const click = async () => {
    const ok = await copyText(text);
    if (!ok) {
      const el = selectOnFail?.();
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
    }
    setState(ok ? 'copied' : 'manual');
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), ok ? 2000 : 6000);
  };
  return (
    <span className="copy">
      <button type="button" aria-label={label} onClick={() => void click()}>
        {state === 'copied' ? `✓ ${t('send.copied')}` : t('walletView.copy')}
      </button>
      <span role="status" className={state === 'manual' ? 'muted small' : 'sr-only'}>
        {state === 'copied' ? t('send.copied') : state === 'manual' ? t('send.copyManual') : ''}
      </span>
    </span>
  );
}
