import { Alert, Button, List, Space, Spin, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, fileUrl } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { MetadataProblem, StudioFile } from '../types.js';
import { uploadTemplate } from './refs-api.js';

/** A document template's .docx: its size, upload of a new version, and the check that its placeholders exist. */
export function TemplatePage({ name }: { name: string }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  const path = `templates/${name}.docx`;
  const [file, setFile] = useState<(StudioFile & { problems: MetadataProblem[] }) | null | 'missing'>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<MetadataProblem[] | null>(null);
  const load = useCallback(async () => {
    const [docx, json] = await Promise.all([
      api<StudioFile & { problems: MetadataProblem[] }>('GET', fileUrl(path)).catch(() => null),
      api<StudioFile & { problems: MetadataProblem[] }>('GET', fileUrl(`templates/${name}.json`)).catch(() => null),
    ]);
    setFile(docx ?? 'missing');
    setProblems([...(docx?.problems ?? []), ...(json?.problems ?? [])]);
  }, [name, path]);
  useEffect(() => void load(), [load]);
  const upload = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const result = await uploadTemplate(name, chosen);
      setProblems(result.templateProblems);
      await refresh();
      const docx = await api<StudioFile & { problems: MetadataProblem[] }>('GET', fileUrl(path));
      setFile(docx);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  if (file === null) return <Spin />;
  return (
    <div data-testid="template-page">
      <Typography.Title level={4}>{path}</Typography.Title>
      <Typography.Paragraph type="secondary">{file === 'missing' ? t('template.missing') : t('template.size', { size: file.size })}</Typography.Paragraph>
      <Space style={{ marginBottom: 16 }}>
        <input type="file" accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document" onChange={(e) => setChosen(e.target.files?.[0] ?? null)} data-testid="template-file" />
        <Button type="primary" disabled={!chosen} loading={busy} onClick={() => void upload()} data-testid="template-upload">
          {t('template.upload')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="template-error" />}
      {problems !== null &&
        (problems.length === 0 ? (
          <Alert type="success" showIcon title={t('template.placeholdersOk')} data-testid="template-ok" />
        ) : (
          <List size="small" bordered header={t('template.problems')} dataSource={problems} data-testid="template-problems" renderItem={(p) => <List.Item>{`${p.file}: ${p.message}`}</List.Item>} />
        ))}
    </div>
  );
}
