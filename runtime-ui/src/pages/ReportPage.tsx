// A report (/reports/:name): its parameters (from GET /api/reports), the result as a table with
// subtotals and totals and % done colored as the server colors it, a chart of the data rows, and
// xlsx/pdf exports with download progress.
import { DownloadOutlined, FilePdfOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Empty, Flex, Progress, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { ApiError, query } from '../api.js';
import { RecordPicker } from '../card/RecordPicker.js';
import { useLoad } from '../card/use-load.js';
import { download, type Progress as Received } from '../download.js';
import { formatDate, formatMoney, formatNumber } from '../format.js';
import { useI18n } from '../i18n.js';
import { BarChart, type Bar } from '../reports/BarChart.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import type { ReportCellFormat, ReportInfo, ReportList, ReportResult, ReportRow } from '../work-types.js';

/** The parameters the page passes on; `condition` filters are the API's, not offered here. */
const OFFERED = new Set(['period', 'date', 'user', 'department', 'metrics']);

function ExportButton({ url, format, name }: { url: string; format: 'xlsx' | 'pdf'; name: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [progress, setProgress] = useState<Received | undefined>(undefined);
  const run = async () => {
    setProgress({ received: 0 });
    try {
      await download(url, `${name}.${format}`, setProgress);
    } catch (e) {
      void message.error(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    } finally {
      setProgress(undefined);
    }
  };
  return (
    <Space>
      <Button icon={format === 'pdf' ? <FilePdfOutlined /> : <DownloadOutlined />} loading={progress !== undefined} onClick={() => void run()} data-testid={`report-export-${format}`} data-href={url}>
        {t(format === 'pdf' ? 'report.exportPdf' : 'report.exportXlsx')}
      </Button>
      {progress && (progress.total ? <Progress percent={Math.round((100 * progress.received) / progress.total)} size="small" style={{ width: 120 }} /> : <Typography.Text type="secondary" data-testid={`report-export-${format}-progress`}>{t('report.received', { kb: Math.round(progress.received / 1024) })}</Typography.Text>)}
    </Space>
  );
}

export function formatCell(value: unknown, format: ReportCellFormat, locale: string, currency: string): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value !== 'number') return format === 'date' && typeof value === 'string' ? formatDate(value) : String(value);
  switch (format) {
    case 'money':
      return formatMoney(value, locale, currency);
    case 'percent':
      return `${formatNumber(value, locale, { maximumFractionDigits: 1 })} %`;
    case 'integer':
      return formatNumber(value, locale, { maximumFractionDigits: 0 });
    default:
      return formatNumber(value, locale, { maximumFractionDigits: 2 });
  }
}

/** The bars a report draws: data rows, labelled by their text columns, most specific first, by the first percent, money or number column. */
function toBars(result: ReportResult): { bars: Bar[]; format: ReportCellFormat } | undefined {
  const measure = ['percent', 'money', 'number', 'integer'].map((f) => result.columns.find((c) => c.format === f)).find((c) => c !== undefined);
  const labels = result.columns.filter((c) => c.format === 'text');
  if (!measure) return undefined;
  const rows = result.rows.filter((r) => r.kind === 'data');
  const bars = rows.map((r) => ({ label: labels.map((c) => r.cells[c.key]).filter((v) => v !== null && v !== '').reverse().join(' · '), value: Number(r.cells[measure.key] ?? 0), color: r.color })).filter((b) => Number.isFinite(b.value));
  return bars.length ? { bars, format: measure.format } : undefined;
}

function ReportTable({ result }: { result: ReportResult }) {
  const { locale } = useI18n();
  const session = useSession();
  const cell = (row: ReportRow, key: string, format: ReportCellFormat) => {
    const own = row.formats?.[key] ?? format;
    const text = formatCell(row.cells[key], own, locale, session.meta.currency);
    // % done wears the color the server chose for the row (thresholds of the report).
    if (own === 'percent' && row.color && text)
      return (
        <span style={{ background: row.color, color: '#fff', fontWeight: 600, padding: '1px 8px', borderRadius: 4, whiteSpace: 'nowrap' }} data-testid="report-percent">
          {text}
        </span>
      );
    return text;
  };
  return (
    <Table<ReportRow & { $key: number }>
      size="small"
      bordered
      rowKey="$key"
      pagination={false}
      scroll={{ x: true }}
      dataSource={result.rows.map((r, n) => ({ ...r, $key: n }))}
      onRow={(row) => ({ 'data-testid': `report-row-${row.kind}`, style: row.kind === 'data' ? undefined : { fontWeight: 600, background: row.kind === 'total' ? '#f0f0f0' : '#fafafa' } }) as React.HTMLAttributes<HTMLElement>}
      columns={result.columns.map((c, index) => ({
        key: c.key,
        title: c.label,
        align: c.format === 'text' || c.format === 'date' ? 'left' : 'right',
        render: (_: unknown, row: ReportRow) => (
          <span>
            {index === 0 && row.kind === 'data' && row.color && result.columns.every((col) => col.format !== 'percent') && <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: row.color, marginRight: 6 }} />}
            {cell(row, c.key, c.format)}
          </span>
        ),
      }))}
    />
  );
}

