import { Alert, Button, Card, Form, Input, Segmented } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { UiLocale } from '../messages.js';

export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const { t, locale, setLocale } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: { login: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/auth/login', values);
      onLogin();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 429 ? t('login.throttled') : e instanceof ApiError && e.status === 401 ? t('login.failed') : e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card title={`Cardo — ${t('login.title')}`} style={{ width: 360 }} extra={<Segmented size="small" value={locale} options={['ru', 'en']} onChange={(v) => setLocale(v as UiLocale)} data-testid="login-locale" />}>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label={t('login.login')} name="login" rules={[{ required: true }]}>
            <Input autoFocus autoComplete="username" data-testid="login-name" />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          {error && <Alert type="error" title={error} style={{ marginBottom: 16 }} showIcon data-testid="login-error" />}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
