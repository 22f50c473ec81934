// The notification inbox (/notifications): newest first, unread bold, mark one or all read,
// a click opens the record and marks the notice read; a deputy's share of the absent user's
// notices is marked as such.
import { CheckOutlined } from '@ant-design/icons';
import { App, Button, Empty, Flex, List, Switch, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, ApiError, query } from '../api.js';
import { useLoad } from '../card/use-load.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { NOTIFICATIONS_CHANGED, notificationsChanged, openNotification, recordPath } from '../notifications/NotificationBell.js';
import { useUserNames } from '../user-names.js';
import { ErrorState, Loading } from '../states.js';
import type { NotificationPage } from '../work-types.js';

const PAGE_SIZE = 50;

export function NotificationsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [unread, setUnread] = useState(false);
  const [offset, setOffset] = useState(0);
  const { data, error, reload } = useLoad<NotificationPage>(`/api/notifications${query({ unread: unread || undefined, limit: PAGE_SIZE, offset })}`);
  const names = useUserNames((data?.items ?? []).map((i) => i.onBehalfOf));

  // The bell's "mark all read" changes this list too.
  useEffect(() => {
    window.addEventListener(NOTIFICATIONS_CHANGED, reload);
    return () => window.removeEventListener(NOTIFICATIONS_CHANGED, reload);
  }, [reload]);

  const fail = (e: unknown) => void message.error(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));

  const markRead = async (id: string) => {
    try {
      await api('POST', `/api/notifications/${id}/read`);
      notificationsChanged();
    } catch (e) {
      fail(e);
    }
  };

  const readAll = async () => {
    try {
      const { count } = await api<{ count: number }>('POST', '/api/notifications/read-all');
      void message.success(t('notifications.readAllDone', { count }));
      notificationsChanged();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <div data-testid="notifications-page" style={{ maxWidth: 960 }}>
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('notifications.title')}
        </Typography.Title>
        <Flex gap={12} align="center">
          <label>
            <Switch
              size="small"
              checked={unread}
              onChange={(value) => {
                setUnread(value);
                setOffset(0);
              }}
              data-testid="notifications-unread-only"
            />{' '}
            {t('notifications.unreadOnly')}
          </label>
          <Button icon={<CheckOutlined />} onClick={() => void readAll()} data-testid="notifications-read-all">
            {t('notifications.readAll')}
          </Button>
        </Flex>
      </Flex>
      {error ? (
        <ErrorState error={error} retry={reload} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <Empty description={t(unread ? 'notifications.emptyUnread' : 'notifications.empty')} data-testid="notifications-empty" />
      ) : (
        <List
          bordered
          dataSource={data.items}
          pagination={data.total > PAGE_SIZE ? { current: Math.floor(offset / PAGE_SIZE) + 1, pageSize: PAGE_SIZE, total: data.total, showSizeChanger: false, onChange: (page) => setOffset((page - 1) * PAGE_SIZE) } : false}
          renderItem={(item) => (
            <List.Item
              data-testid="notification-item"
              data-read={item.readAt ? 'true' : 'false'}
              style={{ background: item.readAt ? undefined : '#f0f7ff' }}
              actions={item.readAt ? [] : [<Button key="read" size="small" onClick={() => void markRead(item.id)} data-testid="notification-mark-read">{t('notifications.markRead')}</Button>]}
            >
              <List.Item.Meta
                title={
                  <Flex gap={8} wrap align="baseline">
                    {recordPath(item) ? (
                      <Typography.Link strong={!item.readAt} onClick={() => void openNotification(item, navigate)} data-testid="notification-open">
                        {item.subject}
                      </Typography.Link>
                    ) : (
                      <Typography.Text strong={!item.readAt}>{item.subject}</Typography.Text>
                    )}
                    {item.onBehalfOf && <Tag color="purple">{t('notifications.onBehalf', { name: names.get(item.onBehalfOf) ?? '…' })}</Tag>}
                  </Flex>
                }
                description={
                  <>
                    {item.body && <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-line' }} ellipsis={{ rows: 3, expandable: true }}>{item.body}</Typography.Paragraph>}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(item.createdAt)}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
