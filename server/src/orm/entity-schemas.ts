import { createHash } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import type { CompiledModel, ColumnType, EntityModel, FieldModel } from '../compile/compile.js';
import { rulesOf } from '../notifications/rules.js';

/**
 * The compiled model as MikroORM EntitySchemas: the target the schema diff (plan/apply)
 * compares the database with. One table per entity, one column per stored field, plus the
 * normalized duplicate-key columns, foreign keys and the indexes the runtime's queries need.
 *
 * Secondary indexes are declared as raw `create index` statements with deterministic names
 * that encode what they index (`<table>_<column>_idx|uq|trgm|keytrgm|gin`): MikroORM then compares
 * them by name only, which is exact because the name changes whenever the definition does,
 * and it cannot express an operator class (`gin_trgm_ops`) structurally anyway.
 */

/** Tables Cardo keeps that are not entities (never exposed through the record API). */
export const INTERNAL_TABLES = ['sys_credential', 'sys_session', 'sys_saved_view', 'sys_calendar_feed', 'wf_instance', 'wf_task', 'wf_timer', 'wf_event', 'ntf_schedule', 'ntf_delivery', 'sys_file_content', 'sys_stage_history', 'sys_metadata_content'] as const;

/**
 * Marks the columns holding duplicate-rule keys in the database itself, so a plan can tell
 * them from fields: they are derived from the record, and dropping one loses nothing.
 */
export const DUPLICATE_KEY_COMMENT = 'cardo: duplicate-rule key (derived)';

/** PostgreSQL truncates identifiers longer than this, which would make every diff differ. */
const MAX_IDENTIFIER = 63;

/** Above this many characters a value can outgrow a btree entry (2704 bytes, 4 bytes a character). */
const MAX_BTREE_VARCHAR = 500;

/**
 * `keytrgm`: the trigram index of a fuzzy duplicate rule's key, searched on every write.
 * Without a pending list (fastupdate off): GIN's pending list buffers inserts cheaply, but
 * every search scans all of it (up to 4 MB), so under steady writes each duplicate check
 * would slow down until the next flush. Search indexes (`trgm`) keep the cheap inserts.
 */
export type IndexKind = 'idx' | 'uq' | 'trgm' | 'keytrgm' | 'gin';

