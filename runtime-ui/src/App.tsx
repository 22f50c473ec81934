import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { I18nProvider, useI18n } from './i18n.js';
import { AppLayout } from './pages/AppLayout.js';
import { CardPage } from './pages/CardPage.js';
import { HomePage } from './pages/HomePage.js';
import { ListPage } from './pages/ListPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { SessionProvider } from './session.js';
import { ErrorState, Loading } from './states.js';

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
                <Route path="/data/:entity" element={<ListPage />} />
                <Route path="/data/:entity/new" element={<CardPage />} />
                <Route path="/data/:entity/:id" element={<CardPage />} />
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
