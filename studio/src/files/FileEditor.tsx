import { Alert, Button, Input, Space, Spin, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, fileUrl } from '../api.js';
import { FileHistory } from '../git/FileHistory.js';
import { useI18n } from '../i18n.js';
import type { MetadataProblem, StudioFile } from '../types.js';

/**
 * Any other metadata file as text (roles, notifications, automations, calendars, reports,
 * templates, workflows) until their own editors exist; saved through the same canonical writer.
 */
export function FileEditor({ path }: { path: string }) {
  const { t } = useI18n();
  const [file, setFile] = useState<StudioFile | null>(null);
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<MetadataProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const answer = await api<StudioFile & { problems: MetadataProblem[] }>('GET', fileUrl(path));
      setFile(answer);
      setText(answer.content ?? '');
      setProblems(answer.problems);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [path]);
  useEffect(() => void load(), [load]);

  const save = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await api<StudioFile & { problems: MetadataProblem[] }>('PUT', fileUrl(path), { content: text }, { 'if-match': file.etag });
      setFile(saved);
      setText(saved.content ?? text);
      setProblems(saved.problems.filter((p) => p.file === path));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'CARDO_ERR_STUDIO_STALE' ? t('designer.stale') : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!file) return error ? <Alert type="error" title={error} /> : <Spin />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="file-editor">
      <Space>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {path}
        </Typography.Title>
        <Button type="primary" onClick={() => void save()} loading={busy} disabled={file.content === undefined || text === file.content} data-testid="file-save">
          {t('common.save')}
        </Button>
        <FileHistory path={path} />
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {problems.length > 0 && <Alert type="warning" title={t('designer.problems')} description={<ul style={{ margin: 0 }}>{problems.map((p, i) => <li key={i}><code>{p.pointer}</code> {p.message}</li>)}</ul>} />}
      {file.content === undefined ? (
        <Typography.Text>{`${file.size} bytes`}</Typography.Text>
      ) : (
        <Input.TextArea aria-label={t('file.text')} value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 20 }} style={{ fontFamily: 'monospace', fontSize: 12 }} spellCheck={false} data-testid="file-text" />
      )}
    </Space>
  );
}