/** `<table>_<column>_<suffix>`, shortened with a hash of the full name when it exceeds 63 characters. */
export function constraintName(table: string, column: string, suffix: string): string {
  const full = `${table}_${column}_${suffix}`;
  if (full.length <= MAX_IDENTIFIER) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_IDENTIFIER - suffix.length - hash.length - 2)}_${hash}_${suffix}`;
}

/** The SQL type of a column as PostgreSQL spells it in DDL. */
export function sqlType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return `varchar(${type.length})`;
    case 'numeric':
      return `numeric(${type.precision},${type.scale})`;
    case 'integer':
      return 'int';
    default:
      return type.kind;
  }
}

type PropertyDef = Record<string, unknown>;

/** MikroORM property options for a scalar column of the given type. */
function scalarProperty(column: string, type: ColumnType, nullable: boolean): PropertyDef {
  const base = { fieldName: column, nullable };
  switch (type.kind) {
    case 'varchar':
      return { ...base, type: 'string', columnType: sqlType(type), length: type.length };
    case 'text':
      return { ...base, type: 'text', columnType: 'text' };
    case 'integer':
      return { ...base, type: 'integer', columnType: 'int' };
    case 'numeric':
      return { ...base, type: 'decimal', columnType: sqlType(type), precision: type.precision, scale: type.scale };
    case 'boolean':
      return { ...base, type: 'boolean', columnType: 'boolean' };
    case 'date':
      return { ...base, type: 'date', columnType: 'date' };
    case 'timestamptz':
      return { ...base, type: 'datetime', columnType: 'timestamptz' };
    case 'uuid':
      return { ...base, type: 'uuid', columnType: 'uuid' };
    case 'text[]':
      return { ...base, type: 'string[]', columnType: 'text[]' };
  }
}

const DELETE_RULE = { restrict: 'restrict', cascade: 'cascade', setNull: 'set null' } as const;

function referenceProperty(table: string, column: string, target: string, onDelete: keyof typeof DELETE_RULE, nullable: boolean, primary = false): PropertyDef {
  return {
    kind: 'm:1',
    entity: () => target,
    fieldName: column,
    columnType: 'uuid',
    nullable,
    primary,
    deleteRule: DELETE_RULE[onDelete],
    // Ids never change, so ON UPDATE is moot; stating it keeps the diff from depending on defaults.
    updateRule: 'no action',
    foreignKeyName: constraintName(table, column, 'fkey'),
  };
}

/** System columns have fixed types whatever the generic field model says (id is a UUID, not a string). */
function systemProperty(entity: EntityModel, field: FieldModel): PropertyDef {
  switch (field.name) {
    case 'id':
      return { type: 'uuid', columnType: 'uuid', fieldName: 'id', primary: true };
    case 'createdAt':
    case 'updatedAt':
      return scalarProperty(field.column, { kind: 'timestamptz' }, false);
    case 'version':
      return { ...scalarProperty(field.column, { kind: 'integer' }, false), default: 1 };
    default:
      // createdBy, updatedBy, owner: users who may be deleted later, so SET NULL.
      if (field.target) return referenceProperty(entity.table, field.column, field.target, 'setNull', true);
      return scalarProperty(field.column, field.columnType ?? { kind: 'text' }, true);
  }
}

function fieldProperty(entity: EntityModel, field: FieldModel): PropertyDef | undefined {
  if (field.system) return systemProperty(entity, field);
  if (!field.columnType) return undefined;
  const nullable = !field.required;
  if (field.target && (field.type === 'reference' || field.type === 'user' || field.type === 'file')) {
    return referenceProperty(entity.table, field.column, field.target, field.onDelete, nullable);
  }
  return scalarProperty(field.column, field.columnType, nullable);
}

/** Field names a condition reads: keys that are not operators, first segment of dot paths. */
export function conditionFields(condition: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(condition)) {
    for (const item of condition) conditionFields(item, into);
  } else if (condition && typeof condition === 'object') {
    for (const [key, value] of Object.entries(condition)) {
      if (key.startsWith('$')) conditionFields(value, into);
      else into.add(key.split('.')[0] ?? key);
    }
  }
  return into;
}

/** The field paths a condition reads, dot paths whole. */
function conditionPaths(condition: unknown, into: string[] = []): string[] {
  if (Array.isArray(condition)) {
    for (const item of condition) conditionPaths(item, into);
  } else if (condition && typeof condition === 'object') {
    for (const [key, value] of Object.entries(condition)) {
      if (key.startsWith('$')) conditionPaths(value, into);
      else into.push(key);
    }
  }
  return into;
}

/**
 * Per entity, the fields that list filters of any entity read through a reference
 * (`counterparty.status` on a contact list reads counterparty.status): entity name → field
 * names. Each hop of a dot path after the first is such a field of the entity it reaches.
 */
export function joinedFilterFields(model: CompiledModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const entity of model.entities.values()) {
    for (const list of entity.lists) {
      const conditions = [list.filter, ...(list.quickFilters ?? []).map((q) => q.filter)];
      for (const path of conditions.flatMap((c) => conditionPaths(c))) {
        const segments = path.split('.');
        let current: EntityModel | undefined = entity;
        for (let i = 0; i < segments.length && current; i++) {
          const field = current.field.get(segments[i] as string);
          if (!field) break;
          if (i > 0) {
            let names = out.get(current.name);
            if (!names) out.set(current.name, (names = new Set()));
            names.add(field.name);
          }
          current = field.target ? model.entities.get(field.target) : undefined;
        }
      }
    }
  }
  return out;
}

/** Fields a list view sorts, filters or groups by; the runtime queries them on every page. */
function listFields(entity: EntityModel): Set<string> {
  const names = new Set<string>();
  for (const list of entity.lists) {
    for (const part of (list.sort ?? '').split(',')) {
      const name = part.trim().replace(/^[-+]/, '').split('.')[0];
      if (name) names.add(name);
    }
    conditionFields(list.filter, names);
    for (const quick of list.quickFilters ?? []) conditionFields(quick.filter, names);
    for (const group of list.groupBy ?? []) names.add(group);
  }
  return names;
}

/** (owner, sort field, id) per list view order, and (owner, f) per choice field lists filter or group by. */
function ownerCompositeColumns(entity: EntityModel): string[][] {
  const out = new Map<string, string[]>();
  const btree = (name: string) => {
    const field = entity.field.get(name);
    return field?.columnType && field.name !== 'owner' && queryIndexKind(field.columnType) === 'idx' ? field : undefined;
  };
  for (const list of entity.lists) {
    const first = (list.sort ?? '').split(',')[0]?.trim().replace(/^[-+]/, '');
    const field = first && !first.includes('.') ? btree(first) : undefined;
    if (field) out.set(field.column, ['owner', field.column, 'id']);
  }
  for (const name of listFields(entity)) {
    const field = btree(name);
    if (field && ['enum', 'stage', 'boolean'].includes(field.type)) out.set(`${field.column}#`, ['owner', field.column]);
  }
  return [...out.values()];
}

