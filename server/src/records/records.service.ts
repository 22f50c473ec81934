import { v7 as uuidv7 } from 'uuid';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { quoteIdent } from '../db/db.js';
import { revokeUserSessions } from '../auth/sessions.js';
import { revokeFeedToken } from '../calendar/feed-tokens.js';
import { CardoError, type FieldError } from '../errors.js';
import type { Access } from '../access/access.js';
import { SqlParams } from '../query/sql.js';
import { auditInsert, correctAuditChanges, writeAudit, type AuditChanges, type AuditEntry } from './audit.js';
import { checkEntityRules } from './entity-rules.js';
import { removeLinksOf } from './links.js';
import { writeStageEntry } from './stage-history.js';
import { duplicateKeys, duplicateSearchSettings, findDuplicates, type DuplicateMatch } from './duplicates.js';
import { computeFormula, toApiRecord, type ApiRecord } from './record-mapping.js';

/** Who writes, and on whose behalf (a deputy acting for an absent user). */
export interface Actor {
  userId: string | null;
  onBehalfOf?: string | null;
  /** The automation writing on the user's behalf (recorded in the audit entry). */
  automation?: string | null;
}

/** One automation run in a chain of writes: which automation ran for which record. */
export interface ChainStep {
  automation: string;
  entity: string;
  recordId: string;
}

/** A change just written, as a hook inside the write's transaction sees it. */
export interface RecordChange {
  model: CompiledModel;
  entity: EntityModel;
  /** null for a create. */
  before: ApiRecord | null;
  /** For a delete: the record as it was (the row is already gone). */
  after: ApiRecord;
  actor: Actor;
  action: 'create' | 'update' | 'delete';
  /** The automations that led to this write, outermost first (empty for a user's write). */
  chain: readonly ChainStep[];
}

/**
 * Runs in the write's transaction after the row and its audit entry (workflow triggers,
 * automations). Answers 'changed' when it wrote the record itself, so the write re-reads it.
 */
export type RecordWriteHook = (tx: Db, change: RecordChange) => Promise<void | 'changed'>;

