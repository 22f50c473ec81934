import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { query } from '../api.js';
import { useLoad } from '../card/use-load.js';
import { NotificationBell } from '../notifications/NotificationBell.js';
import type { CalendarInfo, ReportList } from '../work-types.js';
import { clearEntityMetaCache } from '../entity-meta.js';
import { useI18n, type I18n } from '../i18n.js';
import type { UiLocale } from '../messages.js';
import { useSession, type Session } from '../session.js';

export interface MenuEntry {
  key: string;
  path: string;
  section: string;
  label: string | ((i18n: I18n) => string);
}

/** The built-in pages the runtime UI has, by app.json's `page` name. */
const PAGES: Partial<Record<string, { path: string; label: 'menu.tasks' | 'menu.notifications' | 'menu.calendar' | 'menu.forecast' }>> = {
  tasks: { path: '/tasks', label: 'menu.tasks' },
  forecast: { path: '/forecast', label: 'menu.forecast' },
  notifications: { path: '/notifications', label: 'menu.notifications' },
  calendar: { path: '/calendar', label: 'menu.calendar' },
};

/**
 * The menu's entity lists the caller may read (the server already dropped the others), its
 * calendars and built-in pages. Reports and the forecast join the menu as their issues build them.
 */
export function menuEntries(session: Session, calendarLabels?: ReadonlyMap<string, string>, reportLabels?: ReadonlyMap<string, string>): MenuEntry[] {
  const entries: MenuEntry[] = [];
  for (const section of session.meta.menu) {
    for (const item of section.items) {
      if (item.calendar) {
        const name = item.calendar;
        const path = `/calendar/${encodeURIComponent(name)}`;
        entries.push({ key: path, path, section: section.name, label: (i18n) => i18n.label(item.label, calendarLabels?.get(name) ?? name) });
        continue;
      }
      if (item.report) {
        const name = item.report;
        // Only the reports the caller may run (the list answers those).
        if (!reportLabels?.has(name)) continue;
        const path = `/reports/${encodeURIComponent(name)}`;
        entries.push({ key: path, path, section: section.name, label: (i18n) => i18n.label(item.label, reportLabels.get(name) ?? name) });
        continue;
      }
      const page = item.page ? PAGES[item.page] : undefined;
      if (page) {
        entries.push({ key: page.path, path: page.path, section: section.name, label: (i18n) => i18n.label(item.label, i18n.t(page.label)) });
        continue;
      }
      const entity = item.entity ? session.entity(item.entity) : undefined;
      if (!entity) continue;
      const path = item.view ? `/data/${entity.name}?view=${encodeURIComponent(item.view)}` : `/data/${entity.name}`;
      entries.push({ key: path, path, section: section.name, label: (i18n) => i18n.label(item.label ?? entity.pluralLabel, entity.name) });
    }
  }
  return entries;
}

export function AppLayout() {
  const session = useSession();
  const i18n = useI18n();
  const { t, locale, setLocale } = i18n;
  const navigate = useNavigate();
  const location = useLocation();
  const calendars = useLoad<{ calendars: CalendarInfo[] }>(session.meta.menu.some((s) => s.items.some((i) => i.calendar)) ? `/api/calendar/calendars${query({ locale })}` : undefined);
  const reports = useLoad<ReportList>(session.meta.menu.some((s) => s.items.some((i) => i.report)) ? `/api/reports${query({ locale })}` : undefined);
  const entries = menuEntries(
    session,
    new Map((calendars.data?.calendars ?? []).map((c) => [c.name, c.label])),
    new Map((reports.data?.reports ?? []).map((r) => [r.name, r.label])),
  );
  // A list highlights its own entry (by view); a card highlights its entity's plain list.
  const [, , entityName] = location.pathname.split('/');
  const entityPath = `/data/${entityName ?? ''}`;
  const view = location.pathname === entityPath ? new URLSearchParams(location.search).get('view') : null;
  const selected = entries.find((e) => e.path === location.pathname) ?? entries.find((e) => e.path === (view ? `${entityPath}?view=${encodeURIComponent(view)}` : entityPath)) ?? entries.find((e) => e.path.split('?')[0] === entityPath);
  const items = session.meta.menu
    .map((section) => ({
      key: section.name,
      label: i18n.label(section.label, section.name),
      type: 'group' as const,
      children: entries.filter((e) => e.section === section.name).map((e) => ({ key: e.key, label: typeof e.label === 'string' ? e.label : e.label(i18n) })),
    }))
    .filter((s) => s.children.length > 0);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#001529', paddingInline: 16 }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 16 }}>
          {i18n.label(session.meta.app.label, session.meta.app.name)}
        </Typography.Text>
        <div style={{ flex: 1 }} />
        <Space size="middle">
          <NotificationBell />
          <Segmented
            size="small"
            value={locale}
            options={session.meta.locales.filter((l) => l === 'ru' || l === 'en')}
            onChange={(value) => {
              clearEntityMetaCache();
              setLocale(value as UiLocale);
            }}
            data-testid="locale-switch"
            aria-label={t('header.language')}
          />
          <Space data-testid="current-user" style={{ color: '#fff' }}>
            <UserOutlined />
            <span>{session.me.fullName}</span>
            {session.me.roles.map((role) => (
              <Tag key={role} color="blue">
                {i18n.label(session.meta.roles.find((r) => r.name === role)?.label, role)}
              </Tag>
            ))}
          </Space>
          <Button
            size="small"
            icon={<LogoutOutlined />}
            onClick={async () => {
              await session.logout();
              navigate('/');
            }}
            data-testid="logout"
          >
            {t('header.logout')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={240} theme="light" breakpoint="lg" collapsedWidth={0}>
          <Menu mode="inline" items={items} selectedKeys={selected ? [selected.key] : []} onClick={({ key }) => navigate(key)} data-testid="main-menu" style={{ height: '100%' }} />
        </Layout.Sider>
        <Layout.Content style={{ padding: 16, minWidth: 0 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
