// The list queries against real rows: every operator (NULLs included) answers as the shared
// predicate does, color rules too; search, sort, paging, totals and groups. The same suite
// runs on the test database (PGlite over the wire, or PostgreSQL with DATABASE_URL) and on an
// embedded PGlite Db, the default runtime (one session, run in turn).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CompiledModel, EntityModel } from '../src/compile/compile.js';
import { toPredicate } from '../src/condition/condition.js';
import { openDb } from '../src/db/db.js';
import type { Db } from '../src/db/db.js';
import { CardoError } from '../src/errors.js';
import type { Condition } from '../src/generated/metadata.js';
import { applyMigration } from '../src/plan/apply.js';
import { colorOf } from '../src/query/color.js';
import type { QueryContext } from '../src/query/condition-sql.js';
import { executeGroupBy } from '../src/query/group-query.js';
import { parseListParams } from '../src/query/list-params.js';
import { EXACT_TOTAL_LIMIT, executeList } from '../src/query/list-query.js';
import type { ApiRecord } from '../src/query/list-query.js';
import { createAppDatabase } from './helpers/app-db.js';
import { ME, NOW, OTHER_USER, PROBE_VIEW, entityOf, probeModel } from './query-fixture.js';

const CTX: QueryContext = { me: ME, now: NOW };
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const C1 = id(101);
const C2 = id(102);
const C3 = id(103);
const I1 = id(201);
const P = (n: number) => id(n);

interface Backend {
  db: Db;
  close(): Promise<void>;
}

async function testDatabase(model: CompiledModel): Promise<Backend> {
  const app = await createAppDatabase({ model });
  return { db: app.db, close: () => app.close() };
}

async function embeddedPglite(model: CompiledModel): Promise<Backend> {
  const db = await openDb({});
  await applyMigration({ db }, model);
  return { db, close: () => db.close() };
}

async function insert(db: Db, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    await db.query(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((c) => row[c]),
    );
  }
}

const day = (n: number) => `2024-01-${String(n).padStart(2, '0')}T00:00:00Z`;

async function seed(db: Db): Promise<void> {
  const sys = (n: number) => ({ created_at: day(n), updated_at: day(n) });
  await insert(db, 'sys_user', [
    { id: ME, ...sys(1), login: 'me', full_name: 'Irina Me' },
    { id: OTHER_USER, ...sys(1), login: 'other', full_name: 'Oleg Other' },
  ]);
  await insert(db, 'counterparty', [
    { id: C1, ...sys(1), brand: 'Alpha', status: 'key', owner: ME },
    { id: C2, ...sys(2), brand: 'Beta', status: 'blacklisted', owner: OTHER_USER },
    { id: C3, ...sys(3), brand: 'Gamma', status: null, owner: null },
  ]);
  await insert(db, 'interaction', [{ id: I1, ...sys(1), type: 'meeting', counterparty: C1 }]);
  await insert(db, 'probe', [
    // P1 and P2 share created_at: the default sort needs the id tie-breaker.
    { id: P(1), ...sys(1), owner: ME, name: 'Anna', notes: 'first call went well', code: 'A-1', email: 'anna@x.io', qty: 1, price: 10.5, ratio: 0.5, share: 12.5, active: true, due: '2024-05-10', at: '2024-05-15 09:00:00.123456+00', status: 'open', tags: ['vip'], counterparty: C1, responsible: ME, phase: 'lead', interaction: I1 },
    { id: P(2), ...sys(1), owner: OTHER_USER, name: 'boris', notes: '50% discount', code: 'b_2', qty: 2, price: 1000, ratio: 1.25, share: 50, active: false, due: '2024-05-15', at: '2024-05-15 10:30:00+00', status: 'won', tags: ['new', 'old'], counterparty: C2, responsible: OTHER_USER, phase: 'deal' },
    // at has microseconds the API does not show: it reads as 10:30:00.000.
    { id: P(3), ...sys(3), name: 'Vera', code: '0190A5B4-7C3E-7D2A-9F10-0000000000FF', qty: -3, price: 0, share: 0, due: '2024-06-01', at: '2024-05-15 10:30:00.0005+00', status: 'lost', tags: [], counterparty: C3, phase: 'closed' },
    { id: P(4), ...sys(4), name: 'Глеб', notes: 'Привет, МИР', code: 'ПРИВЕТ мир', ratio: 2, active: true, responsible: ME },
    { id: P(5), ...sys(5), name: 'anna', notes: 'Second CALL', code: 'a-1', qty: 1, price: 10.5, ratio: 0.5, active: true, due: '2024-05-15', at: '2024-05-14 23:59:59.999+00', status: 'open', tags: ['old'], counterparty: C1, responsible: OTHER_USER, phase: 'lead', interaction: I1 },
    { id: P(6), ...sys(6), name: 'Zed_%', notes: 'back\\slash', code: '100%', qty: 100, price: 99999.99, ratio: 3.1415, share: 99.9999, active: false, due: '2023-12-31', at: '2024-01-01 00:00:00+03', status: 'won', tags: ['vip', 'new'], counterparty: C2, responsible: ME, phase: 'lead' },
    { id: P(7), ...sys(7), name: 'empty' },
    { id: P(8), ...sys(8), name: 'Åsa', code: '0190a5b4-7c3e-7d2a-9f10-0000000000ff', qty: 0, price: 0.01, ratio: 10, share: 100, active: false, due: '2024-05-16', at: '2024-05-16 00:00:00+00', status: 'lost', tags: ['new'], counterparty: C3, responsible: OTHER_USER, phase: 'deal' },
  ]);
}

