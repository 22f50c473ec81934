/**
 * The notification pipeline: one notice about one record → its recipients (with the deputies
 * of those absent today) → the text in each recipient's language → an in-app notice and an
 * e-mail in the outbox, all written in the caller's transaction. Every delivery has a key
 * (occurrence + recipient + channel) under a unique index, so an occurrence delivered twice —
 * a duplicate job, a second server, a restart — lands once.
 *
 * Used by date and event rules (metadata/notifications), the workflows' notify service task
 * and the automations' notify action.
 */
import { v7 as uuidv7 } from 'uuid';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { dayOf } from '../access/org.js';
import { parseExpression } from '../expression/expression.js';
import { isUuid } from '../expression/values.js';
import type { ApiRecord } from '../records/record-mapping.js';
import { OrgFacts, userIdOf } from '../workflows/resolve.js';
import { expandForTemplates, pathsOf, renderFor, type LocalizedText } from './render.js';

export type Channel = 'inApp' | 'email';

export interface Notice {
  /** The record the notice is about. */
  entity: EntityModel | string;
  record: ApiRecord;
  /**
   * Who receives it: `owner`, `field:<user field>`, `role:<role>`, `manager:owner`,
   * `manager:field:<user field>` (notification.schema.json), or `user:<id>`.
   */
  recipients: readonly string[];
  /** Default: in-app only. */
  channels?: readonly Channel[];
  subject: LocalizedText;
  body?: LocalizedText | undefined;
  /**
   * The occurrence: a notice with the same key reaches each recipient once per channel
   * (a date rule: rule + record + date). Default: a new key, the notice always goes out.
   */
  key?: string;
  /** The rule it comes from, for the delivery record. */
  rule?: string;
  /** The clock: which substitutions are active. */
  now?: Date;
}

export interface SendResult {
  /** The users an in-app notice or an e-mail was written for by this call. */
  recipients: string[];
  inApp: number;
  email: number;
}

interface UserRow {
  id: string;
  full_name: string;
  email: string | null;
  locale: string | null;
  active: boolean | null;
}

const DEPUTY_NOTE: Record<string, string> = {
  en: 'You receive this as the deputy of {name}.',
  ru: 'Вы получили это уведомление как заместитель: {name}.',
};

/** The user ids the recipient specs name for this record (before substitution). */
export async function resolveRecipients(tx: Db, record: ApiRecord, specs: readonly string[], now: Date): Promise<string[]> {
  const out = new Set<string>();
  const org = new OrgFacts(tx);
  const roles: string[] = [];
  const of = (spec: string): string | null => (spec === 'owner' ? userIdOf(record.owner) : spec.startsWith('field:') ? userIdOf(record[spec.slice(6)]) : null);
  for (const spec of specs) {
    if (spec.startsWith('user:')) {
      const id = spec.slice(5);
      if (isUuid(id)) out.add(id.toLowerCase());
    } else if (spec.startsWith('role:')) roles.push(spec.slice(5));
    else if (spec.startsWith('manager:')) {
      const user = of(spec.slice(8));
      const boss = user ? userIdOf(await org.evaluate(MANAGER, { user }, now)) : null;
      if (boss) out.add(boss);
    } else {
      const user = of(spec);
      if (user) out.add(user);
    }
  }
  if (roles.length > 0) {
    const rows = await tx.query<{ id: string }>('SELECT DISTINCT "user"::text AS id FROM sys_role_assignment WHERE role = ANY($1::text[])', [roles]);
    for (const r of rows) out.add(r.id);
  }
  return [...out];
}

const MANAGER = parseExpression('manager(user)');

/**
 * Writes the notice for every recipient in the transaction: an in-app notice (the deputy of
 * an absent recipient sees it in their inbox too) and, on the e-mail channel, an e-mail to the
 * recipient and to each deputy substituting them today. Inactive users receive nothing.
 */
