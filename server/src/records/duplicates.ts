import type { CountryCode } from 'libphonenumber-js';
import type { CompiledModel, DuplicateRuleModel, EntityModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { quoteIdent } from '../db/db.js';
import { normalizeFor } from './normalize.js';
import { titleColumns, titleOf, toApiRecord } from './record-mapping.js';

/** A record a save would collide with, as reported in a 409 and by POST …/duplicates. */
export interface DuplicateMatch {
  id: string;
  title: string;
  rule: string;
  action: 'block' | 'warn';
  fields: string[];
  /** For fuzzy rules: the trigram similarity (0–1). */
  score?: number;
}

const FIELD_SEPARATOR = '\u001f';
/** Fuzzy rules look at no more than this many candidates, best first. */
const CANDIDATE_CAP = 5;

/** The normalized key of each rule for these values; null when a rule's fields are not all filled. */
export function duplicateKeys(model: CompiledModel, entity: EntityModel, values: Readonly<Record<string, unknown>>): Map<DuplicateRuleModel, string | null> {
  const region = model.phoneRegion as CountryCode;
  const keys = new Map<DuplicateRuleModel, string | null>();
  for (const rule of entity.duplicateRules) {
    const parts = rule.fields.map((f) => normalizeFor(rule.normalize, values[f.name], region));
    keys.set(rule, parts.every((p) => p !== null) ? parts.join(FIELD_SEPARATOR) : null);
  }
  return keys;
}

/**
 * The transaction settings the entity's fuzzy rules need: `%` finds candidates through the
 * trigram index at pg_trgm's similarity threshold, and at the default 0.3 the index returns
 * thousands of rows that similarity() then rejects; the lowest threshold of the entity's
 * fuzzy rules (each rule filters to its own). Empty for an entity without fuzzy rules.
 */
export function duplicateSearchSettings(entity: EntityModel): Record<string, string> {
  const thresholds = entity.duplicateRules.filter((r) => r.match === 'fuzzy').map((r) => r.threshold);
  return thresholds.length === 0 ? {} : { 'pg_trgm.similarity_threshold': String(Math.min(...thresholds)) };
}

/**
 * Records (other than `exceptId`) that match any duplicate rule for these keys: every rule
 * in one statement (a UNION ALL of one capped branch per rule), so a save with five rules
 * costs one round trip, not five. Matches come rule by rule, fuzzy ones best first.
 */
export async function findDuplicates(db: Db, entity: EntityModel, keys: ReadonlyMap<DuplicateRuleModel, string | null>, exceptId: string | null): Promise<DuplicateMatch[]> {
  const rules = [...keys].filter((entry): entry is [DuplicateRuleModel, string] => entry[1] !== null);
  if (rules.length === 0) return [];
  const settings = duplicateSearchSettings(entity);
  const inForce = Number(settings['pg_trgm.similarity_threshold'] ?? Number.NaN);
  const titleCols = titleColumns(entity).map((f) => quoteIdent(f.column));
  const select = ['id', ...titleCols].join(', ');
  const table = quoteIdent(entity.table);
  const params: unknown[] = [exceptId];
  const branches = rules.map(([rule, key], i) => {
    params.push(key);
    const column = quoteIdent(rule.column);
    const value = `$${params.length}`;
    if (rule.match === 'exact') return `(SELECT ${i} AS "$rule", ${select}, NULL::real AS "$score" FROM ${table} WHERE ${column} = ${value} AND id IS DISTINCT FROM $1::uuid LIMIT ${CANDIDATE_CAP})`;
    // A rule stricter than the threshold in force filters to its own.
    const own = rule.threshold > inForce ? ` AND similarity(${column}, ${value}) >= ${Number(rule.threshold)}` : '';
    return `(SELECT ${i} AS "$rule", ${select}, similarity(${column}, ${value}) AS "$score" FROM ${table} WHERE ${column} % ${value}${own} AND id IS DISTINCT FROM $1::uuid ORDER BY "$score" DESC LIMIT ${CANDIDATE_CAP})`;
  });
  const sql = branches.join(' UNION ALL ');
  const needsSettings = rules.some(([rule]) => rule.match === 'fuzzy');
  // Inside a write the transaction already carries the settings (no extra round trip).
  // Prepared: its text is fixed per entity and set of filled rules, and it runs on every write.
  const prepared = { prepared: true };
  const rows = needsSettings ? await db.transaction((tx) => tx.query<Record<string, unknown>>(sql, params, prepared), { settings }) : await db.query<Record<string, unknown>>(sql, params, prepared);
  const ordered = rows.map((row) => ({ row, rule: Number(row.$rule), score: row.$score === null || row.$score === undefined ? null : Number(row.$score) }));
  // UNION ALL keeps branch order in practice but SQL does not promise it: order explicitly.
  ordered.sort((a, b) => a.rule - b.rule || (b.score ?? 0) - (a.score ?? 0));
  return ordered.map(({ row, rule: index, score }) => {
    const rule = (rules[index] as [DuplicateRuleModel, string])[0];
    return {
      id: String(row.id),
      title: titleOf(entity, toApiRecord(entity, row)),
      rule: rule.name,
      action: rule.action,
      fields: rule.fields.map((f) => f.name),
      ...(score !== null ? { score } : {}),
    };
  });
}
