// Export of the current view: fetched first, so a refusal (too many rows, a bad filter) is a
// message on the page rather than a JSON document in a new tab.
import { DownloadOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n.js';

function fileName(disposition: string | null, fallback: string): string {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return /filename="([^"]+)"/i.exec(disposition ?? '')?.[1] ?? fallback;
}

export function ExportButton({ url, fallbackName }: { url: string; fallbackName: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { 'x-requested-with': 'cardo' } });
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
        void message.error(problem.detail ?? problem.title ?? `HTTP ${response.status}`);
        return;
      }
      const blob = await response.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = fileName(response.headers.get('content-disposition'), fallbackName);
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch {
      void message.error(t('app.error'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void download()} data-testid="list-export" data-href={url}>
      {t('list.export')}
    </Button>
  );
}
