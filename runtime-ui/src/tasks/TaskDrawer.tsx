// One task: its record's form tab (the task's `form`) rendered with rjsf, the outcomes the
// task's process offers, a comment, and Complete. The outcome names come from the task; their
// labels from `outcomeLabels` when the server sends them, else the names themselves.
import type Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema } from '@rjsf/utils';
import { Alert, App, Button, Descriptions, Drawer, Flex, Input, Radio, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, query, type ApiRecord } from '../api.js';
import { toFormSchema, toPatch, type FormData } from '../card/record-data.js';
import { RecordForm, type LayoutContext } from '../card/RecordForm.js';
import { useEntityMeta } from '../entity-meta.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import type { TaskItem } from '../work-types.js';
import { isOverdue, outcomeLabel } from './task-view.js';

/** The record's fields of one form tab, as an rjsf schema (what `values` may carry). */
function tabSchema(full: RJSFSchema, fields: readonly string[]): RJSFSchema {
  const properties: NonNullable<RJSFSchema['properties']> = {};
  for (const name of fields) if (full.properties?.[name]) properties[name] = full.properties[name];
  return { type: 'object', properties, required: (full.required ?? []).filter((n) => n in properties) };
}

function TaskForm({ task, formRef, data, setData, record, extraErrors }: { task: TaskItem; formRef: React.RefObject<Form | null>; data: FormData; setData(d: FormData): void; record: ApiRecord; extraErrors: ErrorSchema | undefined }) {
  const i18n = useI18n();
  const session = useSession();
  const entity = String(task.recordEntity);
  const { meta, error } = useEntityMeta(entity, i18n.locale);
  const summary = session.entity(entity);
  const tab = summary?.form.tabs.find((t) => t.name === task.form);
  const [titles, setTitles] = useState<Record<string, string>>(() => ({ ...(record.$titles ?? {}) }));
  const fields = useMemo(() => (tab?.sections ?? []).flatMap((s) => s.fields), [tab]);
  const schema = useMemo(() => (meta ? tabSchema(toFormSchema(meta, 'edit'), fields) : undefined), [meta, fields]);
  if (error) return <ErrorState error={error} />;
  if (!meta || !schema) return <Loading />;
  if (!tab) return <Typography.Text type="secondary">{i18n.t('tasks.noForm')}</Typography.Text>;
  const context: LayoutContext = { entity, titles, setTitle: (field, title) => setTitles((old) => ({ ...old, [field]: title ?? '' })), tabs: [tab], activeTab: tab.name, record };
  return (
    <div data-testid="task-form">
      <RecordForm formRef={formRef} schema={schema} uiSchema={meta.uiSchema} data={data} context={context} extraErrors={extraErrors} onChange={setData} onSubmit={() => undefined} />
    </div>
  );
}

