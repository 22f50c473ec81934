import { Alert, Button, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { skeletonCalendar } from '../calendar/calendar-edit.js';
import { api, fileUrl } from '../api.js';
import { useI18n } from '../i18n.js';
import { skeletonAggregate, skeletonPlanFact } from '../report/report-edit.js';
import { useSession } from '../session.js';
import { DATE_TYPES, useEntityFields, useEntityNames } from './entity-fields.js';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** The explorer's "New calendar" / "New report": a file name and an entity, written as a valid skeleton, then opened in its editor. */
export function NewMetadataFile({ kind, onClose }: { kind: 'calendar' | 'report'; onClose(): void }) {
  const { t } = useI18n();
  const { files, refresh, locales } = useSession();
  const navigate = useNavigate();
  const entities = useEntityNames();
  const [name, setName] = useState('');
  const [entity, setEntity] = useState<string | undefined>();
  const [type, setType] = useState<'aggregate' | 'planFact'>('aggregate');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = useEntityFields(entity);
  const taken = files.some((f) => f.kind === kind && f.name === name);
  const nameProblem = name === '' ? null : !NAME.test(name) ? t('new.nameRule') : taken ? t('new.nameTaken') : null;
  const start = fields.find((f) => DATE_TYPES.has(f.type))?.name;
  // A calendar needs a date to place events at.
  const entityProblem = kind === 'calendar' && entity && fields.length > 0 && !start ? t('new.noDate') : null;

  const create = async () => {
    if (!entity || !name || nameProblem || entityProblem) return;
    const titleField = fields.find((f) => f.type === 'string')?.name ?? 'id';
    const json = kind === 'calendar' ? skeletonCalendar(name, entity, start ?? 'createdAt', titleField, locales) : type === 'aggregate' ? skeletonAggregate(name, entity, locales) : skeletonPlanFact(name, entity, fields, locales);
    setBusy(true);
    setError(null);
    try {
      const path = `${kind}s/${name}.json`;
      await api('PUT', fileUrl(path), { json });
      await refresh();
      onClose();
      navigate(`/${kind}s/${name}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t(kind === 'calendar' ? 'calendar.new' : 'report.new')}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="ok" type="primary" loading={busy} disabled={!entity || !name || nameProblem !== null || entityProblem !== null || fields.length === 0} onClick={() => void create()} data-testid="new-file-create">
          {t('common.add')}
        </Button>,
      ]}
    >
      <Form layout="vertical">
        <Form.Item label={t('workflow.name')} validateStatus={nameProblem ? 'error' : undefined} help={nameProblem ?? t('new.nameRule')}>
          <Input value={name} onChange={(e) => setName(e.target.value)} data-testid="new-file-name" />
        </Form.Item>
        {kind === 'report' && (
          <Form.Item label={t('report.type')}>
            <Radio.Group value={type} onChange={(e) => setType(e.target.value as typeof type)} options={[{ value: 'aggregate', label: t('report.type.aggregate') }, { value: 'planFact', label: t('report.type.planFact') }]} data-testid="new-report-type" />
          </Form.Item>
        )}
        <Form.Item label={kind === 'report' && type === 'planFact' ? t('report.plan') : t('editor.entity')} validateStatus={entityProblem ? 'error' : undefined} help={entityProblem}>
          <Select showSearch value={entity} onChange={setEntity} options={entities.map((e) => ({ value: e, label: e }))} data-testid="new-file-entity" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" title={error} />}
    </Modal>
  );
}
