import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import { lazy, Suspense } from 'react';
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
