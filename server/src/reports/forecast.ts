/**
 * `GET /api/forecast/:entity`: the open pipeline of an entity with a stage field — by stage, by
 * expected close month and by owner, with weighted amounts (amount × stage probability) — a
 * predicted close date per open record, and the weighted forecast against what was actually won
 * per month. Everything is computed by PostgreSQL.
 *
 * Predicted close date: for the stage a record is in, the median time won records took from
 * entering that stage to being won (sys_stage_history, the last entry into the stage before the
 * win), added to when the record entered its current stage; a date already past becomes today
 * (the record is late against history, but not closed yet). No won record went through the
 * stage → no prediction. The medians are taken over all won records of the entity (a statistic,
 * not records); everything else is within the caller's read scope.
 */
import type { Access } from '../access/access.js';
import { localDay, startOfDay, timeZoneOf } from '../calendar/zoned.js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { ROOT_ALIAS, compileCondition, type QueryContext } from '../query/condition-sql.js';
import { SqlParams, ident, qualified, sqlInteger } from '../query/sql.js';
import { loadTitles } from '../query/titles.js';
import { addPeriods, parseDay, periodStart } from './periods.js';
import { assertKnownParams, parseFilterParam, probabilitySql, single, text, uuidParam } from './report-model.js';

export const FORECAST_PARAMS = ['amount', 'closeDate', 'from', 'to', 'owner', 'filter', 'groupBy', 'limit', 'locale'] as const;
const SECTIONS = ['stage', 'month', 'owner'] as const;
type Section = (typeof SECTIONS)[number];
export const MAX_FORECAST_MONTHS = 36;
export const MAX_FORECAST_DEALS = 1000;
const DEFAULT_DEALS = 100;

export interface PipelineBucket {
  count: number;
  amount: number;
  weighted: number;
}

export interface ForecastResult {
  entity: string;
  amountField: string;
  closeDateField: string;
  /** Today in the application's time zone: predictions are never before it. */
  asOf: string;
  from: string;
  to: string;
  totals: PipelineBucket;
  byStage?: Array<PipelineBucket & { stage: string; label: string; color: string | null; probability: number; medianDaysToWin: number | null; basis: number }>;
  byMonth?: Array<PipelineBucket & { month: string | null }>;
  byOwner?: Array<PipelineBucket & { owner: string | null; name: string | null }>;
  months: Array<{ month: string; expectedWeighted: number; predictedWeighted: number; predictedCount: number; won: number; wonCount: number }>;
  records: Array<{ id: string; title: string; owner: string | null; stage: string; amount: number; probability: number; weighted: number; expectedCloseDate: string | null; stageEnteredAt: string | null; predictedCloseDate: string | null }>;
  recordsTotal: number;
}

function bad(name: string, message: string, code: 'CARDO_ERR_REPORT_PARAMS' | 'CARDO_ERR_FORECAST_NO_STAGES' = 'CARDO_ERR_REPORT_PARAMS'): CardoError {
  return new CardoError(code, `${name}: ${message}`, { errors: [{ path: `/query/${name}`, message }] });
}

const NUMERIC = new Set(['money', 'decimal', 'integer', 'percent']);

function pickField(entity: EntityModel, query: Readonly<Record<string, unknown>>, name: 'amount' | 'closeDate'): FieldModel {
  const given = single(query, name);
  const fits = (f: FieldModel) => f.columnType !== undefined && !f.system && (name === 'amount' ? NUMERIC.has(f.valueType) : f.valueType === 'date' || f.valueType === 'datetime');
  if (given !== undefined) {
    const f = entity.field.get(given);
    if (!f || !fits(f)) throw bad(name, `${entity.name} has no ${name === 'amount' ? 'number' : 'date'} field "${given.slice(0, 64)}".`, 'CARDO_ERR_FORECAST_NO_STAGES');
    return f;
  }
  // Defaults: the first money field (else number field); the first editable date field.
  const f = name === 'amount' ? (entity.fields.find((x) => fits(x) && x.valueType === 'money') ?? entity.fields.find(fits)) : (entity.fields.find((x) => fits(x) && !x.readOnly) ?? entity.fields.find(fits));
  if (!f) throw bad(name, `${entity.name} has no ${name === 'amount' ? 'number' : 'date'} field to use.`, 'CARDO_ERR_FORECAST_NO_STAGES');
  return f;
}

function integerParam(query: Readonly<Record<string, unknown>>, name: string, fallback: number, max: number): number {
  const value = single(query, name);
  if (value === undefined) return fallback;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > max) throw bad(name, `Must be an integer from 0 to ${max}.`);
  return n;
}

