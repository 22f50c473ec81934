// The SQL the query builders produce, without a database: the text and parameters of every
// operator, the refusals of bad conditions and bad list parameters, and the list/group/title
// statements' shape.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { CompiledModel, EntityModel } from '../src/compile/compile.js';
import { CardoError } from '../src/errors.js';
import { colorOf, colorRulePaths, withColor } from '../src/query/color.js';
import { compileCondition, joinAlias } from '../src/query/condition-sql.js';
import type { QueryContext } from '../src/query/condition-sql.js';
import { buildGroupQuery } from '../src/query/group-query.js';
import { isSortable, parseListParams } from '../src/query/list-params.js';
import { EXACT_TOTAL_LIMIT, buildListQuery, planRows, toApiRecords } from '../src/query/list-query.js';
import { SqlParams, escapeLike, ident } from '../src/query/sql.js';
import { buildTitleQuery } from '../src/query/titles.js';
import { ME, NOW, PROBE_VIEW, entityOf, probeModel } from './query-fixture.js';

const CTX: QueryContext = { me: ME, now: NOW };
let model: CompiledModel;
let probe: EntityModel;

beforeAll(async () => {
  ({ model, probe } = await probeModel());
});

function compile(condition: unknown, ctx = CTX) {
  const params = new SqlParams();
  const { where, joins } = compileCondition(condition, probe, model, ctx, params);
  return { where, params: params.values, joins: joins.map((j) => j.sql) };
}

function errorOf(fn: () => unknown): CardoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CardoError) return error;
    throw error;
  }
  throw new Error('expected a CardoError');
}

