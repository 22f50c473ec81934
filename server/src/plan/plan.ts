import { DatabaseSchema, SchemaComparator } from '@mikro-orm/sql';
import type { AbstractSqlConnection, AbstractSqlPlatform, Column, ForeignKey, IndexDef, SchemaDifference, SqlSchemaGenerator, TableDifference } from '@mikro-orm/sql';
import type { CompiledModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { DUPLICATE_KEY_COMMENT } from '../orm/entity-schemas.js';
import { openOrm, type CardoOrm, type OrmTarget } from '../orm/orm.js';

/**
 * Plan: what the database needs to become the schema the model describes. Planning only
 * reads; `applyMigration` runs the SQL. The diff is MikroORM's (introspection, comparator
 * and DDL rendering); what is destructive is decided here, from the diff, before any SQL.
 */

export type PlanChangeKind =
  | 'createTable'
  | 'dropTable'
  | 'addColumn'
  | 'dropColumn'
  | 'alterColumn'
  | 'addIndex'
  | 'dropIndex'
  | 'addForeignKey'
  | 'dropForeignKey'
  | 'createExtension';

export interface PlanChange {
  kind: PlanChangeKind;
  table: string;
  column?: string;
  index?: string;
  /** What happens, for people: `add column counterparty.phone2 varchar(64)`. */
  detail: string;
  /** Drops or narrows data: applied only with explicit consent. */
  destructive: boolean;
}

export interface Plan {
  changes: PlanChange[];
  /** The statements, in order, without trailing semicolons. */
  sql: string[];
  destructive: PlanChange[];
  empty: boolean;
}

export type PlanTarget = OrmTarget;

/** Trigram matching for fuzzy duplicates and `q` search; installed next to the tables' search path. */
export const TRGM_EXTENSION_SQL = 'create extension if not exists pg_trgm schema public';

export async function planMigration(target: PlanTarget, model: CompiledModel): Promise<Plan> {
  const orm = await openOrm(target, model);
  try {
    return await planWithOrm(orm, target);
  } finally {
    await orm.close();
  }
}

/** Plans with an ORM already opened for the model (apply reuses one inside its transaction). */
export async function planWithOrm(orm: CardoOrm, target: PlanTarget): Promise<Plan> {
  const db = target.db;
  const platform = orm.em.getPlatform() as AbstractSqlPlatform;
  const generator = orm.schema as unknown as Pick<SqlSchemaGenerator, 'diffToSQL'> & PrivateGenerator;
  const schemaName = target.schema ?? platform.getDefaultSchemaName() ?? 'public';
  // Introspect through the caller's Db, not an ORM connection: inside apply's transaction it
  // sees what the transaction sees, and the embedded/test database keeps a single session.
  const fromSchema = await DatabaseSchema.create(dbConnection(db, platform, schemaName), platform, orm.config, schemaName, [schemaName]);
  const prepared = await generator.prepareSchemaForComparison({ schema: schemaName, fromSchema, safe: false, dropTables: true });
  const diff = new SchemaComparator(platform).compare(prepared.fromSchema, prepared.toSchema);
  keepToTablesAndColumns(diff);

  const changes: PlanChange[] = [];
  const sql: string[] = [];
  const [trgm] = await db.query("select 1 as installed from pg_extension where extname = 'pg_trgm'");
  if (!trgm) {
    changes.push({ kind: 'createExtension', table: '', detail: 'create extension pg_trgm', destructive: false });
    sql.push(TRGM_EXTENSION_SQL);
  }
  changes.push(...classify(diff));
  sql.push(...splitStatements(generator.diffToSQL(diff, { wrap: false, safe: false, dropTables: true, schema: schemaName })));
  const destructive = changes.filter((c) => c.destructive);
  return { changes, sql, destructive, empty: sql.length === 0 };
}

/** `+` adds, `~` alters safely, `-` drops an index or key (no data), `!` destructive. */
export function formatChange(change: PlanChange): string {
  if (change.destructive) return `! ${change.detail} (destructive)`;
  if (change.kind === 'alterColumn') return `~ ${change.detail}`;
  if (change.kind === 'dropIndex' || change.kind === 'dropForeignKey') return `- ${change.detail}`;
  return `+ ${change.detail}`;
}

/** The plan for people: one line per change, a blank line, then the SQL. */
export function formatPlan(plan: Plan): string[] {
  if (plan.empty) return ['No changes: the database matches the metadata.'];
  return [...plan.changes.map(formatChange), '', ...plan.sql.map((statement) => `${statement};`)];
}

interface PrivateGenerator {
  prepareSchemaForComparison(options: { schema: string; fromSchema: DatabaseSchema; safe: boolean; dropTables: boolean }): Promise<{ fromSchema: DatabaseSchema; toSchema: DatabaseSchema }>;
}

/**
 * The one method of a MikroORM connection that introspection calls, served by the Db.
 * MikroORM lists the tables of every schema in the database and then reads their indexes by
 * name (`'"s"."t"'::regclass`): another schema dropped meanwhile (another application or
 * test sharing the database) fails the whole plan. Only `schema`'s tables are listed.
 */
function dbConnection(db: Db, platform: AbstractSqlPlatform, schema: string): AbstractSqlConnection {
  const listTables = platform.getSchemaHelper()?.getListTablesSQL();
  const connection = {
    async execute(sql: string, params: unknown[] = [], method: 'all' | 'get' | 'run' = 'all') {
      const text = sql === listTables ? `select * from (${sql}) as listed where listed.schema_name = ${platform.quoteValue(schema)}` : sql;
      const rows = await db.query(params.length > 0 ? platform.formatQuery(text, params) : text);
      return method === 'get' ? rows[0] : rows;
    },
    getPlatform: () => platform,
  };
  return connection as unknown as AbstractSqlConnection;
}

/**
 * Cardo manages tables, columns, indexes and foreign keys. Schemas, views, enums, routines,
 * checks, triggers and row-level security it never declares, so it leaves them alone instead
 * of dropping what an administrator added.
 */
function keepToTablesAndColumns(diff: SchemaDifference): void {
  diff.newNamespaces.clear();
  diff.removedNamespaces.clear();
  diff.removedViews = {};
  diff.changedViews = {};
  diff.removedNativeEnums = [];
  diff.removedRoutines = {};
  diff.changedRoutines = {};
  for (const table of Object.values(diff.changedTables)) {
    table.removedChecks = {};
    table.changedChecks = {};
    table.removedTriggers = {};
    table.changedTriggers = {};
    table.removedPolicies = {};
    delete table.changedRlsEnabled;
    delete table.changedRlsForced;
    delete table.changedComment;
    // Metadata has no notion of renaming a field: a removed and an added column of the same
    // type are a drop and an add. Guessing a rename could move data into the wrong field.
    for (const [oldName, column] of Object.entries(table.renamedColumns)) {
      const old = table.fromTable.getColumn(oldName);
      if (old) table.removedColumns[oldName] = old;
      table.addedColumns[column.name] = column;
    }
    table.renamedColumns = {};
  }
}

function tableName(name: string): string {
  return name.includes('.') ? name.slice(name.indexOf('.') + 1) : name;
}

/** Introspected and declared types spelled alike (`bool` and `boolean`, `int4` and `int`). */
function displayType(type: string): string {
  const parsed = parseType(type);
  switch (parsed.kind) {
    case 'varchar':
      return parsed.length === undefined ? 'varchar' : `varchar(${parsed.length})`;
    case 'numeric':
      return `numeric(${parsed.precision},${parsed.scale})`;
    case 'integer':
      return { 2: 'smallint', 4: 'int', 8: 'bigint' }[parsed.bytes] ?? type;
    case 'text':
      return 'text';
    case 'other':
      return { bool: 'boolean', timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz' }[parsed.name] ?? parsed.name;
  }
}

function describeColumn(column: Column): string {
  return `${displayType(column.type)}${column.nullable ? '' : ' not null'}${column.default !== undefined && column.default !== null ? ` default ${column.default}` : ''}`;
}

const RULE = (rule: string | undefined) => (rule ?? 'restrict').toLowerCase();

function describeForeignKey(table: string, fk: ForeignKey): string {
  return `${table}.${fk.columnNames.join(', ')} → ${tableName(fk.referencedTableName)} (on delete ${RULE(fk.deleteRule)})`;
}

function classify(diff: SchemaDifference): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const table of Object.values(diff.newTables)) {
    const columns = table.getColumns();
    changes.push({ kind: 'createTable', table: table.name, detail: `create table ${table.name} (${columns.length} columns)`, destructive: false });
    for (const index of table.getIndexes().filter((i) => !i.primary)) changes.push(addIndex(table.name, index));
    for (const fk of Object.values(table.getForeignKeys())) changes.push(addForeignKey(table.name, fk));
  }
  for (const table of Object.values(diff.removedTables)) {
    changes.push({ kind: 'dropTable', table: table.name, detail: `drop table ${table.name} and all its rows`, destructive: true });
  }
  for (const fk of diff.orphanedForeignKeys) changes.push(dropForeignKey(tableName(fk.localTableName), fk));
  for (const table of Object.values(diff.changedTables)) changes.push(...classifyTable(table));
  return changes;
}

