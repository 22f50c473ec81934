import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import type { CompiledModel } from '../src/compile/compile.js';
import type { Db } from '../src/db/db.js';
import { CardoError } from '../src/errors.js';
import { INTERNAL_TABLES } from '../src/orm/entity-schemas.js';
import { applyMigration, currentVersion } from '../src/plan/apply.js';
import { planMigration, type Plan, type PlanTarget } from '../src/plan/plan.js';
import { createAppDatabase, loadTestModel, type AppDatabase } from './helpers/app-db.js';
import { minimalMetadata, writeFixture, type FixtureFiles } from './helpers/metadata-fixture.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from './helpers/test-db.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited freely
type Json = any;

// Each case compiles a fixture and migrates a fresh schema: about a second, more on a busy machine.
jest.setTimeout(60_000);

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The minimal fixture application, optionally edited, compiled. */
async function fixtureModel(edit?: (files: Record<string, Json>) => void): Promise<CompiledModel> {
  const files = minimalMetadata() as Record<string, Json>;
  edit?.(files);
  const dir = await writeFixture(files as FixtureFiles);
  dirs.push(dir);
  return loadTestModel(dir);
}

function removeClientField(files: Record<string, Json>, name: string): void {
  const client = files['entities/client.json'];
  client.fields = client.fields.filter((x: Json) => x.name !== name);
  for (const tab of client.form.tabs) for (const section of tab.sections ?? []) section.fields = section.fields.filter((x: string) => x !== name);
}

const clientField = (files: Record<string, Json>, name: string): Json => files['entities/client.json'].fields.find((f: Json) => f.name === name);

interface ColumnInfo {
  data_type: string;
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
}

async function columnInfo(db: Db, schema: string, table: string, column: string): Promise<ColumnInfo | undefined> {
  const [row] = await db.query<ColumnInfo>(
    `select data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default
       from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3`,
    [schema, table, column],
  );
  return row;
}

async function tablesOf(db: Db, schema: string): Promise<string[]> {
  const rows = await db.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by 1", [schema]);
  return rows.map((r) => r.name);
}

async function indexDef(db: Db, schema: string, name: string): Promise<string | undefined> {
  const [row] = await db.query<{ indexdef: string }>('select indexdef from pg_indexes where schemaname = $1 and indexname = $2', [schema, name]);
  return row?.indexdef;
}

function target(app: { db: Db; schema: string }): PlanTarget {
  return { db: app.db, url: testDatabaseUrl(), schema: app.schema };
}

async function refusal(promise: Promise<unknown>): Promise<CardoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CardoError);
  return error as CardoError;
}

