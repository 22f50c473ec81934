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

/** Removes a field and its places on the form and in the lists (columns, grouping, sort). */
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
