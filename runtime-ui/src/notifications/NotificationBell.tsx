// The bell in the header: the unread count (polled, and refreshed when a page marks notices
// read), the latest unread notices in a popover, mark all read, and the way to the inbox.
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Flex, List, Popover, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { api, query } from '../api.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import type { NotificationItem, NotificationPage } from '../work-types.js';

/** How often the count is asked for while the page is open. */
const POLL_MS = 30_000;
/** Pages that mark notices read fire this so the bell recounts at once. */
export const NOTIFICATIONS_CHANGED = 'cardo:notifications-changed';

export function notificationsChanged(): void {
  window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}

export function recordPath(item: NotificationItem): string | undefined {
  return item.recordEntity && item.recordId ? `/data/${encodeURIComponent(item.recordEntity)}/${encodeURIComponent(item.recordId)}` : undefined;
}

/** Marks a notice read (when it is not) and opens its record. */
export async function openNotification(item: NotificationItem, navigate: (path: string) => void): Promise<void> {
  if (!item.readAt) {
    await api('POST', `/api/notifications/${item.id}/read`).catch(() => undefined);
    notificationsChanged();
  }
  const path = recordPath(item);
  if (path) navigate(path);
}

export function NotificationBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const [count, setCount] = useState(0);
  const [open, setOpen] = useState(false);
  const [latest, setLatest] = useState<NotificationItem[] | undefined>(undefined);

  const recount = useCallback(() => {
    api<{ count: number }>('GET', '/api/notifications/unread-count').then(
      (r) => setCount(r.count),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    recount();
    const timer = window.setInterval(recount, POLL_MS);
    window.addEventListener(NOTIFICATIONS_CHANGED, recount);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, recount);
    };
  }, [recount]);
  // A new page is a good moment to recount (a task completed, a record saved).
  useEffect(recount, [location.pathname, recount]);

  useEffect(() => {
    if (!open) return;
    let live = true;
    api<NotificationPage>('GET', `/api/notifications${query({ unread: true, limit: 5 })}`).then(
      (page) => live && setLatest(page.items),
      () => live && setLatest([]),
    );
    return () => {
      live = false;
    };
  }, [open, count]);

  const content = (
    <div style={{ width: 360 }} data-testid="notification-popover">
      {!latest ? null : latest.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.emptyUnread')} />
      ) : (
        <List
          size="small"
          dataSource={latest}
          renderItem={(item) => (
            <List.Item
              style={{ cursor: 'pointer' }}
              data-testid="notification-popover-item"
              onClick={() => {
                setOpen(false);
                void openNotification(item, navigate);
              }}
            >
              <List.Item.Meta title={item.subject} description={formatDateTime(item.createdAt)} />
            </List.Item>
          )}
        />
      )}
      <Flex justify="space-between" style={{ marginTop: 8 }}>
        <Link to="/notifications" onClick={() => setOpen(false)} data-testid="notification-all">
          {t('notifications.showAll')}
        </Link>
        {count > 0 && (
          <Typography.Link
            onClick={async () => {
              await api('POST', '/api/notifications/read-all').catch(() => undefined);
              notificationsChanged();
            }}
          >
            {t('notifications.readAll')}
          </Typography.Link>
        )}
      </Flex>
    </div>
  );

  return (
    <Popover content={content} title={t('notifications.title')} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <span data-testid="notification-count" data-count={count}>
        <Badge count={count} size="small" overflowCount={99}>
          <Button type="text" icon={<BellOutlined style={{ color: '#fff', fontSize: 18 }} />} aria-label={t('notifications.bell', { count })} data-testid="notification-bell" />
        </Badge>
      </span>
    </Popover>
  );
}
