/**
 * Reports and the forecast on fixed data: every expected figure is worked out by hand below,
 * from the records this file creates (dates chosen so the application's time zone matters).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import type { EntityModel } from '../src/compile/compile.js';
import { createRecord, updateRecord } from '../src/records/records.service.js';
import { createDepartment, createOrgUser, setDepartment } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
const u: Record<'head' | 'm1' | 'm2' | 'm3', { id: string; token: string }> = {} as never;
const ids: Record<string, string> = {};
let deptA: string;

const entity = (name: string): EntityModel => t.model.entities.get(name) as EntityModel;

async function create(name: string, values: Record<string, unknown>, at: string): Promise<Json> {
  return createRecord(t.db, t.model, entity(name), values, { actor: { userId: String(values.owner) }, now: new Date(at), confirmDuplicates: true });
}

/** A deal that moves through stages at the given instants (the first is its creation). */
async function deal(key: string, owner: string, values: Record<string, unknown>, path: Array<[string, string]>): Promise<void> {
  const [first, ...rest] = path as [[string, string], ...Array<[string, string]>];
  let record = await create('deal', { title: `Сделка ${key}`, counterparty: ids[`cp_${owner}`], owner: (u as Json)[owner].id, stage: first[0], ...values }, first[1]);
  for (const [stage, at] of rest) {
    record = await updateRecord(t.db, t.model, entity('deal'), String(record.id), { stage }, Number(record.version), { actor: { userId: (u as Json)[owner].id }, now: new Date(at) });
  }
  ids[key] = String(record.id);
}