function isText(type: ColumnType | undefined): boolean {
  return type?.kind === 'varchar' || type?.kind === 'text';
}

/** The index a queried column gets: btree where a btree entry always fits, trigram or GIN otherwise. */
function queryIndexKind(type: ColumnType): IndexKind {
  if (type.kind === 'text[]') return 'gin';
  if (type.kind === 'text' || (type.kind === 'varchar' && type.length > MAX_BTREE_VARCHAR)) return 'trgm';
  return 'idx';
}

export interface IndexSpec {
  name: string;
  column: string;
  kind: IndexKind;
  /** The full `create index` statement (schema-qualified table from MikroORM). */
  sql: (table: string) => string;
}

function indexSql(name: string, column: string, kind: IndexKind): (table: string) => string {
  const q = (id: string) => `"${id}"`;
  switch (kind) {
    case 'uq':
      // A partial unique index: NULL (no key to compare) never collides, and concurrent inserts
      // of the same key are serialized by the index itself.
      return (table) => `create unique index ${q(name)} on ${table} (${q(column)}) where ${q(column)} is not null`;
    case 'trgm':
      return (table) => `create index ${q(name)} on ${table} using gin (${q(column)} gin_trgm_ops)`;
    case 'keytrgm':
      return (table) => `create index ${q(name)} on ${table} using gin (${q(column)} gin_trgm_ops) with (fastupdate = off)`;
    case 'gin':
      return (table) => `create index ${q(name)} on ${table} using gin (${q(column)})`;
    case 'idx':
      return (table) => `create index ${q(name)} on ${table} (${q(column)})`;
  }
}

/**
 * Every secondary index of an entity's table, deduplicated by name. `joined`: its fields
 * that other lists filter on through a reference (joinedFilterFields); `calendarFields`: its
 * date fields calendar sources query by window (calendarDateFields); `rangeColumns`: the
 * column lists planFact reports and the date rules' sweep read ranges of (reportIndexColumns,
 * sweptIndexColumns).
 */