const ALL = ['Anna', 'boris', 'Vera', 'Глеб', 'anna', 'Zed_%', 'empty', 'Åsa'];

/** [condition, the names it matches]. Each is also checked negated, where UNKNOWN must stay unmatched. */
const CONDITIONS: Array<[Record<string, unknown>, string[]]> = [
  [{}, ALL],
  [{ name: 'anna' }, ['anna']],
  [{ name: { $ne: 'anna' } }, ALL.filter((n) => n !== 'anna')],
  [{ status: null }, ['Глеб', 'empty']],
  [{ status: { $eq: null } }, ['Глеб', 'empty']],
  [{ status: { $ne: null } }, ['Anna', 'boris', 'Vera', 'anna', 'Zed_%', 'Åsa']],
  [{ status: { $ne: 'won' } }, ['Anna', 'Vera', 'anna', 'Åsa']],
  [{ $or: [{ status: { $ne: 'won' } }, { status: null }] }, ['Anna', 'Vera', 'anna', 'Åsa', 'Глеб', 'empty']],
  [{ status: { $in: ['open', 'lost'] } }, ['Anna', 'Vera', 'anna', 'Åsa']],
  [{ status: { $in: ['open', null] } }, ['Anna', 'anna', 'Глеб', 'empty']],
  [{ status: { $in: [null] } }, ['Глеб', 'empty']],
  [{ status: { $nin: ['open', 'lost'] } }, ['boris', 'Zed_%']],
  [{ status: { $nin: ['won', null] } }, ['Anna', 'Vera', 'anna', 'Åsa']],
  [{ status: { $nin: [null] } }, ['Anna', 'boris', 'Vera', 'anna', 'Zed_%', 'Åsa']],
  [{ status: { $in: [] } }, []],
  [{ status: { $nin: [] } }, ALL],
  [{ status: { $null: true } }, ['Глеб', 'empty']],
  [{ name: { $gt: 'Z' } }, ['boris', 'Глеб', 'anna', 'Zed_%', 'empty', 'Åsa']],
  [{ name: { $lte: 'Vera' } }, ['Anna', 'Vera']],
  [{ name: { $gte: 'anna', $lt: 'empty' } }, ['anna', 'boris']],
  [{ qty: { $gte: 1 } }, ['Anna', 'boris', 'anna', 'Zed_%']],
  [{ qty: { $lt: 0 } }, ['Vera']],
  [{ qty: 0 }, ['Åsa']],
  [{ qty: { $ne: 1 } }, ['boris', 'Vera', 'Zed_%', 'Åsa']],
  [{ qty: { $in: [1, 100] } }, ['Anna', 'anna', 'Zed_%']],
  [{ qty: { $nin: [1, 100] } }, ['boris', 'Vera', 'Åsa']],
  [{ price: { $gt: 10.5 } }, ['boris', 'Zed_%']],
  [{ price: 10.5 }, ['Anna', 'anna']],
  [{ price: { $lte: 0.01 } }, ['Vera', 'Åsa']],
  [{ price: { $in: [0, 99999.99] } }, ['Vera', 'Zed_%']],
  [{ ratio: { $gte: 2 } }, ['Глеб', 'Zed_%', 'Åsa']],
  [{ share: { $lt: 50 } }, ['Anna', 'Vera']],
  [{ share: 99.9999 }, ['Zed_%']],
  [{ active: true }, ['Anna', 'Глеб', 'anna']],
  [{ active: false }, ['boris', 'Zed_%', 'Åsa']],
  [{ active: { $ne: true } }, ['boris', 'Zed_%', 'Åsa']],
  [{ active: { $in: [true, null] } }, ['Anna', 'Vera', 'Глеб', 'anna', 'empty']],
  [{ active: { $null: true } }, ['Vera', 'empty']],
  [{ due: { $lt: '$today' } }, ['Anna', 'Zed_%']],
  [{ due: '$today' }, ['boris', 'anna']],
  [{ due: { $gte: '$today+P1D' } }, ['Vera', 'Åsa']],
  [{ due: { $gte: '$today-P1M' } }, ['Anna', 'boris', 'Vera', 'anna', 'Åsa']],
  [{ due: { $gt: '2024-05-15', $lte: '2024-06-01' } }, ['Vera', 'Åsa']],
  [{ due: { $in: ['2024-05-10', '$today'] } }, ['Anna', 'boris', 'anna']],
  [{ due: { $nin: ['2024-05-10', '$today'] } }, ['Vera', 'Zed_%', 'Åsa']],
  [{ at: { $gte: '$today' } }, ['Anna', 'boris', 'Vera', 'Åsa']],
  [{ at: { $lt: '$now' } }, ['Anna', 'anna', 'Zed_%']],
  // Vera's 10:30:00.0005 is 10:30:00.000 in the API, so it equals $now there and in SQL.
  [{ at: '$now' }, ['boris', 'Vera']],
  [{ at: { $gt: '$now' } }, ['Åsa']],
  [{ at: { $lte: '2024-05-15T10:30:00Z' } }, ['Anna', 'boris', 'Vera', 'anna', 'Zed_%']],
  [{ at: { $gt: '$now-PT1H30M', $lt: '$now+PT1M' } }, ['Anna', 'boris', 'Vera']],
  [{ at: '2024-05-16' }, ['Åsa']],
  [{ at: '2024-05-15T09:00:00.123Z' }, ['Anna']],
  [{ at: { $in: ['2024-05-15T10:30:00.000Z', '2024-01-01T00:00:00+03:00'] } }, ['boris', 'Vera', 'Zed_%']],
  [{ at: { $ne: '2024-05-15T13:30:00+03:00' } }, ['Anna', 'anna', 'Zed_%', 'Åsa']],
  [{ tags: { $contains: 'vip' } }, ['Anna', 'Zed_%']],
  [{ tags: { $contains: 'old' } }, ['boris', 'anna']],
  [{ tags: null }, ['Vera', 'Глеб', 'empty']],
  [{ tags: { $null: false } }, ['Anna', 'boris', 'anna', 'Zed_%', 'Åsa']],
  [{ tags: { $ne: null } }, ['Anna', 'boris', 'anna', 'Zed_%', 'Åsa']],
  [{ $not: { tags: { $contains: 'vip' } } }, ['boris', 'anna', 'Åsa']],
  [{ name: { $contains: 'NN' } }, ['Anna', 'anna']],
  [{ name: { $startsWith: 'a' } }, ['Anna', 'anna']],
  [{ name: { $contains: '_%' } }, ['Zed_%']],
  [{ name: { $contains: '%' } }, ['Zed_%']],
  [{ name: { $startsWith: '_' } }, []],
  [{ notes: { $contains: '\\' } }, ['Zed_%']],
  [{ notes: { $contains: 'мир' } }, ['Глеб']],
  [{ notes: { $contains: 'call' } }, ['Anna', 'anna']],
  [{ email: { $contains: '@' } }, ['Anna']],
  [{ code: { $startsWith: 'a-' } }, ['Anna', 'anna']],
  [{ code: 'a-1' }, ['anna']],
  // UUID-shaped text compares ignoring case, as compareValues does.
  [{ code: '0190a5b4-7c3e-7d2a-9f10-0000000000ff' }, ['Vera', 'Åsa']],
  [{ code: { $in: ['A-1', '0190A5B4-7C3E-7D2A-9F10-0000000000FF'] } }, ['Anna', 'Vera', 'Åsa']],
  [{ code: { $nin: ['A-1', '0190A5B4-7C3E-7D2A-9F10-0000000000FF'] } }, ['boris', 'Глеб', 'anna', 'Zed_%']],
  [{ code: { $lte: '0190A5B4-7C3E-7D2A-9F10-0000000000FF' } }, ['Vera', 'Åsa']],
  [{ responsible: '$me' }, ['Anna', 'Глеб', 'Zed_%']],
  [{ responsible: { $ne: '$me' } }, ['boris', 'anna', 'Åsa']],
  [{ responsible: { $in: ['$me', null] } }, ['Anna', 'Vera', 'Глеб', 'Zed_%', 'empty']],
  [{ responsible: OTHER_USER.toUpperCase() }, ['boris', 'anna', 'Åsa']],
  [{ owner: '$me' }, ['Anna']],
  [{ counterparty: C1 }, ['Anna', 'anna']],
  [{ counterparty: { $nin: [C1, C2] } }, ['Vera', 'Åsa']],
  [{ 'counterparty.status': 'key' }, ['Anna', 'anna']],
  [{ 'counterparty.status': { $ne: 'key' } }, ['boris', 'Zed_%']],
  [{ 'counterparty.status': null }, ['Vera', 'Глеб', 'empty', 'Åsa']],
  [{ 'counterparty.brand': { $in: ['Beta', 'Gamma'] } }, ['boris', 'Vera', 'Zed_%', 'Åsa']],
  [{ 'counterparty.owner.fullName': { $startsWith: 'irina' } }, ['Anna', 'anna']],
  [{ 'counterparty.owner': '$me' }, ['Anna', 'anna']],
  [{ 'responsible.fullName': 'Oleg Other' }, ['boris', 'anna', 'Åsa']],
  [{ phase: 'lead' }, ['Anna', 'anna', 'Zed_%']],
  [{ phase: { $nin: ['lead', 'deal'] } }, ['Vera']],
  [{ $and: [{ active: true }, { qty: { $gte: 1 } }] }, ['Anna', 'anna']],
  [{ $or: [{ qty: { $gt: 50 } }, { ratio: { $gt: 5 } }] }, ['Zed_%', 'Åsa']],
  [{ $not: { $or: [{ status: 'won' }, { active: true }] } }, ['Åsa']],
  [{ $not: { $and: [{ status: 'open' }, { qty: 1 }] } }, ['boris', 'Vera', 'Zed_%', 'Åsa']],
  [{ name: 'Anna', qty: 1, status: { $in: ['open'], $ne: 'won' } }, ['Anna']],
  [{ id: P(1) }, ['Anna']],
  [{ id: { $in: [P(1).toUpperCase(), 'not-a-uuid'] } }, ['Anna']],
  [{ id: 'abc' }, []],
  [{ id: { $startsWith: '00000000-0000-7000-8000-00000000000' } }, ['Anna', 'boris', 'Vera', 'Глеб', 'anna', 'Zed_%', 'empty', 'Åsa']],
  [{ createdAt: { $gte: '2024-01-05' } }, ['anna', 'Zed_%', 'empty', 'Åsa']],
  [{ updatedAt: { $lt: '$now-P1D' } }, ALL],
];