describe('sql helpers', () => {
  it.each([
    ['plain', 'plain'],
    ['50%', '50\\%'],
    ['a_b', 'a\\_b'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapeLike(%j) = %j', (text, escaped) => {
    expect(escapeLike(text)).toBe(escaped);
  });

  it('quotes identifiers and numbers parameters in order', () => {
    expect(ident('we"ird')).toBe('"we""ird"');
    const params = new SqlParams();
    expect([params.add('a'), params.add(1, 'numeric'), params.length]).toEqual(['$1', '$2::numeric', 2]);
  });

  it('derives one deterministic join alias per path prefix, hashed when too long', () => {
    expect(joinAlias(['counterparty', 'owner'])).toBe('j_counterparty__owner');
    const long = joinAlias(['a'.repeat(40), 'b'.repeat(40)]);
    expect(long).toMatch(/^j_[0-9a-f]{32}$/);
    expect(joinAlias(['a'.repeat(40), 'b'.repeat(40)])).toBe(long);
  });
});

describe('compileCondition', () => {
  it.each<[string, unknown, string, unknown[]]>([
    ['$eq on text', { name: 'a' }, '("t"."name" = $1::text)', ['a']],
    ['$ne on text', { name: { $ne: 'a' } }, '(NOT ("t"."name" = $1::text))', ['a']],
    ['a null value: IS NULL', { name: null }, '"t"."name" IS NULL', []],
    ['$eq null', { name: { $eq: null } }, '"t"."name" IS NULL', []],
    ['$ne null: IS NOT NULL', { name: { $ne: null } }, '"t"."name" IS NOT NULL', []],
    ['$null true', { qty: { $null: true } }, '"t"."qty" IS NULL', []],
    ['$null false', { qty: { $null: false } }, '"t"."qty" IS NOT NULL', []],
    ['$null on a multi-valued field: empty is null', { tags: { $null: true } }, `NULLIF("t"."tags", '{}') IS NULL`, []],
    ['IS NOT NULL on a multi-valued field', { tags: { $ne: null } }, `NULLIF("t"."tags", '{}') IS NOT NULL`, []],
    ['$gt on text orders by code units', { name: { $gt: 'b' } }, '("t"."name" COLLATE "C" > $1::text)', ['b']],
    ['$gte on an integer', { qty: { $gte: 2 } }, '("t"."qty" >= $1::bigint)', [2]],
    ['$gte on an integer beyond 2^53', { qty: { $gte: 2 ** 60 } }, '("t"."qty" >= $1::numeric)', [2 ** 60]],
    ['$lt on money', { price: { $lt: 10.5 } }, '("t"."price" < $1::numeric)', [10.5]],
    ['$lte on a percent', { share: { $lte: 50 } }, '("t"."share" <= $1::numeric)', [50]],
    ['$eq on a boolean', { active: false }, '("t"."active" = $1::boolean)', [false]],
    ['$lte on a date with $today shifted', { due: { $lte: '$today-P1D' } }, '("t"."due" <= $1::date)', ['2024-05-14']],
    ['$eq on a date', { due: '2024-05-01' }, '("t"."due" = $1::date)', ['2024-05-01']],
    ['$gt on a date-time: from the next millisecond', { at: { $gt: '$now' } }, '("t"."at" >= $1::timestamptz)', ['2024-05-15T10:30:00.001Z']],
    ['$gte on a date-time', { at: { $gte: '$now-PT1H' } }, '("t"."at" >= $1::timestamptz)', ['2024-05-15T09:30:00.000Z']],
    ['$lt on a date-time', { at: { $lt: '2024-05-01T12:00:00+03:00' } }, '("t"."at" < $1::timestamptz)', ['2024-05-01T09:00:00.000Z']],
    ['$lte on a date-time: before the next millisecond', { at: { $lte: '$today' } }, '("t"."at" < $1::timestamptz)', ['2024-05-15T00:00:00.001Z']],
    ['$eq on a date-time: its millisecond', { at: '2024-05-01' }, '("t"."at" >= $1::timestamptz AND "t"."at" < $2::timestamptz)', ['2024-05-01T00:00:00.000Z', '2024-05-01T00:00:00.001Z']],
    ['$ne on a date-time', { at: { $ne: '2024-05-01T10:00:00.5Z' } }, '(NOT ("t"."at" >= $1::timestamptz AND "t"."at" < $2::timestamptz))', ['2024-05-01T10:00:00.500Z', '2024-05-01T10:00:00.501Z']],
    ['$in on a date-time', { at: { $in: ['2024-05-01T10:00:00Z'] } }, `(date_trunc('milliseconds', "t"."at") = ANY($1::timestamptz[]))`, [['2024-05-01T10:00:00.000Z']]],
    ['$in', { status: { $in: ['open', 'won'] } }, '("t"."status" = ANY($1::text[]))', [['open', 'won']]],
    ['$in with null', { status: { $in: ['open', null] } }, '(("t"."status" = ANY($1::text[])) OR "t"."status" IS NULL)', [['open']]],
    ['$in with only null', { status: { $in: [null] } }, '"t"."status" IS NULL', []],
    ['$in empty: FALSE', { status: { $in: [] } }, 'FALSE', []],
    ['$nin', { status: { $nin: ['open'] } }, '(NOT ("t"."status" = ANY($1::text[])))', [['open']]],
    ['$nin with null', { status: { $nin: ['open', null] } }, '((NOT ("t"."status" = ANY($1::text[]))) AND "t"."status" IS NOT NULL)', [['open']]],
    ['$nin with only null', { status: { $nin: [null] } }, '"t"."status" IS NOT NULL', []],
    ['$nin empty: TRUE', { status: { $nin: [] } }, 'TRUE', []],
    ['$in on integers', { qty: { $in: [1, 2] } }, '("t"."qty" = ANY($1::bigint[]))', [[1, 2]]],
    ['$in on money', { price: { $in: [1.5] } }, '("t"."price" = ANY($1::numeric[]))', [[1.5]]],
    ['$in on dates with $today', { due: { $in: ['$today', '2024-01-01'] } }, '("t"."due" = ANY($1::date[]))', [['2024-05-15', '2024-01-01']]],
    ['$in on users with $me', { responsible: { $in: ['$me'] } }, '("t"."responsible" = ANY($1::uuid[]))', [[ME]]],
    ['$contains on text: ILIKE, escaped', { name: { $contains: '50%_\\' } }, '("t"."name" ILIKE $1::text)', ['%50\\%\\_\\\\%']],
    ['$startsWith on text', { email: { $startsWith: 'Ab' } }, '("t"."email" ILIKE $1::text)', ['Ab%']],
    ['$contains on a multi-valued field: membership', { tags: { $contains: 'vip' } }, `(NULLIF("t"."tags", '{}') @> ARRAY[$1::text])`, ['vip']],
    ['$me', { responsible: '$me' }, '("t"."responsible" = $1::uuid)', [ME]],
    ['a reference id', { counterparty: ME.toUpperCase() }, '("t"."counterparty" = $1::uuid)', [ME.toUpperCase()]],
    ['UUID-shaped text ignores case', { code: '0190A5B4-7C3E-7D2A-9F10-00000000000A' }, '(lower("t"."code") = $1::text)', [ME]],
    ['id against a UUID', { id: ME }, '("t"."id" = $1::uuid)', [ME]],
    ['id against other text equals nothing', { id: 'abc' }, '("t"."id"::text = $1::text)', ['abc']],
    ['id ordered as text', { id: { $gt: 'ABC' } }, '("t"."id"::text COLLATE "C" > $1::text)', ['ABC']],
    ['id $startsWith', { id: { $startsWith: '0190' } }, '("t"."id"::text ILIKE $1::text)', ['0190%']],
    ['several keys are AND-ed', { name: 'a', qty: 1 }, '(("t"."name" = $1::text) AND ("t"."qty" = $2::bigint))', ['a', 1]],
    ['several operators are AND-ed', { qty: { $gt: 1, $lt: 5 } }, '(("t"."qty" > $1::bigint) AND ("t"."qty" < $2::bigint))', [1, 5]],
    ['$or, $not, nested $and', { $or: [{ active: true }, { $not: { $and: [{ status: 'won' }, { qty: 1 }] } }] }, '(("t"."active" = $1::boolean) OR (NOT (("t"."status" = $2::text) AND ("t"."qty" = $3::bigint))))', [true, 'won', 1]],
    ['an empty condition', {}, 'TRUE', []],
    ['an empty $not', { $not: {} }, '(NOT TRUE)', []],
  ])('%s', (_name, condition, where, params) => {
    expect(compile(condition)).toEqual({ where, params, joins: [] });
  });

  it('passes $me as a NULL parameter without a user: the comparison is UNKNOWN', () => {
    expect(compile({ responsible: '$me' }, { me: null, now: NOW })).toEqual({ where: '("t"."responsible" = $1::uuid)', params: [null], joins: [] });
  });

  it('joins once per dot-path prefix, parents first', () => {
    const result = compile({ 'counterparty.status': 'key', 'counterparty.owner.fullName': { $startsWith: 'I' }, $or: [{ 'counterparty.owner': '$me' }, { 'responsible.fullName': 'X' }] });
    expect(result.where).toBe(
      '(("j_counterparty"."status" = $1::text) AND ("j_counterparty__owner"."full_name" ILIKE $2::text) AND (("j_counterparty"."owner" = $3::uuid) OR ("j_responsible"."full_name" = $4::text)))',
    );
    expect(result.joins).toEqual([
      'LEFT JOIN "counterparty" AS "j_counterparty" ON "j_counterparty"."id" = "t"."counterparty"',
      'LEFT JOIN "sys_user" AS "j_counterparty__owner" ON "j_counterparty__owner"."id" = "j_counterparty"."owner"',
      'LEFT JOIN "sys_user" AS "j_responsible" ON "j_responsible"."id" = "t"."responsible"',
    ]);
  });

  it('never puts a value into the SQL text', () => {
    const evil = `x'); DROP TABLE probe; --`;
    const { where, params } = compile({ name: evil, code: { $in: [evil] }, notes: { $contains: evil } });
    expect(where).not.toContain('DROP');
    expect(params).toEqual([evil, [evil], `%${evil}%`]);
  });

  it('compiles a frozen metadata condition the same way each time, with the current context', () => {
    const rule = PROBE_VIEW.quickFilters?.[0]?.filter;
    expect(Object.isFrozen(rule)).toBe(true);
    expect(compile(rule)).toEqual({ where: '("t"."responsible" = $1::uuid)', params: [ME], joins: [] });
    expect(compile(rule, { me: null, now: NOW }).params).toEqual([null]);
  });

  it.each<[string, unknown, Array<{ path: string; message: RegExp }>]>([
    ['an unknown field', { nope: 1 }, [{ path: '/nope', message: /no field "nope"/ }]],
    ['an unknown operator', { qty: { $like: 1 } }, [{ path: '/qty/$like', message: /not an operator/ }]],
    ['an operator that does not apply', { qty: { $contains: 'x' } }, [{ path: '/qty/$contains', message: /does not apply/ }]],
    ['a value of the wrong type', { qty: 'many' }, [{ path: '/qty', message: /whole number/ }]],
    ['an unknown option', { status: 'maybe' }, [{ path: '/status', message: /not an option/ }]],
    ['an unknown top-level operator', { $xor: [] }, [{ path: '/$xor', message: /not \$and, \$or, \$not/ }]],
    ['__proto__', JSON.parse('{"__proto__": {"x": 1}}'), [{ path: '/__proto__', message: /not a field/ }]],
    ['constructor', { constructor: 1 }, [{ path: '/constructor', message: /not a field/ }]],
    ['prototype in a path', { 'counterparty.prototype': 1 }, [{ path: '/counterparty.prototype', message: /not a field/ }]],
    ['__proto__ as an operator', { qty: JSON.parse('{"__proto__": 1}') }, [{ path: '/qty/__proto__', message: /not an operator/ }]],
    ['a dot path through a non-reference', { 'name.length': 1 }, [{ path: '/name.length', message: /not a reference/ }]],
    ['an unknown field behind a reference', { 'counterparty.nope': 1 }, [{ path: '/counterparty.nope', message: /no field "nope"/ }]],
    ['a field computed on read', { doubled: 1 }, [{ path: '/doubled', message: /computed when read/ }]],
    ['a malformed variable', { due: '$yesterday' }, [{ path: '/due', message: /not a variable/ }]],
    ['$now on a date field', { due: { $lt: '$now' } }, [{ path: '/due/$lt', message: /does not suit/ }]],
    ['not an object', ['status'], [{ path: '', message: /is an object/ }]],
    ['an SQL fragment as a field', { 'name; drop table probe': 1 }, [{ path: '/name; drop table probe', message: /not a field name/ }]],
  ])('refuses %s with a 400 naming it', (_name, condition, errors) => {
    const error = errorOf(() => compile(condition));
    expect(error.code).toBe('CARDO_ERR_API_BAD_CONDITION');
    expect(error.status).toBe(400);
    expect(error.errors).toEqual(errors.map((e) => ({ path: e.path, message: expect.stringMatching(e.message) })));
  });

  it('refuses conditions nested deeper than 8 levels or with more than 100 terms', () => {
    let deep: Record<string, unknown> = { qty: 1 };
    for (let i = 1; i < 9; i++) deep = { $not: deep };
    let ok: Record<string, unknown> = { qty: 1 };
    for (let i = 1; i < 8; i++) ok = { $not: ok };
    expect(() => compile(ok)).not.toThrow();
    expect(errorOf(() => compile(deep)).errors).toEqual([{ path: '', message: expect.stringMatching(/more than 8 levels/) }]);
    const many = { $or: Array.from({ length: 101 }, (_, i) => ({ qty: i })) };
    expect(errorOf(() => compile(many)).errors).toEqual([{ path: '', message: expect.stringMatching(/101 terms; at most 100/) }]);
    expect(() => compile({ $or: Array.from({ length: 100 }, (_, i) => ({ qty: i })) })).not.toThrow();
  });

  it('names errors under the given pointer', () => {
    const params = new SqlParams();
    const error = errorOf(() => compileCondition({ nope: 1 }, probe, model, CTX, params, { pointer: '/query/filter' }));
    expect(error.errors).toEqual([{ path: '/query/filter/nope', message: expect.any(String) }]);
  });
});

describe('parseListParams', () => {
  it('applies the defaults: the first view, its page size, offset 0', () => {
    expect(parseListParams({}, probe)).toEqual({
      view: PROBE_VIEW,
      filter: undefined,
      sort: undefined,
      limit: 20,
      offset: 0,
      q: undefined,
      fields: undefined,
      groupBy: undefined,
      quickFilter: undefined,
      titles: false,
    });
    expect(parseListParams({ view: 'bare' }, probe).limit).toBe(50);
  });

  it('reads every parameter', () => {
    const params = parseListParams(
      { filter: '{"qty":{"$gt":1}}', sort: '-createdAt,name', limit: '1000', offset: '1000000', q: ' anna ', fields: 'name,qty,name', view: 'all', groupBy: 'due', quickFilter: 'mine' },
      probe,
    );
    expect(params).toMatchObject({
      filter: { qty: { $gt: 1 } },
      sort: [
        { field: 'createdAt', desc: true },
        { field: 'name', desc: false },
      ],
      limit: 1000,
      offset: 1_000_000,
      q: 'anna',
      fields: ['name', 'qty'],
      groupBy: 'due',
      quickFilter: PROBE_VIEW.quickFilters?.[0],
    });
    expect(parseListParams({ q: '   ' }, probe).q).toBeUndefined();
    expect(parseListParams({ groupBy: 'counterparty', view: 'bare' }, probe).groupBy).toBe('counterparty');
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['malformed JSON filter', { filter: '{"qty":' }, '/query/filter', /not valid JSON/],
    ['a huge filter', { filter: `{"name":"${'x'.repeat(40_000)}"}` }, '/query/filter', /longer than/],
    ['an unknown sort field', { sort: 'nope' }, '/query/sort', /no field "nope"/],
    ['a non-sortable field', { sort: 'tags' }, '/query/sort', /cannot be sorted/],
    ['sorting by a reference', { sort: '-counterparty' }, '/query/sort', /cannot be sorted/],
    ['a malformed sort', { sort: 'name;drop' }, '/query/sort', /not a field name/],
    ['a field sorted twice', { sort: 'name,-name' }, '/query/sort', /twice/],
    ['too many sort keys', { sort: 'name,qty,price,ratio,share,due' }, '/query/sort', /more than 5/],
    ['a negative limit', { limit: '-1' }, '/query/limit', /from 1 to 1,000/],
    ['a zero limit', { limit: '0' }, '/query/limit', /from 1 to 1,000/],
    ['a limit over 1000', { limit: '1001' }, '/query/limit', /from 1 to 1,000/],
    ['a fractional limit', { limit: '1.5' }, '/query/limit', /whole number/],
    ['a limit that is not a number', { limit: 'ten' }, '/query/limit', /whole number/],
    ['an empty limit', { limit: '' }, '/query/limit', /whole number/],
    ['a huge limit', { limit: '99999999999999999999' }, '/query/limit', /whole number/],
    ['a negative offset', { offset: '-5' }, '/query/offset', /from 0 to 1,000,000/],
    ['an offset too far', { offset: '1000001' }, '/query/offset', /from 0 to 1,000,000/],
    ['a q over 200 characters', { q: 'x'.repeat(201) }, '/query/q', /longer than 200/],
    ['an unknown field in fields', { fields: 'name,nope' }, '/query/fields', /no field "nope"/],
    ['an empty name in fields', { fields: 'name,' }, '/query/fields', /empty field name/],
    ['an unknown view', { view: 'nope' }, '/query/view', /no list view "nope"; use all, bare/],
    ['groupBy on a field the view does not allow', { groupBy: 'name' }, '/query/groupBy', /cannot be grouped by name/],
    ['groupBy on a date outside the view', { groupBy: 'due', view: 'bare' }, '/query/groupBy', /cannot be grouped by due/],
    ['groupBy on an unknown field', { groupBy: 'nope' }, '/query/groupBy', /no field "nope"/],
    ['groupBy on a multi-valued field', { groupBy: 'tags' }, '/query/groupBy', /cannot be grouped/],
    ['an unknown quick filter', { quickFilter: 'nope' }, '/query/quickFilter', /no quick filter "nope"; use mine, open/],
    ['a quick filter of another view', { quickFilter: 'mine', view: 'bare' }, '/query/quickFilter', /no quick filter/],
    ['an unknown parameter', { page: '2' }, '/query/page', /not a parameter/],
    ['a repeated parameter', { limit: ['1', '2'] }, '/query/limit', /more than once/],
    ['an object as a parameter', { q: { $gt: '' } }, '/query/q', /single value/],
  ])('refuses %s with a 400 naming the parameter', (_name, query, path, message) => {
    const error = errorOf(() => parseListParams(query, probe));
    expect(error.code).toBe('CARDO_ERR_API_VALIDATION');
    expect(error.status).toBe(400);
    expect(error.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('reports every bad parameter at once', () => {
    const error = errorOf(() => parseListParams({ limit: '0', offset: 'x', view: 'nope' }, probe));
    expect(error.errors?.map((e) => e.path)).toEqual(['/query/view', '/query/limit', '/query/offset']);
  });

  it('refuses q on an entity without searchable fields', () => {
    const kpi = entityOf(model, 'kpi_plan');
    expect(errorOf(() => parseListParams({ q: 'x' }, kpi)).errors).toEqual([{ path: '/query/q', message: expect.stringMatching(/no searchable fields/) }]);
  });

  it('tells sortable fields', () => {
    const field = (name: string) => probe.field.get(name) ?? (undefined as never);
    expect(['name', 'qty', 'due', 'at', 'status', 'active', 'id', 'createdAt'].filter((n) => !isSortable(field(n)))).toEqual([]);
    expect(['notes', 'tags', 'counterparty', 'responsible', 'doubled'].filter((n) => isSortable(field(n)))).toEqual([]);
  });
});

describe('buildListQuery', () => {
  it('selects the fields, filters, colors, sorts, pages; counts with a cap and estimates', () => {
    const params = parseListParams({ view: 'all', fields: 'name', quickFilter: 'open', filter: '{"counterparty.status":"key"}', q: '5%', sort: '-qty', limit: '10', offset: '20' }, probe);
    const query = buildListQuery(model, probe, params, CTX);
    const join = 'LEFT JOIN "counterparty" AS "j_counterparty" ON "j_counterparty"."id" = "t"."counterparty"';
    const where = `("t"."status" = $1::text) AND ("j_counterparty"."status" = $2::text) AND ("t"."name" ILIKE $3::text OR "t"."notes" ILIKE $3::text)`;
    expect(query.sql).toBe(
      `SELECT "t"."id" AS "id", "t"."version" AS "version", "t"."name" AS "name", CASE WHEN ("j_counterparty"."status" = $4::text) THEN 0 WHEN (("t"."due" < $5::date) AND (NOT ("t"."status" = $6::text))) THEN 1 WHEN ((NULLIF("t"."tags", '{}') @> ARRAY[$7::text]) OR ("t"."price" >= $8::numeric)) THEN 2 WHEN (NOT ("t"."status" = ANY($9::text[]))) THEN 3 END AS "$color" ` +
        `FROM "probe" AS "t" ${join} WHERE ${where} ORDER BY "t"."qty" DESC, "t"."id" DESC LIMIT 10 OFFSET 20`,
    );
    expect(query.params).toEqual(['open', 'key', '%5\\%%', 'blacklisted', '2024-05-15', 'won', 'vip', 1000, ['won', 'lost']]);
    expect(query.countSql).toBe(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "probe" AS "t" ${join} WHERE ${where} LIMIT ${EXACT_TOTAL_LIMIT + 1}) AS matching`);
    expect(query.estimateSql).toBe(`EXPLAIN (FORMAT JSON) SELECT 1 FROM "probe" AS "t" ${join} WHERE ${where}`);
    expect(query.countParams).toEqual(['open', 'key', '%5\\%%']);
  });

  it('joins for color rules only in the page, not in the count', () => {
    const query = buildListQuery(model, probe, parseListParams({}, probe), CTX);
    expect(query.sql).toContain('LEFT JOIN "counterparty" AS "j_counterparty"');
    expect(query.countSql).toBe(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "probe" AS "t" LIMIT ${EXACT_TOTAL_LIMIT + 1}) AS matching`);
    expect(query.countParams).toEqual([]);
    expect(query.sql).toMatch(/ORDER BY "t"."name" ASC, "t"."id" ASC LIMIT 20 OFFSET 0$/);
  });

  it('defaults to newest first without a view sort, and takes a view filter and an access restriction', () => {
    const deal = entityOf(model, 'deal');
    const query = buildListQuery(model, deal, parseListParams({ view: 'my', sort: 'amount' }, deal), CTX, { restrict: (p) => `"t"."owner" = ${p.add(ME, 'uuid')}` });
    expect(query.countSql).toContain('WHERE ("t"."owner" = $1::uuid) AND ("t"."owner" = $2::uuid)');
    expect(query.sql).toMatch(/ORDER BY "t"."amount" ASC, "t"."id" ASC/);
    const bare = buildListQuery(model, probe, parseListParams({ view: 'bare' }, probe), CTX);
    expect(bare.sql).toMatch(/ORDER BY "t"."created_at" DESC, "t"."id" DESC LIMIT 50 OFFSET 0$/);
    expect(bare.sql).not.toContain('WHERE');
    expect(bare.sql).not.toContain('"doubled"');
  });

  it('turns the color index into the rule color and label, dropping it when no rule matched', () => {
    const rules = PROBE_VIEW.colorRules ?? [];
    const rows = [
      { id: 'a', $color: 2 },
      { id: 'b', $color: null },
    ];
    expect(toApiRecords(rows, rules)).toEqual([{ id: 'a', $color: '#faad14', $colorLabel: rules[2]?.label }, { id: 'b' }]);
  });

  it('reads the planner estimate', () => {
    expect(planRows([{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': 12345.4 } }] }])).toBe(12345);
    expect(planRows([{ 'QUERY PLAN': '[{"Plan":{"Plan Rows":7}}]' }])).toBe(7);
    expect(planRows([])).toBe(0);
  });
});

describe('buildGroupQuery and buildTitleQuery', () => {
  it('groups an enum in option order with the sums of numeric fields', () => {
    const query = buildGroupQuery(model, probe, parseListParams({ groupBy: 'status', filter: '{"active":true}' }, probe), CTX);
    expect(query.sql).toBe(
      'SELECT "t"."status" AS "key", count(*)::int AS "count", coalesce(sum("t"."qty"), 0) AS "s0", coalesce(sum("t"."price"), 0) AS "s1", coalesce(sum("t"."ratio"), 0) AS "s2", coalesce(sum("t"."share"), 0) AS "s3" ' +
        'FROM "probe" AS "t" WHERE ("t"."active" = $1::boolean) GROUP BY "t"."status" ORDER BY array_position($2::text[], "t"."status"::text) ASC NULLS LAST, count(*) DESC LIMIT 1000',
    );
    expect(query.params).toEqual([true, ['open', 'won', 'lost']]);
    expect(query.sumFields.map((f) => f.name)).toEqual(['qty', 'price', 'ratio', 'share']);
  });

  it('groups other fields by size', () => {
    const query = buildGroupQuery(model, probe, parseListParams({ groupBy: 'responsible' }, probe), CTX);
    expect(query.sql).toMatch(/GROUP BY "t"."responsible" ORDER BY count\(\*\) DESC, "t"."responsible" ASC NULLS LAST LIMIT 1000$/);
  });

  it('selects a title field, or what a title template needs', () => {
    expect(buildTitleQuery(model, entityOf(model, 'sys_user'), [ME])).toEqual({
      sql: 'SELECT "t"."id" AS "id", "t"."full_name" AS "p0" FROM "sys_user" AS "t" WHERE "t"."id" = ANY($1::uuid[])',
      params: [[ME]],
      paths: [expect.objectContaining({ path: 'fullName' })],
    });
    expect(buildTitleQuery(model, entityOf(model, 'interaction'), [ME])?.sql).toBe(
      'SELECT "t"."id" AS "id", "t"."type" AS "p0", "j_counterparty"."brand" AS "p1" FROM "interaction" AS "t" LEFT JOIN "counterparty" AS "j_counterparty" ON "j_counterparty"."id" = "t"."counterparty" WHERE "t"."id" = ANY($1::uuid[])',
    );
  });
});

describe('colorOf', () => {
  const record = (values: Record<string, unknown>) => ({ status: 'open', due: '2024-06-01', tags: [], price: 1, counterparty: null, ...values });

  it.each<[string, Record<string, unknown>, string | null]>([
    ['a dot path through an expanded reference', { counterparty: { id: ME, status: 'blacklisted' }, due: '2024-01-01' }, '#f5222d'],
    ['the first matching rule', { due: '2024-05-14', tags: ['vip'] }, '#fa8c16'],
    ['$today: due today is not overdue', { due: '2024-05-15', status: 'won' }, null],
    ['a multi-valued membership', { tags: ['vip'], status: 'won' }, '#faad14'],
    ['a number', { price: 1000, status: 'won' }, '#faad14'],
    ['$not over $in', { status: 'open' }, '#1677ff'],
    ['UNKNOWN colors nothing', { status: null, due: null, price: null }, null],
  ])('%s', (_name, values, color) => {
    expect(colorOf(PROBE_VIEW, record(values), CTX)?.color ?? null).toBe(color);
  });

  it('adds $color and $colorLabel to a copy, or nothing', () => {
    const r = record({ status: 'won' });
    expect(withColor(PROBE_VIEW, r, CTX)).toEqual(r);
    expect(withColor(PROBE_VIEW, record({}), CTX)).toEqual({ ...record({}), $color: '#1677ff', $colorLabel: PROBE_VIEW.colorRules?.[3]?.label });
    expect(colorOf(undefined, r, CTX)).toBeNull();
  });

  it('lists the dot paths its rules read', () => {
    expect(colorRulePaths(PROBE_VIEW)).toEqual(['counterparty.status']);
  });
});
