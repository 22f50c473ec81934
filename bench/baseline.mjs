#!/usr/bin/env node
// The baseline: what a developer would write by hand for the counterparty endpoints with
// Fastify and pg — no metadata, no generic layers — issuing the same SQL statements the
// runtime issues for each benchmark scenario (run.mjs compares the two SQL traces on every
// run), answering with the same JSON. The difference in speed is the price of being generic.
//
//   node bench/baseline.mjs [--port 3100] [--database-url postgres://…/cardo_bench]
//
// Scope: the counterparty record endpoints the scenarios call, with the filters they use
// (equality on fields, AND-ed). Issue 12 adds endpoints here as it adds scenarios.
import { createHash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import fastJson from 'fast-json-stringify';
import { DEFAULT_DATABASE_URL } from './lib/db.mjs';
import { defineScenarios } from './scenarios/index.mjs';

// ---- the table, written out by hand -------------------------------------------------------

/** API field → column, in the order records are printed. */
const FIELDS = [
  ['id', 'id'], ['createdAt', 'created_at'], ['updatedAt', 'updated_at'], ['createdBy', 'created_by'], ['updatedBy', 'updated_by'],
  ['owner', 'owner'], ['version', 'version'], ['brand', 'brand'], ['legalName', 'legal_name'], ['inn', 'inn'], ['status', 'status'],
  ['industry', 'industry'], ['segment', 'segment'], ['phone', 'phone'], ['phone2', 'phone2'], ['email', 'email'], ['website', 'website'],
  ['address', 'address'], ['source', 'source'], ['preferredChannel', 'preferred_channel'], ['wishes', 'wishes'],
];
const COLUMN = Object.fromEntries(FIELDS);
const SYSTEM = new Set(['id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'version']);
const WRITABLE = FIELDS.map(([f]) => f).filter((f) => !SYSTEM.has(f));
const STATUSES = ['potential', 'active', 'key', 'inactive', 'blacklisted'];
const STATUS_LABELS = {
  potential: { en: 'Potential', ru: 'Потенциальный' },
  active: { en: 'Active', ru: 'Действующий' },
  key: { en: 'Key', ru: 'Ключевой' },
  inactive: { en: 'Inactive', ru: 'Неактивный' },
  blacklisted: { en: 'Blacklisted', ru: 'В чёрном списке' },
};
/** The "all" list view's color rules, in order (first match wins). */
const COLOR_RULES = [
  { status: 'blacklisted', color: '#f5222d', label: STATUS_LABELS.blacklisted },
  { status: 'key', color: '#faad14', label: STATUS_LABELS.key },
  { status: 'active', color: '#52c41a', label: STATUS_LABELS.active },
  { status: 'potential', color: '#1677ff', label: STATUS_LABELS.potential },
  { status: 'inactive', color: '#8c8c8c', label: STATUS_LABELS.inactive },
];
const DEFAULT_SORT = 'brand';
const EXACT_TOTAL_LIMIT = 10_000;

const nullable = (schema) => ({ ...schema, type: [schema.type, 'null'] });
const str = (maxLength) => ({ type: 'string', maxLength });
const FIELD_SCHEMAS = {
  owner: { type: 'string', format: 'uuid' },
  brand: str(200), legalName: str(500), inn: { type: 'string', maxLength: 12, pattern: '^\\d{10}(\\d{2})?$' },
  status: { type: 'string', enum: STATUSES },
  industry: { type: 'string', enum: ['it', 'manufacturing', 'retail', 'wholesale', 'construction', 'finance', 'logistics', 'healthcare', 'education', 'public_sector', 'horeca', 'services', 'other'] },
  segment: { type: 'string', enum: ['enterprise', 'mid', 'smb'] },
  phone: str(64), phone2: str(64), email: { type: 'string', maxLength: 320, format: 'email' },
  website: { type: 'string', maxLength: 2048, pattern: '^https?://' }, address: str(500),
  source: { type: 'string', enum: ['website', 'referral', 'cold_call', 'exhibition', 'advertising', 'partner', 'tender', 'other'] },
  preferredChannel: { type: 'string', enum: ['phone', 'email', 'messenger', 'meeting', 'post'] },
  wishes: str(10000),
};
const writableProperties = Object.fromEntries(WRITABLE.map((f) => [f, f === 'brand' ? FIELD_SCHEMAS[f] : nullable(FIELD_SCHEMAS[f])]));
const createBody = { type: 'object', properties: writableProperties, required: ['brand'], additionalProperties: false };
const patchBody = { type: 'object', properties: { ...writableProperties, version: { type: 'integer', minimum: 1 } }, minProperties: 1, additionalProperties: false };
const recordSchema = {
  type: 'object',
  properties: {
    ...Object.fromEntries(FIELDS.map(([f]) => [f, f === 'id' || f === 'createdAt' || f === 'updatedAt' ? { type: 'string' } : f === 'version' ? { type: 'integer' } : { type: ['string', 'null'] }])),
    $color: { type: ['string', 'null'] },
    $colorLabel: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
  },
};
const listSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: recordSchema }, total: { type: 'integer' }, totalEstimated: { type: 'boolean' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
};

// ---- normalizers of the duplicate rules ----------------------------------------------------

const LEGAL_FORMS = new Set(['ооо', 'оао', 'зао', 'пао', 'нао', 'ао', 'ип', 'llc', 'inc', 'ltd', 'corp', 'gmbh']);
const normalizeBrand = (s) => s.toLowerCase().replace(/[\p{P}\p{S}]+/gu, ' ').split(/\s+/u).filter((t) => t !== '' && !LEGAL_FORMS.has(t)).join(' ') || null;
const normalizePhone = (s) => parsePhoneNumberFromString(s, 'RU')?.number ?? null;
const normalizeEmail = (s) => s.trim().toLowerCase() || null;
const normalizeText = (s) => s.trim().toLowerCase().replace(/\s+/gu, ' ') || null;
const orNull = (fn) => (v) => (v === null || v === undefined || v === '' ? null : fn(String(v)));
/** [rule column, normalizer, block?, fuzzy threshold] — the five rules of counterparty.json. */
const RULES = [
  ['dup_same_phone', 'phone', orNull(normalizePhone), true],
  ['dup_same_email', 'email', orNull(normalizeEmail), true],
  ['dup_same_brand', 'brand', orNull(normalizeBrand), true],
  ['dup_similar_brand', 'brand', orNull(normalizeBrand), false, 0.6],
  ['dup_same_inn', 'inn', orNull(normalizeText), false],
];

// ---- access: roles.json's counterparty grants, written out -----------------------------------

/** role → operation → scope; a role not listed grants nothing on counterparty. */
const GRANTS = {
  sales_manager: { read: 'own', create: 'own', update: 'own' },
  head_of_sales: { read: 'subordinates', create: 'subordinates', update: 'subordinates', delete: 'subordinates' },
  lawyer: { read: 'all' },
  marketing: { read: 'all' },
  consultant: { read: 'all' },
  administrator: { read: 'all', create: 'all', update: 'all', delete: 'all' },
};
/** sales_manager may not change owner; another role granting counterparty access lifts it. */
const ownerReadOnly = (roles) => roles.includes('sales_manager') && !roles.some((r) => r !== 'sales_manager' && GRANTS[r]);

/** Whose counterparties an operation reaches: null = everyone's, else a set of owners. */
function ownersFor(org, op) {
  const scopes = new Set(org.roles.map((r) => GRANTS[r]?.[op]).filter(Boolean));
  if (scopes.has('all')) return null;
  const owners = new Set();
  if (scopes.size > 0) org.principals.forEach((id) => owners.add(id));
  if (scopes.has('subordinates')) org.subordinates.forEach((id) => owners.add(id));
  if (scopes.has('department')) org.department.forEach((id) => owners.add(id));
  return owners;
}
const reaches = (owners, owner) => owners === null || owners.has(owner);
/** The read scope as SQL over "t", its values appended to params. */
function scopeSql(owners, params) {
  if (owners === null) return 'TRUE';
  if (owners.size === 0) return 'FALSE';
  params.push([...owners]);
  return `"t"."owner" = ANY($${params.length}::uuid[])`;
}

// ---- SQL ----------------------------------------------------------------------------------

/** The session and the caller's org (roles, substitutions, subordinates, department) in one statement, as the runtime reads them. */
const SESSION_SQL = `WITH RECURSIVE
       session AS (
         SELECT s.id AS session_id, u.id AS user_id, u.login, u.full_name, u.locale,
                s.last_seen_at < now() - interval '1 minute' AS stale
           FROM sys_session s
           JOIN sys_user u ON u.id = s.user_id AND u.active = true
          WHERE s.token_hash = $1 AND s.expires_at > now() AND s.created_at > now() - interval '7 days'
       ),
       principals AS (
         SELECT id FROM (SELECT user_id FROM session) AS caller(id)
         UNION
         SELECT s.absent_user FROM sys_substitution s
          WHERE s.deputy IN (SELECT user_id FROM session) AND s."from" <= $2::date AND s."to" >= $2::date
       ),
       headed AS (
         SELECT d.id FROM sys_department d WHERE d.head IN (SELECT id FROM principals)
         UNION
         SELECT c.id FROM sys_department c JOIN headed h ON c.parent = h.id
       ),
       subordinates AS (
         SELECT u.id FROM sys_user u WHERE u.department IN (SELECT id FROM headed)
         UNION
         SELECT u.id FROM sys_user u WHERE u.manager IN (SELECT id FROM principals)
       )
     SELECT session.*,
            ARRAY(SELECT DISTINCT r.role FROM sys_role_assignment r WHERE r."user" = session.user_id ORDER BY r.role) AS roles,
            ARRAY(SELECT DISTINCT r.role FROM sys_role_assignment r WHERE r."user" IN (SELECT id FROM principals) ORDER BY r.role) AS org_roles,
       ARRAY(SELECT id::text FROM principals) AS org_principals,
       ARRAY(SELECT id::text FROM subordinates) AS org_subordinates,
       ARRAY(SELECT m.id::text FROM sys_user m
              WHERE m.department IN (SELECT p.department FROM sys_user p WHERE p.id IN (SELECT id FROM principals))) AS org_department
       FROM session`;
const TOUCH_SQL = `UPDATE sys_session SET last_seen_at = now(), expires_at = LEAST(now() + interval '12 hours', created_at + interval '7 days')
        WHERE id = $1`;
const TX_SETTINGS = { 'pg_trgm.similarity_threshold': '0.6' };
/** The audit row's INSERT, its placeholders numbered from `first`: a create or patch sends it in the statement of the row. */
const auditSql = (first) => {
  const $ = (n) => `$${first + n - 1}`;
  return `INSERT INTO sys_audit (id, created_at, updated_at, created_by, updated_by, owner, version, record_entity, record_id, action, actor, on_behalf_of, changes, automation)
     VALUES (${$(1)}, ${$(2)}, ${$(2)}, ${$(3)}, ${$(3)}, ${$(3)}, 1, ${$(4)}, ${$(5)}, ${$(6)}, ${$(3)}, ${$(7)}, ${$(8)}, ${$(9)})`;
};
const SELECT_COLUMNS = FIELDS.map(([f, c]) => `"t"."${c}" AS "${f}"`).join(', ');
const FILTERABLE = { owner: 'uuid', status: 'text', industry: 'text', segment: 'text', source: 'text', preferredChannel: 'text', brand: 'text', inn: 'text' };
const SORTABLE = new Set(['createdAt', 'updatedAt', 'brand', 'legalName', 'inn', 'status', 'industry', 'segment', 'phone', 'email', 'source']);
/** The searchable fields of counterparty.json, in order: the quick search `q` looks in these. */
const SEARCH_COLUMNS = ['brand', 'legal_name', 'inn', 'phone', 'phone2', 'email'];
const escapeLike = (text) => text.replace(/[\\%_]/g, '\\$&');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- the server ---------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, detail, extra = {}) {
    super(detail);
    this.status = status;
    this.extra = extra;
  }
}

