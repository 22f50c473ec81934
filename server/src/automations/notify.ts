/**
 * The notify action of automations: in-app notifications (sys_notification records), written
 * in the triggering write's transaction the way a workflow's notify service task writes them.
 * The one place to re-point at the notification pipeline (recipient substitution, e-mail).
 */
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { parseExpression } from '../expression/expression.js';
import { renderTemplate } from '../expression/template.js';
import type { NotifyAction } from '../generated/metadata.js';
import { createRecord, type WriteOptions } from '../records/records.service.js';
import { userIdOf, type OrgFacts } from '../workflows/resolve.js';

const MANAGER = parseExpression('manager(user)');

/**
 * Notifies the action's recipients about a record (`record`: the API record with the
 * references its templates read expanded): one in-app notification each, in the recipient's
 * language. E-mail is not sent here.
 */
export async function notifyInApp(tx: Db, model: CompiledModel, entity: EntityModel, record: Readonly<Record<string, unknown>>, action: NotifyAction, options: WriteOptions & { orgFacts: OrgFacts }): Promise<string[]> {
  const now = options.now ?? new Date();
  const recipients = new Set<string>();
  for (const spec of action.recipients) {
    const [kind, ...rest] = spec.split(':');
    if (kind === 'role') {
      const rows = await tx.query<{ id: string }>('SELECT DISTINCT u.id::text AS id FROM sys_role_assignment r JOIN sys_user u ON u.id = r."user" WHERE r.role = $1 AND u.active IS NOT FALSE', [rest.join(':')]);
      for (const row of rows) recipients.add(row.id);
      continue;
    }
    const of = kind === 'manager' ? rest.join(':') : spec;
    const user = userIdOf(of === 'owner' ? record.owner : record[of.slice('field:'.length)]);
    const id = kind === 'manager' && user ? userIdOf(await options.orgFacts.evaluate(MANAGER, { user }, now)) : user;
    if (id) recipients.add(id);
  }
  if (action.channels && !action.channels.includes('inApp')) return [];
  const notification = model.entities.get('sys_notification') as EntityModel;
  const locales = new Map((await tx.query<{ id: string; locale: string | null }>('SELECT id::text AS id, locale FROM sys_user WHERE id = ANY($1::uuid[])', [[...recipients]])).map((r) => [r.id, r.locale]));
  for (const recipient of recipients) {
    const locale = locales.get(recipient) ?? model.defaultLocale;
    const pick = (text: Readonly<Record<string, string | undefined>>) => text[locale] ?? text[model.defaultLocale] ?? Object.values(text).find((t) => t !== undefined) ?? '';
    await createRecord(tx, model, notification, {
      recipient,
      subject: renderTemplate(pick(action.subject), record).slice(0, 500),
      body: action.body ? renderTemplate(pick(action.body), record) : null,
      recordEntity: entity.name,
      recordId: String(record.id),
      owner: recipient,
    }, options);
  }
  return [...recipients];
}
