/**
 * `GET /api/reports` (the reports the caller may run, with their parameters, localized),
 * `GET /api/reports/:report?…&format=json|xlsx|pdf` and `GET /api/forecast/:entity`.
 * Shapes: docs/reports.md and the OpenAPI document.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accessOf, type Access } from '../access/access.js';
import type { RoutePlugin } from '../api/app.js';
import { localeOf } from '../api/meta.routes.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { attachmentHeader } from '../records/export.routes.js';
import { XLSX_TYPE } from '../records/xlsx-export.js';
import { runAggregate } from './aggregate.js';
import { runForecast } from './forecast.js';
import { GRAINS, MAX_PERIODS } from './periods.js';
import { runPlanFact } from './plan-fact.js';
import { PDF_TYPE, writeReportPdf } from './report-pdf.js';
import { REPORT_LABELS, canRun, reportFor, single, text, type ReportRef, type ReportResult } from './report-model.js';
import { writeReportXlsx } from './report-xlsx.js';

export interface ReportParameter {
  name: string;
  label: string;
  type: 'period' | 'date' | 'user' | 'department' | 'metrics' | 'condition';
  required: false;
  /** For period: the grains; for metrics: the metric names. */
  options?: Array<{ value: string; label: string }>;
  default?: string;
}


/** What a report takes, for a UI to build its form. */
export function reportParameters(model: CompiledModel, report: ReportRef, locale: string): ReportParameter[] {
  const def = report.def;
  const date = (name: 'from' | 'to'): ReportParameter => ({ name, label: text(REPORT_LABELS[name], locale), type: 'date', required: false });
  if (def.type === 'planFact') {
    return [
      { name: 'period', label: text(REPORT_LABELS.period, locale), type: 'period', required: false, options: def.periods.map((g) => ({ value: g, label: text(REPORT_LABELS[g], locale) })), default: def.periods[0] ?? 'month' },
      date('from'),
      date('to'),
      { name: 'department', label: text(REPORT_LABELS.department, locale), type: 'department', required: false },
      { name: 'employee', label: text(REPORT_LABELS.employee, locale), type: 'user', required: false },
      { name: 'metrics', label: text(REPORT_LABELS.metrics, locale), type: 'metrics', required: false, options: def.metrics.map((m) => ({ value: m.name, label: text(m.label, locale, m.name) })) },
    ];
  }
  const dated = def.groupBy.some((g) => g.period !== undefined);
  return [...(dated ? [date('from'), date('to')] : []), { name: 'filter', label: text(REPORT_LABELS.filter, locale), type: 'condition', required: false }];
}

export async function runReport(db: Db, model: CompiledModel, access: Access, report: ReportRef, query: Readonly<Record<string, unknown>>, locale: string, now: Date): Promise<ReportResult> {
  return report.def.type === 'planFact'
    ? runPlanFact(db, model, access, report.name, report.def, query, locale, now)
    : runAggregate(db, model, access, report.name, report.def, query, locale, now);
}

function localeFor(request: FastifyRequest): string {
  return localeOf(request.model, single(request.query as Record<string, unknown>, 'locale'), request.user?.locale);
}

function subtitleOf(report: ReportResult, now: Date, timeZone: string | undefined): string {
  const p = report.params;
  const range = typeof p.from === 'string' && typeof p.to === 'string' ? `${p.from} — ${p.to}` : '';
  const at = new Intl.DateTimeFormat(report.locale, { dateStyle: 'short', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(now);
  return [range, `${text(REPORT_LABELS.generated, report.locale)}: ${at}`].filter((s) => s !== '').join(' · ');
}

async function sendFile(reply: FastifyReply, request: FastifyRequest, report: ReportResult, format: 'xlsx' | 'pdf', now: Date): Promise<FastifyReply> {
  const day = now.toISOString().slice(0, 10);
  reply.header('content-disposition', attachmentHeader(`${report.name}-${day}.${format}`, `${report.label}-${day}.${format}`));
  if (format === 'pdf') {
    reply.header('content-type', PDF_TYPE);
    return reply.send(writeReportPdf(request.model, report, subtitleOf(report, now, request.model.app.timezone)));
  }
  reply.header('content-type', XLSX_TYPE);
  const { sheet, done } = writeReportXlsx(request.model, report);
  done.catch((error: unknown) => {
    request.log.error({ err: error }, 'report export failed while streaming');
    sheet.stream.destroy(error as Error);
  });
  return reply.send(sheet.stream);
}

export const reportRoutes: RoutePlugin = (app, { db }) => {
  app.get('/api/reports', async (request) => {
    const access = await accessOf(request);
    const locale = localeFor(request);
    const model = request.model;
    const reports = model.reports
      .filter((r) => canRun(access, r))
      .map((r) => ({
        name: r.name,
        type: r.def.type,
        label: text(r.def.label, locale, r.name),
        description: r.def.description ? text(r.def.description, locale) : null,
        entity: r.def.type === 'aggregate' ? r.def.entity : r.def.plan.entity,
        chart: r.def.type === 'aggregate' ? (r.def.chart ?? null) : null,
        formats: ['json', 'xlsx', 'pdf'],
        parameters: reportParameters(model, r, locale),
      }));
    return { reports, maxPeriods: MAX_PERIODS, grains: GRAINS };
  });

  app.get<{ Params: { report: string } }>('/api/reports/:report', async (request, reply) => {
    const access = await accessOf(request);
    const model = request.model;
    const report = reportFor(model, access, request.params.report);
    const query = request.query as Record<string, unknown>;
    const format = single(query, 'format') ?? 'json';
    if (format !== 'json' && format !== 'xlsx' && format !== 'pdf') throw new CardoError('CARDO_ERR_REPORT_PARAMS', 'format must be json, xlsx or pdf.', { errors: [{ path: '/query/format', message: 'Must be json, xlsx or pdf.' }] });
    const now = new Date();
    const result = await runReport(db, model, access, report, query, localeFor(request), now);
    if (format === 'json') return result;
    return sendFile(reply, request, result, format, now);
  });

  app.get<{ Params: { entity: string } }>('/api/forecast/:entity', async (request) => {
    const access = await accessOf(request);
    return runForecast(db, request.model, access, request.params.entity, request.query as Record<string, unknown>, localeFor(request), new Date());
  });
};