const get = (who: keyof typeof u | 'admin', url: string): Promise<LightMyRequestResponse> =>
  who === 'admin' ? t.as('admin1', { method: 'GET', url }) : t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${u[who].token}` } });

beforeAll(async () => {
  t = await createTestApp();
  await t.login('admin1');
  u.head = await createOrgUser(t.db, 'rp_head', ['head_of_sales']);
  u.m1 = await createOrgUser(t.db, 'rp_m1', ['sales_manager']);
  u.m2 = await createOrgUser(t.db, 'rp_m2', ['sales_manager']);
  u.m3 = await createOrgUser(t.db, 'rp_m3', ['sales_manager']);
  deptA = await createDepartment(t.db, 'Отдел продаж', u.head.id);
  const deptB = await createDepartment(t.db, 'Региональный отдел', null);
  for (const k of ['head', 'm1', 'm2'] as const) await setDepartment(t.db, u[k].id, deptA);
  await setDepartment(t.db, u.m3.id, deptB);
  const names = { head: 'Петрова Анна', m1: 'Иванов Иван', m2: 'Сидоров Пётр', m3: 'Кузнецова Ольга' };
  for (const [k, name] of Object.entries(names)) await t.db.query('UPDATE sys_user SET full_name = $1 WHERE id = $2', [name, u[k as keyof typeof u].id]);
  for (const k of ['head', 'm1', 'm2', 'm3'] as const) ids[`cp_${k}`] = String((await create('counterparty', { brand: `Клиент ${k}`, owner: u[k].id }, '2025-12-01T09:00:00Z')).id);

  // Won deals: the history the predictions come from.
  // proposal → won: W1 30 d, W2 30 d (10 d + 20 d... see below), W3 30 d; negotiation → won: W1 20 d, W2 10 d.
  await deal('W1', 'm1', { amount: 100000 }, [['proposal', '2026-01-01T00:00:00Z'], ['negotiation', '2026-01-11T00:00:00Z'], ['won', '2026-01-31T00:00:00Z']]);
  await deal('W2', 'm2', { amount: 200000 }, [['proposal', '2026-02-01T00:00:00Z'], ['negotiation', '2026-02-21T00:00:00Z'], ['won', '2026-03-03T00:00:00Z']]);
  await deal('W3', 'm3', { amount: 300000 }, [['proposal', '2026-03-01T00:00:00Z'], ['won', '2026-03-31T00:00:00Z']]);
  await deal('L1', 'm2', { amount: 99999 }, [['proposal', '2026-01-01T00:00:00Z'], ['lost', '2026-01-05T00:00:00Z']]);
  // Open deals, entered their stages far ahead so "never before today" cannot move the predictions.
  await deal('O1', 'm1', { amount: 1000, expectedCloseDate: '2030-03-15' }, [['proposal', '2030-01-10T12:00:00Z']]);
  await deal('O2', 'm2', { amount: 2000, expectedCloseDate: '2030-03-20' }, [['proposal', '2030-01-01T00:00:00Z'], ['negotiation', '2030-01-05T00:00:00Z']]);
  await deal('O3', 'm3', { amount: 4000 }, [['contract', '2030-01-01T00:00:00Z']]);
  await deal('O4', 'm1', { amount: 500, expectedCloseDate: '2030-02-01' }, [['first_contact', '2030-01-02T00:00:00Z']]);
  // Revenue for the plan/fact report: won (actualCloseDate) in October 2026.
  await deal('R1', 'm1', { amount: 150000, actualCloseDate: '2026-10-15' }, [['won', '2026-10-15T09:00:00Z']]);

  // Interactions: m1's call at 22:30 UTC on 31 October is 1 November in Moscow (the app's zone).
  const call = (owner: keyof typeof u, completedAt: string, type = 'outgoing_call') => create('interaction', { type, counterparty: ids[`cp_${owner}`], owner: u[owner].id, completedAt }, completedAt);
  await call('m1', '2026-10-05T10:00:00Z');
  await call('m1', '2026-10-20T10:00:00Z');
  await call('m1', '2026-10-31T22:30:00Z');
  await call('m1', '2026-10-07T10:00:00Z', 'meeting');
  await call('m1', '2026-10-08T10:00:00Z', 'incoming_call');
  await call('m1', '2026-09-30T20:59:00Z'); // 23:59 Moscow, 30 September: outside the quarter
  await call('m2', '2026-10-10T10:00:00Z');
  await call('m3', '2026-10-11T10:00:00Z');
  await call('m3', '2026-10-12T10:00:00Z');
  await call('head', '2026-10-13T10:00:00Z');

  const plan = (employee: keyof typeof u, period: string, metric: string, target: number) => create('kpi_plan', { employee: u[employee].id, period, metric, target, owner: u.head.id }, '2026-09-20T09:00:00Z');
  await plan('m1', '2026-10-01', 'calls', 10);
  await plan('m1', '2026-11-01', 'calls', 10);
  await plan('m1', '2026-10-01', 'revenue_won', 100000);
  await plan('m2', '2026-10-01', 'calls', 20);
  await plan('m3', '2026-10-01', 'calls', 5);
  await plan('head', '2026-10-01', 'calls', 4);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

type Row = { kind: string; cells: Json; keys: Json; color?: string };
const find = (rows: Row[], kind: string, match: Json): Row | undefined => rows.find((r) => r.kind === kind && Object.entries(match).every(([k, v]) => r.keys[k] === v));

describe('GET /api/reports', () => {
  it('lists the reports the caller may run, localized, with their parameters', async () => {
    const r = await get('m1', '/api/reports?locale=ru');
    expect(r.statusCode).toBe(200);
    const reports = r.json().reports as Json[];
    expect(reports.map((x) => x.name).sort()).toEqual(['forecast', 'kpi-plan-fact', 'sales-funnel']);
    const kpi = reports.find((x) => x.name === 'kpi-plan-fact') as Json;
    expect(kpi).toMatchObject({ type: 'planFact', label: 'KPI: план-факт', formats: ['json', 'xlsx', 'pdf'] });
    expect(kpi.parameters.map((p: Json) => p.name)).toEqual(['period', 'from', 'to', 'department', 'employee', 'metrics']);
    expect(kpi.parameters[0].options).toEqual([{ value: 'month', label: 'Месяц' }, { value: 'quarter', label: 'Квартал' }]);
    // sales-funnel has no date grouping: only a filter.
    expect((reports.find((x) => x.name === 'sales-funnel') as Json).parameters.map((p: Json) => p.name)).toEqual(['filter']);
  });

  it('answers 401 without a session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/reports' })).statusCode).toBe(401);
  });
});

describe('planFact: KPI plan and fact', () => {
  const url = (q: string) => `/api/reports/kpi-plan-fact?locale=ru&${q}`;

  it('gives an administrator everyone\'s figures per employee, department and total, by month', async () => {
    const r = await get('admin', url('period=month&from=2026-10&to=2026-11&metrics=calls,revenue_won'));
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.params).toMatchObject({ period: 'month', from: '2026-10-01', to: '2026-11-30', scope: 'all' });
    expect(body.columns.map((c: Json) => c.key)).toEqual(['department', 'employee', 'period', 'metric', 'plan', 'fact', 'percent']);
    const rows = body.rows as Row[];
    // m1, October calls: plan 10; calls on 5 and 20 October (the one at 22:30 UTC on the 31st is November in Moscow; meetings and incoming calls are other metrics).
    expect(find(rows, 'data', { employee: u.m1.id, period: '2026-10', metric: 'calls' })).toMatchObject({ cells: { department: 'Отдел продаж', employee: 'Иванов Иван', metric: 'Звонки', plan: 10, fact: 2, percent: 20 }, color: '#f5222d' });
    expect(find(rows, 'data', { employee: u.m1.id, period: '2026-11', metric: 'calls' })?.cells).toMatchObject({ plan: 10, fact: 1, percent: 10 });
    // Revenue: the won deal of 150,000 against 100,000 planned → 150 %.
    expect(find(rows, 'data', { employee: u.m1.id, period: '2026-10', metric: 'revenue_won' })).toMatchObject({ cells: { plan: 100000, fact: 150000, percent: 150 }, color: '#52c41a' });
    expect(find(rows, 'data', { employee: u.m1.id, period: '2026-11', metric: 'revenue_won' })?.cells).toMatchObject({ plan: null, fact: 0, percent: null });
    expect(find(rows, 'data', { employee: u.m2.id, period: '2026-10', metric: 'calls' })?.cells).toMatchObject({ plan: 20, fact: 1, percent: 5 });
    expect(find(rows, 'data', { employee: u.m3.id, period: '2026-10', metric: 'calls' })?.cells).toMatchObject({ department: 'Региональный отдел', plan: 5, fact: 2, percent: 40 });
    // Department A = head (4 / 1) + m1 (10 / 2) + m2 (20 / 1) = 34 / 4 → 11.8 %.
    expect(find(rows, 'subtotal', { department: deptA, period: '2026-10', metric: 'calls' })?.cells).toMatchObject({ department: 'Отдел продаж', employee: null, plan: 34, fact: 4, percent: 11.8 });
    // Everyone: 34 + 5 = 39 planned, 4 + 2 = 6 made → 15.4 %.
    expect(find(rows, 'total', { period: '2026-10', metric: 'calls' })?.cells).toMatchObject({ department: 'Итого', plan: 39, fact: 6, percent: 15.4 });
    expect(find(rows, 'total', { period: '2026-11', metric: 'calls' })?.cells).toMatchObject({ plan: 10, fact: 1, percent: 10 });
  });

  it('gives a head of sales their department only, and a manager their own figures only', async () => {
    const head = (await get('head', url('period=month&from=2026-10&to=2026-10&metrics=calls'))).json();
    expect(head.params.scope).toBe('subordinates');
    expect(new Set((head.rows as Row[]).filter((r) => r.kind === 'data').map((r) => r.keys.employee))).toEqual(new Set([u.head.id, u.m1.id, u.m2.id]));
    expect(find(head.rows, 'total', { period: '2026-10', metric: 'calls' })?.cells).toMatchObject({ plan: 34, fact: 4, percent: 11.8 });

    const own = (await get('m1', url('period=month&from=2026-10&to=2026-10&metrics=calls'))).json();
    expect((own.rows as Row[]).filter((r) => r.kind === 'data').map((r) => r.keys.employee)).toEqual([u.m1.id]);
    expect(find(own.rows, 'total', { period: '2026-10', metric: 'calls' })?.cells).toMatchObject({ plan: 10, fact: 2, percent: 20 });
    // Asking for someone else's figures does not widen the scope.
    const other = (await get('m1', url(`period=month&from=2026-10&to=2026-10&metrics=calls&employee=${u.m2.id}`))).json();
    expect((other.rows as Row[]).filter((r) => r.kind === 'data')).toEqual([]);
  });

  it('sums a quarter, and filters by department', async () => {
    const body = (await get('admin', url(`period=2026-Q4&metrics=calls&department=${deptA}`))).json();
    expect(body.params).toMatchObject({ period: 'quarter', from: '2026-10-01', to: '2026-12-31' });
    // m1: plans 10 + 10; calls 5 Oct, 20 Oct, 1 Nov (Moscow) — the one on 30 September is not in Q4.
    expect(find(body.rows, 'data', { employee: u.m1.id, period: '2026-Q4', metric: 'calls' })?.cells).toMatchObject({ plan: 20, fact: 3, percent: 15 });
    expect((body.rows as Row[]).some((r) => r.keys.employee === u.m3.id)).toBe(false);
    expect(find(body.rows, 'total', { period: '2026-Q4', metric: 'calls' })?.cells).toMatchObject({ plan: 44, fact: 5 });
  });

  it.each([
    ['a grain the report does not offer', 'period=year', '/query/period'],
    ['a malformed period', 'period=2026-13', '/query/period'],
    ['a malformed date', 'from=2026-02-30', '/query/from'],
    ['to before from', 'from=2026-10&to=2026-09', '/query/to'],
    ['too many periods', 'from=2020-01&to=2026-12', '/query/to'],
    ['an unknown metric', 'metrics=calls,naps', '/query/metrics'],
    ['a department that is no id', 'department=sales', '/query/department'],
    ['an unknown parameter', 'colour=red', '/query/colour'],
    ['an unknown format', 'format=docx', '/query/format'],
  ])('refuses %s with 400', async (_name, query, path) => {
    const r = await get('admin', url(query));
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ code: 'CARDO_ERR_REPORT_PARAMS', errors: [{ path }] });
  });

  it('answers 404 for an unknown report and for one the caller may not run', async () => {
    expect((await get('admin', '/api/reports/nope')).json()).toMatchObject({ code: 'CARDO_ERR_REPORT_UNKNOWN' });
    const lawyer = await createOrgUser(t.db, 'rp_lawyer', ['lawyer']);
    const r = await t.app.inject({ method: 'GET', url: '/api/reports/kpi-plan-fact', headers: { authorization: `Bearer ${lawyer.token}` } });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'CARDO_ERR_REPORT_UNKNOWN' });
  });
});

describe('aggregate reports', () => {
  it('groups the funnel by stage within the caller\'s scope, with stage colors and a total', async () => {
    const admin = (await get('admin', '/api/reports/sales-funnel?locale=en')).json();
    const data = (admin.rows as Row[]).filter((r) => r.kind === 'data');
    // Lost deals are left out by the report's condition; stages keep their declared order.
    expect(data.map((r) => [r.keys.stage, r.cells.count, r.cells.amount])).toEqual([
      ['first_contact', 1, 500],
      ['proposal', 1, 1000],
      ['negotiation', 1, 2000],
      ['contract', 1, 4000],
      ['won', 4, 750000],
    ]);
    expect(data[0]).toMatchObject({ cells: { stage: 'First contact' }, color: '#91caff' });
    expect((admin.rows as Row[]).at(-1)).toMatchObject({ kind: 'total', cells: { stage: 'Total', count: 8, amount: 757500 } });

    const own = (await get('m1', '/api/reports/sales-funnel')).json();
    expect((own.rows as Row[]).map((r) => [r.kind, r.keys.stage ?? null, r.cells.count, r.cells.amount])).toEqual([
      ['data', 'first_contact', 1, 500],
      ['data', 'proposal', 1, 1000],
      ['data', 'won', 2, 250000],
      ['total', null, 4, 251500],
    ]);
  });

  it('weights amounts by stage probability per expected close month, within from/to', async () => {
    const body = (await get('admin', '/api/reports/forecast?from=2030-01&to=2030-12')).json();
    // O4: 500 × 10 % (February); O1 1000 × 40 % + O2 2000 × 60 % (March); O3 has no expected date.
    expect((body.rows as Row[]).map((r) => [r.kind, r.cells.expectedCloseDate, r.cells.count, r.cells.amount, r.cells.weighted_amount])).toEqual([
      ['data', '2030-02', 1, 500, 50],
      ['data', '2030-03', 2, 3000, 1600],
      ['total', 'Итого', 3, 3500, 1650],
    ]);
  });

  it('takes a filter in the condition language and refuses a bad one', async () => {
    const body = (await get('admin', `/api/reports/sales-funnel?filter=${encodeURIComponent(JSON.stringify({ amount: { $gte: 200000 } }))}`)).json();
    expect((body.rows as Row[]).map((r) => [r.kind, r.cells.count, r.cells.amount])).toEqual([['data', 2, 500000], ['total', 2, 500000]]);
    expect((await get('admin', `/api/reports/sales-funnel?filter=${encodeURIComponent('{"nope":1}')}`)).json()).toMatchObject({ code: 'CARDO_ERR_API_BAD_CONDITION' });
    expect((await get('admin', '/api/reports/sales-funnel?from=2026-01')).json()).toMatchObject({ code: 'CARDO_ERR_REPORT_PARAMS' });
  });
});

describe('GET /api/forecast/:entity', () => {
  it('gives the weighted pipeline by stage, month and owner, with medians from won deals (administrator)', async () => {
    const r = await get('admin', '/api/forecast/deal?from=2030-01&to=2030-03&locale=en');
    expect(r.statusCode).toBe(200);
    const f = r.json();
    expect(f).toMatchObject({ entity: 'deal', amountField: 'amount', closeDateField: 'expectedCloseDate', totals: { count: 4, amount: 7500, weighted: 4850 } });
    // proposal → won took 30 days for W1, W2 and W3; negotiation → won 20 (W1) and 10 (W2) days; nobody was won from contract.
    expect(f.byStage.map((s: Json) => [s.stage, s.count, s.amount, s.weighted, s.medianDaysToWin, s.basis])).toEqual([
      ['first_contact', 1, 500, 50, null, 0],
      ['needs_identified', 0, 0, 0, null, 0],
      ['proposal', 1, 1000, 400, 30, 3],
      ['negotiation', 1, 2000, 1200, 15, 2],
      ['contract', 1, 4000, 3200, null, 0],
    ]);
    expect(f.byStage[2]).toMatchObject({ label: 'Proposal', probability: 40, color: '#4096ff' });
    expect(f.byMonth).toEqual([
      { month: '2030-02', count: 1, amount: 500, weighted: 50 },
      { month: '2030-03', count: 2, amount: 3000, weighted: 1600 },
      { month: null, count: 1, amount: 4000, weighted: 3200 },
    ]);
    expect(f.byOwner).toEqual([
      { owner: u.m3.id, name: 'Кузнецова Ольга', count: 1, amount: 4000, weighted: 3200 },
      { owner: u.m2.id, name: 'Сидоров Пётр', count: 1, amount: 2000, weighted: 1200 },
      { owner: u.m1.id, name: 'Иванов Иван', count: 2, amount: 1500, weighted: 450 },
    ]);
    // O2 entered negotiation 5 Jan + 15 days → 20 Jan; O1 entered proposal 10 Jan 12:00 UTC + 30 days → 9 Feb.
    expect(f.records.map((d: Json) => [d.title, d.predictedCloseDate, d.weighted])).toEqual([
      ['Сделка O2', '2030-01-20', 1200],
      ['Сделка O1', '2030-02-09', 400],
      ['Сделка O4', null, 50],
      ['Сделка O3', null, 3200],
    ]);
    expect(f.months).toEqual([
      { month: '2030-01', expectedWeighted: 0, predictedWeighted: 1200, predictedCount: 1, won: 0, wonCount: 0 },
      { month: '2030-02', expectedWeighted: 50, predictedWeighted: 400, predictedCount: 1, won: 0, wonCount: 0 },
      { month: '2030-03', expectedWeighted: 1600, predictedWeighted: 0, predictedCount: 0, won: 0, wonCount: 0 },
    ]);
  });

  it('scopes everything but the medians: a head of sales vs a sales manager', async () => {
    const head = (await get('head', '/api/forecast/deal?from=2026-01&to=2026-03')).json();
    expect(head.totals).toEqual({ count: 3, amount: 3500, weighted: 1650 });
    // W3 (m3, another department) is not the head's: March holds W2 only.
    expect(head.months.map((m: Json) => [m.month, m.won, m.wonCount])).toEqual([['2026-01', 100000, 1], ['2026-02', 0, 0], ['2026-03', 200000, 1]]);
    const admin = (await get('admin', '/api/forecast/deal?from=2026-01&to=2026-03')).json();
    expect(admin.months.map((m: Json) => [m.month, m.won, m.wonCount])).toEqual([['2026-01', 100000, 1], ['2026-02', 0, 0], ['2026-03', 500000, 2]]);

    const m1 = (await get('m1', '/api/forecast/deal?groupBy=stage')).json();
    expect(m1.totals).toEqual({ count: 2, amount: 1500, weighted: 450 });
    expect(m1.byMonth).toBeUndefined();
    expect(m1.byStage.find((s: Json) => s.stage === 'proposal')).toMatchObject({ count: 1, medianDaysToWin: 30, basis: 3 });
    expect(m1.records.map((d: Json) => d.title)).toEqual(['Сделка O1', 'Сделка O4']);
  });

  it.each([
    ['an entity without stages', '/api/forecast/counterparty', 400, 'CARDO_ERR_FORECAST_NO_STAGES'],
    ['an amount field that is not a number', '/api/forecast/deal?amount=title', 400, 'CARDO_ERR_FORECAST_NO_STAGES'],
    ['an unknown section', '/api/forecast/deal?groupBy=color', 400, 'CARDO_ERR_REPORT_PARAMS'],
    ['a malformed month', '/api/forecast/deal?from=2026-13', 400, 'CARDO_ERR_REPORT_PARAMS'],
    ['too long a range', '/api/forecast/deal?from=2020-01&to=2026-01', 400, 'CARDO_ERR_REPORT_PARAMS'],
    ['a limit over the maximum', '/api/forecast/deal?limit=5000', 400, 'CARDO_ERR_REPORT_PARAMS'],
    ['an unknown entity', '/api/forecast/nope', 404, 'CARDO_ERR_API_UNKNOWN_ENTITY'],
  ])('refuses %s', async (_name, url, status, code) => {
    const r = await get('admin', url);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ code });
  });

  it('answers 404 for an entity the caller cannot read', async () => {
    expect((await get('m1', '/api/forecast/sys_audit')).statusCode).toBe(404);
  });
});

async function workbookOf(r: LightMyRequestResponse): Promise<ExcelJS.Worksheet> {
  expect(r.statusCode).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
  return workbook.worksheets[0] as ExcelJS.Worksheet;
}
const values = (sheet: ExcelJS.Worksheet, n: number) => (sheet.getRow(n).values as unknown[]).slice(1);

describe('export of reports', () => {
  it('writes the plan/fact report to xlsx with formats, colors, a frozen header and bold totals', async () => {
    const r = await get('admin', '/api/reports/kpi-plan-fact?locale=ru&period=month&from=2026-10&to=2026-10&metrics=calls,revenue_won&format=xlsx');
    expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(String(r.headers['content-disposition'])).toMatch(/^attachment; filename="kpi-plan-fact-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const sheet = await workbookOf(r);
    expect(values(sheet, 1)).toEqual(['Подразделение', 'Сотрудник', 'Период', 'Показатель', 'План', 'Факт', '% выполнения']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2));
    const m1Calls = rows.find((row) => row.getCell(2).value === 'Иванов Иван' && row.getCell(4).value === 'Звонки') as ExcelJS.Row;
    expect(values(sheet, m1Calls.number)).toEqual(['Отдел продаж', 'Иванов Иван', '2026-10', 'Звонки', 10, 2, 0.2]);
    expect(m1Calls.getCell(7).numFmt).toBe('0.0%');
    expect((m1Calls.getCell(1).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFCB2B6');
    const revenue = rows.find((row) => row.getCell(2).value === 'Иванов Иван' && row.getCell(4).value === 'Выручка по выигранным сделкам') as ExcelJS.Row;
    expect([revenue.getCell(5).value, revenue.getCell(6).value]).toEqual([100000, 150000]);
    expect(revenue.getCell(6).numFmt).toContain('₽');
    const total = rows.find((row) => row.getCell(1).value === 'Итого' && row.getCell(4).value === 'Звонки') as ExcelJS.Row;
    expect(values(sheet, total.number).slice(4)).toEqual([39, 6, 0.154]);
    expect(total.getCell(5).font?.bold).toBe(true);
  });

  it('writes the forecast report to xlsx', async () => {
    const sheet = await workbookOf(await get('admin', '/api/reports/forecast?locale=en&from=2030-01&to=2030-12&format=xlsx'));
    expect(values(sheet, 1)).toEqual(['Expected close date', 'Deals', 'Amount', 'Weighted amount']);
    expect(values(sheet, 3)).toEqual(['2030-03', 2, 3000, 1600]);
    expect(values(sheet, 4)).toEqual(['Total', 3, 3500, 1650]);
  });

  it('writes a PDF whose text holds the Cyrillic names, over several pages each with the header row', async () => {
    const r = await get('admin', '/api/reports/kpi-plan-fact?locale=ru&period=month&from=2026-01&to=2026-12&format=pdf');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const pdf = await pdfjs.getDocument({ data: new Uint8Array(r.rawPayload), useSystemFonts: false, disableFontFace: true }).promise;
    expect(pdf.numPages).toBeGreaterThan(1);
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    const all = pages.join(' ');
    for (const name of ['KPI: план-факт', 'Иванов Иван', 'Сидоров Пётр', 'Кузнецова Ольга', 'Отдел продаж', 'Итого', 'Звонки']) expect(all).toContain(name);
    for (const page of pages) expect(page).toContain('Показатель');
    await pdf.destroy();
  });
});

describe('list export: colors and totals', () => {
  it('fills rows with the view\'s color rule and ends with a total of the money columns', async () => {
    const filter = JSON.stringify({ title: { $in: ['Сделка W1', 'Сделка O1', 'Сделка L1'] } });
    const sheet = await workbookOf(await t.as('admin1', { method: 'GET', url: `/api/data/deal/export.xlsx?view=all&sort=title&fields=title,stage,amount&filter=${encodeURIComponent(filter)}` }));
    expect(values(sheet, 2)).toEqual(['Сделка L1', 'Проиграна', 99999]);
    expect(values(sheet, 4)).toEqual(['Сделка W1', 'Успешно закрыта', 100000]);
    // Won → #52c41a, lost → #8c8c8c (the view's rules), tinted; O1 matches no rule.
    expect((sheet.getRow(4).getCell(1).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFC2EAAF');
    expect((sheet.getRow(2).getCell(1).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFD7D7D7');
    expect(sheet.getRow(3).getCell(1).fill).toBeUndefined();
    const total = sheet.getRow(5);
    expect(total.getCell(1).value).toBe('Итого');
    expect(total.getCell(3).value).toEqual({ formula: 'SUBTOTAL(109,C2:C4)', result: 200999 });
    expect(total.getCell(3).font?.bold).toBe(true);
  });
});
