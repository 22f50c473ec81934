import { Alert, Button, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';

interface ReportAnswer {
  columns: Array<{ key: string; label: string; format: string }>;
  rows: Array<{ kind: string; cells: Record<string, unknown> }>;
}
interface ReportListing {
  reports: Array<{ name: string; parameters: Array<{ name: string; label?: string; type: string }> }>;
}

/**
 * Runs the published report through the runtime's reports API. What runs is what was last
 * published, so a saved but unpublished change shows after the next publish.
 */
export function ReportPreview({ name, dirty }: { name: string; dirty: boolean }) {
  const { t, locale } = useI18n();
  const [answer, setAnswer] = useState<ReportAnswer | null>(null);
  const [parameters, setParameters] = useState<ReportListing['reports'][number]['parameters']>([]);
  const [problem, setProblem] = useState<{ type: 'info' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setProblem(null);
    setAnswer(null);
    try {
      const listing = await api<ReportListing>('GET', `/api/reports?locale=${locale}`);
      const published = listing.reports.find((r) => r.name === name);
      // The runtime knows only published reports (and those the user's roles may run).
      if (!published) return setProblem({ type: 'info', text: t('report.unpublished') });
      setParameters(published.parameters);
      setAnswer(await api<ReportAnswer>('GET', `/api/reports/${encodeURIComponent(name)}?format=json&locale=${locale}`));
    } catch (e) {
      setProblem({ type: 'error', text: e instanceof ApiError && e.code === 'CARDO_ERR_REPORT_UNKNOWN' ? t('report.unpublished') : e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="report-preview">
      <Space>
        <Button onClick={() => void run()} loading={busy} data-testid="report-run">
          {t('report.run')}
        </Button>
        <Typography.Text type="secondary">{dirty ? t('report.runDirty') : t('report.runPublished')}</Typography.Text>
      </Space>
      {problem && <Alert type={problem.type} title={problem.text} data-testid="report-preview-problem" />}
      {answer && (
        <>
          {parameters.length > 0 && (
            <div>
              <Typography.Text type="secondary">{t('report.parameters')} </Typography.Text>
              {parameters.map((p) => <Tag key={p.name}>{p.label ?? p.name} ({p.type})</Tag>)}
            </div>
          )}
          <Table
            size="small"
            pagination={{ pageSize: 20 }}
            rowKey={(_, i) => String(i)}
            dataSource={answer.rows}
            data-testid="report-preview-table"
            columns={answer.columns.map((c) => ({ key: c.key, title: c.label, render: (_: unknown, row: ReportAnswer['rows'][number]) => formatCell(row.cells[c.key]), onHeaderCell: () => ({ 'data-column': c.key }) as React.HTMLAttributes<HTMLElement> }))}
          />
        </>
      )}
    </Space>
  );
}

const formatCell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'number' ? value.toLocaleString() : String(value));
