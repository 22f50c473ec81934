// A record's workflow instances (status, where each waits, its tasks and who did what when) and
// "start" for the processes of the entity its metadata lets a user start by hand.
import { PlayCircleOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Popconfirm, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, query } from '../api.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { ErrorState, Loading } from '../states.js';
import { outcomeLabel } from '../tasks/task-view.js';
import type { ProcessDefinition, ProcessInstance } from '../work-types.js';
import { useLoad } from './use-load.js';

const STATUS_COLORS: Record<string, string> = { running: 'processing', completed: 'success', cancelled: 'default', failed: 'error' };

export function ProcessesTab({ entity, id, definitions, onChanged }: { entity: string; id: string; definitions: ProcessDefinition[]; onChanged(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [starting, setStarting] = useState<string | undefined>(undefined);
  const { data, error, reload } = useLoad<{ items: ProcessInstance[] }>(`/api/workflows/instances${query({ entity, id })}`);
  const startable = definitions.filter((d) => d.startOn === 'manual' && d.canStart);

  const start = async (process: string) => {
    setStarting(process);
    try {
      await api('POST', `/api/workflows/${encodeURIComponent(process)}/start`, { entity, id });
      void message.success(t('process.started'));
      reload();
      // Its first steps may have changed the record (a status field).
      onChanged();
    } catch (e) {
      void message.error(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    } finally {
      setStarting(undefined);
    }
  };

  const statusText = (status: string) => (['running', 'completed', 'cancelled', 'failed'].includes(status) ? t(`process.status.${status}` as 'process.status.running') : status);

  return (
    <div data-testid="processes-tab">
      {startable.length > 0 && (
        <Space wrap style={{ marginBottom: 12 }}>
          {startable.map((d) => {
            const running = data?.items.some((i) => i.process === d.process && i.status === 'running');
            const button = (
              <Button key={d.process} type="primary" icon={<PlayCircleOutlined />} loading={starting === d.process} onClick={running ? undefined : () => void start(d.process)} data-testid={`process-start-${d.process}`}>
                {t('process.start', { process: d.label })}
              </Button>
            );
            // A second instance next to a running one is allowed, but asked about.
            return running ? (
              <Popconfirm key={d.process} title={`${d.label}: ${statusText('running')}`} onConfirm={() => void start(d.process)}>
                {button}
              </Popconfirm>
            ) : (
              button
            );
          })}
        </Space>
      )}
      {error ? (
        <ErrorState error={error} retry={reload} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <Empty description={t('process.none')} />
      ) : (
        data.items.map((instance) => (
          <Card
            key={instance.id}
            size="small"
            style={{ marginBottom: 12 }}
            data-testid="process-instance"
            title={
              <Flex gap={8} align="center" wrap>
                <span>{instance.processLabel}</span>
                <Tag color={STATUS_COLORS[instance.status] ?? 'default'} data-testid="process-status">
                  {statusText(instance.status)}
                </Tag>
                <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
                  {formatDateTime(instance.startedAt)}
                  {instance.endedAt ? ` – ${formatDateTime(instance.endedAt)}` : ''}
                </Typography.Text>
              </Flex>
            }
          >
            {instance.waitingAt.length > 0 && (
              <Typography.Paragraph style={{ marginBottom: 8 }} data-testid="process-waiting">
                {t('process.waitingAt', { steps: instance.waitingAt.map((w) => w.name).join(', ') })}
              </Typography.Paragraph>
            )}
            <Typography.Text strong>{t('process.history')}</Typography.Text>
            <Timeline
              style={{ marginTop: 8 }}
              items={instance.history.map((h, n) => ({
                key: `${h.at}${n}`,
                color: h.kind === 'task_completed' ? 'green' : h.kind === 'task_cancelled' ? 'gray' : 'blue',
                content: (
                  <div data-testid="process-event">
                    <Typography.Text type="secondary">{formatDateTime(h.at)}</Typography.Text>{' '}
                    {i18n.t(`process.event.${h.kind}` as 'process.event.started') === `process.event.${h.kind}` ? h.kind : i18n.t(`process.event.${h.kind}` as 'process.event.started')}
                    {h.elementName && <>: {h.elementName}</>}
                    {h.actor && <Typography.Text type="secondary"> · {h.actor.fullName}</Typography.Text>}
                    {h.onBehalfOf && <Typography.Text type="secondary"> ({t('tab.history.onBehalf', { name: h.onBehalfOf.fullName })})</Typography.Text>}
                    {h.outcome && <Tag color="blue" style={{ marginLeft: 6 }}>{outcomeLabel(h, h.outcome, i18n.locale)}</Tag>}
                    {h.comment && <div style={{ color: '#595959' }}>{h.comment}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        ))
      )}
    </div>
  );
}
