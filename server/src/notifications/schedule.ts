/**
 * Date rules ("30 minutes before plannedAt", "7 days before validTo", "14 days after
 * lastInteractionAt"): one ntf_schedule row per rule and record holds the current occurrence —
 * the date it counts from, when it is due, and whether it is scheduled, sent, cancelled or
 * missed. A pg-boss job per scheduled row only wakes a server up at the due time.
 *
 * syncRule brings the rows of a rule in line with the records, in the caller's transaction:
 * a write's hook syncs that record (so the job is sent with the write and rolls back with it);
 * the periodic sweep syncs the records changed since the last sweep (writes made by the runtime
 * itself or by SQL, which run no hooks) and, when a rule's definition changed, all of them.
 * A moved date re-schedules (the old job is cancelled and, if it runs anyway, finds nothing);
 * a cleared date, a condition that stopped holding or a deleted record cancels.
 *
 * fire() sends one due occurrence: it locks the schedule row, re-checks the date and the
 * condition on the record as it is now, and sends only when the row is still scheduled and due. Two servers firing the same row serialize on the lock; the
 * second finds it sent. The delivery keys (rule + record + date + recipient) catch the rest.
 */
import { v7 as uuidv7 } from 'uuid';
import type { CompiledModel } from '../compile/compile.js';
import { quoteIdent, type Db } from '../db/db.js';
import { addDurationTo } from '../expression/expression.js';
import { compileCondition } from '../query/condition-sql.js';
import { SqlParams, qualified } from '../query/sql.js';
import { timeZoneOf } from '../calendar/zoned.js';
import { toApiRecord } from '../records/record-mapping.js';
import { rulesOf, type NotificationRule } from './rules.js';
import { sendNotices } from './send.js';

/** An occurrence that fell due this long before it was (re)scheduled is recorded as missed, not sent. */
export const MISSED_AFTER_MS = 24 * 3600 * 1000;
/** A date without a time (validTo) counts from this hour of that day in the application's time zone. */
export const DATE_HOUR = '09:00';

export interface DueJob {
  /** The pg-boss job id (kept on the row, to cancel it when the date moves). */
  id: string;
  scheduleId: string;
  dueAt: Date;
}

/** Wakes a server up at a due time; jobs are sent and cancelled in the caller's transaction. */
export interface DueScheduler {
  schedule(tx: Db, jobs: readonly DueJob[]): Promise<void>;
  cancel(tx: Db, jobIds: readonly string[]): Promise<void>;
}

interface ScheduleRow {
  id: string;
  record_id: string;
  source_at: string;
  due_at: string;
  status: string;
  job_id: string | null;
}

export interface SyncResult {
  scheduled: number;
  cancelled: number;
  missed: number;
}

/** Records a sweep fetches at a time from its cursor, so a table of millions is never read into memory at once. */
export const SWEEP_BATCH = 2000;

/**
 * A sweep's cursor planned for every row, not for the first tenth (a cursor's default):
 * otherwise PostgreSQL walks the primary key to start fast — 24 s over 5 M interactions against
 * 2 s for a scan. Passed to the sweep's transaction, it travels with its BEGIN.
 */
export const SWEEP_SETTINGS = { cursor_tuple_fraction: '1' } as const;

type Candidate = { id: string; source_at: string | null; holds: boolean | null };

const SCHEDULE_COLUMNS = 'id::text AS id, record_id::text AS record_id, source_at, due_at, status, job_id::text AS job_id';

/** Over "t", a date rule's condition and the instant an occurrence counts from (a date at DATE_HOUR in the app's zone). */
function ruleSql(model: CompiledModel, rule: NotificationRule, field: NonNullable<NotificationRule['dateField']>, now: Date, params: SqlParams) {
  const cond = rule.def.when ? compileCondition(rule.def.when, rule.entity, model, { me: null, now }, params) : { where: 'TRUE', joins: [] };
  const col = qualified('t', field.column);
  const source = field.type === 'date' ? `((${col} + time '${DATE_HOUR}') AT TIME ZONE ${params.add(timeZoneOf(model.app))})` : col;
  return { cond, source };
}