export function TaskDrawer({ task, processLabel, onClose, onDone }: { task: TaskItem | undefined; processLabel?: string | undefined; onClose(): void; onDone(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const { message } = App.useApp();
  const formRef = useRef<Form>(null);
  const [record, setRecord] = useState<{ record?: ApiRecord; error?: ApiError }>({});
  const [data, setData] = useState<FormData>({});
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const [comment, setComment] = useState('');
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<string[] | undefined>(undefined);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const entity = typeof task?.recordEntity === 'string' ? task.recordEntity : undefined;
  const recordId = typeof task?.recordId === 'string' ? task.recordId : undefined;
  const hasForm = !!task?.form && !!entity && !!recordId && !!session.entity(entity);
  const open = task?.status === 'open';

  useEffect(() => {
    setOutcome(task?.outcomes.length === 1 ? task.outcomes[0] : undefined);
    setComment('');
    setErrors(undefined);
    setExtraErrors(undefined);
    setRecord({});
    if (!task || !hasForm) return;
    let live = true;
    api<ApiRecord>('GET', `/api/data/${encodeURIComponent(entity as string)}/${encodeURIComponent(recordId as string)}${query({ titles: true })}`).then(
      (r) => {
        if (!live) return;
        setRecord({ record: r });
        setData(r as FormData);
      },
      (e: unknown) => live && setRecord({ error: e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }) }),
    );
    return () => {
      live = false;
    };
  }, [task?.id]);

  const complete = async () => {
    if (!task) return;
    setErrors(undefined);
    setExtraErrors(undefined);
    if (formRef.current && !formRef.current.validateForm()) {
      setErrors([t('card.fixErrors')]);
      return;
    }
    let values: FormData | undefined;
    const schema = formRef.current?.props.schema;
    if (record.record && hasForm && schema) values = toPatch(schema, record.record, data);
    setSaving(true);
    try {
      await api('POST', `/api/tasks/${task.id}/complete`, { ...(outcome !== undefined ? { outcome } : {}), ...(comment.trim() ? { comment: comment.trim() } : {}), ...(values && Object.keys(values).length > 0 ? { values } : {}) });
      void message.success(t('tasks.completed'));
      onDone();
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : { status: 0, detail: String(e) };
      if (problem.status === 409 && problem.code === 'CARDO_ERR_TASK_CLOSED') {
        void message.warning(t('tasks.closed'));
        onDone();
      } else if (problem.status === 403) setErrors([t('tasks.notYours')]);
      else if (problem.status === 400 && problem.errors?.length) {
        const placed: Record<string, { __errors: string[] }> = {};
        const rest: string[] = [];
        for (const error of problem.errors) {
          const match = /^\/values\/([^/]+)/.exec(error.path);
          if (match?.[1]) (placed[match[1]] ??= { __errors: [] }).__errors.push(error.message);
          else rest.push(`${error.path.replace(/^\//, '')}: ${error.message}`);
        }
        setExtraErrors(placed as ErrorSchema);
        setErrors([t('card.fixErrors'), ...rest]);
      } else setErrors([problem.detail ?? problem.title ?? t('app.error')]);
    } finally {
      setSaving(false);
    }
  };

  const recordLink = entity && recordId ? `/data/${encodeURIComponent(entity)}/${encodeURIComponent(recordId)}` : undefined;
  return (
    <Drawer
      open={!!task}
      onClose={onClose}
      size="large"
      title={task ? String(task.title) : ''}
      destroyOnHidden
      data-testid="task-drawer"
      footer={
        task && open ? (
          <Flex justify="flex-end" gap={8}>
            <Button onClick={onClose}>{t('card.cancel')}</Button>
            <Button type="primary" loading={saving} disabled={task.outcomes.length > 0 && !outcome} onClick={() => void complete()} data-testid="task-complete">
              {t('tasks.complete')}
            </Button>
          </Flex>
        ) : null
      }
    >
      {task && (
        <div data-testid="task-details">
          <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
            {processLabel && <Descriptions.Item label={t('tasks.process')}>{processLabel}</Descriptions.Item>}
            <Descriptions.Item label={t('tasks.col.status')}>
              <Tag>{t(`tasks.status.${String(task.status)}` as 'tasks.status.open')}</Tag>
              {task.outcome ? <Tag color="blue">{t('tasks.doneBy', { outcome: outcomeLabel(task, String(task.outcome), i18n.locale) })}</Tag> : null}
            </Descriptions.Item>
            {typeof task.dueAt === 'string' && (
              <Descriptions.Item label={t('tasks.col.due')}>
                <Typography.Text type={isOverdue(task) ? 'danger' : undefined}>{formatDateTime(task.dueAt)}</Typography.Text>
                {isOverdue(task) && <Tag color="red" style={{ marginLeft: 8 }}>{t('tasks.overdue')}</Tag>}
              </Descriptions.Item>
            )}
            {recordLink && (
              <Descriptions.Item label={t('tasks.col.record')}>
                <Link to={recordLink} data-testid="task-record-link">
                  {i18n.label(session.entity(entity ?? '')?.label, entity)} · {t('tasks.openRecord')}
                </Link>
              </Descriptions.Item>
            )}
            {typeof task.description === 'string' && task.description && <Descriptions.Item label={i18n.label(session.field('sys_task', 'description')?.label, 'description')}>{task.description}</Descriptions.Item>}
            {typeof task.comment === 'string' && task.comment && <Descriptions.Item label={t('tasks.comment')}>{task.comment}</Descriptions.Item>}
          </Descriptions>
          {errors && <Alert type="error" showIcon title={errors[0]} description={errors.length > 1 ? errors.slice(1).join(' ') : undefined} style={{ marginBottom: 12 }} data-testid="task-error" />}
          {hasForm && (record.error ? <ErrorState error={record.error} /> : record.record ? <TaskForm task={task} formRef={formRef} data={data} setData={setData} record={record.record} extraErrors={extraErrors} /> : <Loading />)}
          {open && (
            <>
              {task.outcomes.length > 0 && (
                <div style={{ margin: '12px 0' }}>
                  <Typography.Text strong style={{ display: 'block', marginBottom: 6 }}>
                    {t('tasks.outcome')}
                  </Typography.Text>
                  <Radio.Group value={outcome} onChange={(e) => setOutcome(e.target.value as string)} optionType="button" buttonStyle="solid" data-testid="task-outcomes">
                    {task.outcomes.map((o) => (
                      <Radio.Button key={o} value={o}>
                        <span data-testid={`task-outcome-${o}`}>{outcomeLabel(task, o, i18n.locale)}</span>
                      </Radio.Button>
                    ))}
                  </Radio.Group>
                </div>
              )}
              <Typography.Text strong style={{ display: 'block', marginBottom: 6 }}>
                {t('tasks.comment')}
              </Typography.Text>
              <Input.TextArea rows={3} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={4000} data-testid="task-comment" />
            </>
          )}
        </div>
      )}
    </Drawer>
  );
}