describe('the CRM schema on an empty database', () => {
  let t: TestDatabase;
  let model: CompiledModel;
  let plan: Plan;

  beforeAll(async () => {
    model = await loadTestModel();
    t = await createTestDatabase();
    plan = await planMigration(target(t), model);
    await applyMigration(target(t), model);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a table per entity and internal table, with nothing destructive', () => {
    const created = plan.changes.filter((c) => c.kind === 'createTable').map((c) => c.table);
    const expected = [...model.entities.keys(), ...INTERNAL_TABLES];
    expect(new Set(created)).toEqual(new Set(expected));
    for (const crm of ['counterparty', 'contact', 'deal', 'interaction', 'document', 'kpi_plan', 'sys_user', 'sys_metadata_version', 'sys_credential', 'sys_session']) {
      expect(created).toContain(crm);
    }
    expect(plan.destructive).toEqual([]);
    expect(plan.empty).toBe(false);
    expect(plan.sql.some((s) => /^create table "[^"]+"\."counterparty"/.test(s))).toBe(true);
  });

  it('leaves nothing to do afterwards', async () => {
    const again = await planMigration(target(t), model);
    expect(again.changes).toEqual([]);
    expect(again.sql).toEqual([]);
    expect(again.empty).toBe(true);
    expect(await tablesOf(t.db, t.schema)).toEqual([...model.entities.keys(), ...INTERNAL_TABLES].sort());
  });

  it.each([
    ['counterparty', 'id', { data_type: 'uuid', is_nullable: 'NO' }],
    ['counterparty', 'created_at', { data_type: 'timestamp with time zone', is_nullable: 'NO' }],
    ['counterparty', 'updated_at', { data_type: 'timestamp with time zone', is_nullable: 'NO' }],
    ['counterparty', 'created_by', { data_type: 'uuid', is_nullable: 'YES' }],
    ['counterparty', 'owner', { data_type: 'uuid', is_nullable: 'YES' }],
    ['counterparty', 'version', { data_type: 'integer', is_nullable: 'NO', column_default: '1' }],
    ['counterparty', 'brand', { data_type: 'character varying', character_maximum_length: 200, is_nullable: 'NO' }],
    ['counterparty', 'inn', { data_type: 'character varying', character_maximum_length: 12, is_nullable: 'YES' }],
    ['counterparty', 'phone', { data_type: 'character varying', character_maximum_length: 64 }],
    ['counterparty', 'email', { data_type: 'character varying', character_maximum_length: 320 }],
    ['counterparty', 'website', { data_type: 'character varying', character_maximum_length: 2048 }],
    ['counterparty', 'status', { data_type: 'character varying', character_maximum_length: 63 }],
    ['counterparty', 'wishes', { data_type: 'text' }],
    ['counterparty', 'dup_same_phone', { data_type: 'character varying', character_maximum_length: 1024, is_nullable: 'YES' }],
    ['deal', 'amount', { data_type: 'numeric', numeric_precision: 18, numeric_scale: 2 }],
    ['deal', 'counterparty', { data_type: 'uuid', is_nullable: 'NO' }],
    ['deal', 'expected_close_date', { data_type: 'date' }],
    ['deal', 'last_interaction_at', { data_type: 'timestamp with time zone' }],
    ['interaction', 'duration_minutes', { data_type: 'integer' }],
    ['sys_user', 'active', { data_type: 'boolean' }],
    ['sys_credential', 'user_id', { data_type: 'uuid', is_nullable: 'NO' }],
    ['sys_credential', 'password_hash', { data_type: 'text', is_nullable: 'NO' }],
    ['sys_session', 'token_hash', { data_type: 'character', character_maximum_length: 64, is_nullable: 'NO' }],
    ['sys_session', 'last_seen_at', { data_type: 'timestamp with time zone', is_nullable: 'NO' }],
    ['sys_metadata_version', 'hash', { data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO' }],
  ])('%s.%s is %o', async (table, column, expected) => {
    expect(await columnInfo(t.db, t.schema, table, column)).toMatchObject(expected);
  });

  it('makes references foreign keys that honour onDelete', async () => {
    const rows = await t.db.query<{ table: string; column: string; target: string; rule: string }>(
      `select tc.table_name as table, kcu.column_name as column, ccu.table_name as target, rc.delete_rule as rule
         from information_schema.table_constraints tc
         join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.constraint_schema = tc.constraint_schema
         join information_schema.referential_constraints rc on rc.constraint_name = tc.constraint_name and rc.constraint_schema = tc.constraint_schema
         join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
        where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = $1`,
      [t.schema],
    );
    const fk = (table: string, column: string) => rows.find((r) => r.table === table && r.column === column);
    expect(fk('contact', 'counterparty')).toMatchObject({ target: 'counterparty', rule: 'CASCADE' });
    expect(fk('deal', 'counterparty')).toMatchObject({ target: 'counterparty', rule: 'RESTRICT' });
    expect(fk('deal', 'contact')).toMatchObject({ target: 'contact', rule: 'SET NULL' });
    expect(fk('counterparty', 'owner')).toMatchObject({ target: 'sys_user', rule: 'SET NULL' });
    expect(fk('counterparty', 'created_by')).toMatchObject({ target: 'sys_user', rule: 'SET NULL' });
    expect(fk('document', 'file')).toMatchObject({ target: 'sys_file', rule: 'SET NULL' });
    expect(fk('sys_session', 'user_id')).toMatchObject({ target: 'sys_user', rule: 'CASCADE' });
    expect(fk('sys_credential', 'user_id')).toMatchObject({ target: 'sys_user', rule: 'CASCADE' });
  });

  it('indexes references, owners, creation times, list fields and searchable fields', async () => {
    expect(await indexDef(t.db, t.schema, 'deal_counterparty_idx')).toMatch(/USING btree \(counterparty\)/);
    // Owners lead the list views' composites, which also serve lookups by owner alone.
    expect(await indexDef(t.db, t.schema, 'counterparty_owner__brand__id_idx')).toMatch(/USING btree \(owner, brand, id\)/);
    expect(await indexDef(t.db, t.schema, 'counterparty_owner_idx')).toBeUndefined();
    expect(await indexDef(t.db, t.schema, 'counterparty_created_at_idx')).toMatch(/USING btree \(created_at\)/);
    // The minute sweep of a date rule reads the records changed since its last run: only
    // entities a date rule watches pay for the index on every write.
    expect(await indexDef(t.db, t.schema, 'interaction_updated_at_idx')).toMatch(/USING btree \(updated_at\)/);
    expect(await indexDef(t.db, t.schema, 'counterparty_updated_at_idx')).toBeUndefined();
    expect(await indexDef(t.db, t.schema, 'deal_stage_idx')).toMatch(/USING btree \(stage\)/);
    expect(await indexDef(t.db, t.schema, 'sys_user_login_uq')).toMatch(/^CREATE UNIQUE INDEX .* \(login\) WHERE \(login IS NOT NULL\)$/);
    expect(await indexDef(t.db, t.schema, 'counterparty_brand_trgm')).toMatch(/USING gin \(brand (public\.)?gin_trgm_ops\)/);
    // A fuzzy duplicate key's index is searched on every write: no pending list to scan each time.
    expect(await indexDef(t.db, t.schema, 'counterparty_dup_similar_brand_keytrgm')).toMatch(/USING gin \(dup_similar_brand (public\.)?gin_trgm_ops\) WITH \(fastupdate='?off'?\)/);
    expect(await indexDef(t.db, t.schema, 'counterparty_brand_trgm')).not.toMatch(/fastupdate/);
    expect(await indexDef(t.db, t.schema, 'deal_stage_idx')).not.toMatch(/fastupdate/);
    // A field another list filters on through a reference (contact: counterparty.status) is indexed with id.
    expect(await indexDef(t.db, t.schema, 'counterparty_status__id_idx')).toMatch(/USING btree \(status, id\)/);
    expect(await indexDef(t.db, t.schema, 'counterparty_dup_same_inn_idx')).toMatch(/^CREATE INDEX .* USING btree \(dup_same_inn\)$/);
    const names = (await t.db.query<{ name: string }>('select indexname as name from pg_indexes where schemaname = $1', [t.schema])).map((r) => r.name);
    expect(names.every((n) => n.length <= 63)).toBe(true);
  });

  it('lets a blocking duplicate rule refuse a second equal key, but not two empty ones', async () => {
    const insert = (brand: string, key: string | null) =>
      t.db.query(`insert into counterparty (id, created_at, updated_at, version, brand, dup_same_phone) values ($1, now(), now(), 1, $2, $3)`, [uuidv7(), brand, key]);
    await insert('Romashka', '+74951234567');
    await expect(insert('Romashka 2', '+74951234567')).rejects.toThrow(/duplicate key value violates unique constraint "counterparty_dup_same_phone_uq"/);
    await insert('No phone 1', null);
    await insert('No phone 2', null);
    await t.db.query('delete from counterparty');
  });

  it('records the applied metadata version once', async () => {
    const rows = await t.db.query<{ hash: string; plan: string; version: number; created_by: string | null }>('select hash, plan, version, created_by from sys_metadata_version');
    expect(rows).toEqual([{ hash: model.hash, plan: expect.stringContaining('+ create table counterparty'), version: 1, created_by: null }]);
    expect(await currentVersion(t.db)).toBe(model.hash);
    const again = await applyMigration(target(t), model);
    expect(again).toMatchObject({ applied: false, recorded: false });
    expect(await t.db.query('select 1 from sys_metadata_version')).toHaveLength(1);
  });
});

describe('changing the metadata', () => {
  let base: CompiledModel;
  let app: AppDatabase;

  beforeAll(async () => {
    base = await fixtureModel();
  });
  afterEach(async () => {
    await app?.close();
  });
  const fresh = async () => {
    app = await createAppDatabase({ model: base });
    return app;
  };

  it('adds a field as a safe column, applied without consent, and records the new version', async () => {
    const { db, schema } = await fresh();
    const next = await fixtureModel((f) => {
      f['entities/client.json'].fields.push({ name: 'phone2', label: { en: 'Phone 2', ru: 'Телефон 2' }, type: 'phone' });
      f['entities/client.json'].fields.push({ name: 'tags', label: { en: 'Tags', ru: 'Метки' }, type: 'multiEnum', options: [{ value: 'a', label: { en: 'A', ru: 'А' } }] });
    });
    const plan = await planMigration(target(app), next);
    expect(plan.changes).toEqual([
      { kind: 'addColumn', table: 'client', column: 'phone2', detail: 'add column client.phone2 varchar(64)', destructive: false },
      { kind: 'addColumn', table: 'client', column: 'tags', detail: 'add column client.tags text[]', destructive: false },
    ]);
    expect(plan.destructive).toEqual([]);
    const result = await applyMigration(target(app), next);
    expect(result).toMatchObject({ applied: true, recorded: true });
    expect(await columnInfo(db, schema, 'client', 'phone2')).toMatchObject({ data_type: 'character varying', character_maximum_length: 64, is_nullable: 'YES' });
    expect(await columnInfo(db, schema, 'client', 'tags')).toMatchObject({ data_type: 'ARRAY' });
    expect(await currentVersion(db)).toBe(next.hash);
    expect((await planMigration(target(app), next)).empty).toBe(true);
  });

  it('widens a string without consent', async () => {
    const { db, schema } = await fresh();
    const next = await fixtureModel((f) => (clientField(f, 'name').maxLength = 300));
    const plan = await planMigration(target(app), next);
    expect(plan.changes).toEqual([{ kind: 'alterColumn', table: 'client', column: 'name', detail: 'alter column client.name varchar(200) → varchar(300)', destructive: false }]);
    await applyMigration(target(app), next);
    expect(await columnInfo(db, schema, 'client', 'name')).toMatchObject({ character_maximum_length: 300 });
  });

  it.each<[string, string, (f: Record<string, Json>) => void, RegExp]>([
    ['removing a field', 'vip', (f) => removeClientField(f, 'vip'), /^drop column client\.vip/],
    ['narrowing a string', 'name', (f) => (clientField(f, 'name').maxLength = 100), /^alter column client\.name varchar\(200\) → varchar\(100\)$/],
    ['making a field required', 'vip', (f) => (clientField(f, 'vip').required = true), /^alter column client\.vip set not null$/],
    ['changing a field to an incompatible type', 'vip', (f) => Object.assign(clientField(f, 'vip'), { type: 'integer' }), /^alter column client\.vip boolean → int/],
  ])('refuses %s unless allowed, and changes nothing when refused', async (_name, column, edit, detail) => {
    const { db, schema } = await fresh();
    const before = await columnInfo(db, schema, 'client', column);
    expect(before).toBeDefined();
    const next = await fixtureModel(edit);
    const plan = await planMigration(target(app), next);
    expect(plan.destructive.map((c) => c.detail)).toEqual([expect.stringMatching(detail)]);

    const error = await refusal(applyMigration(target(app), next));
    expect(error.code).toBe('CARDO_ERR_META_DESTRUCTIVE');
    expect(error.status).toBe(409);
    expect(error.message).toContain(plan.destructive[0]?.detail);
    expect(error.extra?.changes).toEqual(plan.destructive);
    expect(await columnInfo(db, schema, 'client', column)).toEqual(before);
    expect(await currentVersion(db)).toBe(base.hash);

    const applied = await applyMigration(target(app), next, { allowDestructive: true });
    expect(applied.applied).toBe(true);
    expect(await currentVersion(db)).toBe(next.hash);
    expect((await planMigration(target(app), next)).empty).toBe(true);
  });

  it('refuses to drop a removed entity, and drops it with consent', async () => {
    const { db, schema } = await fresh();
    const next = await fixtureModel((f) => {
      // The order entity and everything that uses it.
      for (const file of ['entities/order.json', 'automations/order-won.json', 'notifications/meeting-reminder.json', 'calendars/meetings.json', 'reports/orders-by-stage.json', 'templates/offer.json', 'templates/offer.docx', 'workflows/approval.bpmn']) delete f[file];
      f['app.json'].menu[0].items = [{ entity: 'client' }, { page: 'tasks' }];
      f['entities/client.json'].form.tabs = f['entities/client.json'].form.tabs.filter((tab: Json) => !tab.entity);
      f['roles.json'].roles = f['roles.json'].roles.filter((r: Json) => r.name !== 'lawyer');
      f['roles.json'].roles[0].reports = undefined;
    });
    const plan = await planMigration(target(app), next);
    expect(plan.destructive).toEqual([{ kind: 'dropTable', table: 'order', detail: 'drop table order and all its rows', destructive: true }]);
    const error = await refusal(applyMigration(target(app), next));
    expect(error.message).toContain('drop table order');
    expect(await tablesOf(db, schema)).toContain('order');
    await applyMigration(target(app), next, { allowDestructive: true });
    expect(await tablesOf(db, schema)).not.toContain('order');
  });

  it('treats a table the model does not know as a destructive drop', async () => {
    const { db, schema } = await fresh();
    await db.query('create table stray (id int primary key)');
    const plan = await planMigration(target(app), base);
    expect(plan.changes).toEqual([{ kind: 'dropTable', table: 'stray', detail: 'drop table stray and all its rows', destructive: true }]);
    await expect(applyMigration(target(app), base)).rejects.toMatchObject({ code: 'CARDO_ERR_META_DESTRUCTIVE' });
    expect(await tablesOf(db, schema)).toContain('stray');
  });

  it('adds and drops indexes when list views and duplicate rules change, without consent', async () => {
    const { db, schema } = await fresh();
    const next = await fixtureModel((f) => {
      f['entities/client.json'].lists[0].sort = '-createdAt,email';
      f['entities/client.json'].duplicateRules = [{ name: 'same_phone', label: { en: 'Same phone', ru: 'Тот же телефон' }, fields: ['phone'], match: 'exact', action: 'warn' }];
    });
    const plan = await planMigration(target(app), next);
    expect(plan.destructive).toEqual([]);
    expect(plan.changes.map((c) => `${c.kind} ${c.index ?? c.column}`).sort()).toEqual(
      // name left the sort (its trigram index for search stays), email entered it.
      ['addIndex client_email_idx', 'dropIndex client_name_idx', 'addIndex client_dup_same_phone_idx', 'dropIndex client_dup_same_phone_uq', 'dropIndex client_dup_similar_name_keytrgm', 'dropColumn dup_similar_name'].sort(),
    );
    // A duplicate rule's key column holds derived data: dropping it loses nothing.
    expect(plan.changes.find((c) => c.kind === 'dropColumn')?.destructive).toBe(false);
    await applyMigration(target(app), next);
    expect(await indexDef(db, schema, 'client_email_idx')).toBeDefined();
    expect(await indexDef(db, schema, 'client_dup_same_phone_uq')).toBeUndefined();
  });

  it('records a new metadata version even when the schema does not change', async () => {
    const { db } = await fresh();
    const next = await fixtureModel((f) => (clientField(f, 'name').label = { en: 'Company', ru: 'Компания' }));
    expect(next.hash).not.toBe(base.hash);
    const result = await applyMigration(target(app), next);
    expect(result).toMatchObject({ applied: false, recorded: true, plan: { empty: true, changes: [], sql: [] } });
    expect(await currentVersion(db)).toBe(next.hash);
    const rows = await db.query<{ hash: string; plan: string }>('select hash, plan from sys_metadata_version order by created_at, id');
    expect(rows.map((r) => r.hash)).toEqual([base.hash, next.hash]);
    expect(rows[1]?.plan).toBe('No changes: the database matches the metadata.');
  });

  it('records who applied a version', async () => {
    const { db } = await fresh();
    const actor = uuidv7();
    await db.query(`insert into sys_user (id, created_at, updated_at, version, login, full_name) values ($1, now(), now(), 1, 'admin', 'Admin')`, [actor]);
    const next = await fixtureModel((f) => (clientField(f, 'name').maxLength = 250));
    await applyMigration(target(app), next, { actor });
    const [row] = await db.query<{ created_by: string }>('select created_by from sys_metadata_version where hash = $1', [next.hash]);
    expect(row?.created_by).toBe(actor);
  });
});

describe('planning in a shared database', () => {
  it("introspects only its own schema, so another schema's tables (dropped at any moment) are never read", async () => {
    const model = await fixtureModel();
    const mine = await createAppDatabase({ model });
    const other = await createTestDatabase();
    try {
      await other.db.query('CREATE TABLE neighbour (id int primary key, name text)');
      await other.db.query('CREATE INDEX neighbour_name_idx ON neighbour (name)');
      const statements: string[] = [];
      const traced: Db = { ...mine.db, query: (sql, params, options) => (statements.push(sql), mine.db.query(sql, params, options)) };
      const plan = await planMigration({ db: traced, url: testDatabaseUrl(), schema: mine.schema }, model);
      expect(plan.empty).toBe(true);
      const introspection = statements.join('\n');
      expect(introspection).toContain(`"${mine.schema}"`);
      expect(introspection).not.toContain(other.schema);
    } finally {
      await other.close();
      await mine.close();
    }
  });
});