const sorted = (names: readonly string[]) => [...names].sort();

describe.each<[string, (model: CompiledModel) => Promise<Backend>]>([
  ['the test database', testDatabase],
  ['an embedded PGlite', embeddedPglite],
])('list queries on %s', (_name, open) => {
  let model: CompiledModel;
  let probe: EntityModel;
  let backend: Backend;
  let db: Db;
  /** Every probe record as the API returns it, references expanded for dot paths. */
  let records: ApiRecord[];

  const list = (query: Record<string, unknown>, ctx: QueryContext = CTX) => executeList(db, model, probe, parseListParams(query, probe), ctx);
  const names = async (query: Record<string, unknown>, ctx: QueryContext = CTX) => (await list({ limit: '1000', view: 'bare', ...query }, ctx)).items.map((r) => String(r.name));

  beforeAll(async () => {
    ({ model, probe } = await probeModel());
    backend = await open(model);
    db = backend.db;
    await seed(db);
    const bare = { view: 'bare', limit: '1000' };
    const sysUser = entityOf(model, 'sys_user');
    const users = new Map((await executeList(db, model, sysUser, parseListParams({ limit: '1000' }, sysUser), CTX)).items.map((u) => [u.id, u]));
    const counterparty = entityOf(model, 'counterparty');
    const cps = new Map(
      (await executeList(db, model, counterparty, parseListParams({ limit: '1000' }, counterparty), CTX)).items.map((c) => [c.id, { ...c, owner: users.get(c.owner) ?? c.owner }]),
    );
    records = (await list(bare)).items.map((r) => ({
      ...r,
      counterparty: cps.get(r.counterparty) ?? r.counterparty,
      responsible: users.get(r.responsible) ?? r.responsible,
      owner: users.get(r.owner) ?? r.owner,
    }));
  }, 120_000);

  afterAll(async () => {
    await backend?.close();
  });

  it('returns API records: field names, stored fields only, id and version always', async () => {
    const { items } = await list({ view: 'bare', filter: JSON.stringify({ id: P(1) }) });
    expect(items).toHaveLength(1);
    const [anna] = items;
    expect(anna).toMatchObject({ id: P(1), version: 1, name: 'Anna', qty: 1, price: 10.5, share: 12.5, active: true, due: '2024-05-10', at: '2024-05-15T09:00:00.123Z', tags: ['vip'], counterparty: C1, responsible: ME, createdAt: '2024-01-01T00:00:00.000Z' });
    expect(Object.keys(anna ?? {}).some((k) => k.startsWith('dup_') || k.includes('_'))).toBe(false);
    expect(anna).not.toHaveProperty('doubled');
    expect(anna).not.toHaveProperty('$color');
    const { items: some } = await list({ view: 'bare', fields: 'name,qty', filter: JSON.stringify({ id: P(1) }) });
    expect(some).toEqual([{ id: P(1), version: 1, name: 'Anna', qty: 1 }]);
  });

  it.each(CONDITIONS)('filter %j matches what the predicate matches', async (condition, expected) => {
    const matched = await names({ filter: JSON.stringify(condition) });
    expect(sorted(matched)).toEqual(sorted(expected));
    const predicate = toPredicate(condition as Condition, CTX);
    expect(sorted(matched)).toEqual(sorted(records.filter(predicate).map((r) => String(r.name))));
    // Negated, UNKNOWN rows must stay out on both sides.
    const negated = { $not: condition };
    const notMatched = await names({ filter: JSON.stringify(negated) });
    expect(sorted(notMatched)).toEqual(sorted(records.filter(toPredicate(negated as Condition, CTX)).map((r) => String(r.name))));
  });

  it('matches nothing for $me without a user, as the predicate does', async () => {
    const anonymous = { me: null, now: NOW };
    expect(await names({ filter: JSON.stringify({ responsible: '$me' }) }, anonymous)).toEqual([]);
    expect(await names({ filter: JSON.stringify({ $not: { responsible: '$me' } }) }, anonymous)).toEqual([]);
    expect(records.filter(toPredicate({ responsible: { $ne: '$me' } }, anonymous))).toEqual([]);
    expect(await names({ filter: JSON.stringify({ responsible: { $ne: '$me' } }) }, anonymous)).toEqual([]);
  });

  it('colors rows as colorOf does, first matching rule winning', async () => {
    const { items } = await list({ view: 'all', limit: '100' });
    const byName = new Map(items.map((r) => [r.name, r]));
    expect(byName.get('Anna')).toMatchObject({ $color: '#fa8c16', $colorLabel: PROBE_VIEW.colorRules?.[1]?.label });
    expect(byName.get('boris')).toMatchObject({ $color: '#f5222d' });
    expect(byName.get('Zed_%')).toMatchObject({ $color: '#f5222d' });
    expect(byName.get('anna')).toMatchObject({ $color: '#1677ff' });
    for (const name of ['Vera', 'Глеб', 'empty', 'Åsa']) {
      expect(byName.get(name)).not.toHaveProperty('$color');
      expect(byName.get(name)).not.toHaveProperty('$colorLabel');
    }
    for (const record of records) {
      const color = colorOf(PROBE_VIEW, record, CTX);
      const item = byName.get(record.name);
      expect({ name: record.name, color: item?.$color, label: item?.$colorLabel }).toEqual({ name: record.name, color: color?.color, label: color?.label });
    }
  });

  it.each<[string, string[]]>([
    ['ANNA', ['Anna', 'anna']],
    ['50%', ['boris']],
    ['_', ['Zed_%']],
    ['глеб', ['Глеб']],
    ['CALL', ['Anna', 'anna']],
    ['  vera  ', ['Vera']],
    ['nothing like this', []],
  ])('q=%j searches the searchable fields case-insensitively and literally', async (q, expected) => {
    expect(sorted(await names({ q }))).toEqual(sorted(expected));
  });

  it('combines the view filter, a quick filter, the filter and q', async () => {
    expect(sorted(await names({ view: 'all', quickFilter: 'mine' }))).toEqual(sorted(['Anna', 'Глеб', 'Zed_%']));
    expect(await names({ view: 'all', quickFilter: 'mine', filter: JSON.stringify({ qty: { $gt: 1 } }) })).toEqual(['Zed_%']);
    expect(await names({ view: 'all', quickFilter: 'open', q: 'CALL', filter: JSON.stringify({ responsible: OTHER_USER }) })).toEqual(['anna']);
  });

  it('sorts by the view, by the request, with id breaking ties', async () => {
    // The bare view has no sort: newest first; P1 and P2 share created_at, so id decides (descending).
    expect(await names({})).toEqual(['Åsa', 'empty', 'Zed_%', 'anna', 'Глеб', 'Vera', 'boris', 'Anna']);
    // The view "all" sorts by name, in the database's collation.
    const byView = await names({ view: 'all' });
    expect(byView).toHaveLength(8);
    const { items } = await list({ view: 'bare', limit: '1000', sort: 'active,-qty' });
    const rank = (v: unknown) => (v === null ? 2 : v === true ? 1 : 0);
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1] as ApiRecord, items[i] as ApiRecord];
      const byActive = rank(a.active) - rank(b.active);
      expect(byActive).toBeLessThanOrEqual(0);
      if (byActive === 0) {
        const [qa, qb] = [a.qty as number | null, b.qty as number | null];
        // DESC puts NULLs first (PostgreSQL's default, which a plain index serves).
        const byQty = qa === qb ? 0 : qa === null ? -1 : qb === null ? 1 : qb - qa;
        expect(byQty).toBeLessThanOrEqual(0);
        if (byQty === 0) expect(String(a.id) > String(b.id)).toBe(true);
      }
    }
    const ties = await names({ sort: 'qty', filter: JSON.stringify({ qty: 1 }) });
    expect(ties).toEqual(['Anna', 'anna']);
  });

  it('pages with limit and offset without overlap, and totals exactly', async () => {
    const all = await names({ sort: 'name' });
    const pages: string[] = [];
    for (let offset = 0; offset < 8; offset += 3) {
      const page = await list({ view: 'bare', sort: 'name', limit: '3', offset: String(offset) });
      expect(page).toMatchObject({ total: 8, limit: 3, offset });
      expect(page.totalEstimated).toBeUndefined();
      pages.push(...page.items.map((r) => String(r.name)));
    }
    expect(pages).toEqual(all);
    expect(await list({ view: 'bare', offset: '100' })).toMatchObject({ items: [], total: 8, offset: 100 });
    expect(await list({ view: 'bare', limit: '2', filter: JSON.stringify({ status: { $ne: null } }) })).toMatchObject({ total: 6, limit: 2 });
    expect((await list({ view: 'all' })).limit).toBe(PROBE_VIEW.pageSize);
  });

  it('groups with counts, sums and labels, in option order', async () => {
    const { groups } = await executeGroupBy(db, model, probe, parseListParams({ view: 'bare', groupBy: 'status' }, probe), CTX);
    expect(groups.map((g) => g.key)).toEqual(['open', 'won', 'lost', null]);
    expect(groups.map((g) => g.count)).toEqual([2, 2, 2, 2]);
    expect(groups[0]?.label).toEqual({ en: 'Open', ru: 'Открыта' });
    expect(groups[3]?.label).toEqual({ ru: 'Не задано', en: 'Not set' });
    for (const group of groups) {
      const members = records.filter((r) => (r.status ?? null) === group.key);
      for (const field of ['qty', 'price', 'ratio', 'share']) {
        expect(group.sums[field]).toBeCloseTo(members.reduce((sum, r) => sum + Number(r[field] ?? 0), 0), 6);
      }
      expect(Object.keys(group.sums).sort()).toEqual(['price', 'qty', 'ratio', 'share']);
    }
  });

  it.each<[string, Record<string, unknown>, Array<[unknown, unknown, number]>]>([
    ['a user, titled by full name', { groupBy: 'responsible' }, [[ME, 'Irina Me', 3], [OTHER_USER, 'Oleg Other', 3], [null, { ru: 'Не задано', en: 'Not set' }, 2]]],
    ['a reference, titled by its title field', { groupBy: 'counterparty' }, [[C1, 'Alpha', 2], [C2, 'Beta', 2], [C3, 'Gamma', 2], [null, { ru: 'Не задано', en: 'Not set' }, 2]]],
    ['a reference, titled by its title template', { groupBy: 'interaction' }, [[null, { ru: 'Не задано', en: 'Not set' }, 6], [I1, 'Встреча: Alpha', 2]]],
    ['a boolean', { groupBy: 'active' }, [[false, { ru: 'Нет', en: 'No' }, 3], [true, { ru: 'Да', en: 'Yes' }, 3], [null, { ru: 'Не задано', en: 'Not set' }, 2]]],
    ['a stage, in stage order', { groupBy: 'phase' }, [['lead', { en: 'Lead', ru: 'Лид' }, 3], ['deal', { en: 'Deal', ru: 'Сделка' }, 2], ['closed', { en: 'Closed', ru: 'Закрыта' }, 1], [null, { ru: 'Не задано', en: 'Not set' }, 2]]],
    ['a date the view allows, under a filter', { view: 'all', groupBy: 'due', filter: JSON.stringify({ due: '$today' }) }, [['2024-05-15', '2024-05-15', 2]]],
  ])('groups by %s', async (_what, query, expected) => {
    const { groups } = await executeGroupBy(db, model, probe, parseListParams({ view: 'bare', ...query }, probe), CTX);
    expect(groups.map((g) => [g.key, g.label, g.count])).toEqual(expected);
  });

  it('refuses a bad filter before touching the database', async () => {
    const failing: Db = { ...db, query: () => Promise.reject(new Error('no query expected')) };
    const attempt = executeList(failing, model, probe, parseListParams({ filter: JSON.stringify({ nope: 1, qty: { $like: 1 } }) }, probe), CTX);
    await expect(attempt).rejects.toMatchObject({
      code: 'CARDO_ERR_API_BAD_CONDITION',
      status: 400,
      errors: [expect.objectContaining({ path: '/query/filter/nope' }), expect.objectContaining({ path: '/query/filter/qty/$like' })],
    });
    await expect(attempt).rejects.toBeInstanceOf(CardoError);
  });

  it(`totals exactly up to ${EXACT_TOTAL_LIMIT} matches and flags an estimate beyond`, async () => {
    await db.query(
      `INSERT INTO probe (id, created_at, updated_at, version, name, qty)
       SELECT gen_random_uuid(), now(), now(), 1, 'bulk-' || g, g FROM generate_series(1, ${EXACT_TOTAL_LIMIT + 50}) AS g`,
    );
    await db.query('ANALYZE probe');
    const everything = await list({ view: 'bare', limit: '5' });
    expect(everything.items).toHaveLength(5);
    expect(everything.totalEstimated).toBe(true);
    expect(everything.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
    expect(everything.total).toBeLessThan(2 * (EXACT_TOTAL_LIMIT + 58));
    // The estimate of a filtered list: EXPLAIN with the filter's parameters.
    const filtered = await list({ view: 'bare', limit: '5', filter: JSON.stringify({ name: { $startsWith: 'bulk-' }, qty: { $gte: 1 } }) });
    expect(filtered).toMatchObject({ totalEstimated: true });
    expect(filtered.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
    // 1, 10–19, 100–199, 1000–1999, 10000–10050
    const some = await list({ view: 'bare', limit: '5', filter: JSON.stringify({ name: { $startsWith: 'bulk-1' } }) });
    expect(some.total).toBe(1 + 10 + 100 + 1000 + 51);
    expect(some.totalEstimated).toBeUndefined();
    const exactlyAtLimit = await list({ view: 'bare', limit: '1', filter: JSON.stringify({ qty: { $gt: 50 }, name: { $startsWith: 'bulk-' } }) });
    expect(exactlyAtLimit).toMatchObject({ total: EXACT_TOTAL_LIMIT });
    expect(exactlyAtLimit.totalEstimated).toBeUndefined();
    // q: few matches take the matching ids first, many take the sorted walk — the same page either way.
    const qtys = (r: { items: ApiRecord[] }) => r.items.map((item) => item.qty);
    const few = await list({ view: 'bare', q: 'bulk-1', sort: '-qty', limit: '3', offset: '1' });
    expect(few).toMatchObject({ total: 1 + 10 + 100 + 1000 + 51 });
    expect(qtys(few)).toEqual([10049, 10048, 10047]);
    const many = await list({ view: 'bare', q: 'bulk-', sort: '-qty', limit: '3', offset: '1' });
    expect(many.totalEstimated).toBe(true);
    expect(qtys(many)).toEqual([10049, 10048, 10047]);
    await db.query(`DELETE FROM probe WHERE name LIKE 'bulk-%'`);
  }, 120_000);
});