export function entityIndexes(entity: EntityModel, joined: ReadonlySet<string> = new Set(), calendarFields: ReadonlySet<string> = new Set(), rangeColumns: readonly (readonly string[])[] = []): IndexSpec[] {
  const specs = new Map<string, IndexSpec>();
  const add = (column: string, kind: IndexKind) => {
    const name = constraintName(entity.table, column, kind);
    if (!specs.has(name)) specs.set(name, { name, column, kind, sql: indexSql(name, column, kind) });
  };
  const uniqueColumns = new Set(entity.columns.filter((f) => f.unique).map((f) => f.column));
  for (const field of entity.columns) {
    if (field.name === 'id') continue;
    if (field.unique) add(field.column, 'uq');
    else if (field.target) add(field.column, 'idx');
  }
  add('created_at', 'idx');
  const composite = (columns: readonly string[]) => {
    const name = constraintName(entity.table, columns.join('__'), 'idx');
    if (!specs.has(name)) specs.set(name, { name, column: columns.join(','), kind: 'idx', sql: (table) => `create index "${name}" on ${table} (${columns.map((c) => `"${c}"`).join(', ')})` });
  };
  for (const name of new Set([...listFields(entity), ...joined])) {
    const field = entity.field.get(name);
    if (!field?.columnType || field.name === 'id' || uniqueColumns.has(field.column)) continue;
    const kind = queryIndexKind(field.columnType);
    // A filter reached through a join (contact list: counterparty.status = 'key') is answered
    // from (field, id) alone: the ids to join come out of the index, no heap visit, so the
    // planner prefers it to reading the table in order. It serves plain filters on the field too.
    if (kind === 'idx' && joined.has(name) && !field.target) composite([field.column, 'id']);
    else add(field.column, kind);
  }
  for (const field of entity.searchFields) {
    if (field.columnType && isText(field.columnType)) add(field.column, 'trgm');
  }
  // A system entity about other records (audit, links, tasks, files) is read per record,
  // newest first: a record's history must not scan the whole audit log.
  const recordEntity = entity.field.get('recordEntity');
  const recordId = entity.field.get('recordId');
  if (entity.system && recordEntity?.columnType && recordId?.columnType) composite([recordEntity.column, recordId.column, 'created_at']);
  // Most list requests are scoped to owners (own / subordinates): composite indexes let
  // "my records, filtered by a choice field, in the view's order" read one index range.
  for (const columns of ownerCompositeColumns(entity)) composite(columns);
  // Calendar windows are ranges on these dates, most often within an owner scope.
  for (const name of calendarFields) {
    const field = entity.field.get(name);
    if (!field?.columnType || uniqueColumns.has(field.column)) continue;
    add(field.column, 'idx');
    composite(['owner', field.column, 'id']);
  }
  for (const rule of entity.duplicateRules) {
    add(rule.column, rule.match === 'fuzzy' ? 'keytrgm' : rule.action === 'block' ? 'uq' : 'idx');
  }
  // planFact metrics (a date range, for everyone or per employee) and the date rules' sweep.
  for (const columns of rangeColumns) {
    if (columns.length === 1) add(columns[0] as string, 'idx');
    else composite(columns);
  }
  return withoutPrefixIndexes([...specs.values()]);
}

/**
 * Without the plain btree indexes on one column that leads a composite btree index: the
 * composite answers every lookup the single column would (equality, ranges, a reference's
 * ON DELETE check), and each index dropped is one less to write on every insert.
 */
function withoutPrefixIndexes(specs: IndexSpec[]): IndexSpec[] {
  const leading = new Set(specs.filter((s) => s.kind === 'idx' && s.column.includes(',')).map((s) => s.column.split(',')[0]));
  return specs.filter((s) => !(s.kind === 'idx' && !s.column.includes(',') && leading.has(s.column)));
}

function toIndexOptions(specs: readonly IndexSpec[]) {
  return specs.map((spec) => ({
    name: spec.name,
    expression: (_columns: unknown, table: { name: string; schema?: string }) => spec.sql(quoteTable(table)),
  }));
}

/** Qualified like MikroORM's own DDL: the default schema (public) is left implicit. */
function quoteTable(table: { name: string; schema?: string }): string {
  const q = (id: string) => `"${id.replaceAll('"', '""')}"`;
  return table.schema && table.schema !== 'public' ? `${q(table.schema)}.${q(table.name)}` : q(table.name);
}