const TYPES = {
  getTypeParser(oid, format) {
    if (oid === 1184) return (v) => new Date(v).toISOString();
    if (oid === 20 || oid === 1700) return Number;
    if (oid === 1082) return (v) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

function toRecord(row) {
  const record = {};
  for (const [f, c] of FIELDS) record[f] = row[c] ?? null;
  return record;
}

function diff(before, after) {
  const changes = {};
  for (const [f] of FIELDS) {
    if (SYSTEM.has(f)) continue;
    const from = before[f] ?? null;
    const to = after[f] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[f] = { from, to };
  }
  return changes;
}

export async function buildBaseline({ databaseUrl = DEFAULT_DATABASE_URL, logger = { level: 'warn' }, poolSize = 10 } = {}) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, types: TYPES });
  /** Statements issued while capturing: run.mjs compares them with the runtime's. */
  let trace = null;
  const query = (client, sql, params) => {
    if (trace) trace.push(sql);
    return client.query(sql, params);
  };
  /** A named prepared statement, for the statements the runtime prepares (traced with that mark). */
  const names = new Map();
  const prepared = (client, sql, params) => {
    if (trace) trace.push(`prepared: ${sql}`);
    if (!names.has(sql)) names.set(sql, `s${names.size}`);
    return client.query({ name: names.get(sql), text: sql, values: params });
  };
  /** A write's transaction; the trigram threshold of similar_brand is set with BEGIN, in one round trip. */
  const transaction = async (fn) => {
    const client = await pool.connect();
    try {
      // BEGIN/COMMIT are not traced (the runtime's trace does not show them either); the
      // settings are, in the form the runtime's trace records them.
      if (trace) trace.push(`transaction settings ${JSON.stringify(TX_SETTINGS)}`);
      await client.query(`BEGIN; SELECT set_config('pg_trgm.similarity_threshold', '${TX_SETTINGS['pg_trgm.similarity_threshold']}', true)`);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const app = Fastify({ logger, bodyLimit: 1024 * 1024 });
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw new HttpError(401, 'Log in first.');
    const { rows } = await prepared(pool, SESSION_SQL, [createHash('sha256').update(token).digest('hex'), new Date().toISOString().slice(0, 10)]);
    const session = rows[0];
    if (!session) throw new HttpError(401, 'Log in first.');
    if (session.stale) await query(pool, TOUCH_SQL, [session.session_id]);
    const principals = session.org_principals ?? [session.user_id];
    request.user = {
      id: session.user_id,
      org: { roles: session.org_roles ?? [], principals, substituted: principals.filter((id) => id !== session.user_id), subordinates: session.org_subordinates ?? [], department: session.org_department ?? [] },
    };
  });

  app.setErrorHandler(async (error, request, reply) => {
    const status = error instanceof HttpError ? error.status : error.validation ? 400 : 500;
    if (status >= 500) request.log.error(error);
    return reply.status(status).type('application/problem+json').send({ status, title: error.message, ...(error.extra ?? {}) });
  });

  app.get('/api/data/counterparty/:id', { schema: { response: { 200: recordSchema } } }, async (request, reply) => {
    const { id } = request.params;
    if (!UUID.test(id)) throw new HttpError(400, 'Not a UUID.');
    const params = [id];
    const scope = scopeSql(ownersFor(request.user.org, 'read'), params);
    const { rows } = await query(pool, `SELECT * FROM "counterparty" AS t WHERE t.id = $1 AND ${scope}`, params);
    if (!rows[0]) throw new HttpError(404, 'No such counterparty.');
    const record = toRecord(rows[0]);
    reply.header('etag', `"${record.version}"`);
    return record;
  });

  const serializeList = fastJson(listSchema);
  app.get('/api/data/counterparty', async (request, reply) => {
    const q = request.query;
    if (q.groupBy !== undefined) return groupBy(q.groupBy, request.user.org);
    const params = [];
    const scope = `(${scopeSql(ownersFor(request.user.org, 'read'), params)})`;
    const where = [];
    if (q.filter !== undefined) {
      let filter;
      try {
        filter = JSON.parse(q.filter);
      } catch {
        throw new HttpError(400, 'filter is not JSON.');
      }
      for (const [field, value] of Object.entries(filter ?? {})) {
        const type = FILTERABLE[field];
        if (!type || typeof value !== 'string') throw new HttpError(400, `The baseline filters by equality on ${Object.keys(FILTERABLE).join(', ')}.`);
        params.push(value);
        where.push(`("t"."${COLUMN[field]}" = $${params.length}::${type})`);
      }
    }
    let search = '';
    if (q.q !== undefined) {
      params.push(`%${escapeLike(String(q.q))}%`);
      search = ` AND (${SEARCH_COLUMNS.map((c) => `"t"."${c}" ILIKE $${params.length}::text`).join(' OR ')})`;
    }
    const countParams = [...params];
    // The runtime's shape: the access scope, AND the filter's terms (parenthesized together when several), AND the search.
    const whereSql = ` WHERE ${scope}${where.length === 0 ? '' : ` AND ${where.length === 1 ? where[0] : `(${where.join(' AND ')})`}`}${search}`;
    const whens = COLOR_RULES.map((rule) => {
      params.push(rule.status);
      return `WHEN ("t"."status" = $${params.length}::text) THEN ${COLOR_RULES.indexOf(rule)}`;
    });
    const keys = String(q.sort ?? DEFAULT_SORT).split(',').map((k) => ({ field: k.replace(/^-/, ''), desc: k.startsWith('-') }));
    for (const k of keys) if (!SORTABLE.has(k.field)) throw new HttpError(400, `Cannot sort by ${k.field}.`);
    const order = [...keys.map((k) => `"t"."${COLUMN[k.field]}" ${k.desc ? 'DESC' : 'ASC'}`), `"t"."id" ${keys[keys.length - 1].desc ? 'DESC' : 'ASC'}`].join(', ');
    const limit = Math.min(1000, Math.max(1, Number.parseInt(q.limit ?? '50', 10) || 50));
    const offset = Math.max(0, Number.parseInt(q.offset ?? '0', 10) || 0);
    const pageSql = `SELECT ${SELECT_COLUMNS}, CASE ${whens.join(' ')} END AS "$color" FROM "counterparty" AS "t"${whereSql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
    const countSql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM "counterparty" AS "t"${whereSql} LIMIT ${EXACT_TOTAL_LIMIT + 1}) AS matching`;
    const total = async () => {
      const n = (await query(pool, countSql, countParams)).rows[0].n;
      if (n <= EXACT_TOTAL_LIMIT) return { total: n };
      const plan = (await query(pool, `EXPLAIN (FORMAT JSON) SELECT 1 FROM "counterparty" AS "t"${whereSql}`, countParams)).rows[0]['QUERY PLAN'];
      return { total: Math.max(Math.round(plan[0].Plan['Plan Rows']), EXACT_TOTAL_LIMIT + 1), totalEstimated: true };
    };
    // A quick search counts first: few matches (an exact total) take the ids from the trigram
    // indexes before sorting, as the runtime does (its fewMatchesSql).
    const fewMatchesSql = `WITH matching AS MATERIALIZED (SELECT "t"."id" FROM "counterparty" AS "t"${whereSql}) SELECT ${SELECT_COLUMNS}, CASE ${whens.join(' ')} END AS "$color" FROM "counterparty" AS "t" WHERE "t"."id" IN (SELECT "id" FROM matching) ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
    const searched = async () => {
      const counted = await total();
      return [await query(pool, counted.totalEstimated ? pageSql : fewMatchesSql, params), counted];
    };
    const [page, counted] = q.q !== undefined ? await searched() : await Promise.all([query(pool, pageSql, params), total()]);
    for (const row of page.rows) {
      const rule = COLOR_RULES[row.$color];
      if (!rule) delete row.$color;
      else {
        row.$color = rule.color;
        row.$colorLabel = rule.label;
      }
    }
    return reply.type('application/json').send(serializeList({ items: page.rows, ...counted, limit, offset }));
  });

  async function groupBy(field, org) {
    if (field !== 'status') throw new HttpError(400, 'The baseline groups by status.');
    const params = [];
    const scope = scopeSql(ownersFor(org, 'read'), params);
    params.push(STATUSES);
    const { rows } = await query(
      pool,
      `SELECT "t"."status" AS "key", count(*)::int AS "count" FROM "counterparty" AS "t" WHERE (${scope}) GROUP BY "t"."status" ORDER BY array_position($${params.length}::text[], "t"."status"::text) ASC NULLS LAST, count(*) DESC LIMIT 1000`,
      params,
    );
    return { groups: rows.map((r) => ({ key: r.key, label: r.key === null ? { ru: 'Не задано', en: 'Not set' } : (STATUS_LABELS[r.key] ?? r.key), count: r.count, sums: {} })) };
  }

  /** The audit row went in with the record, its changes from the values sent: corrected should the stored row differ. */
  async function correctAudit(tx, auditId, expected, changes) {
    if (JSON.stringify(changes) !== expected) await query(tx, 'UPDATE sys_audit SET changes = $2 WHERE id = $1', [auditId, JSON.stringify(changes)]);
  }

  /**
   * The five rule queries as one statement, in the runtime's order; a 409 on a block match or an
   * unconfirmed warn. On an update (`stored`: the row) a rule whose key is unchanged is skipped,
   * neither queried nor rewritten. Returns [column, key] of the rules to write.
   */
  async function checkDuplicates(tx, values, exceptId, confirmed, stored) {
    const keys = RULES.map(([column, field, normalize]) => {
      const key = normalize(values[field]);
      return stored && key === (stored[column] ?? null) ? undefined : key;
    });
    const params = [exceptId];
    const branches = [];
    const used = [];
    for (let i = 0; i < RULES.length; i++) {
      const [column, , , , threshold] = RULES[i];
      if (keys[i] === null || keys[i] === undefined) continue;
      params.push(keys[i]);
      const n = used.push(i) - 1;
      const value = `$${params.length}`;
      branches.push(
        threshold === undefined
          ? `(SELECT ${n} AS "$rule", id, "brand", NULL::real AS "$score" FROM "counterparty" WHERE "${column}" = ${value} AND id IS DISTINCT FROM $1::uuid LIMIT 5)`
          : `(SELECT ${n} AS "$rule", id, "brand", similarity("${column}", ${value}) AS "$score" FROM "counterparty" WHERE "${column}" % ${value} AND id IS DISTINCT FROM $1::uuid ORDER BY "$score" DESC LIMIT 5)`,
      );
    }
    const matches = [];
    if (branches.length > 0) {
      const { rows } = await prepared(tx, branches.join(' UNION ALL '), params);
      rows.sort((a, b) => a.$rule - b.$rule || (b.$score ?? 0) - (a.$score ?? 0));
      for (const row of rows) {
        const [column, , , block] = RULES[used[row.$rule]];
        matches.push({ id: row.id, title: row.brand, rule: column.slice(4), action: block ? 'block' : 'warn' });
      }
    }
    if (matches.some((m) => m.action === 'block' || !confirmed)) throw new HttpError(409, 'Duplicate.', { duplicates: matches });
    return RULES.map(([column], i) => [column, keys[i]]).filter(([, key]) => key !== undefined);
  }

  app.post('/api/data/counterparty', { schema: { body: createBody, response: { 201: recordSchema } } }, async (request, reply) => {
    const body = request.body;
    for (const f of ['phone', 'phone2']) if (body[f] && !parsePhoneNumberFromString(body[f], 'RU')?.isPossible()) throw new HttpError(400, `${f} is not a phone number.`);
    const { org } = request.user;
    if (Object.hasOwn(body, 'owner') && ownerReadOnly(org.roles)) throw new HttpError(403, 'You may not set owner.');
    const values = { status: 'potential', ...body };
    if (!Object.hasOwn(body, 'owner')) values.owner = request.user.id;
    const creatable = ownersFor(org, 'create');
    if (creatable !== null && !reaches(creatable, values.owner)) throw new HttpError(403, 'You may not create a counterparty owned by this user.');
    const onBehalfOf = org.substituted.includes(values.owner) ? values.owner : null;
    const id = uuidv7();
    const now = new Date().toISOString();
    const record = await transaction(async (tx) => {
      const keys = await checkDuplicates(tx, values, null, request.query.confirm === 'duplicates');
      const columns = ['id', 'created_at', 'updated_at', 'created_by', 'updated_by', 'version'];
      const params = [id, now, now, request.user.id, request.user.id, 1];
      for (const f of ['owner', ...WRITABLE.filter((f) => f !== 'owner')]) {
        if (!Object.hasOwn(values, f)) continue;
        columns.push(COLUMN[f]);
        params.push(values[f]);
      }
      for (const [column, key] of keys) {
        columns.push(column);
        params.push(key);
      }
      const expected = JSON.stringify(diff({}, toRecord(Object.fromEntries(columns.map((c, i) => [c, params[i]])))));
      const auditId = uuidv7();
      const insert = `WITH audit AS (${auditSql(params.length + 1)}) INSERT INTO "counterparty" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;
      const { rows } = await query(tx, insert, [...params, auditId, now, request.user.id, 'counterparty', id, 'create', onBehalfOf, expected, null]);
      const saved = toRecord(rows[0]);
      await correctAudit(tx, auditId, expected, diff({}, saved));
      return saved;
    });
    reply.header('location', `/api/data/counterparty/${id}`).header('etag', `"${record.version}"`).status(201);
    return record;
  });

  app.patch('/api/data/counterparty/:id', { schema: { body: patchBody, response: { 200: recordSchema } } }, async (request, reply) => {
    const { id } = request.params;
    const ifMatch = request.headers['if-match'];
    const version = Number(typeof ifMatch === 'string' ? ifMatch.replaceAll('"', '') : request.body.version);
    if (!Number.isInteger(version) || version < 1) throw new HttpError(428, 'Send If-Match with the version you edited.');
    if (!UUID.test(id)) throw new HttpError(400, 'Not a UUID.');
    const now = new Date().toISOString();
    const record = await transaction(async (tx) => {
      const { rows } = await query(tx, 'SELECT * FROM "counterparty" WHERE id = $1 FOR NO KEY UPDATE', [id]);
      if (!rows[0]) throw new HttpError(404, 'No such counterparty.');
      const before = toRecord(rows[0]);
      const { org } = request.user;
      if (!reaches(ownersFor(org, 'read'), before.owner)) throw new HttpError(404, 'No such counterparty.');
      if (!reaches(ownersFor(org, 'update'), before.owner)) throw new HttpError(403, 'You may not update this counterparty.');
      if (before.version !== version) throw new HttpError(412, `The record is at version ${before.version}.`, { currentVersion: before.version });
      const changed = Object.fromEntries(WRITABLE.filter((f) => Object.hasOwn(request.body, f)).map((f) => [f, request.body[f]]));
      if (Object.hasOwn(changed, 'owner') && ownerReadOnly(org.roles)) throw new HttpError(403, 'You may not change owner.');
      if (Object.hasOwn(changed, 'owner') && changed.owner !== before.owner && !reaches(ownersFor(org, 'update'), changed.owner)) throw new HttpError(403, 'You may not give this counterparty away.');
      const keys = await checkDuplicates(tx, { ...before, ...changed }, id, request.query.confirm === 'duplicates', rows[0]);
      const sets = ['updated_at = $1', 'updated_by = $2', 'version = version + 1'];
      const params = [now, request.user.id];
      for (const [f, value] of Object.entries(changed)) {
        params.push(value);
        sets.push(`"${COLUMN[f]}" = $${params.length}`);
      }
      for (const [column, key] of keys) {
        params.push(key);
        sets.push(`"${column}" = $${params.length}`);
      }
      params.push(id);
      const expected = JSON.stringify(diff(before, { ...before, ...changed }));
      const auditId = uuidv7();
      const update = `WITH audit AS (${auditSql(params.length + 1)}) UPDATE "counterparty" SET ${sets.join(', ')} WHERE id = $${params.length} RETURNING *`;
      const updated = await query(tx, update, [...params, auditId, now, request.user.id, 'counterparty', id, 'update', org.substituted.includes(before.owner) ? before.owner : null, expected, null]);
      const after = toRecord(updated.rows[0]);
      await correctAudit(tx, auditId, expected, diff(before, after));
      return after;
    });
    reply.header('etag', `"${record.version}"`);
    return record;
  });

  // Endpoints a scenario module brings along (bench/scenarios/index.mjs: baselineRoutes), so
  // a new scenario adds its hand-written counterpart in its own file.
  for (const scenario of defineScenarios()) await scenario.baselineRoutes?.(app, { pool, query, prepared, transaction, HttpError, ownersFor, scopeSql });

  app.addHook('onClose', () => pool.end());
  return {
    app,
    startTrace: () => {
      trace = [];
    },
    stopTrace: () => {
      const statements = trace ?? [];
      trace = null;
      return statements;
    },
  };
}

/** Forked by run.mjs: listens, reports its port over IPC, answers trace requests. */
async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'database-url': { type: 'string', default: process.env.CARDO_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL },
    },
  });
  const baseline = await buildBaseline({ databaseUrl: values['database-url'] });
  const address = await baseline.app.listen({ port: Number(values.port), host: '127.0.0.1' });
  const port = baseline.app.server.address().port;
  if (process.send) {
    process.on('message', (message) => {
      if (message?.type === 'trace-start') {
        baseline.startTrace();
        process.send({ type: 'trace-started', id: message.id });
      }
      if (message?.type === 'trace-stop') process.send({ type: 'trace', id: message.id, statements: baseline.stopTrace() });
      if (message?.type === 'stop') baseline.app.close().then(() => process.exit(0));
    });
    process.send({ type: 'ready', port, pid: process.pid, id: randomUUID() });
  } else {
    console.log(`baseline listening at ${address}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
