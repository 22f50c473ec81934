// Edits of an automation that keep it in the meta-schema's shape: pure functions over the
// generated types (server/schema/automation.schema.json).
import { inEveryLocale } from '../notification/notification-model.js';
import type { Action, ActionValues, Automation, ValueExpression } from '../../../server/src/generated/metadata.js';

export const ACTION_KINDS = ['createRecord', 'setField', 'link', 'startWorkflow', 'notify'] as const satisfies ReadonlyArray<Action['action']>;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const WRITES = ['create', 'update', 'delete'] as const;

/**
 * A new action of a kind, with what the editor can fill in itself; the rest (a field, an
 * entity, a process) is the consultant's to pick, and until then the server names what is missing.
 */
export function newAction(kind: ActionKind, locales: readonly string[]): Action {
  switch (kind) {
    case 'createRecord':
      return { action: kind, entity: '', values: {} };
    case 'setField':
      return { action: kind, values: {} };
    case 'link':
      return { action: kind, to: '' };
    case 'startWorkflow':
      return { action: kind, process: '' };
    case 'notify':
      return { action: kind, recipients: ['owner'], channels: ['inApp'], subject: inEveryLocale(locales, '') };
  }
}

/** The writes an automation reacts to, in the schema's order; watched fields only mean something for updates, so they go with it. */
export function withWrites(automation: Automation, on: Automation['on']): Automation {
  const next = { ...automation, on: WRITES.filter((w) => on.includes(w)) };
  if (!on.includes('update')) delete next.fields;
  return next;
}

export const isExpression = (value: unknown): value is ValueExpression => typeof value === 'object' && value !== null && '$expr' in value;

/** Renames a key of the values, keeping its place (the file's order is the consultant's). */
export function renameValue(values: ActionValues, from: string, to: string): ActionValues {
  if (from === to || Object.hasOwn(values, to)) return values;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k === from ? to : k, v]));
}

export function setValue(values: ActionValues, name: string, value: ActionValues[string]): ActionValues {
  return { ...values, [name]: value };
}

export function removeValue(values: ActionValues, name: string): ActionValues {
  return Object.fromEntries(Object.entries(values).filter(([k]) => k !== name));
}

/** "New automation": valid as it stands (it tells the owner in the app), but off until the consultant switches it on. */
export function skeletonAutomation(name: string, entity: string, locales: readonly string[]): Automation {
  return {
    $schema: '../../server/schema/automation.schema.json',
    label: inEveryLocale(locales, name),
    entity,
    on: ['create'],
    do: [{ ...newAction('notify', locales), subject: inEveryLocale(locales, name) } as Action],
    enabled: false,
  };
}
