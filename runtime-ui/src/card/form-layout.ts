// How a form's tabs and sections lay out the schema's fields. Pure: the card and the studio's
// form preview share it.
import type { Label, Tab } from '../types.js';

/** True for a tab of record fields, as opposed to related lists, history and the like. */
export function isFieldsTab(tab: Tab): boolean {
  return (tab.kind ?? 'fields') === 'fields';
}

export interface LayoutSection {
  name: string;
  label?: Label | undefined;
  columns: number;
  fields: string[];
}

/** The sections of each fields tab; schema fields placed nowhere go to a last section of the first tab. */
export function toSections(tabs: Tab[], placed: string[]): Map<string, LayoutSection[]> {
  const result = new Map<string, LayoutSection[]>();
  const seen = new Set<string>();
  for (const tab of tabs) {
    const sections = (tab.sections ?? []).map((s) => ({ name: s.name, label: s.label, columns: s.columns ?? 2, fields: s.fields }));
    sections.forEach((s) => s.fields.forEach((f) => seen.add(f)));
    result.set(tab.name, sections);
  }
  const rest = placed.filter((name) => !seen.has(name));
  if (rest.length > 0) {
    const first = tabs[0]?.name ?? '';
    result.set(first, [...(result.get(first) ?? []), { name: '$other', columns: 2, fields: rest }]);
  }
  return result;
}
