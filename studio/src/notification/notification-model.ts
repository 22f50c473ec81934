// What the notification and automation editors know about a rule file, as pure functions: the
// fields an entity offers (the server's entity index, system fields and entities included),
// the insertable {{path}} placeholders, and the server's own checks of templates and offsets,
// run as the consultant types. The server stays the judge: its problems come back on save.
import { TemplateError, templatePaths } from '../../../server/src/expression/template.js';
import { EntityIndex } from '../../../server/src/metadata/entity-index.js';
import { SYSTEM_FIELDS } from '../../../server/src/metadata/system-entities.js';
import type { Field, Label, Notification, NotificationTrigger } from '../../../server/src/generated/metadata.js';
import type { MetadataProblem } from '../types.js';

export { EntityIndex };

/** The `duration` of common.schema.json (a test holds them together): P3D, -P30D, -PT30M. */
export const OFFSET = /^-?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

export const TRIGGERS = ['create', 'update', 'fieldChange', 'date'] as const satisfies ReadonlyArray<NotificationTrigger['on']>;
export const CHANNELS = ['inApp', 'email'] as const;
const DATE_TYPES = new Set(['date', 'datetime']);

/** An entity's fields as the server resolves them: its own, then the system fields it does not redeclare. */
export function fieldsOf(index: EntityIndex, entity: string): Field[] {
  const def = index.entities.get(entity);
  if (!def) return [];
  return [...def.fields, ...SYSTEM_FIELDS.filter((s) => !def.fields.some((f) => f.name === s.name))];
}

/** The fields for pickers: a stage field offers the entity's stages as its options, as an enum offers its own. */
export function pickableFields(index: EntityIndex, entity: string): Field[] {
  const stages = index.entities.get(entity)?.stages;
  return fieldsOf(index, entity).map((f) => (f.type === 'stage' && stages ? { ...f, options: stages.map((s) => ({ value: s.value, label: s.label, color: s.color })) } : f));
}

/** Fields an automation may set (cross-refs.ts, checkValues): all but the system's read-only ones, and not formulas, which are computed. */
export const settableFields = (index: EntityIndex, entity: string): Field[] => pickableFields(index, entity).filter((f) => f.type !== 'formula' && !(f.readOnly === true && SYSTEM_FIELDS.some((s) => s.name === f.name)));

/** Fields that name a user (user fields and references to sys_user): recipients come from them. */
export const userFields = (index: EntityIndex, entity: string): Field[] => fieldsOf(index, entity).filter((f) => index.targetOf(f) === 'sys_user');
export const dateFields = (index: EntityIndex, entity: string): Field[] => fieldsOf(index, entity).filter((f) => DATE_TYPES.has(f.type === 'formula' ? (f.resultType ?? '') : f.type));
export const referenceFields = (index: EntityIndex, entity: string): Field[] => fieldsOf(index, entity).filter((f) => index.targetOf(f) !== undefined);

export interface Placeholder {
  path: string;
  /** The labels along the path, for the picker. */
  labels: Label[];
}

/** What a template may insert: every field of the entity and, one step further, the fields of what its references point to. */
export function placeholders(index: EntityIndex, entity: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const field of fieldsOf(index, entity)) {
    out.push({ path: field.name, labels: [field.label] });
    const target = index.targetOf(field);
    if (target) for (const inner of fieldsOf(index, target)) out.push({ path: `${field.name}.${inner.name}`, labels: [field.label, inner.label] });
  }
  return out;
}

/** Why a template is wrong, as the server says it (cross-refs.ts, Checker.template): malformed, or a path that does not exist. */
export function templateProblems(index: EntityIndex, entity: string, text: string): string[] {
  let paths: string[];
  try {
    paths = templatePaths(text);
  } catch (error) {
    if (error instanceof TemplateError) return [`At character ${error.index + 1}: ${error.message}`];
    throw error;
  }
  return paths.flatMap((path) => {
    const resolved = index.resolve(entity, path);
    return resolved.ok ? [] : [resolved.message];
  });
}

/** A recipient string (notification.schema.json#/$defs/recipient) taken apart for the pickers. */
export type RecipientParts = { kind: 'owner' } | { kind: 'field' | 'manager'; field: string } | { kind: 'role'; role: string };

export function parseRecipient(recipient: string): RecipientParts {
  if (recipient.startsWith('role:')) return { kind: 'role', role: recipient.slice(5) };
  if (recipient.startsWith('field:')) return { kind: 'field', field: recipient.slice(6) };
  // manager:owner is the owner's manager; manager:field:x the manager of the user in field x.
  if (recipient.startsWith('manager:')) return { kind: 'manager', field: recipient.slice(8).replace(/^field:/, '') };
  return { kind: 'owner' };
}

export function formatRecipient(parts: RecipientParts): string {
  switch (parts.kind) {
    case 'owner':
      return 'owner';
    case 'role':
      return `role:${parts.role}`;
    case 'field':
      return `field:${parts.field}`;
    case 'manager':
      return parts.field === 'owner' ? 'manager:owner' : `manager:field:${parts.field}`;
  }
}

/** The trigger after choosing another kind of event: only the keys that kind allows (the schema's if/then) are kept. */
export function withTriggerOn(trigger: NotificationTrigger, on: NotificationTrigger['on']): NotificationTrigger {
  if (on === 'fieldChange') return { on, fields: trigger.fields ?? [] };
  if (on === 'date') return { on, ...(trigger.dateField ? { dateField: trigger.dateField } : {}), ...(trigger.offset ? { offset: trigger.offset } : {}) };
  return { on };
}

/** The same text in every locale of the application. */
export const inEveryLocale = (locales: readonly string[], text: string): Record<string, string> => Object.fromEntries(locales.map((l) => [l, text]));

/** "New notification": valid as it stands (the owner is told in the app when a record is created), but off until the consultant switches it on. */
export function skeletonNotification(name: string, entity: string, locales: readonly string[]): Notification {
  return {
    $schema: '../../server/schema/notification.schema.json',
    label: inEveryLocale(locales, name),
    entity,
    trigger: { on: 'create' },
    recipients: ['owner'],
    channels: ['inApp'],
    subject: inEveryLocale(locales, name),
    enabled: false,
  };
}

/** The server's problems about one place of the file: the pointer itself and everything under it. */
export function problemsAt(problems: readonly MetadataProblem[], pointer: string): MetadataProblem[] {
  return problems.filter((p) => p.pointer === pointer || p.pointer.startsWith(`${pointer}/`));
}

/** Sets an optional key, or removes it when there is nothing to write (so the file stays as a hand-written one would be). */
export function withOptional<T extends object, K extends keyof T>(value: T, key: K, next: T[K] | undefined): T {
  const out = { ...value };
  if (next === undefined) delete out[key];
  else out[key] = next;
  return out;
}

/** An empty condition is no condition. */
export const withCondition = <T extends { when?: unknown }>(value: T, when: Readonly<Record<string, unknown>>): T => withOptional(value, 'when', (Object.keys(when).length > 0 ? when : undefined) as T['when']);
