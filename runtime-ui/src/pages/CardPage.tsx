// The record card (/data/:entity/:id) and the new-record form (/data/:entity/new): the fields
// in the metadata's tabs and sections, then the related tabs of an existing record.
import { ArrowLeftOutlined, DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import type Form from '@rjsf/core';
import type { ErrorSchema } from '@rjsf/utils';
import { Alert, App, Button, Flex, Popconfirm, Space, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, query, type ApiRecord, type Problem } from '../api.js';
import { HistoryTab } from '../card/HistoryTab.js';
import { FilesTab } from '../card/FilesTab.js';
import { LinksTab } from '../card/LinksTab.js';
import { ProcessesTab } from '../card/ProcessesTab.js';
import { useLoad } from '../card/use-load.js';
import { recordTitle, toCreateBody, toCreateData, toEditData, toExtraErrors, toFormSchema, toPatch, type FormData } from '../card/record-data.js';
import { isFieldsTab, RecordForm, type LayoutContext } from '../card/RecordForm.js';
import { RelatedTab } from '../card/RelatedTab.js';
import { ConflictDialog, DuplicatesDialog } from '../card/SaveDialogs.js';
import { TimelineTab } from '../card/TimelineTab.js';
import { useEntityMeta } from '../entity-meta.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import type { EntityMeta, Tab } from '../types.js';
import type { ProcessDefinition } from '../work-types.js';

/** The tab a card adds when its entity has workflows (not a metadata tab, hence the `$`). */
const PROCESSES_TAB: Tab = { name: '$processes', kind: 'related', label: {} };

type Loaded = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; record: ApiRecord };

function toApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) });
}

/** A path inside this app, so `?return=` cannot send the user elsewhere. */
function safeReturn(value: string | null): string | undefined {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : undefined;
}

export function CardPage() {
  const { entity = '', id } = useParams();
  const i18n = useI18n();
  const session = useSession();
  const summary = session.entity(entity);
  const { meta, error } = useEntityMeta(entity, i18n.locale);
  const [search] = useSearchParams();
  if (!summary) return <ErrorState error={new ApiError({ status: 404, detail: i18n.t('app.notFound') })} />;
  if (error) return <ErrorState error={error} />;
  if (!meta) return <Loading />;
  // A new key per record (and per new form's prefill, not its tab) starts the card's state afresh.
  const prefill = new URLSearchParams(search);
  prefill.delete('tab');
  return id ? <ExistingCard key={`${entity}/${id}`} entity={entity} id={id} meta={meta} /> : <CardBody key={`${entity}/new?${prefill.toString()}`} entity={entity} meta={meta} />;
}

