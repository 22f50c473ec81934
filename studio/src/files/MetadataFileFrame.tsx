import { Alert, Badge, Button, Space, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { FileHistory } from '../git/FileHistory.js';
import { useI18n } from '../i18n.js';
import { SchemaIssuesAlert } from '../validate/SchemaIssues.js';
import type { MetadataFile } from '../editors/use-metadata-file.js';

/** The frame of a form editor over one metadata file: title, save / reload / history, and what the server said. */
export function MetadataFileFrame<T>({ path, title, file, testId, saveTestId = `${testId}-save`, extra, children }: { path: string; title: ReactNode; file: MetadataFile<T>; testId: string; saveTestId?: string; extra?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  if (file.value === null) return file.error ? <Alert type="error" title={file.error} action={<Button onClick={() => void file.load()}>{t('common.retry')}</Button>} /> : <Spin />;
  return (
    <div data-testid={testId}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title} <Typography.Text type="secondary">{path}</Typography.Text>
        </Typography.Title>
        {file.dirty && <Badge status="warning" text={t('common.unsaved')} />}
        <Button type="primary" onClick={() => void file.save()} loading={file.saving} disabled={!file.dirty} data-testid={saveTestId}>
          {t('common.save')}
        </Button>
        <Button onClick={() => void file.load()}>{t('common.reload')}</Button>
        <FileHistory path={path} />
        {extra}
      </Space>
      {file.error && <Alert type="error" showIcon title={file.error} style={{ marginBottom: 12 }} data-testid="designer-error" />}
      {file.allProblems !== null && (file.allProblems === 0 ? <Alert type="success" title={t('designer.valid')} style={{ marginBottom: 12 }} data-testid="designer-valid" /> : <Alert type="warning" title={t('designer.invalid', { count: file.allProblems })} style={{ marginBottom: 12 }} data-testid="designer-invalid" />)}
      {file.problems.length > 0 && (
        <Alert
          type="warning"
          title={t('designer.problems')}
          description={<ul style={{ margin: 0 }}>{file.problems.map((p, i) => <li key={i}><code>{p.pointer}</code> {p.message}</li>)}</ul>}
          style={{ marginBottom: 12 }}
          data-testid="designer-problems"
        />
      )}
      <SchemaIssuesAlert issues={file.schemaIssues} />
      {children}
    </div>
  );
}
