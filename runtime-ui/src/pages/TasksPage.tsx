// The task inbox (/tasks): the caller's tasks, those offered to their role or department, and
// during a substitution the absent user's (marked); overdue ones highlighted; a task opens in a
// drawer with its form, outcomes and comment.
import { Empty, Flex, Segmented, Select, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { query } from '../api.js';
import { useLoad } from '../card/use-load.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import { TaskDrawer } from '../tasks/TaskDrawer.js';
import { isOverdue, outcomeLabel, shareOf, type TaskShare } from '../tasks/task-view.js';
import { useUserNames } from '../user-names.js';
import type { ProcessDefinition, TaskItem } from '../work-types.js';

const STATUSES = ['open', 'completed', 'cancelled', 'all'] as const;
type Status = (typeof STATUSES)[number];
const PAGE_SIZE = 50;

export function TasksPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const [search, setSearch] = useSearchParams();
  const status: Status = (STATUSES as readonly string[]).includes(search.get('status') ?? '') ? (search.get('status') as Status) : 'open';
  const [share, setShare] = useState<'all' | TaskShare>('all');
  const [offset, setOffset] = useState(0);
  const { data, error, reload } = useLoad<{ items: TaskItem[]; total: number }>(`/api/tasks${query({ assignee: 'me', status, limit: PAGE_SIZE, offset })}`);
  const processes = useLoad<{ items: ProcessDefinition[] }>('/api/workflows');
  const processLabels = useMemo(() => new Map((processes.data?.items ?? []).map((p) => [p.process, p.label])), [processes.data]);
  const names = useUserNames((data?.items ?? []).flatMap((task) => [task.onBehalfOf, typeof task.assignee === 'string' ? task.assignee : null]));
  const openId = search.get('task');
  const selected = data?.items.find((task) => task.id === openId);
  const items = (data?.items ?? []).filter((task) => share === 'all' || shareOf(task) === share);
  const shares = new Set((data?.items ?? []).map(shareOf));

  const setParam = (key: string, value: string | undefined) =>
    setSearch(
      (params) => {
        const next = new URLSearchParams(params);
        if (value === undefined) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const whoCell = (task: TaskItem) => {
    if (task.offered) {
      const role = typeof task.candidateRole === 'string' ? i18n.label(session.meta.roles.find((r) => r.name === task.candidateRole)?.label, task.candidateRole) : i18n.label(session.field('sys_task', 'candidateDepartment')?.label, '');
      return <Tag color="gold">{t('tasks.offered', { to: role })}</Tag>;
    }
    if (task.onBehalfOf) return <Tag color="purple" data-testid="task-on-behalf">{t('tasks.onBehalf', { name: names.get(task.onBehalfOf) ?? '…' })}</Tag>;
    return typeof task.assignee === 'string' ? (names.get(task.assignee) ?? session.me.fullName) : '';
  };

  return (
    <div data-testid="tasks-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('tasks.title')}
        </Typography.Title>
        <Flex gap={12} wrap>
          <Segmented
            value={share}
            onChange={(v) => setShare(v as 'all' | TaskShare)}
            options={[
              { value: 'all', label: t('tasks.filter.all') },
              { value: 'mine', label: t('tasks.filter.mine') },
              { value: 'group', label: t('tasks.filter.group') },
              ...(shares.has('behalf') ? [{ value: 'behalf', label: t('tasks.filter.behalf') }] : []),
            ]}
            data-testid="tasks-share"
          />
          <Select
            value={status}
            style={{ width: 160 }}
            onChange={(v) => {
              setOffset(0);
              setParam('status', v === 'open' ? undefined : v);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`tasks.status.${s}`) }))}
            data-testid="tasks-status"
          />
        </Flex>
      </Flex>
      {error ? (
        <ErrorState error={error} retry={reload} />
      ) : !data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty description={t('tasks.empty')} data-testid="tasks-empty" />
      ) : (
        <Table<TaskItem>
          rowKey="id"
          size="middle"
          dataSource={items}
          onRow={(task) => ({ 'data-testid': 'task-row', 'data-task-id': task.id, 'data-overdue': isOverdue(task) ? 'true' : 'false', style: isOverdue(task) ? { background: '#fff1f0' } : undefined }) as React.HTMLAttributes<HTMLElement>}
          pagination={data.total > PAGE_SIZE ? { current: Math.floor(offset / PAGE_SIZE) + 1, pageSize: PAGE_SIZE, total: data.total, showSizeChanger: false, onChange: (page) => setOffset((page - 1) * PAGE_SIZE) } : false}
          columns={[
            {
              key: 'title',
              title: t('tasks.col.title'),
              render: (_, task) => (
                <div>
                  <Typography.Link onClick={() => setParam('task', task.id)} data-testid="task-open">
                    {String(task.title)}
                  </Typography.Link>
                  {typeof task.process === 'string' && (
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {processLabels.get(task.process) ?? task.process}
                      </Typography.Text>
                    </div>
                  )}
                </div>
              ),
            },
            {
              key: 'record',
              title: t('tasks.col.record'),
              render: (_, task) =>
                typeof task.recordEntity === 'string' && typeof task.recordId === 'string' ? <Link to={`/data/${encodeURIComponent(task.recordEntity)}/${encodeURIComponent(task.recordId)}`}>{i18n.label(session.entity(task.recordEntity)?.label, task.recordEntity)}</Link> : null,
            },
            {
              key: 'due',
              title: t('tasks.col.due'),
              width: 200,
              render: (_, task) =>
                typeof task.dueAt === 'string' ? (
                  <Flex gap={6} align="center" wrap>
                    <Typography.Text type={isOverdue(task) ? 'danger' : undefined}>{formatDateTime(task.dueAt)}</Typography.Text>
                    {isOverdue(task) && (
                      <Tag color="red" data-testid="task-overdue">
                        {t('tasks.overdue')}
                      </Tag>
                    )}
                  </Flex>
                ) : null,
            },
            { key: 'who', title: t('tasks.col.assignee'), render: (_, task) => whoCell(task) },
            {
              key: 'status',
              title: t('tasks.col.status'),
              width: 170,
              render: (_, task) => (
                <Flex gap={4} wrap>
                  <Tag>{t(`tasks.status.${String(task.status)}` as 'tasks.status.open')}</Tag>
                  {typeof task.outcome === 'string' && <Tag color="blue">{outcomeLabel(task, task.outcome, i18n.locale)}</Tag>}
                </Flex>
              ),
            },
          ]}
        />
      )}
      <TaskDrawer
        task={selected}
        processLabel={typeof selected?.process === 'string' ? processLabels.get(selected.process) : undefined}
        onClose={() => setParam('task', undefined)}
        onDone={() => {
          setParam('task', undefined);
          reload();
        }}
      />
    </div>
  );
}
