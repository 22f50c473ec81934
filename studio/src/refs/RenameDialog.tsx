import { Alert, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import { renameItem, type Item, type RenameResult } from './refs-api.js';

/** Asks for the new name and renames the item with every reference to it (server side, one operation). */
export function RenameDialog({ item, onClose, onRenamed }: { item: Item; onClose: () => void; onRenamed: (to: string, result: RenameResult) => void }) {
  const { t } = useI18n();
  const [to, setTo] = useState(item.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; problems: string[] } | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onRenamed(to, await renameItem(item, to.trim()));
    } catch (e) {
      const problems = e instanceof ApiError && Array.isArray(e.problem.problems) ? (e.problem.problems as Array<{ file: string; message: string }>).map((p) => `${p.file}: ${p.message}`) : [];
      setError({ message: e instanceof Error ? e.message : String(e), problems });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('refs.renameTitle', { name: item.entity ? `${item.entity}.${item.name}` : item.name })} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy} okButtonProps={{ disabled: !to.trim() || to.trim() === item.name, 'data-testid': 'rename-ok' } as never}>
      <Typography.Paragraph type="secondary">{t('refs.renameHelp')}</Typography.Paragraph>
      <Input value={to} onChange={(e) => setTo(e.target.value)} onPressEnter={() => void submit()} autoFocus data-testid="rename-input" />
      {error && <Alert type="error" showIcon style={{ marginTop: 12 }} title={error.message} description={error.problems.length > 0 ? <ul>{error.problems.map((p) => <li key={p}>{p}</li>)}</ul> : undefined} data-testid="rename-error" />}
    </Modal>
  );
}