/** Brings the schedule rows of one date rule in line with the records (all, some ids, or those changed since). */
export async function syncRule(
  tx: Db,
  model: CompiledModel,
  rule: NotificationRule,
  filter: { ids: readonly string[] } | { since: Date | null },
  now: Date,
  scheduler: DueScheduler | undefined,
): Promise<SyncResult> {
  const field = rule.dateField;
  const result: SyncResult = { scheduled: 0, cancelled: 0, missed: 0 };
  if (!field) return result;
  const entity = rule.entity;
  const params = new SqlParams();
  const { cond, source } = ruleSql(model, rule, field, now, params);
  const from = `${quoteIdent(entity.table)} AS t ${cond.joins.map((j) => j.sql).join(' ')}`;
  const select = `SELECT t.id::text AS id, ${source} AS source_at, (${cond.where}) AS holds FROM ${from}`;
  if ('ids' in filter) {
    const candidates = await tx.query<Candidate>(`${select} WHERE t.id = ANY(${params.add(filter.ids)}::uuid[])`, params.values);
    // Records asked for by id that are gone: their occurrence is cancelled.
    await syncCandidates(tx, rule, [...filter.ids], candidates, now, scheduler, result);
    return result;
  }
  // A sweep reads only the records syncCandidates would act on — an occurrence to schedule that
  // is not already scheduled, sent or missed for the same date, or a scheduled one whose date or
  // condition went away — through a cursor, SWEEP_BATCH rows at a time (one pass over the table).
  const active = `(COALESCE((${cond.where}), false) AND ${source} IS NOT NULL)`;
  const terms = [
    `((${active} AND (sched.id IS NULL OR sched.source_at IS DISTINCT FROM ${source} OR sched.status NOT IN ('scheduled', 'sent', 'missed'))) OR (sched.status = 'scheduled' AND NOT ${active}))`,
  ];
  if (filter.since) terms.push(`t.updated_at >= ${params.add(filter.since.toISOString())}`);
  // Settings already in force (the sweep's own transaction) cost no statement here.
  await tx.transaction(async (cursor) => {
    await cursor.query(
      `DECLARE cardo_sweep NO SCROLL CURSOR FOR ${select}
         LEFT JOIN ntf_schedule AS sched ON sched.rule = ${params.add(rule.name)} AND sched.record_id = t.id
        WHERE ${terms.join(' AND ')}`,
      params.values,
    );
    for (;;) {
      const batch = await cursor.query<Candidate>(`FETCH ${SWEEP_BATCH} FROM cardo_sweep`);
      if (batch.length > 0) await syncCandidates(cursor, rule, batch.map((c) => c.id), batch, now, scheduler, result);
      if (batch.length < SWEEP_BATCH) break;
    }
    await cursor.query('CLOSE cardo_sweep');
  }, { settings: SWEEP_SETTINGS });
  return result;
}

