// Edits of an entity definition that keep it consistent: pure functions over the generated types.
import type { Entity, Field } from '../types.js';

/** System fields every record has (DESIGN §3); lists and conditions may use them, fields may not be named so. */
export const SYSTEM_FIELDS: ReadonlyArray<Pick<Field, 'name' | 'type' | 'label'>> = [
  { name: 'owner', type: 'user', label: { en: 'Owner', ru: 'Ответственный' } },
  { name: 'createdAt', type: 'datetime', label: { en: 'Created', ru: 'Создано' } },
  { name: 'updatedAt', type: 'datetime', label: { en: 'Updated', ru: 'Изменено' } },
  { name: 'createdBy', type: 'user', label: { en: 'Created by', ru: 'Создал' } },
  { name: 'updatedBy', type: 'user', label: { en: 'Updated by', ru: 'Изменил' } },
];

export function upsertField(entity: Entity, field: Field, previousName?: string): Entity {
  const index = previousName === undefined ? -1 : entity.fields.findIndex((f) => f.name === previousName);
  const fields = index < 0 ? [...entity.fields, field] : entity.fields.map((f, i) => (i === index ? field : f));
  return { ...entity, fields };
}

/** Whether a JSON condition tests the field (directly or through a dot path from it). */
export function conditionMentions(condition: unknown, name: string): boolean {
  if (Array.isArray(condition)) return condition.some((c) => conditionMentions(c, name));
  if (typeof condition !== 'object' || condition === null) return false;
  return Object.entries(condition).some(([key, value]) => key === name || key.startsWith(`${name}.`) || (key.startsWith('$') && conditionMentions(value, name)));
}

/** Where the entity itself uses a field, as `list:<name>/<what>` and `form:<tab>/<section>` places. */
export function fieldUses(entity: Entity, name: string): string[] {
  const uses: string[] = [];
  const on = (path: string) => path === name || path.startsWith(`${name}.`);
  for (const tab of entity.form.tabs) for (const section of tab.sections ?? []) if (section.fields.some(on)) uses.push(`form:${tab.name}/${section.name}`);
  for (const list of entity.lists) {
    if (list.columns.some(on)) uses.push(`list:${list.name}/columns`);
    if ((list.groupBy ?? []).some(on)) uses.push(`list:${list.name}/groupBy`);
    if (list.sort?.split(',').some((p) => on(p.replace(/^-/, '')))) uses.push(`list:${list.name}/sort`);
    if (conditionMentions(list.filter, name)) uses.push(`list:${list.name}/filter`);
    (list.quickFilters ?? []).forEach((q) => conditionMentions(q.filter, name) && uses.push(`list:${list.name}/quickFilters/${q.name}`));
    (list.colorRules ?? []).forEach((r, i) => conditionMentions(r.when, name) && uses.push(`list:${list.name}/colorRules/${i + 1}`));
  }
  return uses;
}

/**
 * Removes a field and every use of it inside the entity: form places, list columns, grouping
 * and sort, and the list filters, quick filters and color rules that test it (the designer
 * lists them before asking). Uses in other files are reported by validation after the save.
 */
export function removeField(entity: Entity, name: string): Entity {
  const keep = (path: string) => path !== name && !path.startsWith(`${name}.`);
  const sortKeep = (sort: string | undefined) => {
    if (sort === undefined) return undefined;
    const parts = sort.split(',').filter((p) => keep(p.replace(/^-/, '')));
    return parts.length > 0 ? parts.join(',') : undefined;
  };
  return {
    ...entity,
    fields: entity.fields.filter((f) => f.name !== name),
    form: {
      ...entity.form,
      tabs: entity.form.tabs.map((tab) => (tab.sections ? { ...tab, sections: tab.sections.map((s) => ({ ...s, fields: s.fields.filter(keep) })) } : tab)),
    },
    lists: entity.lists.map((list) => {
      const next = { ...list, columns: list.columns.filter(keep) };
      if (list.groupBy) next.groupBy = list.groupBy.filter(keep);
      if (conditionMentions(list.filter, name)) delete next.filter;
      if (list.quickFilters) next.quickFilters = list.quickFilters.filter((q) => !conditionMentions(q.filter, name));
      if (list.colorRules) next.colorRules = list.colorRules.filter((r) => !conditionMentions(r.when, name));
      const sort = sortKeep(list.sort);
      if (sort === undefined) delete next.sort;
      else next.sort = sort;
      return next;
    }),
  };
}

export function move<T>(items: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length) return [...items];
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

/** The fields placed in any section of the form. */
export function placedFields(entity: Entity): Set<string> {
  return new Set(entity.form.tabs.flatMap((tab) => (tab.sections ?? []).flatMap((s) => s.fields)));
}
