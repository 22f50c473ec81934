import { Alert, App as AntApp, Button, ConfigProvider, Layout, Result, Select, Space, Spin, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes, useParams } from 'react-router-dom';
import { AutomationEditor } from './automation/AutomationEditor.js';
import { EntityDesigner } from './entity/EntityDesigner.js';
import { Explorer } from './Explorer.js';
import { FileEditor } from './files/FileEditor.js';
import { GitPage } from './git/GitPage.js';
import { I18nProvider, isUiLocale, useI18n } from './i18n.js';
import { Login } from './Login.js';
import { MESSAGES } from './messages.js';
import { NotificationEditor } from './notification/NotificationEditor.js';
import { PublishPage } from './publish/PublishPage.js';
import { TemplatePage } from './refs/TemplatePage.js';
import { CalendarEditor } from './calendar/CalendarEditor.js';
import { ReportEditor } from './report/ReportEditor.js';
import { RolesEditor } from './roles/RolesEditor.js';
import { SessionProvider, useSession } from './session.js';

function Header() {
  const { t, locale, setLocale } = useI18n();
  const session = useSession();
  return (
    <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#001529' }}>
      <Typography.Text strong style={{ color: '#fff', fontSize: 18 }}>
        {t('app.title')}
      </Typography.Text>
      <div style={{ flex: 1 }} />
      <a href="/" style={{ color: '#fff' }}>
        {t('app.runtime')}
      </a>
      <Select size="small" value={locale} onChange={(v) => isUiLocale(v) && setLocale(v)} options={Object.keys(MESSAGES).map((l) => ({ value: l, label: l.toUpperCase() }))} />
      <Typography.Text style={{ color: '#fff' }} data-testid="current-user">
        {session.me.fullName}
      </Typography.Text>
      <Button size="small" onClick={() => void session.logout()}>
        {t('session.logout')}
      </Button>
    </Layout.Header>
  );
}

function Home() {
  const { t } = useI18n();
  const { files } = useSession();
  return (
    <div data-testid="studio-home">
      <Typography.Paragraph>{t('home.intro')}</Typography.Paragraph>
      <Typography.Text type="secondary">{t('home.files', { count: files.length })}</Typography.Text>
    </div>
  );
}

function EntityRoute() {
  const { name = '' } = useParams();
  return <EntityDesigner key={name} name={name} />;
}

/** An editor of one named file, remounted when the name changes. */
function NamedRoute({ editor: Editor }: { editor: (props: { name: string }) => React.ReactNode }) {
  const { name = '' } = useParams();
  return <Editor key={name} name={name} />;
}

function FileRoute() {
  const path = useParams()['*'] ?? '';
  return <FileEditor key={path} path={path} />;
}

// bpmn-js is most of the modeler's weight: its own chunk, fetched when a workflow is opened.
const WorkflowModeler = lazy(() => import('./bpmn/WorkflowModeler.js').then((m) => ({ default: m.WorkflowModeler })));

function WorkflowRoute() {
  const { name = '' } = useParams();
  return (
    <Suspense fallback={<Spin data-testid="bpmn-loading" />}>
      <WorkflowModeler key={name} name={name} />
    </Suspense>
  );
}

function Studio() {
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header />
      <Layout>
        <Layout.Sider width={280} theme="light" style={{ borderRight: '1px solid #f0f0f0', overflow: 'auto' }}>
          <Explorer />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24, background: '#fff' }}>
          <Routes>
            <Route index element={<Home />} />
            <Route path="entities/:name" element={<EntityRoute />} />
            <Route path="workflows/:name" element={<WorkflowRoute />} />
            <Route path="notifications/:name" element={<NamedRoute editor={NotificationEditor} />} />
            <Route path="automations/:name" element={<NamedRoute editor={AutomationEditor} />} />
            <Route path="calendars/:name" element={<NamedRoute editor={CalendarEditor} />} />
            <Route path="reports/:name" element={<NamedRoute editor={ReportEditor} />} />
            <Route path="roles" element={<RolesEditor />} />
            <Route path="files/*" element={<FileRoute />} />
            <Route path="templates/:name" element={<NamedRoute editor={TemplatePage} />} />
            <Route path="publish" element={<PublishPage />} />
            <Route path="git" element={<GitPage />} />
            <Route path="*" element={<Home />} />
          </Routes>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function Localized() {
  const { t, locale } = useI18n();
  return (
    <ConfigProvider locale={locale === 'ru' ? ruRU : enUS} theme={{ token: { borderRadius: 4 } }}>
      <AntApp>
        <BrowserRouter basename="/studio">
          <SessionProvider
            loading={<Spin style={{ display: 'block', marginTop: 120 }} />}
            anonymous={(onLogin) => <Login onLogin={onLogin} />}
            forbidden={(me, logout) => (
              <Result
                status="403"
                title={me.fullName}
                subTitle={<span data-testid="studio-forbidden">{t('session.forbidden')}</span>}
                extra={
                  <Space>
                    <Button href="/">{t('app.runtime')}</Button>
                    <Button onClick={() => void logout()}>{t('session.logout')}</Button>
                  </Space>
                }
              />
            )}
            failed={(error, retry) => <Alert type="error" title={t('session.error')} description={error.message} action={<Button onClick={retry}>{t('common.retry')}</Button>} style={{ margin: 48 }} />}
          >
            <Studio />
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Localized />
    </I18nProvider>
  );
}