export function toEntitySchema(entity: EntityModel, joined?: ReadonlySet<string>, calendarFields?: ReadonlySet<string>, rangeColumns?: readonly (readonly string[])[]): EntitySchema {
  const properties: Record<string, PropertyDef> = {};
  for (const field of entity.columns) {
    const prop = fieldProperty(entity, field);
    if (prop) properties[field.name] = prop;
  }
  for (const rule of entity.duplicateRules) {
    // The property is named after the column: field names are camelCase, so they cannot clash.
    properties[rule.column] = { type: 'string', columnType: 'varchar(1024)', length: 1024, fieldName: rule.column, nullable: true, comment: DUPLICATE_KEY_COMMENT };
  }
  return new EntitySchema({
    name: entity.name,
    tableName: entity.table,
    properties,
    indexes: toIndexOptions(entityIndexes(entity, joined, calendarFields, rangeColumns)),
  } as never);
}

/** The uuid primary key of an internal table. */
const ID_COLUMN: PropertyDef = { type: 'uuid', columnType: 'uuid', fieldName: 'id', primary: true };
/** The hex sha256 of a secret token (sessions, calendar feeds): never the token itself. */
const SHA256_COLUMN: PropertyDef = { type: 'character', columnType: 'char(64)', length: 64, fieldName: 'token_hash', nullable: false };

/** Column shorthands for the internal tables: NOT NULL unless `nullable`. */
const col = {
  text: (column: string, nullable = false) => scalarProperty(column, { kind: 'text' }, nullable),
  time: (column: string, nullable = false) => scalarProperty(column, { kind: 'timestamptz' }, nullable),
  uuid: (column: string, nullable = false) => scalarProperty(column, { kind: 'uuid' }, nullable),
  varchar: (column: string, length: number, nullable = false) => scalarProperty(column, { kind: 'varchar', length }, nullable),
  /** An integer that starts at 0 (steps, attempts). */
  counter: (column: string) => ({ ...scalarProperty(column, { kind: 'integer' }, false), default: 0 }),
};

/** An index on one column of the kind given, named like an entity's. */
function columnIndex(table: string, column: string, kind: IndexKind): IndexSpec {
  const name = constraintName(table, column, kind);
  return { name, column, kind, sql: indexSql(name, column, kind) };
}

/** An internal table (not an entity, no record API): named after its table, with its indexes. */
function internalTable(table: string, properties: Record<string, PropertyDef>, indexes: readonly IndexSpec[] = []): EntitySchema {
  return new EntitySchema({ name: table, tableName: table, properties, ...(indexes.length > 0 ? { indexes: toIndexOptions(indexes) } : {}) } as never);
}

/** Password hashes live apart from sys_user so no record query can ever select them. */
function credentialSchema(): EntitySchema {
  const table = 'sys_credential';
  return internalTable(table, {
    user: referenceProperty(table, 'user_id', 'sys_user', 'cascade', false, true),
    passwordHash: col.text('password_hash'),
    updatedAt: col.time('updated_at'),
  });
}

/** Login sessions: only the sha256 of the token is stored, so a leaked table grants nothing. */
function sessionSchema(): EntitySchema {
  const table = 'sys_session';
  const indexes: IndexSpec[] = [
    columnIndex(table, 'user_id', 'idx'),
    columnIndex(table, 'token_hash', 'uq'),
    columnIndex(table, 'expires_at', 'idx'),
  ];
  return internalTable(table, {
    id: ID_COLUMN,
    user: referenceProperty(table, 'user_id', 'sys_user', 'cascade', false),
    tokenHash: SHA256_COLUMN,
    createdAt: col.time('created_at'),
    expiresAt: col.time('expires_at'),
    lastSeenAt: col.time('last_seen_at'),
  }, indexes);
}

/**
 * A user's saved list views (the runtime UI's filters, sort, columns…). Personal, so not an
 * entity: roles never grant them to anyone else, and only /api/views reaches them. The state is
 * the UI's JSON, kept as text: the server never looks inside.
 */
