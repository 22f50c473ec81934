import { Result } from 'antd';
import { Navigate } from 'react-router-dom';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { menuEntries } from './AppLayout.js';

/** `/` opens the first list of the menu; unknown paths say so. */
export function HomePage({ notFound = false }: { notFound?: boolean }) {
  const session = useSession();
  const { t } = useI18n();
  const first = menuEntries(session)[0];
  if (notFound || !first) return <Result status="404" title="404" subTitle={t('app.notFound')} />;
  return <Navigate to={first.path} replace />;
}
