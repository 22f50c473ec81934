import { Alert, Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, fileUrl } from '../api.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { useSession } from '../session.js';
import type { StudioFileEntry } from '../types.js';

const NAME = /^[a-z][a-z0-9-]*$/;

export interface NewFileKind {
  kind: StudioFileEntry['kind'];
  /** Modal title, name rule and "name taken" texts. */
  messages: { title: MessageKey; nameRule: MessageKey; nameTaken: MessageKey; entity: MessageKey };
  /** The file's path in the metadata directory and the studio route it opens at. */
  target(name: string): { path: string; route: string };
  /** The skeleton written: JSON for JSON files, text for the others. */
  body(name: string, entity: string, locales: readonly string[]): { json: unknown } | { content: string };
  testId: string;
}

/** The explorer's "New …": a file name (lower-kebab) and the entity, then the editor opens on a valid skeleton. */
export function NewMetadataFile({ of, onClose }: { of: NewFileKind; onClose(): void }) {
  const { t } = useI18n();
  const { files, locales, refresh } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [entity, setEntity] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const taken = files.some((f) => f.kind === of.kind && f.name === name);
  const nameProblem = name === '' ? null : !NAME.test(name) ? t(of.messages.nameRule) : taken ? t(of.messages.nameTaken) : null;

  const create = async () => {
    if (!entity || !name || nameProblem) return;
    setBusy(true);
    setError(null);
    try {
      const { path, route } = of.target(name);
      await api('PUT', fileUrl(path), of.body(name, entity, locales));
      await refresh();
      onClose();
      navigate(route);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={t(of.messages.title)} onCancel={onClose} footer={[<Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>, <Button key="ok" type="primary" loading={busy} disabled={!entity || !name || nameProblem !== null} onClick={() => void create()} data-testid={`${of.testId}-create`}>{t('common.add')}</Button>]}>
      <Form layout="vertical">
        <Form.Item label={t('workflow.name')} validateStatus={nameProblem ? 'error' : undefined} help={nameProblem ?? t(of.messages.nameRule)}>
          <Input value={name} onChange={(e) => setName(e.target.value)} data-testid={`${of.testId}-name`} />
        </Form.Item>
        <Form.Item label={t(of.messages.entity)}>
          <Select showSearch={{ optionFilterProp: 'label' }} value={entity} onChange={setEntity} options={files.filter((f) => f.kind === 'entity').map((f) => ({ value: f.name, label: f.name }))} data-testid={`${of.testId}-entity`} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" title={error} />}
    </Modal>
  );
}
