// The forecast dashboard (/forecast): the pipeline of the first entity with stages by stage (a
// funnel), weighted forecast by month against what was won, the open records with predicted
// close dates; filtered by owner or department (GET /api/forecast/:entity).
import { Card, Col, Empty, Flex, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useSearchParams, Link } from 'react-router-dom';
import { ApiError, query } from '../api.js';
import { RecordPicker } from '../card/RecordPicker.js';
import { useLoad } from '../card/use-load.js';
import { formatDate, formatMoney, formatNumber } from '../format.js';
import { useI18n } from '../i18n.js';
import { BarChart } from '../reports/BarChart.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import type { ForecastResult } from '../work-types.js';

/** Months side by side: the weighted forecast and what was won. */
function MonthChart({ months, format }: { months: ForecastResult['months']; format(v: number): string }) {
  const { t } = useI18n();
  const max = Math.max(1, ...months.flatMap((m) => [m.predictedWeighted, m.expectedWeighted, m.won]));
  const height = 180;
  const slot = 56;
  const width = Math.max(320, months.length * slot + 40);
  return (
    <div>
      <Flex gap={16} style={{ fontSize: 12, marginBottom: 4 }}>
        <span><span style={{ display: 'inline-block', width: 10, height: 10, background: '#91caff', marginRight: 4 }} />{t('forecast.expectedWeighted')}</span>
        <span><span style={{ display: 'inline-block', width: 10, height: 10, background: '#1677ff', marginRight: 4 }} />{t('forecast.predictedWeighted')}</span>
        <span><span style={{ display: 'inline-block', width: 10, height: 10, background: '#52c41a', marginRight: 4 }} />{t('forecast.won')}</span>
      </Flex>
      <svg viewBox={`0 0 ${width} ${height + 36}`} width="100%" style={{ maxWidth: width, display: 'block' }} data-testid="forecast-months" role="img">
        {months.map((m, n) => {
          const x = 20 + n * slot;
          const bar = (value: number, dx: number, color: string, label: string) => {
            const h = (value / max) * height;
            return (
              <rect x={x + dx} y={height - h + 4} width={14} height={Math.max(h, value > 0 ? 1 : 0)} fill={color} rx={2}>
                <title>{`${m.month} ${label}: ${format(value)}`}</title>
              </rect>
            );
          };
          return (
            <g key={m.month} data-testid="forecast-month">
              {bar(m.expectedWeighted, 4, '#91caff', t('forecast.expectedWeighted'))}
              {bar(m.predictedWeighted, 19, '#1677ff', t('forecast.predictedWeighted'))}
              {bar(m.won, 34, '#52c41a', t('forecast.won'))}
              <text x={x + 24} y={height + 22} fontSize={11} textAnchor="middle" fill="#595959">
                {m.month.slice(2, 7)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

export function ForecastPage() {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const session = useSession();
  const [search, setSearch] = useSearchParams();
  const entity = session.meta.entities.find((e) => e.stages.length > 0 && !e.system);
  const owner = search.get('owner') ?? undefined;
  const department = search.get('department') ?? undefined;
  const filter = department ? JSON.stringify({ 'owner.department': department }) : undefined;
  const { data, error, reload } = useLoad<ForecastResult>(entity ? `/api/forecast/${encodeURIComponent(entity.name)}${query({ owner, filter, locale })}` : undefined);
  const money = (v: number) => formatMoney(v, locale, session.meta.currency, 0);
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

  if (!entity) return <ErrorState error={new ApiError({ status: 404, detail: t('forecast.noEntity') })} />;
  return (
    <div data-testid="forecast-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('forecast.title')}: {i18n.label(entity.pluralLabel, entity.name)}
        </Typography.Title>
        <Flex gap={12} wrap align="center">
          <Typography.Text type="secondary">{i18n.label(session.field(entity.name, 'owner')?.label, 'owner')}</Typography.Text>
          <div style={{ width: 220 }}>
            <RecordPicker target="sys_user" value={owner} onChange={(v) => set('owner', v)} testId="forecast-owner" />
          </div>
          <Typography.Text type="secondary">{t('forecast.department')}</Typography.Text>
          <div style={{ width: 220 }}>
            <RecordPicker target="sys_department" value={department} onChange={(v) => set('department', v)} testId="forecast-department" />
          </div>
        </Flex>
      </Flex>
      {error ? (
        <ErrorState error={error} retry={reload} />
      ) : !data ? (
        <Loading />
      ) : data.totals.count === 0 && data.months.every((m) => m.won === 0) ? (
        <Empty description={t('forecast.empty')} data-testid="forecast-empty" />
      ) : (
        <>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('forecast.open')} value={data.totals.count} />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('forecast.amount')} value={money(data.totals.amount)} />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('forecast.weighted')} value={money(data.totals.weighted)} data-testid="forecast-weighted" />
              </Card>
            </Col>
          </Row>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('forecast.funnel')} data-testid="forecast-funnel">
                {data.byStage?.length ? <BarChart funnel testId="forecast-stage" bars={data.byStage.map((s) => ({ label: `${s.label} (${s.probability}%)`, value: s.amount, color: s.color ?? undefined }))} format={money} /> : <Empty />}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('forecast.byMonth')}>
                <MonthChart months={data.months} format={money} />
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('forecast.predicted')}>
            <Table
              size="small"
              rowKey="id"
              dataSource={data.records}
              pagination={{ pageSize: 20, showSizeChanger: false }}
              data-testid="forecast-records"
              columns={[
                { key: 'title', title: i18n.label(entity.label, entity.name), render: (_, r) => <Link to={`/data/${entity.name}/${r.id}`}>{r.title}</Link> },
                { key: 'stage', title: t('forecast.stage'), render: (_, r) => { const s = entity.stages.find((x) => x.value === r.stage); return <Tag color={s?.color}>{i18n.label(s?.label, r.stage)}</Tag>; } },
                { key: 'amount', title: t('forecast.amount'), align: 'right', render: (_, r) => money(r.amount) },
                { key: 'probability', title: '%', align: 'right', render: (_, r) => formatNumber(r.probability, locale) },
                { key: 'weighted', title: t('forecast.weighted'), align: 'right', render: (_, r) => money(r.weighted) },
                { key: 'expected', title: t('forecast.expectedClose'), render: (_, r) => (r.expectedCloseDate ? formatDate(r.expectedCloseDate) : '') },
                { key: 'predicted', title: t('forecast.predictedClose'), render: (_, r) => (r.predictedCloseDate ? <Typography.Text strong>{formatDate(r.predictedCloseDate)}</Typography.Text> : '—') },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}