function addIndex(table: string, index: IndexDef): PlanChange {
  const what = index.expression ? indexSummary(index.expression) : `${index.unique ? 'unique ' : ''}(${index.columnNames.join(', ')})`;
  return { kind: 'addIndex', table, index: index.keyName, detail: `add index ${index.keyName} on ${table} ${what}`, destructive: false };
}

/** `using gin (brand gin_trgm_ops)` from a create index statement, for the listing. */
function indexSummary(sql: string): string {
  const unique = /^create unique/i.test(sql) ? 'unique ' : '';
  const body = /\s(using\s+\w+\s+)?\((.*)$/i.exec(sql.slice(sql.indexOf(' on ') + 4));
  return `${unique}${body ? `${body[1] ?? ''}(${body[2]}` : ''}`.replaceAll('"', '');
}

function addForeignKey(table: string, fk: ForeignKey): PlanChange {
  return { kind: 'addForeignKey', table, column: fk.columnNames[0], index: fk.constraintName, detail: `add foreign key ${describeForeignKey(table, fk)}`, destructive: false };
}

function dropForeignKey(table: string, fk: ForeignKey): PlanChange {
  return { kind: 'dropForeignKey', table, column: fk.columnNames[0], index: fk.constraintName, detail: `drop foreign key ${fk.constraintName} on ${table}`, destructive: false };
}

function classifyTable(diff: TableDifference): PlanChange[] {
  const table = tableName(diff.name);
  const changes: PlanChange[] = [];
  for (const column of Object.values(diff.addedColumns)) {
    changes.push({ kind: 'addColumn', table, column: column.name, detail: `add column ${table}.${column.name} ${describeColumn(column)}`, destructive: false });
  }
  for (const column of Object.values(diff.removedColumns)) {
    if (column.comment === DUPLICATE_KEY_COMMENT) {
      changes.push({ kind: 'dropColumn', table, column: column.name, detail: `drop column ${table}.${column.name} (a removed duplicate rule's derived key)`, destructive: false });
    } else {
      changes.push({ kind: 'dropColumn', table, column: column.name, detail: `drop column ${table}.${column.name} and its values`, destructive: true });
    }
  }
  for (const change of Object.values(diff.changedColumns)) {
    const { fromColumn: from, column: to, changedProperties } = change;
    const parts: string[] = [];
    let destructive = false;
    if (changedProperties.has('type')) {
      parts.push(`${displayType(from.type)} → ${displayType(to.type)}`);
      if (!isWidening(from.type, to.type)) destructive = true;
    }
    if (changedProperties.has('nullable')) {
      parts.push(to.nullable ? 'drop not null' : 'set not null');
      // Existing NULLs make it fail, and a field becoming required is a narrowing.
      if (!to.nullable) destructive = true;
    }
    if (changedProperties.has('default')) parts.push(to.default === undefined || to.default === null ? 'drop default' : `default ${to.default}`);
    for (const other of changedProperties) if (!['type', 'nullable', 'default'].includes(other)) parts.push(`${other} changed`);
    changes.push({ kind: 'alterColumn', table, column: to.name, detail: `alter column ${table}.${to.name} ${parts.join(', ')}`, destructive });
  }
  for (const index of [...Object.values(diff.removedIndexes), ...Object.values(diff.changedIndexes)]) {
    changes.push({ kind: 'dropIndex', table, index: index.keyName, detail: `drop index ${index.keyName} on ${table}`, destructive: false });
  }
  for (const index of [...Object.values(diff.addedIndexes), ...Object.values(diff.changedIndexes)]) changes.push(addIndex(table, index));
  for (const [oldName, index] of Object.entries(diff.renamedIndexes)) {
    changes.push({ kind: 'dropIndex', table, index: oldName, detail: `drop index ${oldName} on ${table}`, destructive: false });
    changes.push(addIndex(table, index));
  }
  for (const fk of [...Object.values(diff.removedForeignKeys), ...Object.values(diff.changedForeignKeys)]) changes.push(dropForeignKey(table, fk));
  for (const fk of [...Object.values(diff.addedForeignKeys), ...Object.values(diff.changedForeignKeys)]) changes.push(addForeignKey(table, fk));
  return changes;
}

type ParsedType =
  | { kind: 'varchar'; length: number | undefined }
  | { kind: 'text' }
  | { kind: 'numeric'; precision: number; scale: number }
  | { kind: 'integer'; bytes: number }
  | { kind: 'other'; name: string };

function parseType(type: string): ParsedType {
  const t = type.toLowerCase().replace(/\s+/g, ' ').trim();
  let m = /^(?:varchar|character varying)(?:\((\d+)\))?$/.exec(t);
  if (m) return { kind: 'varchar', length: m[1] ? Number(m[1]) : undefined };
  if (t === 'text') return { kind: 'text' };
  m = /^(?:numeric|decimal)(?:\((\d+)(?:, ?(\d+))?\))?$/.exec(t);
  if (m) return { kind: 'numeric', precision: m[1] ? Number(m[1]) : 1000, scale: m[2] ? Number(m[2]) : 0 };
  if (['smallint', 'int2'].includes(t)) return { kind: 'integer', bytes: 2 };
  if (['int', 'integer', 'int4'].includes(t)) return { kind: 'integer', bytes: 4 };
  if (['bigint', 'int8'].includes(t)) return { kind: 'integer', bytes: 8 };
  return { kind: 'other', name: t };
}

/** Integer digits a value of an integer type can have (int4: 10, int8: 19). */
const INTEGER_DIGITS: Record<number, number> = { 2: 5, 4: 10, 8: 19 };

/**
 * A type change that keeps every value that fits the old type, unchanged: a longer varchar,
 * varchar → text, a numeric with at least as many integer and fraction digits, a larger
 * integer, an integer → a numeric with room for it. Everything else may truncate, round or
 * fail on existing values, so it is destructive.
 */
export function isWidening(fromType: string, toType: string): boolean {
  const from = parseType(fromType);
  const to = parseType(toType);
  switch (from.kind) {
    case 'varchar':
      if (to.kind === 'text') return true;
      return to.kind === 'varchar' && (to.length === undefined || (from.length !== undefined && to.length >= from.length));
    case 'text':
      return to.kind === 'text';
    case 'numeric':
      return to.kind === 'numeric' && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
    case 'integer': {
      if (to.kind === 'integer') return to.bytes >= from.bytes;
      return to.kind === 'numeric' && to.precision - to.scale >= (INTEGER_DIGITS[from.bytes] ?? Infinity);
    }
    case 'other':
      return to.kind === 'other' && to.name === from.name;
  }
}

/** diffToSQL's script as statements: one per line ending in `;` (it writes one statement a line). */
function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  for (const line of script.split('\n')) {
    if (line.trim() === '' && current === '') continue;
    current += (current ? '\n' : '') + line;
    if (/;\s*$/.test(line)) {
      statements.push(current.trim().replace(/;\s*$/, ''));
      current = '';
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