function savedViewSchema(): EntitySchema {
  const table = 'sys_saved_view';
  const unique = constraintName(table, 'user_id_entity_name', 'uq');
  const indexes: IndexSpec[] = [
    // One name per user and entity; also serves "my views of this entity", ordered by name.
    { name: unique, column: 'user_id', kind: 'uq', sql: (t) => `create unique index "${unique}" on ${t} ("user_id", "entity", "name")` },
  ];
  return internalTable(table, {
    id: ID_COLUMN,
    user: referenceProperty(table, 'user_id', 'sys_user', 'cascade', false),
    entity: col.varchar('entity', 64),
    name: col.varchar('name', 100),
    state: col.text('state'),
    createdAt: col.time('created_at'),
    updatedAt: col.time('updated_at'),
  }, indexes);
}

const plainIndex = (table: string, columns: readonly string[], kind: 'idx' | 'uq' = 'idx'): IndexSpec => {
  const name = constraintName(table, columns.join('__'), kind);
  const list = columns.map((c) => `"${c}"`).join(', ');
  return { name, column: columns.join(','), kind, sql: (t) => `create ${kind === 'uq' ? 'unique ' : ''}index "${name}" on ${t} (${list})` };
};

/**
 * Workflow instances: the engine's state (bpmn-engine getState, without the definition
 * source) saved at every wait state, in the transaction that creates or completes its tasks.
 * The row is also the lock: one server advances an instance at a time (SELECT … FOR UPDATE).
 */
function workflowInstanceSchema(): EntitySchema {
  const table = 'wf_instance';
  return internalTable(table, {
    id: ID_COLUMN,
    process: col.varchar('process', 100),
    definitionHash: col.varchar('definition_hash', 64),
    entity: col.varchar('entity', 64),
    recordId: col.uuid('record_id'),
    status: col.varchar('status', 20),
    state: col.text('state', true),
    startedBy: referenceProperty(table, 'started_by', 'sys_user', 'setNull', true),
    parent: col.uuid('parent_id', true),
    error: col.text('error', true),
    startedAt: col.time('started_at'),
    updatedAt: col.time('updated_at'),
    endedAt: col.time('ended_at', true),
    steps: col.counter('steps'),
  }, [plainIndex(table, ['entity', 'record_id']), plainIndex(table, ['status'])]);
}

/** Which engine execution (a waiting user task) a sys_task record stands for. */
function workflowTaskSchema(): EntitySchema {
  const table = 'wf_task';
  return internalTable(table, {
    task: referenceProperty(table, 'task_id', 'sys_task', 'cascade', false, true),
    instance: referenceProperty(table, 'instance_id', 'wf_instance', 'cascade', false),
    executionId: col.varchar('execution_id', 200),
    elementId: col.varchar('element_id', 200),
  }, [plainIndex(table, ['instance_id', 'execution_id'], 'uq')]);
}

/**
 * Timers of waiting instances (due dates, boundary timers). The row is the truth about a
 * timer (armed → fired | cancelled, changed with the instance's state); pg-boss jobs only wake
 * a server up when one is due, so a job delivered twice finds it fired and does nothing.
 */
function workflowTimerSchema(): EntitySchema {
  const table = 'wf_timer';
  return internalTable(table, {
    id: ID_COLUMN,
    instance: referenceProperty(table, 'instance_id', 'wf_instance', 'cascade', false),
    executionId: col.varchar('execution_id', 200),
    elementId: col.varchar('element_id', 200),
    fireAt: col.time('fire_at'),
    status: col.varchar('status', 20),
    firedAt: col.time('fired_at', true),
  }, [plainIndex(table, ['instance_id', 'execution_id'], 'uq'), plainIndex(table, ['status', 'fire_at'])]);
}