export async function runForecast(db: Db, model: CompiledModel, access: Access, entityName: string, query: Readonly<Record<string, unknown>>, locale: string, now: Date): Promise<ForecastResult> {
  assertKnownParams(query, FORECAST_PARAMS);
  const entity = access.view(access.entity(entityName));
  const stageField = entity.stageField;
  if (!stageField?.columnType || entity.stages.length === 0) throw new CardoError('CARDO_ERR_FORECAST_NO_STAGES', `${entity.name} has no stage field, so it has no forecast.`);
  const amount = pickField(entity, query, 'amount');
  const closeDate = pickField(entity, query, 'closeDate');
  const timeZone = timeZoneOf(model.app);
  const today = localDay(now, timeZone);

  const sectionsText = single(query, 'groupBy');
  const sections = new Set<Section>(sectionsText === undefined ? SECTIONS : []);
  for (const s of sectionsText?.split(',') ?? []) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw bad('groupBy', `"${s.slice(0, 20)}" is not one of ${SECTIONS.join(', ')}.`);
    sections.add(s as Section);
  }
  const monthOf = (name: 'from' | 'to', fallback: string) => {
    const value = single(query, name);
    if (value === undefined) return fallback;
    const day = parseDay(value);
    if (!day) throw bad(name, 'Must be a month (YYYY-MM) or a date (YYYY-MM-DD).');
    return periodStart(day, 'month');
  };
  const thisMonth = periodStart(today, 'month');
  const from = monthOf('from', addPeriods(thisMonth, 'month', -6));
  const to = monthOf('to', addPeriods(thisMonth, 'month', 6));
  if (to < from) throw bad('to', 'Must not be before from.');
  const monthCount = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  if (monthCount > MAX_FORECAST_MONTHS) throw bad('to', `At most ${MAX_FORECAST_MONTHS} months at once.`);
  const limit = integerParam(query, 'limit', DEFAULT_DEALS, MAX_FORECAST_DEALS);
  const owner = uuidParam(query, 'owner');
  const filterText = single(query, 'filter');
  const filter = filterText === undefined ? undefined : parseFilterParam(filterText);
  const ctx: QueryContext = { me: access.org.userId, now };

  const wonStages = entity.stages.filter((s) => s.outcome === 'won').map((s) => s.value);
  const closedStages = entity.stages.filter((s) => s.outcome !== undefined).map((s) => s.value);
  const t = (column: string) => qualified(ROOT_ALIAS, column);
  const stageCol = t(stageField.column);
  const amountCol = t(amount.column);
  const closeCol = (tz: string) => (closeDate.columnType?.kind === 'timestamptz' ? `(${t(closeDate.column)} AT TIME ZONE ${tz})::date` : t(closeDate.column));

  /** The CTEs every statement shares: stage medians over won records, and the open records in scope with their prediction. */
  const base = (p: SqlParams) => {
    const e = p.add(entity.name, 'text');
    const won = p.add(wonStages, 'text[]');
    const closed = p.add(closedStages, 'text[]');
    const tz = p.add(timeZone, 'text');
    const todayParam = p.add(today, 'date');
    const where = [`(${access.scopeSql(entity.name, 'read', p)})`, `NOT (${stageCol}::text = ANY(${closed}))`, `${stageCol} IS NOT NULL`];
    const joins: string[] = [];
    if (owner) where.push(`${t('owner')} = ${p.add(owner, 'uuid')}`);
    if (filter !== undefined) {
      const compiled = compileCondition(filter, entity, model, ctx, p, { pointer: '/query/filter' });
      joins.push(...compiled.joins.map((j) => j.sql));
      if (compiled.where !== 'TRUE') where.push(compiled.where);
    }
    const probability = probabilitySql(entity, p, ROOT_ALIAS);
    const wonTable = ident(entity.table);
    const sql = `WITH won AS (
        SELECT h.record_id, max(h.entered_at) AS won_at
          FROM sys_stage_history h JOIN ${wonTable} w ON w.id = h.record_id AND w.${ident(stageField.column)}::text = ANY(${won})
         WHERE h.entity = ${e} AND h.stage = ANY(${won})
         GROUP BY h.record_id
      ),
      passed AS (
        SELECT h.stage, h.record_id, w.won_at, max(h.entered_at) AS entered_at
          FROM sys_stage_history h JOIN won w ON w.record_id = h.record_id
         WHERE h.entity = ${e} AND h.entered_at <= w.won_at AND NOT (h.stage = ANY(${won}))
         GROUP BY h.stage, h.record_id, w.won_at
      ),
      medians AS (
        SELECT stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM won_at - entered_at)) AS seconds, count(*)::int AS basis
          FROM passed GROUP BY stage
      ),
      open AS (
        SELECT ${t('id')} AS id, ${t('owner')} AS owner, ${stageCol}::text AS stage, coalesce(${amountCol}, 0)::numeric AS amount,
               ${probability} AS probability, ${closeCol(tz)} AS expected, entered.at AS entered_at,
               CASE WHEN m.seconds IS NULL THEN NULL
                    ELSE greatest(((coalesce(entered.at, ${t('created_at')}) + make_interval(secs => m.seconds)) AT TIME ZONE ${tz})::date, ${todayParam}) END AS predicted
          FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)} ${joins.join(' ')}
          LEFT JOIN LATERAL (SELECT max(h.entered_at) AS at FROM sys_stage_history h
                              WHERE h.entity = ${e} AND h.record_id = ${t('id')} AND h.stage = ${stageCol}::text) AS entered ON TRUE
          LEFT JOIN medians m ON m.stage = ${stageCol}::text
         WHERE ${where.join(' AND ')}
      )`;
    return { sql, tz };
  };

  // 1. The pipeline, by every section at once.
  const p1 = new SqlParams();
  const b1 = base(p1);
  // Every grouping set is computed (GROUPING() needs each expression in one); sections not asked for are dropped below.
  const sets = ['()', '(stage)', "(date_trunc('month', expected)::date)", '(owner)'];
  const pipeline = await db.query<Record<string, unknown>>(
    `${b1.sql}
     SELECT GROUPING(stage) AS gs, GROUPING(date_trunc('month', expected)::date) AS gm, GROUPING(owner) AS go,
            stage, date_trunc('month', expected)::date::text AS month, owner::text AS owner,
            count(*)::int AS count, sum(amount) AS amount, sum(amount * probability / 100.0) AS weighted
       FROM open GROUP BY GROUPING SETS (${sets.join(', ')})`,
    p1.values,
  );
  const bucket = (r: Record<string, unknown>): PipelineBucket => ({ count: Number(r.count ?? 0), amount: round2(Number(r.amount ?? 0)), weighted: round2(Number(r.weighted ?? 0)) });
  const isSet = (r: Record<string, unknown>, g: 'gs' | 'gm' | 'go') => Number(r.gs) + Number(r.gm) + Number(r.go) === 2 && Number(r[g]) === 0;
  const totalRow = pipeline.find((r) => Number(r.gs) + Number(r.gm) + Number(r.go) === 3);

  const p2 = new SqlParams();
  const b2 = base(p2);
  const medians = await db.query<{ stage: string; seconds: number | null; basis: number }>(`${b2.sql} SELECT stage, seconds, basis FROM medians`, p2.values);

  const result: ForecastResult = {
    entity: entity.name,
    amountField: amount.name,
    closeDateField: closeDate.name,
    asOf: today,
    from: from.slice(0, 7),
    to: to.slice(0, 7),
    totals: totalRow ? bucket(totalRow) : { count: 0, amount: 0, weighted: 0 },
    months: [],
    records: [],
    recordsTotal: totalRow ? Number(totalRow.count) : 0,
  };
  if (sections.has('stage')) {
    const rows = new Map(pipeline.filter((r) => isSet(r, 'gs')).map((r) => [String(r.stage), r]));
    const median = new Map(medians.map((m) => [m.stage, m]));
    result.byStage = entity.stages
      .filter((s) => s.outcome === undefined)
      .map((s) => {
        const r = rows.get(s.value);
        const m = median.get(s.value);
        return {
          stage: s.value,
          label: text(s.label, locale, s.value),
          color: s.color ?? null,
          probability: s.probability,
          ...(r ? bucket(r) : { count: 0, amount: 0, weighted: 0 }),
          medianDaysToWin: m?.seconds === null || m?.seconds === undefined ? null : Math.round((Number(m.seconds) / 86_400) * 10) / 10,
          basis: m?.basis ?? 0,
        };
      });
  }
  if (sections.has('month')) {
    result.byMonth = pipeline
      .filter((r) => isSet(r, 'gm'))
      .map((r) => ({ month: r.month === null ? null : String(r.month).slice(0, 7), ...bucket(r) }))
      .sort((a, b) => (a.month === null ? 1 : b.month === null ? -1 : a.month.localeCompare(b.month)));
  }
  if (sections.has('owner')) {
    const rows = pipeline.filter((r) => isSet(r, 'go'));
    const users = model.entities.get('sys_user');
    const names = users && access.can('sys_user', 'read') ? await loadTitles(db, model, users, rows.flatMap((r) => (typeof r.owner === 'string' ? [r.owner] : []))) : new Map<string, string>();
    result.byOwner = rows
      .map((r) => ({ owner: r.owner === null ? null : String(r.owner), name: r.owner === null ? null : (names.get(String(r.owner)) ?? null), ...bucket(r) }))
      .sort((a, b) => b.weighted - a.weighted || (a.name ?? '').localeCompare(b.name ?? ''));
  }

  // 2. Forecast against actual, per month: weighted open amounts by expected and by predicted
  //    close month; amounts won (entered a won stage) in the month, in scope.
  const p3 = new SqlParams();
  const b3 = base(p3);
  const fromParam = p3.add(from, 'date');
  const untilParam = p3.add(addPeriods(to, 'month', 1), 'date');
  const fromInstant = p3.add(startOfDay(from, timeZone).toISOString(), 'timestamptz');
  const untilInstant = p3.add(startOfDay(addPeriods(to, 'month', 1), timeZone).toISOString(), 'timestamptz');
  const months = await db.query<Record<string, unknown>>(
    `${b3.sql},
      series AS (SELECT generate_series(${fromParam}, ${untilParam}::date - 1, interval '1 month')::date AS month),
      expected AS (SELECT date_trunc('month', expected)::date AS month, sum(amount * probability / 100.0) AS weighted FROM open
                    WHERE expected >= ${fromParam} AND expected < ${untilParam} GROUP BY 1),
      predicted AS (SELECT date_trunc('month', predicted)::date AS month, sum(amount * probability / 100.0) AS weighted, count(*)::int AS n FROM open
                    WHERE predicted >= ${fromParam} AND predicted < ${untilParam} GROUP BY 1),
      won_in AS (SELECT date_trunc('month', w.won_at AT TIME ZONE ${b3.tz})::date AS month, sum(coalesce(${amountCol}, 0)) AS amount, count(*)::int AS n
                   FROM won w JOIN ${ident(entity.table)} AS ${ident(ROOT_ALIAS)} ON ${t('id')} = w.record_id
                  WHERE w.won_at >= ${fromInstant} AND w.won_at < ${untilInstant} AND (${access.scopeSql(entity.name, 'read', p3)})${owner ? ` AND ${t('owner')} = ${p3.add(owner, 'uuid')}` : ''}
                  GROUP BY 1)
     SELECT s.month::text AS month, coalesce(e.weighted, 0) AS expected, coalesce(p.weighted, 0) AS predicted, coalesce(p.n, 0) AS predicted_count,
            coalesce(w.amount, 0) AS won, coalesce(w.n, 0) AS won_count
       FROM series s LEFT JOIN expected e ON e.month = s.month LEFT JOIN predicted p ON p.month = s.month LEFT JOIN won_in w ON w.month = s.month
      ORDER BY s.month`,
    p3.values,
  );
  result.months = months.map((r) => ({
    month: String(r.month).slice(0, 7),
    expectedWeighted: round2(Number(r.expected)),
    predictedWeighted: round2(Number(r.predicted)),
    predictedCount: Number(r.predicted_count),
    won: round2(Number(r.won)),
    wonCount: Number(r.won_count),
  }));

  // 3. The open records themselves, soonest predicted first.
  if (limit > 0) {
    const p4 = new SqlParams();
    const b4 = base(p4);
    const records = await db.query<Record<string, unknown>>(
      `${b4.sql}
       SELECT o.id::text AS id, o.owner::text AS owner, o.stage, o.amount, o.probability, o.expected::text AS expected, o.entered_at, o.predicted::text AS predicted
         FROM open o ORDER BY o.predicted ASC NULLS LAST, o.expected ASC NULLS LAST, o.id LIMIT ${sqlInteger(limit)}`,
      p4.values,
    );
    const titles = await loadTitles(db, model, entity, records.map((r) => String(r.id)));
    result.records = records.map((r) => ({
      id: String(r.id),
      title: titles.get(String(r.id)) ?? String(r.id),
      owner: r.owner === null ? null : String(r.owner),
      stage: String(r.stage),
      amount: round2(Number(r.amount)),
      probability: Number(r.probability),
      weighted: round2((Number(r.amount) * Number(r.probability)) / 100),
      expectedCloseDate: r.expected === null ? null : String(r.expected),
      stageEnteredAt: r.entered_at === null ? null : String(r.entered_at),
      predictedCloseDate: r.predicted === null ? null : String(r.predicted),
    }));
  }
  return result;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
