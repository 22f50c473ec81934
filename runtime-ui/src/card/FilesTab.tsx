// The card's files: the files stored for the record (sys_file records pointing at it) and
// "generate from template" for the templates of its entity whose condition holds for it; a
// generated document joins the list (and the template's file field) and downloads from there.
import { DownloadOutlined, FileAddOutlined } from '@ant-design/icons';
import { Alert, App, Button, Dropdown, Empty, Flex, List, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, query, type Page } from '../api.js';
import { download } from '../download.js';
import { formatDateTime, formatNumber } from '../format.js';
import { useI18n } from '../i18n.js';
import { ErrorState, Loading } from '../states.js';
import type { DocumentTemplate, GeneratedDocument } from '../work-types.js';
import { useLoad } from './use-load.js';

function size(bytes: number, locale: string): string {
  return bytes < 1024 ? `${bytes} B` : `${formatNumber(bytes / 1024, locale, { maximumFractionDigits: 1 })} KB`;
}

export function FilesTab({ entity, id, onChanged }: { entity: string; id: string; onChanged(): void }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{ title: string; lines: string[] } | undefined>(undefined);
  const [downloading, setDownloading] = useState<string | undefined>(undefined);
  const templates = useLoad<{ items: DocumentTemplate[] }>(`/api/documents/templates${query({ entity, id, locale })}`);
  const files = useLoad<Page>(`/api/data/sys_file${query({ filter: JSON.stringify({ recordEntity: entity, recordId: id }), sort: '-createdAt', limit: 100 })}`);
  const applicable = (templates.data?.items ?? []).filter((tpl) => tpl.applies);

  const fail = (e: unknown) => void message.error(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));

  const generate = async (template: string) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const result = await api<GeneratedDocument>('POST', '/api/documents/generate', { template, entity, id, locale });
      void message.success(t('files.generated', { name: result.file.name }));
      files.reload();
      // The template may have put the file in a field of the record (a new version).
      if (result.attachedTo) onChanged();
    } catch (e) {
      // What the record lacks stays on the tab as a list, to be filled in on the card.
      if (e instanceof ApiError && e.status < 500) {
        const errors = e.problem.errors ?? [];
        setRefusal({ title: e.problem.title ?? e.message, lines: errors.length > 0 ? errors.map((x) => `${x.path.replace(/^\//, '').replaceAll('/', '.')}: ${x.message}`) : [e.problem.detail ?? e.message] });
      } else fail(e);
    } finally {
      setBusy(false);
    }
  };

  const get = async (fileId: string, name: string) => {
    setDownloading(fileId);
    try {
      await download(`/api/files/${encodeURIComponent(fileId)}`, name);
    } catch (e) {
      fail(e);
    } finally {
      setDownloading(undefined);
    }
  };

  return (
    <div data-testid="files-tab">
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        {applicable.length > 0 && (
          <Dropdown menu={{ items: applicable.map((tpl) => ({ key: tpl.name, label: <span data-testid={`files-template-${tpl.name}`}>{tpl.label}</span> })), onClick: ({ key }) => void generate(key) }} trigger={['click']}>
            <Button type="primary" icon={<FileAddOutlined />} loading={busy} data-testid="files-generate">
              {t('files.generate')}
            </Button>
          </Dropdown>
        )}
      </Flex>
      {refusal && <Alert type="error" showIcon closable={{ onClose: () => setRefusal(undefined) }} title={refusal.title} description={<ul style={{ margin: 0, paddingLeft: 18 }}>{refusal.lines.map((line) => <li key={line}>{line}</li>)}</ul>} style={{ marginBottom: 12 }} data-testid="files-error" />}
      {templates.error && templates.error.status !== 404 && <ErrorState error={templates.error} retry={templates.reload} />}
      {files.error ? (
        files.error.status === 403 || files.error.status === 404 ? (
          <Typography.Text type="secondary">{t('files.noAccess')}</Typography.Text>
        ) : (
          <ErrorState error={files.error} retry={files.reload} />
        )
      ) : !files.data ? (
        <Loading />
      ) : files.data.items.length === 0 ? (
        <Empty description={t('files.empty')} data-testid="files-empty" />
      ) : (
        <List
          bordered
          dataSource={files.data.items}
          renderItem={(file) => (
            <List.Item
              data-testid="file-item"
              actions={[
                <Button key="get" size="small" icon={<DownloadOutlined />} loading={downloading === file.id} onClick={() => void get(file.id, String(file.name))} data-testid="file-download">
                  {t('files.download')}
                </Button>,
              ]}
            >
              <List.Item.Meta title={String(file.name)} description={`${typeof file.size === 'number' ? size(file.size, locale) : ''} · ${typeof file.createdAt === 'string' ? formatDateTime(file.createdAt) : ''}`} />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