function ParameterInput({ parameter, value, onChange }: { parameter: ReportInfo['parameters'][number]; value: string | undefined; onChange(value: string | undefined): void }) {
  const { t } = useI18n();
  switch (parameter.type) {
    case 'period':
      return <Select style={{ width: 140 }} value={value ?? parameter.default} options={parameter.options} onChange={onChange} data-testid={`report-param-${parameter.name}`} />;
    case 'date':
      return <DatePicker value={value ? dayjs(value) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)} data-testid={`report-param-${parameter.name}`} />;
    case 'metrics':
      return (
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 240 }}
          placeholder={t('report.allMetrics')}
          value={value ? value.split(',') : []}
          options={parameter.options}
          onChange={(v: string[]) => onChange(v.length ? v.join(',') : undefined)}
          data-testid={`report-param-${parameter.name}`}
        />
      );
    case 'user':
    case 'department':
      return (
        <div style={{ width: 220 }}>
          <RecordPicker target={parameter.type === 'user' ? 'sys_user' : 'sys_department'} value={value} onChange={(v) => onChange(v)} testId={`report-param-${parameter.name}`} />
        </div>
      );
    default:
      return null;
  }
}

export function ReportPage() {
  const { name = '' } = useParams();
  const i18n = useI18n();
  const { t, locale } = i18n;
  const [search, setSearch] = useSearchParams();
  const list = useLoad<ReportList>(`/api/reports${query({ locale })}`);
  const report = list.data?.reports.find((r) => r.name === name);
  const params = useMemo(() => Object.fromEntries([...search].filter(([key]) => report?.parameters.some((p) => p.name === key && OFFERED.has(p.type)))), [search, report]);
  const resultUrl = report ? `/api/reports/${encodeURIComponent(name)}${query({ ...params, locale })}` : undefined;
  const result = useLoad<ReportResult>(resultUrl);
  const chart = result.data ? toBars(result.data) : undefined;

  const set = (key: string, value: string | undefined) =>
    setSearch(
      (old) => {
        const next = new URLSearchParams(old);
        if (value === undefined) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  if (list.error) return <ErrorState error={list.error} retry={list.reload} />;
  if (!list.data) return <Loading />;
  if (!report) return <ErrorState error={new ApiError({ status: 404, detail: t('report.unknown') })} />;

  const exportUrl = (format: 'xlsx' | 'pdf') => `/api/reports/${encodeURIComponent(name)}${query({ ...params, locale, format })}`;
  return (
    <div data-testid="report-page">
      <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 12 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {report.label}
          </Typography.Title>
          {report.description && <Typography.Text type="secondary">{report.description}</Typography.Text>}
        </div>
        <Space wrap>
          {report.formats.includes('xlsx') && <ExportButton url={exportUrl('xlsx')} format="xlsx" name={name} />}
          {report.formats.includes('pdf') && <ExportButton url={exportUrl('pdf')} format="pdf" name={name} />}
        </Space>
      </Flex>
      {report.parameters.some((p) => OFFERED.has(p.type)) && (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="report-params">
          <Flex wrap gap={16} align="flex-end">
            {report.parameters
              .filter((p) => OFFERED.has(p.type))
              .map((p) => (
                <div key={p.name}>
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {p.label}
                  </Typography.Text>
                  <ParameterInput parameter={p} value={params[p.name]} onChange={(v) => set(p.name, v)} />
                </div>
              ))}
          </Flex>
        </Card>
      )}
      {result.error ? (
        <ErrorState error={result.error} retry={result.reload} />
      ) : !result.data ? (
        <Loading />
      ) : result.data.rows.length === 0 ? (
        <Empty description={t('report.empty')} data-testid="report-empty" />
      ) : (
        <>
          {chart && (
            <Card size="small" style={{ marginBottom: 12 }} data-testid="report-chart">
              <BarChart bars={chart.bars} funnel={report.chart === 'funnel'} format={(v) => formatCell(v, chart.format, locale, '')} />
            </Card>
          )}
          <ReportTable result={result.data} />
        </>
      )}
    </div>
  );
}