function ExistingCard({ entity, id, meta }: { entity: string; id: string; meta: EntityMeta }) {
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const load = useCallback(async () => {
    try {
      const record = await api<ApiRecord>('GET', `/api/data/${encodeURIComponent(entity)}/${encodeURIComponent(id)}${query({ titles: true })}`);
      setLoaded({ status: 'ready', record });
      return record;
    } catch (e) {
      setLoaded({ status: 'error', error: toApiError(e) });
      return undefined;
    }
  }, [entity, id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'error') return <ErrorState error={loaded.error} retry={() => void load()} />;
  return (
    <CardBody
      // A reload after a conflict drops the edits: a new generation remounts the form.
      key={generation}
      entity={entity}
      meta={meta}
      record={loaded.record}
      onSaved={(record) => setLoaded({ status: 'ready', record })}
      onReload={async () => {
        await load();
        setGeneration((g) => g + 1);
      }}
    />
  );
}

interface CardBodyProps {
  entity: string;
  meta: EntityMeta;
  record?: ApiRecord;
  onSaved?: (record: ApiRecord) => void;
  onReload?: () => Promise<void>;
}

function CardBody({ entity, meta, record, onSaved, onReload }: CardBodyProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const summary = session.entity(entity);
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const formRef = useRef<Form>(null);
  const mode = record ? 'edit' : 'create';
  const schema = useMemo(() => toFormSchema(meta, mode), [meta, mode]);
  const [data, setData] = useState<FormData>(() => (record ? toEditData(schema, record) : toCreateData(schema, summary, search)));
  const [titles, setTitles] = useState<Record<string, string>>(() => ({ ...(record?.$titles ?? {}) }));
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const [summaryError, setSummaryError] = useState<string[] | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<Problem | undefined>(undefined);
  const [duplicates, setDuplicates] = useState<Problem['duplicates'] | undefined>(undefined);
  const [pending, setPending] = useState<FormData | undefined>(undefined);

  // New records prefilled from the URL show the referenced records' titles: fetch them once.
  useEffect(() => {
    if (record) return;
    let live = true;
    for (const field of summary?.fields ?? []) {
      const value = data[field.name];
      if ((field.type !== 'reference' && field.type !== 'user') || !field.target || typeof value !== 'string' || titles[field.name]) continue;
      const target = session.entity(field.target);
      api<ApiRecord>('GET', `/api/data/${encodeURIComponent(field.target)}/${encodeURIComponent(value)}${query({ titles: true })}`).then(
        (ref) => live && setTitles((old) => ({ ...old, [field.name]: recordTitle(target, ref, { i18n, meta: session.meta, titles: ref.$titles }) })),
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
    // Only the prefill, once per form.
  }, []);

  const tabs = summary?.form.tabs ?? meta.form.tabs;
  const fieldTabs = tabs.filter(isFieldsTab);
  const processes = useLoad<{ items: ProcessDefinition[] }>(record ? `/api/workflows${query({ entity })}` : undefined);
  const otherTabs = record ? [...tabs.filter((tab) => !isFieldsTab(tab)), ...(processes.data?.items.length ? [PROCESSES_TAB] : [])] : [];
  const requested = search.get('tab');
  const activeTab = [...fieldTabs, ...otherTabs].find((tab) => tab.name === requested)?.name ?? fieldTabs[0]?.name ?? otherTabs[0]?.name ?? '';
  const activeIsFields = fieldTabs.some((tab) => tab.name === activeTab) || fieldTabs.length === 0;

  const context: LayoutContext = {
    entity,
    titles,
    setTitle: (field, title) => setTitles((old) => ({ ...old, [field]: title ?? '' })),
    tabs: fieldTabs,
    activeTab: activeIsFields ? activeTab : '',
    record,
  };

  const title = record ? recordTitle(summary, { ...record, ...data, $titles: { ...record.$titles, ...titles } }, { i18n, meta: session.meta, titles }) : t('card.new', { entity: i18n.label(summary?.label, entity) });

  const save = async (values: FormData, confirm: boolean) => {
    setSaving(true);
    setSummaryError(undefined);
    setExtraErrors(undefined);
    const suffix = confirm ? query({ confirm: 'duplicates' }) : '';
    try {
      if (record) {
        const patch = toPatch(schema, record, values);
        if (Object.keys(patch).length === 0) {
          void message.info(t('card.noChanges'));
          return;
        }
        await api<ApiRecord>('PATCH', `/api/data/${encodeURIComponent(entity)}/${record.id}${suffix}`, patch, { 'if-match': String(record.version) });
        // The answer has no $titles: read the record again as the card shows it.
        const fresh = await api<ApiRecord>('GET', `/api/data/${encodeURIComponent(entity)}/${record.id}${query({ titles: true })}`);
        setDuplicates(undefined);
        void message.success(t('card.saved'));
        onSaved?.(fresh);
      } else {
        const created = await api<ApiRecord>('POST', `/api/data/${encodeURIComponent(entity)}${suffix}`, toCreateBody(values));
        setDuplicates(undefined);
        void message.success(t('card.created'));
        navigate(safeReturn(search.get('return')) ?? `/data/${entity}/${created.id}`, { replace: true });
      }
    } catch (e) {
      const problem = toApiError(e).problem;
      if (problem.status === 412) setConflict(problem);
      else if (problem.status === 409 && problem.duplicates?.length) {
        setPending(values);
        setDuplicates(problem.duplicates);
      } else if (problem.status === 400 && problem.errors?.length) {
        const { extraErrors: placed, unplaced } = toExtraErrors(problem, schema);
        setExtraErrors(placed);
        setSummaryError([t('card.fixErrors'), ...unplaced]);
      } else setSummaryError([problem.detail ?? problem.title ?? t('app.error')]);
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!record) return;
    try {
      await api('DELETE', `/api/data/${encodeURIComponent(entity)}/${record.id}`);
      void message.success(t('card.deleted'));
      navigate(`/data/${entity}`, { replace: true });
    } catch (e) {
      const problem = toApiError(e).problem;
      setSummaryError([problem.detail ?? problem.title ?? t('app.error')]);
    }
  };

  const selectTab = (name: string) =>
    setSearch(
      (params) => {
        const next = new URLSearchParams(params);
        next.set('tab', name);
        return next;
      },
      { replace: true },
    );

  const tabContent = (tab: Tab) => {
    if (!record) return null;
    if (tab === PROCESSES_TAB) return <ProcessesTab entity={entity} id={record.id} definitions={processes.data?.items ?? []} onChanged={() => void onReload?.()} />;
    switch (tab.kind) {
      case 'related':
        return <RelatedTab entity={entity} id={record.id} tab={tab} />;
      case 'timeline':
        return <TimelineTab entity={entity} id={record.id} tab={tab} record={record} />;
      case 'links':
        return <LinksTab entity={entity} id={record.id} />;
      case 'files':
        return <FilesTab entity={entity} id={record.id} onChanged={() => void onReload?.()} />;
      case 'history':
        return <HistoryTab key={record.version} entity={entity} id={record.id} record={record} />;
      default:
        return <Typography.Text type="secondary">{t('tab.unsupported')}</Typography.Text>;
    }
  };

  const createdBy = record && typeof record.createdBy === 'string' ? (record.$titles?.createdBy ?? '') : '';

  return (
    <div data-testid="card" style={{ maxWidth: 1200 }}>
      <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 12 }}>
        <div>
          <Link to={`/data/${entity}`} data-testid="card-back">
            <ArrowLeftOutlined /> {t('card.back')}
          </Link>
          <Typography.Title level={3} style={{ margin: '4px 0 0' }} data-testid="card-title">
            {title}
          </Typography.Title>
          {record && (
            <Typography.Text type="secondary" data-testid="card-info">
              {i18n.label(summary?.label, entity)} · {t('card.version', { version: record.version })}
              {typeof record.createdAt === 'string' && <> · {t('card.createdAt', { at: formatDateTime(record.createdAt), by: createdBy || '—' })}</>}
            </Typography.Text>
          )}
        </div>
        <Space>
          {!record && <Button onClick={() => navigate(safeReturn(search.get('return')) ?? `/data/${entity}`)}>{t('card.cancel')}</Button>}
          {record && (
            <Popconfirm title={t('card.deleteConfirm')} okButtonProps={{ danger: true, ...({ 'data-testid': 'card-delete-confirm' } as Record<string, string>) }} onConfirm={() => void remove()}>
              <Button danger icon={<DeleteOutlined />} data-testid="card-delete">
                {t('card.delete')}
              </Button>
            </Popconfirm>
          )}
          <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => formRef.current?.submit()} data-testid="card-save">
            {t('card.save')}
          </Button>
        </Space>
      </Flex>

      {summaryError && (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setSummaryError(undefined) }}
          title={summaryError[0]}
          description={summaryError.length > 1 ? summaryError.slice(1).join(' ') : undefined}
          style={{ marginBottom: 12 }}
          data-testid="card-error"
        />
      )}

      {fieldTabs.length + otherTabs.length > 1 && (
        <Tabs
          activeKey={activeTab}
          onChange={selectTab}
          items={[...fieldTabs, ...otherTabs].map((tab) => ({ key: tab.name, label: <span data-testid={`card-tab-${tab.name}`}>{tab === PROCESSES_TAB ? t('process.tab') : i18n.label(tab.label, tab.name)}</span> }))}
        />
      )}

      <div style={{ display: activeIsFields ? 'block' : 'none' }}>
        <RecordForm
          formRef={formRef}
          schema={schema}
          uiSchema={meta.uiSchema}
          data={data}
          context={context}
          extraErrors={extraErrors}
          onChange={setData}
          onSubmit={(values) => void save(values, false)}
          onInvalid={() => setSummaryError([t('card.fixErrors')])}
        />
      </div>
      {!activeIsFields && otherTabs.filter((tab) => tab.name === activeTab).map((tab) => <div key={tab.name}>{tabContent(tab)}</div>)}

      {record && <ConflictDialog open={conflict !== undefined} mine={record.version} current={conflict?.currentVersion} onKeepEditing={() => setConflict(undefined)} onReload={() => void onReload?.()} />}
      <DuplicatesDialog
        entity={entity}
        duplicates={duplicates}
        saving={saving}
        onClose={() => setDuplicates(undefined)}
        onSaveAnyway={() => {
          if (pending) void save(pending, true);
        }}
      />
    </div>
  );
}
