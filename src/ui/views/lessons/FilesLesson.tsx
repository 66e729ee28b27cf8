import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { writeNodeFile } from '../../../adapters/files/nodeFile';
import { useSession } from '../../runtime/context';
import { viewStore } from '../../runtime/viewStore';
import { Explain } from './Explain';
import { OpenSavedNode } from './OpenSavedNode';
import { download, stampedName } from './download';

/** Save this node to a file (private keys only when asked), or open a saved one. */
export function FilesLesson() {
  const { t } = useTranslation();
  const session = useSession();
  const [keys, setKeys] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const save = () => {
    const { node, address, teacherSecret } = session;
    const text = writeNodeFile(node, { topology: address.topology, keys, teacherSecret, messages: viewStore.getState().messages });
    const name = stampedName(`${node.network}-${node.id}`, 'tabchain-node');
    download(name, text);
    setSaved(name);
  };
  return (
    <div className="lesson files" data-testid="lesson-files">
      <Explain text={t('lessons.files.explain')} />
      <div className="lesson-actions">
        <label className="choice">
          <input type="checkbox" checked={keys} onChange={(e) => setKeys(e.target.checked)} data-testid="save-keys" /> {t('lessons.files.keys')}
        </label>
        <button type="button" onClick={save} data-testid="save-node">{t('lessons.files.save')}</button>
      </div>
      {saved && <p role="status" className="muted small">{t('lessons.files.saved', { name: saved })}</p>}
      <OpenSavedNode />
      <p>
        <a href="?replay" target="_blank" rel="noopener" data-testid="open-replay">{t('lessons.files.replay')}</a>
      </p>
    </div>
  );
}