/** The history of an instance: who did what when (started, task created/completed, timer fired, ended). */
function workflowEventSchema(): EntitySchema {
  const table = 'wf_event';
  return internalTable(table, {
    id: ID_COLUMN,
    instance: referenceProperty(table, 'instance_id', 'wf_instance', 'cascade', false),
    at: col.time('at'),
    kind: col.varchar('kind', 40),
    elementId: col.varchar('element_id', 200, true),
    elementName: col.varchar('element_name', 500, true),
    actor: referenceProperty(table, 'actor', 'sys_user', 'setNull', true),
    onBehalfOf: referenceProperty(table, 'on_behalf_of', 'sys_user', 'setNull', true),
    taskId: col.uuid('task_id', true),
    outcome: col.varchar('outcome', 100, true),
    comment: col.text('comment', true),
  }, [plainIndex(table, ['instance_id', 'at'])]);
}

/**
 * A user's calendar feed token (GET /api/calendar.ics?token=…): one per user, only its sha256
 * stored, replaced when the user rotates it. A table apart from sessions: it must outlive them.
 */
function calendarFeedSchema(): EntitySchema {
  const table = 'sys_calendar_feed';
  const indexes: IndexSpec[] = [columnIndex(table, 'token_hash', 'uq')];
  return internalTable(table, {
    user: referenceProperty(table, 'user_id', 'sys_user', 'cascade', false, true),
    tokenHash: SHA256_COLUMN,
    createdAt: col.time('created_at'),
  }, indexes);
}

/**
 * The current occurrence of each date-triggered notification rule per record (notifications/
 * schedule.ts): when it is due, from which date value, and whether it was sent. The row is the
 * truth; pg-boss jobs only wake a server up, so a stale or duplicate job finds nothing to do.
 */
function notificationScheduleSchema(): EntitySchema {
  const table = 'ntf_schedule';
  return internalTable(table, {
    id: ID_COLUMN,
    rule: col.varchar('rule', 100),
    entity: col.varchar('entity', 64),
    recordId: col.uuid('record_id'),
    sourceAt: col.time('source_at'),
    dueAt: col.time('due_at'),
    status: col.varchar('status', 20),
    jobId: col.uuid('job_id', true),
    updatedAt: col.time('updated_at'),
    firedAt: col.time('fired_at', true),
  }, [plainIndex(table, ['rule', 'record_id'], 'uq'), plainIndex(table, ['status', 'due_at'])]);
}

/**
 * One notice to one recipient over one channel. `key` (occurrence + recipient + channel) is
 * unique, so however many servers, jobs or retries deliver an occurrence, it lands once. E-mail
 * rows are the outbox: status, attempts and the last error of each delivery.
 */
function notificationDeliverySchema(): EntitySchema {
  const table = 'ntf_delivery';
  return internalTable(table, {
    id: ID_COLUMN,
    key: col.varchar('key', 400),
    channel: col.varchar('channel', 10),
    recipient: col.uuid('recipient'),
    onBehalfOf: col.uuid('on_behalf_of', true),
    notification: col.uuid('notification_id', true),
    rule: col.varchar('rule', 100, true),
    recordEntity: col.varchar('record_entity', 64, true),
    recordId: col.uuid('record_id', true),
    address: col.varchar('address', 320, true),
    subject: col.varchar('subject', 500),
    body: col.text('body', true),
    status: col.varchar('status', 20),
    attempts: col.counter('attempts'),
    lastError: col.text('last_error', true),
    nextAttemptAt: col.time('next_attempt_at', true),
    createdAt: col.time('created_at'),
    sentAt: col.time('sent_at', true),
  }, [plainIndex(table, ['key'], 'uq'), plainIndex(table, ['status', 'next_attempt_at']), plainIndex(table, ['record_entity', 'record_id'])]);
}

/**
 * The bytes of a stored file (sys_file): in PostgreSQL, so that a file is written in the same
 * transaction as the record it is attached to, and every server instance can serve it.
 */
function fileContentSchema(): EntitySchema {
  const table = 'sys_file_content';
  return internalTable(table, {
    file: referenceProperty(table, 'file_id', 'sys_file', 'cascade', false, true),
    content: { type: 'blob', columnType: 'bytea', fieldName: 'content', nullable: false },
  });
}

