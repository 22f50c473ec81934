/**
 * Notification rules at run time: the record hooks (event rules sent in the write's
 * transaction; date rules synced in it), firing due date occurrences, the sweep that catches
 * writes which ran no hook, and the e-mail outbox. The clock is injectable: tests move it to
 * make occurrences due without waiting days, through the same code paths the jobs use.
 */
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { compileCondition } from '../query/condition-sql.js';
import { SqlParams } from '../query/sql.js';
import { quoteIdent } from '../db/db.js';
import type { ApiRecord } from '../records/record-mapping.js';
import type { RecordChange } from '../records/records.service.js';
import type { ModelHolder } from '../runtime/model-holder.js';
import { sendPendingEmails, type Mailer, type OutboxRun } from './email.js';
import { rulesOf, type NotificationRule } from './rules.js';
import { fireIn, fireManyIn, syncRecord, syncRule, SWEEP_SETTINGS, type DueScheduler, type FireOutcome } from './schedule.js';
import { sendNotice } from './send.js';

export interface NotificationsOptions {
  scheduler?: DueScheduler;
  mailer?: Mailer;
  /** The From of e-mails (CARDO_MAIL_FROM). */
  from?: string;
  now?: () => Date;
}

/** Re-read records changed up to this long before the last sweep: a transaction may commit after it began. */
const SWEEP_OVERLAP_MS = 10 * 60 * 1000;

export class Notifications {
  scheduler: DueScheduler | undefined;
  mailer: Mailer | undefined;
  from: string;
  /** The clock (tests move it to make occurrences due). */
  clock: () => Date;
  /** Per rule: its hash and when its last sweep started (in this process; the first sweep of a process reads everything). */
  private readonly swept = new Map<string, { hash: string; at: Date }>();

  constructor(
    readonly db: Db,
    readonly models: ModelHolder,
    options: NotificationsOptions = {},
  ) {
    this.scheduler = options.scheduler;
    this.mailer = options.mailer;
    this.from = options.from ?? 'Cardo <cardo@localhost>';
    this.clock = options.now ?? (() => new Date());
  }

  /** The record hook: runs in the write's transaction. */
  async onRecordWrite(tx: Db, change: RecordChange): Promise<void> {
    const { model, entity, before, after } = change;
    const now = this.clock();
    const rules = rulesOf(model);
    for (const rule of rules.events.get(entity.name) ?? []) {
      if (!triggered(rule, before, after)) continue;
      if (rule.def.when && !(await holds(tx, model, entity, rule, after.id, now))) continue;
      await sendNotice(tx, model, {
        entity,
        record: after,
        recipients: rule.def.recipients,
        channels: rule.def.channels,
        subject: rule.def.subject,
        body: rule.def.body,
        // One occurrence per write: the record's version after it.
        key: `${rule.name}|${after.id}|v${after.version}`,
        rule: rule.name,
        now,
      });
    }
    if (rules.dates.has(entity.name)) await syncRecord(tx, model, entity.name, after.id, now, this.scheduler);
  }

  /** The delete hook: the record's scheduled occurrences are cancelled with the delete. */
  async onRecordDelete(tx: Db, model: CompiledModel, entity: EntityModel, id: string): Promise<void> {
    if (rulesOf(model).dates.has(entity.name)) await syncRecord(tx, model, entity.name, id, this.clock(), this.scheduler);
  }

  /** Fires one scheduled occurrence (a pg-boss job, the poll, a test). */
  async fire(scheduleId: string): Promise<FireOutcome> {
    const model = this.models.current;
    return this.db.transaction((tx) => fireIn(tx, model, scheduleId, this.clock(), this.scheduler));
  }

  /**
   * Fires several in one transaction (fewer commits under load); when one of them fails the
   * batch is rolled back and each is fired alone, so one bad record does not hold up the rest.
   */
  async fireMany(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const model = this.models.current;
    const count = (outcomes: Map<string, FireOutcome>) => [...outcomes.values()].filter((o) => o === 'sent').length;
    try {
      return count(await this.db.transaction((tx) => fireManyIn(tx, model, ids, this.clock(), this.scheduler)));
    } catch (error) {
      if (ids.length === 1) throw error;
      let sent = 0;
      let failure: unknown = null;
      for (const id of ids) {
        try {
          if ((await this.fire(id)) === 'sent') sent++;
        } catch (e) {
          failure ??= e;
        }
      }
      if (failure) throw failure;
      return sent;
    }
  }

  /** Fires every occurrence due by the clock (the poll on the embedded database; catching up after a stop). */
  async fireDue(limit = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.db.query<{ id: string }>(`SELECT id::text AS id FROM ntf_schedule WHERE status = 'scheduled' AND due_at <= $1 ORDER BY due_at, id LIMIT 100`, [this.clock().toISOString()]);
      if (due.length === 0) return total;
      for (let i = 0; i < due.length; i += 50) total += await this.fireMany(due.slice(i, i + 50).map((r) => r.id));
      if (total >= limit || due.length < 100) return total;
    }
  }

  /**
   * Syncs every date rule with the records changed since its last sweep (all records the first
   * time, or when the rule's definition changed). Returns how many occurrences were scheduled.
   */
  async sweep(): Promise<number> {
    const model = this.models.current;
    let scheduled = 0;
    for (const rules of rulesOf(model).dates.values()) {
      for (const rule of rules) {
        const now = this.clock();
        const last = this.swept.get(rule.name);
        const since = last && last.hash === rule.hash ? new Date(last.at.getTime() - SWEEP_OVERLAP_MS) : null;
        const result = await this.db.transaction((tx) => syncRule(tx, model, rule, { since }, now, this.scheduler), { settings: SWEEP_SETTINGS });
        scheduled += result.scheduled;
        this.swept.set(rule.name, { hash: rule.hash, at: now });
      }
    }
    return scheduled;
  }

  /** Sends the pending e-mails of the outbox that are due. */
  sendEmails(limit = 50): Promise<OutboxRun> {
    return sendPendingEmails(this.db, this.mailer, { from: this.from, now: this.clock(), limit });
  }
}

function changedFields(rule: NotificationRule, before: ApiRecord, after: ApiRecord): boolean {
  return (rule.def.trigger.fields ?? []).some((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null));
}

function triggered(rule: NotificationRule, before: ApiRecord | null, after: ApiRecord): boolean {
  switch (rule.def.trigger.on) {
    case 'create':
      return before === null;
    case 'update':
      return before !== null;
    case 'fieldChange':
      return before !== null && changedFields(rule, before, after);
    default:
      return false;
  }
}

/** The rule's condition over the record as the transaction sees it (dot paths through references included). */
async function holds(tx: Db, model: CompiledModel, entity: EntityModel, rule: NotificationRule, id: string, now: Date): Promise<boolean> {
  const params = new SqlParams();
  const cond = compileCondition(rule.def.when, entity, model, { me: null, now }, params);
  const rows = await tx.query(`SELECT 1 FROM ${quoteIdent(entity.table)} AS t ${cond.joins.map((j) => j.sql).join(' ')} WHERE t.id = ${params.add(id)} AND (${cond.where})`, params.values);
  return rows.length > 0;
}
