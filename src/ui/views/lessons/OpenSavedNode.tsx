import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { readNodeFile, verifyNodeFile, type NodeFile } from '../../../adapters/files/nodeFile';
import type { FileRefusal } from '../../../adapters/files/envelope';
import { importNode, nodeExists } from '../../../adapters/idb/importNode';
import { nodeAddressToSearch } from '../../runtime/url';
import type { Chain, Mempool } from '../../../core';
import { FileButton } from '../../components/FileButton';

type Checked = { file: NodeFile; verified: { chain: Chain; mempool: Mempool }; exists: boolean };

/**
 * Opens a saved node file: every block replayed through the engine before anything is written; a
 * refused file says why and loads nothing. "Start this node" writes it to this browser's database
 * for that node and opens it (as after a reload).
 */
export function OpenSavedNode() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<FileRefusal | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);

  const open = async (f: File | undefined) => {
    setRefusal(null);
    setChecked(null);
    if (!f) return;
    setBusy(true);
    try {
      const read = readNodeFile(await f.text());
      if (!read.ok) return setRefusal(read.refusal);
      const v = verifyNodeFile(read.value, Math.floor(Date.now() / 1000));
      if (!v.ok) return setRefusal(v.refusal);
      setChecked({ file: read.value, verified: v.value, exists: await nodeExists(read.value.network, read.value.node) });
    } finally {
      setBusy(false);
    }
  };
  const start = async () => {
    if (!checked) return;
    setBusy(true);
    await importNode(checked.file, checked.verified);
    const { network, node, role, topology } = checked.file;
    location.assign(`${location.pathname}${nodeAddressToSearch({ network, node, role, topology })}`);
  };
  const f = checked?.file;
  return (
    <div className="open-saved" data-testid="open-saved-node">
      <FileButton label={t('lessons.files.open')} accept=".tabchain-node,.json,application/json,text/plain" onFile={(f) => void open(f)} testId="open-node-file" />
      <p className="muted small">{t('lessons.files.openHelp')}</p>
      {busy && <p role="status">{t('lessons.files.checking')}</p>}
      {refusal && (
        <p role="alert" className="error" data-testid="file-refused" data-code={refusal.code}>
          {t('lessons.files.refused', { reason: t(`lessons.files.codes.${refusal.code}`), detail: refusal.detail })}
        </p>
      )}
      {f && checked && (
        <div data-testid="open-node-summary">
          <p>
            {t('lessons.files.summary', {
              node: f.node, role: t(`role.${f.role}`), network: f.network, height: checked.verified.chain.height, blocks: f.blocks.length + 1,
              mempool: f.mempool.length, addresses: f.wallet.length, keys: f.wallet.some((w) => w.key) ? t('lessons.files.yes') : t('lessons.files.no'), time: new Date(f.exported).toLocaleString(),
            })}
          </p>
          {checked.exists && <p className="notice">{t('lessons.files.replaces', { node: f.node, network: f.network })}</p>}
          <button type="button" onClick={() => void start()} disabled={busy} data-testid="open-node-start">{t('lessons.files.start')}</button>
        </div>
      )}
    </div>
  );
}
