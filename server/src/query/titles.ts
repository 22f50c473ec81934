/**
 * Titles of records by id, as a list shows a reference: the entity's title field, or its
 * title template rendered from the record and its references (`{{counterparty.brand}}`).
 */
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { renderTemplate, templatePaths } from '../expression/template.js';
import { toText } from '../expression/values.js';
import type { Label } from '../generated/metadata.js';
import { ROOT_ALIAS, mergeJoins, resolvePath } from './condition-sql.js';
import type { Join } from './condition-sql.js';
import { SqlParams, ident, qualified } from './sql.js';

/** The label of an enum option or a stage, or undefined when the value is not one. */
export function optionLabel(entity: EntityModel, field: FieldModel, value: unknown): Label | undefined {
  if (field.type === 'stage') return entity.stages.find((s) => s.value === value)?.label;
  return field.def.options?.find((o) => o.value === value)?.label;
}

function localized(label: Label | undefined, model: CompiledModel): string | undefined {
  return label?.[model.defaultLocale] ?? Object.values(label ?? {}).find((v) => v !== undefined);
}

interface TitleQuery {
  sql: string;
  params: unknown[];
  /** The selected paths: result column p<i> holds paths[i]. */
  paths: Array<{ path: string; field: FieldModel; entity: EntityModel }>;
}

/** SQL selecting id and what the title needs for the given ids; null when the entity has no title. */
export function buildTitleQuery(model: CompiledModel, entity: EntityModel, ids: readonly string[]): TitleQuery | null {
  let wanted: string[];
  if (entity.titleField) wanted = [entity.titleField.name];
  else if (entity.titleTemplate) {
    try {
      wanted = templatePaths(entity.titleTemplate);
    } catch {
      return null;
    }
  } else return null;
  const joins: Join[] = [];
  const paths: TitleQuery['paths'] = [];
  const columns = [`${qualified(ROOT_ALIAS, 'id')} AS "id"`];
  for (const path of wanted) {
    const resolved = resolvePath(model, entity, path);
    if ('error' in resolved || !resolved.field.columnType) continue;
    mergeJoins(joins, resolved.joins);
    columns.push(`${qualified(resolved.alias, resolved.field.column)} AS ${ident(`p${paths.length}`)}`);
    paths.push({ path, field: resolved.field, entity: resolved.entity });
  }
  const params = new SqlParams();
  const from = [`FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)}`, ...joins.map((j) => j.sql)].join(' ');
  const sql = `SELECT ${columns.join(', ')} ${from} WHERE ${qualified(ROOT_ALIAS, 'id')} = ANY(${params.add([...ids], 'uuid[]')})`;
  return { sql, params: params.values, paths };
}

/** id → title of the given records of an entity (missing records are absent). */
export async function loadTitles(db: Db, model: CompiledModel, entity: EntityModel, ids: readonly string[]): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const query = ids.length === 0 ? null : buildTitleQuery(model, entity, ids);
  if (!query) return titles;
  const rows = await db.query<Record<string, unknown>>(query.sql, query.params);
  for (const row of rows) {
    const id = String(row.id);
    if (entity.titleField) {
      titles.set(id, toText(row.p0));
      continue;
    }
    // Rebuild the nested record the template reads: {counterparty: {brand: …}}.
    const data: Record<string, unknown> = {};
    const byPath = new Map<string, { field: FieldModel; entity: EntityModel }>();
    query.paths.forEach(({ path, field, entity: owner }, i) => {
      byPath.set(path, { field, entity: owner });
      const segments = path.split('.');
      let node = data;
      for (const segment of segments.slice(0, -1)) {
        const next = node[segment];
        node = (typeof next === 'object' && next !== null ? next : (node[segment] = {})) as Record<string, unknown>;
      }
      node[segments[segments.length - 1] as string] = row[`p${i}`] ?? null;
    });
    const title = renderTemplate(entity.titleTemplate ?? '', data, {
      // An option reads as its label, as the user sees it on the card.
      format: (value, path) => {
        const at = byPath.get(path);
        const label = at && (at.field.type === 'enum' || at.field.type === 'stage') ? localized(optionLabel(at.entity, at.field, value), model) : undefined;
        return label ?? toText(value);
      },
    });
    titles.set(id, title);
  }
  return titles;
}

/**
 * Sets `$titles` on each record: reference and user field → the title of the record it points
 * to, so a list or a card shows names, not ids. One query per target entity; targets the caller
 * may not read at all (`canRead`) are left out.
 */
export async function attachTitles(db: Db, model: CompiledModel, entity: EntityModel, records: Array<Record<string, unknown>>, canRead: (entity: string) => boolean): Promise<void> {
  const byTarget = new Map<string, { fields: FieldModel[]; ids: Set<string> }>();
  for (const field of entity.fields) {
    if ((field.valueType !== 'reference' && field.valueType !== 'user') || !field.target || !canRead(field.target)) continue;
    const entry = byTarget.get(field.target) ?? { fields: [], ids: new Set<string>() };
    entry.fields.push(field);
    for (const record of records) if (typeof record[field.name] === 'string') entry.ids.add(record[field.name] as string);
    byTarget.set(field.target, entry);
  }
  for (const record of records) record.$titles = {};
  for (const [target, { fields, ids }] of byTarget) {
    const targetEntity = model.entities.get(target);
    if (!targetEntity || ids.size === 0) continue;
    const titles = await loadTitles(db, model, targetEntity, [...ids]);
    for (const record of records) {
      const out = record.$titles as Record<string, string>;
      for (const field of fields) {
        const title = titles.get(record[field.name] as string);
        if (title !== undefined) out[field.name] = title;
      }
    }
  }
}