export interface WriteOptions {
  actor: Actor;
  /** Hooks of the API's writes; absent for the runtime's own writes (so they never re-trigger). */
  hooks?: readonly RecordWriteHook[];
  /** The caller saw the "possible duplicate" warning and saves anyway. */
  confirmDuplicates?: boolean;
  now?: Date;
  /** For loading prepared data (demo seed): the id the new record gets. Never from a request. */
  id?: string;
  /** The caller's access (every request passes it); absent only for trusted server-side writes. */
  access?: Access;
  /** For writes made by automations: the chain that led to them (loop protection). */
  chain?: readonly ChainStep[];
  /**
   * updateRecord: the record's row as the caller read it in this transaction, already locked
   * FOR UPDATE or FOR NO KEY UPDATE (a workflow completing a task it locked): not read again.
   */
  locked?: Readonly<Record<string, unknown>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertUuid(id: string, path = '/id'): void {
  if (!UUID.test(id)) throw new CardoError('CARDO_ERR_API_VALIDATION', `"${id.slice(0, 64)}" is not a record id (UUID).`, { errors: [{ path, message: 'Must be a UUID.' }] });
}

/** One record; with `access`, one outside the read scope is missing (404, never 403). */
export async function getRecord(db: Db, entity: EntityModel, id: string, access?: Access): Promise<ApiRecord> {
  assertUuid(id);
  const params = new SqlParams();
  const where = `t.id = ${params.add(id)}${access ? ` AND ${access.scopeSql(entity.name, 'read', params)}` : ''}`;
  const [row] = await db.query(`SELECT * FROM ${quoteIdent(entity.table)} AS t WHERE ${where}`, params.values);
  if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${entity.name} ${id}.`);
  return toApiRecord(entity, row);
}

/**
 * The generic lifecycle of a write, the same for every entity: values → defaults →
 * semantic checks → duplicate rules → one transaction with the row and its audit entry.
 */
export async function createRecord(db: Db, model: CompiledModel, entity: EntityModel, body: Readonly<Record<string, unknown>>, options: WriteOptions): Promise<ApiRecord> {
  const now = options.now ?? new Date();
  const values: Record<string, unknown> = {};
  for (const field of entity.columns) {
    if (Object.hasOwn(body, field.name)) values[field.name] = body[field.name];
    else if (!field.system && field.def.default !== undefined) values[field.name] = resolveDefault(field, options.actor, now);
  }
  if (!Object.hasOwn(body, 'owner')) values.owner = options.actor.userId;
  const actor = options.access ? options.access.actorFor(values.owner) : options.actor;
  options.access?.assertCreate(entity, values.owner);
  checkValues(model, entity, values, 'create');
  computeStoredFormulas(entity, values);
  const id = options.id ?? uuidv7();
  return db.transaction(async (tx) => {
    await checkEntityRules(tx, entity.name, values, null);
    const keys = await checkDuplicates(tx, model, entity, values, null, options.confirmDuplicates === true, options.access);
    const columns: string[] = ['id', 'created_at', 'updated_at', 'created_by', 'updated_by', 'version'];
    const params: unknown[] = [id, now.toISOString(), now.toISOString(), actor.userId, actor.userId, 1];
    for (const field of entity.columns) {
      if (field.system && field.name !== 'owner') continue;
      if (!Object.hasOwn(values, field.name)) continue;
      columns.push(field.column);
      params.push(toSqlValue(values[field.name]));
    }
    for (const [rule, key] of keys) {
      columns.push(rule.column);
      params.push(key);
    }
    const placeholders = params.map((_, i) => `$${i + 1}`).join(', ');
    const audit = auditAlong({ entity: entity.name, recordId: id, action: 'create', actor, changes: diff(entity, {}, toApiRecord(entity, Object.fromEntries(columns.map((c, i) => [c, params[i]])))), now }, params.length + 1);
    const sql = `WITH audit AS (${audit.sql}) INSERT INTO ${quoteIdent(entity.table)} (${columns.map(quoteIdent).join(', ')}) VALUES (${placeholders}) RETURNING *`;
    const [row] = await runWrite(model, entity, () => tx.query(sql, [...params, ...audit.params]));
    const record = toApiRecord(entity, row as Record<string, unknown>);
    await audit.correct(tx, diff(entity, {}, record));
    await writeStageEntry(tx, entity, null, record, now);
    return runHooks(tx, options, { model, entity, before: null, after: record, actor, action: 'create', chain: options.chain ?? [] });
  }, { settings: duplicateSearchSettings(entity) });
}

export async function updateRecord(db: Db, model: CompiledModel, entity: EntityModel, id: string, body: Readonly<Record<string, unknown>>, version: number, options: WriteOptions): Promise<ApiRecord> {
  assertUuid(id);
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    // NO KEY UPDATE (what the UPDATE itself takes), not UPDATE: it does not wait for the key-share
    // locks of transactions inserting children of this record — an interaction whose automation
    // then updates its deal would otherwise deadlock with another interaction of the same deal.
    const [current] = options.locked?.id === id ? [options.locked] : await tx.query(`SELECT * FROM ${quoteIdent(entity.table)} WHERE id = $1 FOR NO KEY UPDATE`, [id]);
    if (!current) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${entity.name} ${id}.`);
    options.access?.assertRow(entity, 'update', current, id);
    const actor = options.access ? options.access.actorFor(current.owner) : options.actor;
    const before = toApiRecord(entity, current);
    if (before.version !== version) throw new CardoError('CARDO_ERR_RECORD_STALE', `You edited version ${version}; the record is at version ${before.version}.`, { extra: { currentVersion: before.version } });
    const changed: Record<string, unknown> = {};
    for (const field of entity.columns) {
      if (field.name === 'version' || !Object.hasOwn(body, field.name)) continue;
      changed[field.name] = body[field.name];
    }
    if (Object.hasOwn(changed, 'owner') && changed.owner !== before.owner) options.access?.assertNewOwner(entity, changed.owner);
    const merged = { ...before, ...changed };
    checkValues(model, entity, merged, 'update', Object.keys(changed));
    computeStoredFormulas(entity, merged);
    for (const field of entity.columns) if (field.type === 'formula' && field.columnType && merged[field.name] !== before[field.name]) changed[field.name] = merged[field.name];
    await checkEntityRules(tx, entity.name, merged, id);
    const keys = await checkDuplicates(tx, model, entity, merged, id, options.confirmDuplicates === true, options.access, current);
    const sets: string[] = ['updated_at = $1', 'updated_by = $2', 'version = version + 1'];
    const params: unknown[] = [now.toISOString(), actor.userId];
    for (const [name, value] of Object.entries(changed)) {
      const field = entity.field.get(name) as FieldModel;
      params.push(toSqlValue(value));
      sets.push(`${quoteIdent(field.column)} = $${params.length}`);
    }
    for (const [rule, key] of keys) {
      params.push(key);
      sets.push(`${quoteIdent(rule.column)} = $${params.length}`);
    }
    params.push(id);
    const audit = auditAlong({ entity: entity.name, recordId: id, action: 'update', actor, changes: diff(entity, before, toApiRecord(entity, { ...current, ...columnValues(entity, changed) })), now }, params.length + 1);
    const [row] = await runWrite(model, entity, () => tx.query(`WITH audit AS (${audit.sql}) UPDATE ${quoteIdent(entity.table)} SET ${sets.join(', ')} WHERE id = $${params.length} RETURNING *`, [...params, ...audit.params]));
    const after = toApiRecord(entity, row as Record<string, unknown>);
    await audit.correct(tx, diff(entity, before, after));
    await writeStageEntry(tx, entity, before, after, now);
    // A deactivated user's sessions and calendar feed link end with the same transaction that deactivates them.
    if (entity.name === 'sys_user' && before.active === true && after.active !== true) {
      await revokeUserSessions(tx, id);
      await revokeFeedToken(tx, id);
    }
    return runHooks(tx, options, { model, entity, before, after, actor, action: 'update', chain: options.chain ?? [] });
  }, { settings: duplicateSearchSettings(entity) });
}