export async function sendNotice(tx: Db, model: CompiledModel, notice: Notice): Promise<SendResult> {
  const entity = typeof notice.entity === 'string' ? model.entities.get(notice.entity) : notice.entity;
  if (!entity) throw new Error(`sendNotice: no entity ${String(notice.entity)}`);
  const now = notice.now ?? new Date();
  const channels = new Set<Channel>(notice.channels ?? ['inApp']);
  const ids = await resolveRecipients(tx, notice.record, notice.recipients, now);
  const result: SendResult = { recipients: [], inApp: 0, email: 0 };
  if (ids.length === 0) return result;
  const users = await tx.query<UserRow>('SELECT id::text AS id, full_name, email, locale, active FROM sys_user WHERE id = ANY($1::uuid[]) AND active IS NOT FALSE', [ids]);
  if (users.length === 0) return result;
  const deputies = channels.has('email')
    ? await tx.query<UserRow & { absent: string }>(
        `SELECT s.absent_user::text AS absent, d.id::text AS id, d.full_name, d.email, d.locale, d.active
           FROM sys_substitution s JOIN sys_user d ON d.id = s.deputy
          WHERE s.absent_user = ANY($1::uuid[]) AND s."from" <= $2::date AND s."to" >= $2::date AND d.active IS NOT FALSE`,
        [users.map((u) => u.id), dayOf(now)],
      )
    : [];
  const view = await expandForTemplates(tx, model, entity, notice.record, pathsOf(notice.subject, notice.body));
  const texts = new Map<string, { subject: string; body: string | null }>();
  const textIn = (locale: string) => {
    let t = texts.get(locale);
    if (!t) {
      const subject = (renderFor(model, entity, notice.subject, view, locale) ?? '').replace(/\s+/g, ' ').trim().slice(0, 500);
      t = { subject: subject || entity.name, body: renderFor(model, entity, notice.body, view, locale) ?? null };
      texts.set(locale, t);
    }
    return t;
  };
  const localeOf = (u: UserRow) => (u.locale && model.locales.includes(u.locale) ? u.locale : model.defaultLocale);
  const key = notice.key ?? `notice:${uuidv7()}`;

  // Notice ids are chosen up front, so the e-mail of a notice can point at it from its first write.
  const rows: Array<{ id: string; key: string; channel: Channel; recipient: string; onBehalfOf: string | null; address: string | null; subject: string; body: string | null; status: string; notification: string | null }> = [];
  for (const user of users) {
    const text = textIn(localeOf(user));
    const notification = channels.has('inApp') ? uuidv7() : null;
    if (notification) {
      rows.push({ id: uuidv7(), key: `${key}|${user.id}|inApp`, channel: 'inApp', recipient: user.id, onBehalfOf: null, address: null, ...text, status: 'delivered', notification });
    }
    if (channels.has('email') && user.email) rows.push({ id: uuidv7(), key: `${key}|${user.id}|email`, channel: 'email', recipient: user.id, onBehalfOf: null, address: user.email, ...text, status: 'pending', notification });
  }
  const direct = new Set(users.map((u) => u.id));
  const absentName = new Map(users.map((u) => [u.id, u.full_name]));
  for (const d of deputies) {
    if (direct.has(d.id) || !d.email) continue;
    const locale = localeOf(d);
    const text = textIn(locale);
    const note = (DEPUTY_NOTE[locale] ?? DEPUTY_NOTE.en!).replace('{name}', absentName.get(d.absent) ?? '');
    rows.push({ id: uuidv7(), key: `${key}|${d.id}|email`, channel: 'email', recipient: d.id, onBehalfOf: d.absent, address: d.email, subject: text.subject, body: text.body ? `${note}\n\n${text.body}` : note, status: 'pending', notification: null });
  }
  if (rows.length === 0) return result;

  // The unique key decides which deliveries are new; only those get an in-app notice.
  const inserted = await tx.query<{ id: string; channel: Channel; recipient: string }>(
    `INSERT INTO ntf_delivery (id, key, channel, recipient, on_behalf_of, rule, record_entity, record_id, address, subject, body, status, attempts, created_at, sent_at, notification_id)
     SELECT r.id, r.key, r.channel, r.recipient, r.on_behalf_of, $9, $10, $11, r.address, r.subject, r.body, r.status, 0, $12, CASE WHEN r.channel = 'inApp' THEN $12::timestamptz END, r.notification_id
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $13::text[], $14::uuid[])
            AS r(id, key, channel, recipient, on_behalf_of, address, subject, body, status, notification_id)
     ON CONFLICT (key) DO NOTHING
     RETURNING id::text AS id, channel, recipient::text AS recipient`,
    [
      rows.map((r) => r.id), rows.map((r) => r.key), rows.map((r) => r.channel), rows.map((r) => r.recipient), rows.map((r) => r.onBehalfOf),
      rows.map((r) => r.address), rows.map((r) => r.subject), rows.map((r) => r.body), notice.rule ?? null, entity.name, notice.record.id, now.toISOString(), rows.map((r) => r.status), rows.map((r) => r.notification),
    ],
  );
  if (inserted.length === 0) return result;
  const fresh = new Set(inserted.map((r) => r.id));
  const inApp = rows.filter((r) => r.channel === 'inApp' && fresh.has(r.id));
  if (inApp.length > 0) {
    const emailed = new Set(rows.filter((r) => r.channel === 'email' && r.onBehalfOf === null && fresh.has(r.id)).map((r) => r.recipient));
    await tx.query(
      `INSERT INTO sys_notification (id, created_at, updated_at, created_by, updated_by, owner, version, recipient, subject, body, record_entity, record_id, email_status)
       SELECT n.id, $1, $1, NULL, NULL, n.recipient, 1, n.recipient, n.subject, n.body, $2, $3, n.email_status
         FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[]) AS n(id, recipient, subject, body, email_status)`,
      [now.toISOString(), entity.name, notice.record.id, inApp.map((r) => r.notification), inApp.map((r) => r.recipient), inApp.map((r) => r.subject), inApp.map((r) => r.body), inApp.map((r) => (emailed.has(r.recipient) ? 'pending' : null))],
    );
  }
  const recipients = new Set<string>();
  for (const r of inserted) {
    recipients.add(r.recipient);
    if (r.channel === 'inApp') result.inApp++;
    else result.email++;
  }
  result.recipients = [...recipients];
  return result;
}