/** Schedules, re-schedules or cancels the occurrences of `ids` (those without a candidate are gone). */
async function syncCandidates(tx: Db, rule: NotificationRule, ids: readonly string[], candidates: readonly Candidate[], now: Date, scheduler: DueScheduler | undefined, result: SyncResult): Promise<void> {
  const byRecord = new Map(candidates.map((c) => [c.id, c]));
  if (ids.length === 0) return;
  const existing = await tx.query<ScheduleRow>(`SELECT ${SCHEDULE_COLUMNS} FROM ntf_schedule WHERE rule = $1 AND record_id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`, [rule.name, ids]);
  const current = new Map(existing.map((s) => [s.record_id, s]));

  const inserts: Array<{ id: string; recordId: string; source: string; due: Date; status: string; jobId: string | null }> = [];
  const updates: Array<{ id: string; source: string; due: Date; status: string; jobId: string | null }> = [];
  const cancels: ScheduleRow[] = [];
  const oldJobs: string[] = [];
  for (const recordId of ids) {
    const c = byRecord.get(recordId);
    const s = current.get(recordId);
    const sourceMs = c?.source_at ? Date.parse(c.source_at) : NaN;
    if (!c || Number.isNaN(sourceMs) || c.holds !== true) {
      if (s?.status === 'scheduled') cancels.push(s);
      continue;
    }
    const same = s !== undefined && Date.parse(s.source_at) === sourceMs;
    if (same && ['scheduled', 'sent', 'missed'].includes(s.status)) continue;
    let due: Date;
    try {
      due = addDurationTo(new Date(sourceMs), rule.offset);
    } catch {
      continue;
    }
    // Too late: long past its due time, or (a reminder before a date) the date itself has passed.
    const missed = due.getTime() < now.getTime() - MISSED_AFTER_MS || (rule.offset.startsWith('-') && due.getTime() < now.getTime() && sourceMs <= now.getTime());
    if (missed && same) continue;
    const source = new Date(sourceMs).toISOString();
    const status = missed ? 'missed' : 'scheduled';
    const jobId = missed ? null : uuidv7();
    if (s?.status === 'scheduled' && s.job_id) oldJobs.push(s.job_id);
    if (s) updates.push({ id: s.id, source, due, status, jobId });
    else inserts.push({ id: uuidv7(), recordId, source, due, status, jobId });
  }

  const jobs: DueJob[] = [];
  const at = now.toISOString();
  if (inserts.length > 0) {
    const done = await tx.query<{ id: string }>(
      `INSERT INTO ntf_schedule (id, rule, entity, record_id, source_at, due_at, status, job_id, updated_at)
       SELECT r.id, $1, $2, r.record_id, r.source_at, r.due_at, r.status, r.job_id, $3
         FROM unnest($4::uuid[], $5::uuid[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::uuid[]) AS r(id, record_id, source_at, due_at, status, job_id)
       ON CONFLICT (rule, record_id) DO NOTHING
       RETURNING id::text AS id`,
      [rule.name, rule.entity.name, at, inserts.map((r) => r.id), inserts.map((r) => r.recordId), inserts.map((r) => r.source), inserts.map((r) => r.due.toISOString()), inserts.map((r) => r.status), inserts.map((r) => r.jobId)],
    );
    const made = new Set(done.map((r) => r.id));
    for (const r of inserts) {
      if (!made.has(r.id)) continue;
      if (r.jobId) jobs.push({ id: r.jobId, scheduleId: r.id, dueAt: r.due });
      else result.missed++;
    }
  }
  if (updates.length > 0) {
    await tx.query(
      `UPDATE ntf_schedule s SET source_at = r.source_at, due_at = r.due_at, status = r.status, job_id = r.job_id, updated_at = $1, fired_at = NULL
         FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::uuid[]) AS r(id, source_at, due_at, status, job_id)
        WHERE s.id = r.id`,
      [at, updates.map((r) => r.id), updates.map((r) => r.source), updates.map((r) => r.due.toISOString()), updates.map((r) => r.status), updates.map((r) => r.jobId)],
    );
    for (const r of updates) {
      if (r.jobId) jobs.push({ id: r.jobId, scheduleId: r.id, dueAt: r.due });
      else result.missed++;
    }
  }
  if (cancels.length > 0) {
    await tx.query(`UPDATE ntf_schedule SET status = 'cancelled', job_id = NULL, updated_at = $1 WHERE id = ANY($2::uuid[])`, [at, cancels.map((s) => s.id)]);
    for (const s of cancels) if (s.job_id) oldJobs.push(s.job_id);
    result.cancelled += cancels.length;
  }
  result.scheduled += jobs.length;
  if (scheduler) {
    if (oldJobs.length > 0) await scheduler.cancel(tx, oldJobs);
    if (jobs.length > 0) await scheduler.schedule(tx, jobs);
  }
}

/** The hook of a write (or a delete): re-syncs the record for every date rule of its entity. */
export async function syncRecord(tx: Db, model: CompiledModel, entityName: string, recordId: string, now: Date, scheduler: DueScheduler | undefined): Promise<void> {
  for (const rule of rulesOf(model).dates.get(entityName) ?? []) await syncRule(tx, model, rule, { ids: [recordId] }, now, scheduler);
}

export type FireOutcome = 'sent' | 'not-due' | 'rescheduled' | 'cancelled' | 'done';

interface Current {
  row: Record<string, unknown>;
  sourceAt: string | null;
  holds: boolean;
}

/** The date each occurrence counts from and whether the rule's condition holds, read from the records as they are now. */
async function currentSources(tx: Db, model: CompiledModel, rule: NotificationRule, recordIds: readonly string[], now: Date): Promise<Map<string, Current>> {
  const out = new Map<string, Current>();
  const field = rule.dateField;
  if (!field || recordIds.length === 0) return out;
  const params = new SqlParams();
  const { cond, source } = ruleSql(model, rule, field, now, params);
  const rows = await tx.query<Record<string, unknown>>(
    `SELECT t.*, ${source} AS "$source", (${cond.where}) AS "$holds" FROM ${quoteIdent(rule.entity.table)} AS t ${cond.joins.map((j) => j.sql).join(' ')} WHERE t.id = ANY(${params.add(recordIds)}::uuid[])`,
    params.values,
  );
  for (const row of rows) {
    const current = { row, sourceAt: (row.$source as string | null) ?? null, holds: row.$holds === true };
    delete row.$source;
    delete row.$holds;
    out.set(String(row.id), current);
  }
  return out;
}

type Locked = ScheduleRow & { rule: string };

/**
 * Fires schedule rows in the caller's transaction: sends each notice whose row is still
 * scheduled and due by `now`, re-checked against the record as it is now; a batch costs a few
 * statements per rule, not per occurrence. Only the schedule rows are locked (in id order, so
 * batches never deadlock): a write moving a date at the same moment waits for them in its hook
 * and then schedules the new occurrence, as it would after any occurrence that was sent.
 */
