/**
 * Opening a file, in the page's language: the browser's own file input says "Choose File / No
 * file chosen" in the browser's language whatever the page's is, so it is hidden (still focusable
 * and labelled) behind our own face and the name of the file picked.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function FileButton({ label, accept, onFile, testId }: { label: string; accept: string; onFile: (file: File | undefined) => void; testId?: string }) {
  const { t } = useTranslation();
  const [name, setName] = useState<string | null>(null);
  return (
    <label className="file-button">
      <span className="file-button-face">{label}</span>
      <input
        type="file"
        className="sr-only"
        accept={accept}
        data-testid={testId}
        onChange={(e) => {
          const file = e.target.files?.[0];
          setName(file?.name ?? null);
          e.target.value = ''; // the same file can be opened again
          onFile(file);
        }}
      />
      <span className="muted small">{name ?? t('app.noFile')}</span>
    </label>
  );
}
