/**
 * The notification rules of metadata/notifications, compiled once per model: which rules
 * watch which entity, and for date rules the field, its type and the offset. Pure.
 */
import { createHash } from 'node:crypto';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Notification } from '../generated/metadata.js';

export interface NotificationRule {
  name: string;
  def: Notification;
  entity: EntityModel;
  /** For date rules: the date or datetime field and the ISO-8601 offset (P0D when none). */
  dateField?: FieldModel;
  offset: string;
  /** Changes when what decides the due times changes (field, offset, condition): then every record is re-synced. */
  hash: string;
}

export interface RuleSet {
  byName: ReadonlyMap<string, NotificationRule>;
  /** Enabled event rules (create/update/fieldChange) per entity. */
  events: ReadonlyMap<string, readonly NotificationRule[]>;
  /** Enabled date rules per entity. */
  dates: ReadonlyMap<string, readonly NotificationRule[]>;
}

const cache = new WeakMap<CompiledModel, RuleSet>();

export function rulesOf(model: CompiledModel): RuleSet {
  let set = cache.get(model);
  if (set) return set;
  const byName = new Map<string, NotificationRule>();
  const events = new Map<string, NotificationRule[]>();
  const dates = new Map<string, NotificationRule[]>();
  for (const { name, def } of model.notifications) {
    const entity = model.entities.get(def.entity);
    if (!entity || def.enabled === false) continue;
    const dateField = def.trigger.on === 'date' && def.trigger.dateField ? entity.field.get(def.trigger.dateField) : undefined;
    if (def.trigger.on === 'date' && !dateField) continue;
    const offset = def.trigger.offset ?? 'P0D';
    const hash = createHash('sha256').update(JSON.stringify([def.entity, def.trigger, def.when ?? null, model.app.timezone ?? null])).digest('hex').slice(0, 16);
    const rule: NotificationRule = { name, def, entity, offset, hash, ...(dateField ? { dateField } : {}) };
    byName.set(name, rule);
    const into = dateField ? dates : events;
    into.set(entity.name, [...(into.get(entity.name) ?? []), rule]);
  }
  set = { byName, events, dates };
  cache.set(model, set);
  return set;
}
