import { Alert, Button, Input, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { GitChange, GitStatus } from '../types.js';

/** Git: what changed in metadata/ since the last commit, the diff, and a commit with a message. */
export function GitPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<GitStatus | null>(null);
  const [diff, setDiff] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [committed, setCommitted] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      // Set together, so the page never shows a status with the diff of before.
      const [nextStatus, nextDiff] = await Promise.all([api<GitStatus>('GET', '/api/studio/git/status'), api<{ diff: string }>('GET', '/api/studio/git/diff')]);
      setDiff(nextDiff.diff);
      setStatus(nextStatus);
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'CARDO_ERR_STUDIO_NOT_GIT' ? t('git.notRepo') : e instanceof Error ? e.message : String(e));
    }
  }, [t]);
  useEffect(() => void load(), [load]);

  const commit = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ commit: string }>('POST', '/api/studio/git/commit', { message });
      setCommitted(answer.commit.slice(0, 10));
      setMessage('');
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="git-page">
      {error && <Alert type="error" showIcon title={error} data-testid="git-error" />}
      {committed && <Alert type="success" showIcon title={t('git.committed', { commit: committed })} data-testid="git-committed" />}
      {status && (
        <>
          <Typography.Text type="secondary">
            {status.branch ? t('git.branch', { branch: status.branch }) : ''} {status.head?.slice(0, 10) ?? ''}
          </Typography.Text>
          {status.changes.length === 0 ? (
            <Alert type="info" title={t('git.clean')} data-testid="git-clean" />
          ) : (
            <Table<GitChange> size="small" rowKey="path" pagination={false} title={() => t('git.status')} dataSource={status.changes} data-testid="git-status" columns={[{ title: '', dataIndex: 'status', width: 60, render: (v: string) => <code>{v}</code> }, { title: 'path', dataIndex: 'path' }]} />
          )}
          <Space.Compact style={{ width: '100%' }}>
            <Input placeholder={t('git.message')} value={message} onChange={(e) => setMessage(e.target.value)} data-testid="git-message" />
            <Button type="primary" onClick={() => void commit()} loading={busy} disabled={message.trim() === '' || status.changes.length === 0} data-testid="git-commit">
              {t('git.commit')}
            </Button>
          </Space.Compact>
          <Typography.Title level={5}>{t('git.diff')}</Typography.Title>
          <pre data-testid="git-diff" style={{ background: '#fafafa', padding: 12, fontSize: 12, overflow: 'auto', maxHeight: 600 }}>
            {diff.split('\n').map((line, i) => (
              <div key={i} style={{ color: line.startsWith('+') && !line.startsWith('+++') ? '#237804' : line.startsWith('-') && !line.startsWith('---') ? '#a8071a' : line.startsWith('@@') ? '#0958d9' : undefined }}>
                {line || ' '}
              </div>
            ))}
          </pre>
        </>
      )}
    </Space>
  );
}
