// The loading, error and not-found states every page shares.
import { Button, Result, Spin } from 'antd';
import type { ApiError } from './api.js';
import { useI18n } from './i18n.js';

export function Loading() {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} data-testid="loading">
      <Spin tip={t('app.loading')}>
        <div style={{ minHeight: 48 }} />
      </Spin>
    </div>
  );
}

export function ErrorState({ error, retry }: { error: ApiError; retry?: () => void }) {
  const { t } = useI18n();
  if (error.status === 404) return <Result status="404" title="404" subTitle={error.problem.detail ?? t('app.notFound')} />;
  return (
    <Result
      status={error.status === 403 ? '403' : 'error'}
      title={error.problem.title ?? t('app.error')}
      subTitle={error.problem.detail}
      extra={retry ? <Button onClick={retry}>{t('app.retry')}</Button> : undefined}
    />
  );
}
