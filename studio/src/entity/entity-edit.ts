// Edits of an entity definition that keep it consistent: pure functions over the generated types.
import type { DuplicateRule, Entity, Field, Label, Stage, Tab } from '../types.js';

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

export function setAt<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((x, i) => (i === index ? item : x));
}

export function removeAt<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

/** A copy without one optional key (the canonical files omit absent values rather than store null). */
export function withoutKey<T extends object, K extends keyof T>(value: T, key: K): T {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

/** `<prefix>_<n>` with the smallest n not taken (names are lower_snake identifiers). */
export function freshName(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let n = 1;
  while (used.has(`${prefix}_${n}`)) n++;
  return `${prefix}_${n}`;
}

const emptyLabel = (locales: readonly string[]): Label => Object.fromEntries(locales.map((l) => [l, '']));

/** A new open stage after the others; its probability continues the last one's (at most 100). */
export function newStage(stages: readonly Stage[], locales: readonly string[]): Stage {
  const last = stages.at(-1)?.probability ?? 0;
  return { value: freshName('stage', stages.map((s) => s.value)), label: emptyLabel(locales), probability: Math.min(100, last + 10) };
}

/** A new duplicate rule on one field: exact match, warning the user. */
export function newDuplicateRule(rules: readonly DuplicateRule[], field: string, locales: readonly string[]): DuplicateRule {
  return { name: freshName('rule', rules.map((r) => r.name)), label: emptyLabel(locales), fields: [field], match: 'exact', action: 'warn' };
}

/** Switching a rule to exact drops its threshold (the schema allows one on fuzzy rules only). */
export function setMatch(rule: DuplicateRule, match: DuplicateRule['match']): DuplicateRule {
  return match === 'exact' ? withoutKey({ ...rule, match }, 'threshold') : { ...rule, match };
}

/** A new tab: of fields (one empty section), or a related list (entity and `via` still to choose). */
export function newTab(entity: Entity, locales: readonly string[], kind: 'fields' | 'related'): Tab {
  const name = freshName('tab', entity.form.tabs.map((t) => t.name));
  if (kind === 'related') return { name, label: emptyLabel(locales), kind: 'related', entity: '', via: '' };
  return { name, label: emptyLabel(locales), sections: [{ name: 'section_1', label: emptyLabel(locales), fields: [] }] };
}

/** A new section for a fields tab; it starts empty, which the schema flags until a field is added. */
export function newSection(tab: Tab, locales: readonly string[]) {
  return { name: freshName('section', (tab.sections ?? []).map((s) => s.name)), label: emptyLabel(locales), fields: [] as string[] };
}