export async function fireManyIn(tx: Db, model: CompiledModel, scheduleIds: readonly string[], now: Date, scheduler: DueScheduler | undefined): Promise<Map<string, FireOutcome>> {
  const outcomes = new Map<string, FireOutcome>(scheduleIds.map((id) => [id, 'done']));
  const locked = await tx.query<Locked>(`SELECT ${SCHEDULE_COLUMNS}, rule FROM ntf_schedule WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [scheduleIds]);
  const byRule = new Map<string, Locked[]>();
  for (const s of locked) if (s.status === 'scheduled') byRule.set(s.rule, [...(byRule.get(s.rule) ?? []), s]);
  const cancel: string[] = [];
  const sent: string[] = [];
  for (const [name, rows] of byRule) {
    const rule = rulesOf(model).byName.get(name);
    if (!rule) {
      cancel.push(...rows.map((s) => s.id));
      continue;
    }
    let current = await currentSources(tx, model, rule, rows.map((s) => s.record_id), now);
    const ready: Locked[] = [];
    const resync: Locked[] = [];
    for (const s of rows) {
      const c = current.get(s.record_id);
      if (!c) cancel.push(s.id);
      else if (!c.holds || c.sourceAt === null || Date.parse(c.sourceAt) !== Date.parse(s.source_at)) resync.push(s);
      else ready.push(s);
    }
    if (resync.length > 0) {
      // Writes that ran no hook (the runtime's own, or SQL) moved the date or ended the condition.
      await syncRule(tx, model, rule, { ids: resync.map((s) => s.record_id) }, now, scheduler);
      const again = await tx.query<Locked>(`SELECT ${SCHEDULE_COLUMNS}, rule FROM ntf_schedule WHERE id = ANY($1::uuid[])`, [resync.map((s) => s.id)]);
      for (const s of again) {
        const before = resync.find((r) => r.id === s.id);
        if (s.status !== 'scheduled') outcomes.set(s.id, s.status === 'cancelled' ? 'cancelled' : 'done');
        else if (Date.parse(s.due_at) > now.getTime()) outcomes.set(s.id, s.job_id === before?.job_id ? 'not-due' : 'rescheduled');
        else ready.push(s);
      }
      current = await currentSources(tx, model, rule, ready.map((s) => s.record_id), now);
    }
    const early = ready.filter((s) => Date.parse(s.due_at) > now.getTime());
    if (early.length > 0) {
      // Woken early (clocks differ): wake again at the due time.
      const jobs = early.map((s) => ({ id: uuidv7(), scheduleId: s.id, dueAt: new Date(s.due_at) }));
      await tx.query('UPDATE ntf_schedule s SET job_id = j.job_id FROM unnest($1::uuid[], $2::uuid[]) AS j(id, job_id) WHERE s.id = j.id', [jobs.map((j) => j.scheduleId), jobs.map((j) => j.id)]);
      await scheduler?.schedule(tx, jobs);
      for (const s of early) outcomes.set(s.id, 'not-due');
    }
    const due = ready.filter((s) => Date.parse(s.due_at) <= now.getTime() && current.has(s.record_id));
    if (due.length === 0) continue;
    const def = rule.def;
    await sendNotices(tx, model, due.map((s) => {
      const record = toApiRecord(rule.entity, (current.get(s.record_id) as Current).row);
      return { entity: rule.entity, record, recipients: def.recipients, channels: def.channels, subject: def.subject, body: def.body, key: `${rule.name}|${record.id}|${new Date(s.source_at).toISOString()}`, rule: rule.name, now };
    }));
    sent.push(...due.map((s) => s.id));
  }
  if (cancel.length > 0) {
    await tx.query(`UPDATE ntf_schedule SET status = 'cancelled', job_id = NULL, updated_at = $2 WHERE id = ANY($1::uuid[])`, [cancel, now.toISOString()]);
    for (const id of cancel) outcomes.set(id, 'cancelled');
  }
  if (sent.length > 0) {
    await tx.query(`UPDATE ntf_schedule SET status = 'sent', fired_at = $2, updated_at = $2 WHERE id = ANY($1::uuid[])`, [sent, now.toISOString()]);
    for (const id of sent) outcomes.set(id, 'sent');
  }
  return outcomes;
}

/** Fires one schedule row (see fireManyIn). */
export async function fireIn(tx: Db, model: CompiledModel, scheduleId: string, now: Date, scheduler: DueScheduler | undefined): Promise<FireOutcome> {
  return (await fireManyIn(tx, model, [scheduleId], now, scheduler)).get(scheduleId) ?? 'done';
}