export async function deleteRecord(db: Db, model: CompiledModel, entity: EntityModel, id: string, options: WriteOptions): Promise<void> {
  assertUuid(id);
  const now = options.now ?? new Date();
  await db.transaction(async (tx) => {
    const [current] = await tx.query(`SELECT * FROM ${quoteIdent(entity.table)} WHERE id = $1 FOR UPDATE`, [id]);
    if (!current) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${entity.name} ${id}.`);
    options.access?.assertRow(entity, 'delete', current, id);
    const before = toApiRecord(entity, current);
    await runWrite(model, entity, () => tx.query(`DELETE FROM ${quoteIdent(entity.table)} WHERE id = $1`, [id]));
    const actor = options.access ? options.access.actorFor(current.owner) : options.actor;
    await removeLinksOf(tx, { entity: entity.name, id }, actor, now);
    await writeAudit(tx, { entity: entity.name, recordId: id, action: 'delete', actor, changes: diff(entity, before, {}), now });
    await runHooks(tx, options, { model, entity, before, after: before, actor, action: 'delete', chain: options.chain ?? [] });
  });
}

/** Runs the write's hooks; when one changed the record itself, the record as it is now. */
async function runHooks(tx: Db, options: WriteOptions, change: RecordChange): Promise<ApiRecord> {
  let changed = false;
  for (const hook of options.hooks ?? []) if ((await hook(tx, change)) === 'changed') changed = true;
  if (!changed || change.action === 'delete') return change.after;
  const [row] = await tx.query(`SELECT * FROM ${quoteIdent(change.entity.table)} WHERE id = $1`, [change.after.id]);
  return row ? toApiRecord(change.entity, row) : change.after;
}

/** POST …/duplicates: what a save of these values would collide with, without saving. */
export async function duplicatesOf(db: Db, model: CompiledModel, entity: EntityModel, values: Readonly<Record<string, unknown>>, exceptId: string | null, access?: Access): Promise<Array<DuplicateMatch | HiddenDuplicate>> {
  const matches = await findDuplicates(db, entity, duplicateKeys(model, entity, values), exceptId);
  return access ? redactDuplicates(db, entity, matches, access) : matches;
}

/** A duplicate the caller may not read: that it exists, never what it is. */
export interface HiddenDuplicate {
  exists: true;
  rule: string;
  action: 'block' | 'warn';
}

async function redactDuplicates(db: Db, entity: EntityModel, matches: readonly DuplicateMatch[], access: Access): Promise<Array<DuplicateMatch | HiddenDuplicate>> {
  const readable = await access.readableIds(db, entity, matches.map((m) => m.id));
  return matches.map((m) => (readable.has(m.id) ? m : { exists: true, rule: m.rule, action: m.action }));
}

function resolveDefault(field: FieldModel, actor: Actor, now: Date): unknown {
  const value = field.def.default;
  if (value === '$me') return actor.userId;
  if (value === '$now') return now.toISOString();
  if (value === '$today') return now.toISOString().slice(0, 10);
  return value;
}

/** Checks JSON Schema cannot express: required after merge, phone numbers, options of stages. */
function checkValues(model: CompiledModel, entity: EntityModel, values: Readonly<Record<string, unknown>>, mode: 'create' | 'update', touched?: readonly string[]): void {
  const errors: FieldError[] = [];
  for (const field of entity.columns) {
    if (field.system) continue;
    const value = values[field.name];
    const isTouched = mode === 'create' || touched?.includes(field.name);
    if (field.required && (value === null || value === undefined || value === '') && isTouched) errors.push({ path: `/${field.name}`, message: `${field.name} is required.` });
    if (field.type === 'phone' && typeof value === 'string' && value !== '' && isTouched) {
      const phone = parsePhoneNumberFromString(value, model.phoneRegion as CountryCode);
      if (!phone?.isPossible()) errors.push({ path: `/${field.name}`, message: `"${value.slice(0, 40)}" is not a phone number.` });
    }
  }
  if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', errors.map((e) => e.message).join(' '), { errors });
}

function computeStoredFormulas(entity: EntityModel, values: Record<string, unknown>): void {
  for (const field of entity.columns) if (field.type === 'formula') values[field.name] = computeFormula(field, values);
}

/**
 * Runs the duplicate rules; refuses the save (409) on a block match, or on a warn match not
 * confirmed. On an update (`stored`: the row as it is) only the rules whose key changes are
 * checked and written: a warning confirmed before must not come back on an unrelated edit.
 */
async function checkDuplicates(tx: Db, model: CompiledModel, entity: EntityModel, values: Readonly<Record<string, unknown>>, exceptId: string | null, confirmed: boolean, access: Access | undefined, stored?: Readonly<Record<string, unknown>>) {
  const keys = duplicateKeys(model, entity, values);
  if (stored) for (const [rule, key] of keys) if (key === (stored[rule.column] ?? null)) keys.delete(rule);
  if (keys.size === 0) return keys;
  // Fuzzy blocking rules cannot be enforced by a unique index: serialize them per rule.
  for (const [rule, key] of keys) if (key !== null && rule.match === 'fuzzy' && rule.action === 'block') await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${entity.name}:${rule.name}`]);
  const matches = await findDuplicates(tx, entity, keys, exceptId);
  const blocking = matches.filter((m) => m.action === 'block' || !confirmed);
  if (blocking.length > 0) throw duplicateError(entity, access ? await redactDuplicates(tx, entity, matches, access) : matches);
  return keys;
}