/**
 * The metadata files of each applied version (plan/apply.ts), so every server instance can load
 * exactly the model another instance or the CLI applied (runtime/model-sync.ts).
 */
function metadataContentSchema(): EntitySchema {
  const table = 'sys_metadata_content';
  return internalTable(table, {
    version: referenceProperty(table, 'version_id', 'sys_metadata_version', 'cascade', false, true),
    content: { type: 'blob', columnType: 'bytea', fieldName: 'content', nullable: false },
  });
}

/**
 * When each record of an entity with a stage field entered each stage (records/stage-history.ts),
 * written in the transaction of the write that moved it: the forecast's stage durations are
 * read from here rather than parsed out of the audit log's JSON text.
 */
function stageHistorySchema(): EntitySchema {
  const table = 'sys_stage_history';
  return internalTable(table, {
    id: ID_COLUMN,
    entity: col.varchar('entity', 64),
    recordId: col.uuid('record_id'),
    stage: col.varchar('stage', 63),
    enteredAt: col.time('entered_at'),
  }, [plainIndex(table, ['entity', 'record_id', 'entered_at']), plainIndex(table, ['entity', 'stage', 'record_id'])]);
}

/**
 * Indexes planFact reports need on the entities their metrics count: the employee and date
 * fields of each metric (facts are one range of dates per employee), per entity as column lists.
 */
export function reportIndexColumns(model: CompiledModel): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const { def } of model.reports) {
    if (def.type !== 'planFact') continue;
    for (const metric of def.metrics) {
      const entity = model.entities.get(metric.entity);
      const employee = entity?.field.get(metric.employeeField ?? 'owner');
      const date = entity?.field.get(metric.dateField);
      if (!entity || !employee?.columnType || !date?.columnType) continue;
      const list = out.get(entity.name) ?? [];
      for (const columns of [[date.column], [employee.column, date.column]]) if (!list.some((c) => c.join() === columns.join())) list.push(columns);
      out.set(entity.name, list);
    }
  }
  return out;
}

/**
 * `updated_at` of the entities an enabled date notification rule watches: the minute sweep
 * (notifications/schedule.ts) looks for their records changed since its last run, which
 * without an index reads the whole table every minute on every server (5 M interactions).
 */
export function sweptIndexColumns(model: CompiledModel): Map<string, string[][]> {
  // The sweep's own list of date rules, so the index follows exactly the entities it reads.
  return new Map([...rulesOf(model).dates.keys()].map((entity) => [entity, [['updated_at']]]));
}

/** Date fields calendar sources query by window (start and end), per entity. */
export function calendarDateFields(model: CompiledModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const { def } of model.calendars) {
    for (const source of def.sources) {
      const fields = out.get(source.entity) ?? new Set<string>();
      for (const name of [source.start, source.end]) if (name && !name.includes('.')) fields.add(name);
      out.set(source.entity, fields);
    }
  }
  return out;
}

/** One EntitySchema per entity of the model (application and system), plus the internal tables. */
export function toEntitySchemas(model: CompiledModel): EntitySchema[] {
  const joined = joinedFilterFields(model);
  const calendarFields = calendarDateFields(model);
  const rangeColumns = reportIndexColumns(model);
  for (const [entity, columns] of sweptIndexColumns(model)) rangeColumns.set(entity, [...(rangeColumns.get(entity) ?? []), ...columns]);
  return [
    ...[...model.entities.values()].map((entity) => toEntitySchema(entity, joined.get(entity.name), calendarFields.get(entity.name), rangeColumns.get(entity.name))),
    credentialSchema(),
    sessionSchema(),
    savedViewSchema(),
    calendarFeedSchema(),
    workflowInstanceSchema(),
    workflowTaskSchema(),
    workflowTimerSchema(),
    workflowEventSchema(),
    notificationScheduleSchema(),
    notificationDeliverySchema(),
    fileContentSchema(),
    stageHistorySchema(),
    metadataContentSchema(),
  ];
}
