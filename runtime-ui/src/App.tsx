import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useParams } from 'react-router-dom';
import { I18nProvider, useI18n } from './i18n.js';
import { AppLayout } from './pages/AppLayout.js';
import { HomePage } from './pages/HomePage.js';
import { ListPage } from './pages/ListPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { SessionProvider } from './session.js';
import { ErrorState, Loading } from './states.js';

/** A list of another entity is another page: no rows or state carried over from the last one. */
function EntityList() {
  const { entity } = useParams();
  return <ListPage key={entity} />;
}

// The card (rjsf and its widgets) loads on first use, so a list, the usual first page, starts sooner.
const CardPage = lazy(() => import('./pages/CardPage.js').then((m) => ({ default: m.CardPage })));

// The work pages load on first use too.
const CalendarPage = lazy(() => import('./pages/CalendarPage.js').then((m) => ({ default: m.CalendarPage })));
const TasksPage = lazy(() => import('./pages/TasksPage.js').then((m) => ({ default: m.TasksPage })));
const ReportPage = lazy(() => import('./pages/ReportPage.js').then((m) => ({ default: m.ReportPage })));
const ForecastPage = lazy(() => import('./pages/ForecastPage.js').then((m) => ({ default: m.ForecastPage })));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage.js').then((m) => ({ default: m.NotificationsPage })));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

/** A calendar of another name is another page (its categories and state start afresh). */
function NamedCalendar() {
  const { name = '' } = useParams();
  return (
    <Lazy>
      <CalendarPage key={name} />
    </Lazy>
  );
}

/** A report of another name starts afresh too. */
function NamedReport() {
  const { name = '' } = useParams();
  return (
    <Lazy>
      <ReportPage key={name} />
    </Lazy>
  );
}

/** Likewise a card of another record (a reference followed from a card). */
function EntityCard() {
  const { entity, id = 'new' } = useParams();
  return (
    <Suspense fallback={<Loading />}>
      <CardPage key={`${entity ?? ''}/${id}`} />
    </Suspense>
  );
}

function Localized() {
  const { locale } = useI18n();
  dayjs.locale(locale);
  return (
    <ConfigProvider locale={locale === 'ru' ? ruRU : enUS} theme={{ token: { borderRadius: 4 } }} componentSize="middle">
      <AntApp>
        <BrowserRouter>
          <SessionProvider loading={<Loading />} anonymous={(onLogin) => <LoginPage onLogin={onLogin} />} failed={(error, retry) => <ErrorState error={error} retry={retry} />}>
            <Routes>
              <Route element={<AppLayout />}>
                <Route index element={<HomePage />} />
                <Route path="/data/:entity" element={<EntityList />} />
                <Route path="/data/:entity/new" element={<EntityCard />} />
                <Route path="/data/:entity/:id" element={<EntityCard />} />
                <Route path="/calendar" element={<NamedCalendar />} />
                <Route path="/calendar/:name" element={<NamedCalendar />} />
                <Route
                  path="/tasks"
                  element={
                    <Lazy>
                      <TasksPage />
                    </Lazy>
                  }
                />
                <Route
                  path="/notifications"
                  element={
                    <Lazy>
                      <NotificationsPage />
                    </Lazy>
                  }
                />
                <Route path="/reports/:name" element={<NamedReport />} />
                <Route
                  path="/forecast"
                  element={
                    <Lazy>
                      <ForecastPage />
                    </Lazy>
                  }
                />
                <Route path="/login" element={<Navigate to="/" replace />} />
                <Route path="*" element={<HomePage notFound />} />
              </Route>
            </Routes>
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
