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
import { OrgFacts, deputiesOf, userIdOf } from '../access/org-facts.js';
import { parseExpression } from '../expression/expression.js';
import { isUuid } from '../expression/values.js';
import type { ApiRecord } from '../records/record-mapping.js';
import { expandManyForTemplates, pathsOf, renderFor, type LocalizedText } from './render.js';

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

/** Role members, asked once per batch. */
type RoleCache = Map<string, string[]>;

/** The user ids the recipient specs name for this record (before substitution). */
export async function resolveRecipients(tx: Db, record: ApiRecord, specs: readonly string[], now: Date, org: OrgFacts = new OrgFacts(tx), roleCache: RoleCache = new Map()): Promise<string[]> {
  const out = new Set<string>();
  const of = (spec: string): string | null => (spec === 'owner' ? userIdOf(record.owner) : spec.startsWith('field:') ? userIdOf(record[spec.slice(6)]) : null);
  for (const spec of specs) {
    if (spec.startsWith('user:')) {
      const id = spec.slice(5);
      if (isUuid(id)) out.add(id.toLowerCase());
    } else if (spec.startsWith('role:')) {
      const role = spec.slice(5);
      let members = roleCache.get(role);
      if (!members) {
        members = (await tx.query<{ id: string }>('SELECT DISTINCT "user"::text AS id FROM sys_role_assignment WHERE role = $1', [role])).map((r) => r.id);
        roleCache.set(role, members);
      }
      for (const id of members) out.add(id);
    } else if (spec.startsWith('manager:')) {
      const user = of(spec.slice(8));
      const boss = user ? userIdOf(await org.evaluate(MANAGER, { user }, now)) : null;
      if (boss) out.add(boss);
    } else {
      const user = of(spec);
      if (user) out.add(user);
    }
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
  const [result] = await sendNotices(tx, model, [notice]);
  return result as SendResult;
}

interface Row {
  id: string;
  notice: number;
  key: string;
  channel: Channel;
  recipient: string;
  onBehalfOf: string | null;
  address: string | null;
  subject: string;
  body: string | null;
  status: string;
  notification: string | null;
}

/** sendNotice for many notices at once: the same result, a few statements for the whole batch. */
export async function sendNotices(tx: Db, model: CompiledModel, notices: readonly Notice[]): Promise<SendResult[]> {
  const results: SendResult[] = notices.map(() => ({ recipients: [], inApp: 0, email: 0 }));
  if (notices.length === 0) return results;
  const org = new OrgFacts(tx);
  const roles: RoleCache = new Map();
  const entities = notices.map((n) => {
    const entity = typeof n.entity === 'string' ? model.entities.get(n.entity) : n.entity;
    if (!entity) throw new Error(`sendNotice: no entity ${String(n.entity)}`);
    return entity;
  });
  const nows = notices.map((n) => n.now ?? new Date());
  const wanted: string[][] = [];
  for (let i = 0; i < notices.length; i++) wanted.push(await resolveRecipients(tx, notices[i]!.record, notices[i]!.recipients, nows[i]!, org, roles));
  const allIds = [...new Set(wanted.flat())];
  if (allIds.length === 0) return results;
  const userRows = await tx.query<UserRow>('SELECT id::text AS id, full_name, email, locale, active FROM sys_user WHERE id = ANY($1::uuid[]) AND active IS NOT FALSE', [allIds]);
  if (userRows.length === 0) return results;
  const users = new Map(userRows.map((u) => [u.id, u]));
  const anyEmail = notices.some((n) => n.channels?.includes('email'));
  const deputyRows = anyEmail
    ? await deputiesOf(tx, userRows.map((u) => u.id), dayOf(nows[0]!))
    : [];
  // Records expanded along their templates' paths, one query per referenced entity and batch.
  const views = new Array<Record<string, unknown>>(notices.length);
  const groups = new Map<string, number[]>();
  notices.forEach((n, i) => {
    const paths = pathsOf(n.subject, n.body);
    const k = `${entities[i]!.name}\u0000${paths.join(',')}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  for (const indexes of groups.values()) {
    const first = indexes[0]!;
    const expanded = await expandManyForTemplates(tx, model, entities[first]!, indexes.map((i) => notices[i]!.record), pathsOf(notices[first]!.subject, notices[first]!.body));
    indexes.forEach((i, j) => (views[i] = expanded[j]!));
  }
  const localeOf = (u: UserRow) => (u.locale && model.locales.includes(u.locale) ? u.locale : model.defaultLocale);

  const rows: Row[] = [];
  notices.forEach((notice, i) => {
    const entity = entities[i]!;
    const channels = new Set<Channel>(notice.channels ?? ['inApp']);
    const key = notice.key ?? `notice:${uuidv7()}`;
    const texts = new Map<string, { subject: string; body: string | null }>();
    const textIn = (locale: string) => {
      let t = texts.get(locale);
      if (!t) {
        const subject = (renderFor(model, entity, notice.subject, views[i]!, locale) ?? '').replace(/\s+/g, ' ').trim().slice(0, 500);
        t = { subject: subject || entity.name, body: renderFor(model, entity, notice.body, views[i]!, locale) ?? null };
        texts.set(locale, t);
      }
      return t;
    };
    const recipients = wanted[i]!.map((id) => users.get(id)).filter((u): u is UserRow => u !== undefined);
    for (const user of recipients) {
      const text = textIn(localeOf(user));
      // Notice ids are chosen up front, so the e-mail of a notice points at it from its first write.
      const notification = channels.has('inApp') ? uuidv7() : null;
      if (notification) rows.push({ id: uuidv7(), notice: i, key: `${key}|${user.id}|inApp`, channel: 'inApp', recipient: user.id, onBehalfOf: null, address: null, ...text, status: 'delivered', notification });
      if (channels.has('email') && user.email) rows.push({ id: uuidv7(), notice: i, key: `${key}|${user.id}|email`, channel: 'email', recipient: user.id, onBehalfOf: null, address: user.email, ...text, status: 'pending', notification });
    }
    if (!channels.has('email')) return;
    const direct = new Set(recipients.map((u) => u.id));
    const absentName = new Map(recipients.map((u) => [u.id, u.full_name]));
    for (const d of deputyRows) {
      if (!direct.has(d.absent) || direct.has(d.id) || !d.email) continue;
      const locale = localeOf(d);
      const text = textIn(locale);
      const note = (DEPUTY_NOTE[locale] ?? DEPUTY_NOTE.en!).replace('{name}', absentName.get(d.absent) ?? '');
      rows.push({ id: uuidv7(), notice: i, key: `${key}|${d.id}|email`, channel: 'email', recipient: d.id, onBehalfOf: d.absent, address: d.email, subject: text.subject, body: text.body ? `${note}\n\n${text.body}` : note, status: 'pending', notification: null });
    }
  });
  if (rows.length === 0) return results;

  // The unique key decides which deliveries are new; only those get an in-app notice.
  const col = <T>(f: (r: Row) => T) => rows.map(f);
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO ntf_delivery (id, key, channel, recipient, on_behalf_of, address, subject, body, status, notification_id, rule, record_entity, record_id, created_at, attempts, sent_at)
     SELECT r.id, r.key, r.channel, r.recipient, r.on_behalf_of, r.address, r.subject, r.body, r.status, r.notification_id, r.rule, r.record_entity, r.record_id, r.created_at, 0,
            CASE WHEN r.channel = 'inApp' THEN r.created_at END
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::uuid[], $11::text[], $12::text[], $13::uuid[], $14::timestamptz[])
            AS r(id, key, channel, recipient, on_behalf_of, address, subject, body, status, notification_id, rule, record_entity, record_id, created_at)
     ON CONFLICT (key) DO NOTHING
     RETURNING id::text AS id`,
    [
      col((r) => r.id), col((r) => r.key), col((r) => r.channel), col((r) => r.recipient), col((r) => r.onBehalfOf), col((r) => r.address), col((r) => r.subject), col((r) => r.body), col((r) => r.status), col((r) => r.notification),
      col((r) => notices[r.notice]!.rule ?? null), col((r) => entities[r.notice]!.name), col((r) => notices[r.notice]!.record.id), col((r) => nows[r.notice]!.toISOString()),
    ],
  );
  if (inserted.length === 0) return results;
  const fresh = new Set(inserted.map((r) => r.id));
  const done = rows.filter((r) => fresh.has(r.id));
  const inApp = done.filter((r) => r.channel === 'inApp');
  if (inApp.length > 0) {
    const emailed = new Set(done.filter((r) => r.channel === 'email' && r.onBehalfOf === null).map((r) => `${r.notice}|${r.recipient}`));
    const n = <T>(f: (r: Row) => T) => inApp.map(f);
    await tx.query(
      `INSERT INTO sys_notification (id, created_at, updated_at, created_by, updated_by, owner, version, recipient, subject, body, record_entity, record_id, email_status)
       SELECT n.id, n.created_at, n.created_at, NULL, NULL, n.recipient, 1, n.recipient, n.subject, n.body, n.record_entity, n.record_id, n.email_status
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS n(id, recipient, subject, body, email_status, record_entity, record_id, created_at)`,
      [n((r) => r.notification), n((r) => r.recipient), n((r) => r.subject), n((r) => r.body), n((r) => (emailed.has(`${r.notice}|${r.recipient}`) ? 'pending' : null)), n((r) => entities[r.notice]!.name), n((r) => notices[r.notice]!.record.id), n((r) => nows[r.notice]!.toISOString())],
    );
  }
  const recipientsOf = results.map(() => new Set<string>());
  for (const r of done) {
    recipientsOf[r.notice]!.add(r.recipient);
    if (r.channel === 'inApp') results[r.notice]!.inApp++;
    else results[r.notice]!.email++;
  }
  results.forEach((res, i) => (res.recipients = [...recipientsOf[i]!]));
  return results;
}
