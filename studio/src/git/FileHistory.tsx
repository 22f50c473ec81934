import { Alert, Button, Drawer, Empty, Spin, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { GitLogEntry } from '../types.js';

/** A "History" button that opens the git log of one metadata file (newest first). */
export function FileHistory({ path }: { path: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [commits, setCommits] = useState<GitLogEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const show = async () => {
    setOpen(true);
    setCommits(null);
    setError(null);
    try {
      setCommits((await api<{ commits: GitLogEntry[] }>('GET', `/api/studio/git/log?path=${encodeURIComponent(path)}`)).commits);
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'CARDO_ERR_STUDIO_NOT_GIT' ? t('git.notRepo') : e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <>
      <Button onClick={() => void show()} data-testid="file-history">
        {t('history.button')}
      </Button>
      <Drawer open={open} onClose={() => setOpen(false)} title={t('history.title', { path })} size="large">
        {error ? (
          <Alert type="error" title={error} action={<Button onClick={() => void show()}>{t('common.retry')}</Button>} />
        ) : commits === null ? (
          <Spin />
        ) : commits.length === 0 ? (
          <Empty description={t('history.empty')} />
        ) : (
          <Table<GitLogEntry>
            rowKey="commit"
            size="small"
            pagination={false}
            dataSource={commits}
            data-testid="file-history-table"
            columns={[
              { title: t('history.date'), dataIndex: 'date', render: (d: string) => new Date(d).toLocaleString() },
              { title: t('history.author'), dataIndex: 'author' },
              { title: t('history.subject'), dataIndex: 'subject' },
              { title: t('history.commit'), dataIndex: 'commit', render: (c: string) => <Typography.Text code copyable={{ text: c }}>{c.slice(0, 8)}</Typography.Text> },
            ]}
          />
        )}
      </Drawer>
    </>
  );
}
