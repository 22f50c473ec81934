import { Alert, Badge, Button, Form, Space, Spin, Typography } from 'antd';
import { createContext, useContext, type ReactNode } from 'react';
import { FileHistory } from '../git/FileHistory.js';
import { useI18n } from '../i18n.js';
import { SchemaIssuesAlert } from '../validate/SchemaIssues.js';
import type { MetadataProblem } from '../types.js';
import { problemsAt } from './problems.js';
import type { MetadataFile } from './use-metadata-file.js';

const ProblemsContext = createContext<readonly MetadataProblem[]>([]);

/**
 * A form control with the server's problems at its pointer shown under it (`deep`: also those
 * below it, for a control that edits a whole object such as a condition).
 */
/** The messages of the file's problems at a pointer, for controls too light for a Form.Item (matrix cells). */
export function useProblemsAt(pointer: string, deep = false): string[] {
  return problemsAt(useContext(ProblemsContext), pointer, deep);
}

export function At({ pointer, label, deep, children, help, style }: { pointer: string; label?: ReactNode; deep?: boolean; children: ReactNode; help?: ReactNode; style?: React.CSSProperties }) {
  const messages = useProblemsAt(pointer, deep);
  return (
    <Form.Item label={label} validateStatus={messages.length > 0 ? 'error' : undefined} help={messages.length > 0 ? <span data-testid="control-problem" data-pointer={pointer}>{messages.join(' ')}</span> : help} style={{ marginBottom: 8, ...style }}>
      {children}
    </Form.Item>
  );
}

interface Props<T> {
  file: MetadataFile<T>;
  title: ReactNode;
  testId: string;
  extra?: ReactNode;
  children: (value: T) => ReactNode;
}

/** Header (save, reload, history), the save's verdict, and the file's problems (also shown at their controls). */
export function EditorShell<T>({ file, title, testId, extra, children }: Props<T>) {
  const { t } = useI18n();
  if (file.value === null) return file.error ? <Alert type="error" title={file.error} action={<Button onClick={() => void file.load()}>{t('common.retry')}</Button>} /> : <Spin />;
  return (
    <div data-testid={testId}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title} <Typography.Text type="secondary">{file.path}</Typography.Text>
        </Typography.Title>
        {file.dirty && <Badge status="warning" text={t('common.unsaved')} />}
        <Button type="primary" onClick={() => void file.save()} loading={file.saving} disabled={!file.dirty} data-testid="editor-save">
          {t('common.save')}
        </Button>
        <Button onClick={() => void file.load()}>{t('common.reload')}</Button>
        <FileHistory path={file.path} />
        {extra}
      </Space>
      {file.error && <Alert type="error" showIcon title={file.error} style={{ marginBottom: 12 }} data-testid="designer-error" />}
      {file.allProblems !== null && (file.allProblems === 0 ? <Alert type="success" title={t('designer.valid')} style={{ marginBottom: 12 }} data-testid="designer-valid" /> : <Alert type="warning" title={t('designer.invalid', { count: file.allProblems })} style={{ marginBottom: 12 }} data-testid="designer-invalid" />)}
      {file.problems.length > 0 && <Alert type="warning" title={t('designer.problems')} description={<ul style={{ margin: 0 }}>{file.problems.map((p, i) => <li key={i}><code>{p.pointer}</code> {p.message}</li>)}</ul>} style={{ marginBottom: 12 }} data-testid="designer-problems" />}
      <SchemaIssuesAlert issues={file.schemaIssues} />
      <ProblemsContext.Provider value={file.problems}>
        <Form layout="vertical" key={file.generation} component="div">
          {children(file.value)}
        </Form>
      </ProblemsContext.Provider>
    </div>
  );
}