function duplicateError(entity: EntityModel, matches: ReadonlyArray<DuplicateMatch | HiddenDuplicate>): CardoError {
  const confirmable = matches.every((m) => m.action === 'warn');
  const name = (m: DuplicateMatch | HiddenDuplicate) => ('title' in m ? `"${m.title}"` : `a ${entity.name} you cannot see`);
  const detail = confirmable
    ? `Possible duplicate of ${matches.map(name).join(', ')}; save with ?confirm=duplicates if it is a different ${entity.name}.`
    : `Duplicate of ${matches.filter((m) => m.action === 'block').map((m) => `${name(m)} (${m.rule})`).join(', ')}.`;
  return new CardoError('CARDO_ERR_RECORD_DUPLICATE', detail, { extra: { duplicates: matches, confirmable } });
}

/** Maps constraint violations of a write to the 4xx they mean. */
async function runWrite<T>(model: CompiledModel, entity: EntityModel, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const e = error as { code?: string; detail?: string; constraint?: string; message?: string };
    const key = /Key \(([^)]+)\)=\((.*)\)/.exec(e.detail ?? '')?.[1];
    if (e.code === '23505') {
      const rule = entity.duplicateRules.find((r) => r.column === key);
      if (rule) throw new CardoError('CARDO_ERR_RECORD_DUPLICATE', `Duplicate by rule "${rule.name}": another ${entity.name} was saved with the same ${rule.fields.map((f) => f.name).join(', ')} at the same time.`, { extra: { duplicates: [], confirmable: false } });
      const field = entity.columns.find((f) => f.column === key);
      throw new CardoError('CARDO_ERR_RECORD_UNIQUE', field ? `Another ${entity.name} already has this ${field.name}.` : undefined, { errors: field ? [{ path: `/${field.name}`, message: 'Must be unique.' }] : [] });
    }
    // 23001: ON DELETE RESTRICT; 23503: a foreign key violation (missing target, or NO ACTION).
    if (e.code === '23503' || e.code === '23001') {
      const referencing = /referenced from table "([^"]+)"/.exec(e.detail ?? '')?.[1];
      if (referencing) {
        const other = model.entities.get(referencing);
        throw new CardoError('CARDO_ERR_RECORD_REFERENCED', `${other?.name ?? referencing} records refer to this ${entity.name}; delete or re-link them first.`, { extra: { referencedBy: referencing } });
      }
      const field = entity.columns.find((f) => f.column === key);
      throw new CardoError('CARDO_ERR_API_VALIDATION', field ? `${field.name}: there is no such ${field.target ?? 'record'}.` : 'A referenced record does not exist.', { errors: field ? [{ path: `/${field.name}`, message: `No ${field.target ?? 'record'} with this id.` }] : [] });
    }
    if (e.code === '22003') throw new CardoError('CARDO_ERR_API_VALIDATION', 'A number is too large for its field.');
    // 22007/22008: a date PostgreSQL cannot hold (year 0000 passes the JSON Schema date format).
    if (e.code === '22007' || e.code === '22008') throw new CardoError('CARDO_ERR_API_VALIDATION', 'A date or date-time is outside the range a record can hold.');
    throw error;
  }
}

/**
 * The audit entry of a create or update, sent in the same statement as the row (one round trip
 * less), with the changes the values as sent make. Where the database stored a value otherwise
 * (a uuid in upper case, a numeric rounded to its scale, jsonb key order, a column default),
 * `correct` rewrites the entry to the row as stored, in the same transaction.
 */
function auditAlong(entry: AuditEntry, first: number) {
  const id = uuidv7();
  const expected = JSON.stringify(entry.changes);
  return {
    ...auditInsert(entry, first, id),
    correct: async (tx: Db, changes: AuditChanges) => {
      if (JSON.stringify(changes) !== expected) await correctAuditChanges(tx, id, changes);
    },
  };
}

/** Field values → the row's columns (what an update sends for them). */
function columnValues(entity: EntityModel, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const field = entity.field.get(name);
    if (field?.columnType) row[field.column] = toSqlValue(value);
  }
  return row;
}

function toSqlValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

function diff(entity: EntityModel, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of entity.fields) {
    if (['id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'version'].includes(field.name)) continue;
    const from = before[field.name] ?? null;
    const to = after[field.name] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field.name] = { from, to };
  }
  return changes;
}
