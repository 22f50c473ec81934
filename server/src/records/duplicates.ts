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

/** Records (other than `exceptId`) that match any duplicate rule for these keys. */
export async function findDuplicates(db: Db, entity: EntityModel, keys: ReadonlyMap<DuplicateRuleModel, string | null>, exceptId: string | null): Promise<DuplicateMatch[]> {
  const matches: DuplicateMatch[] = [];
  const titleCols = titleColumns(entity).map((f) => quoteIdent(f.column));
  const select = ['id', ...titleCols].join(', ');
  const table = quoteIdent(entity.table);
  for (const [rule, key] of keys) {
    if (key === null) continue;
    const column = quoteIdent(rule.column);
    const rows =
      rule.match === 'exact'
        ? await db.query<Record<string, unknown>>(`SELECT ${select} FROM ${table} WHERE ${column} = $1 AND id IS DISTINCT FROM $2 LIMIT ${CANDIDATE_CAP}`, [key, exceptId])
        : // `%` finds candidates through the trigram index at pg_trgm's threshold: set it to the
          // rule's own for this transaction, or the default 0.3 makes the index return thousands.
          await db.transaction(async (tx) => {
            await tx.query(`SELECT set_config('pg_trgm.similarity_threshold', $1, true)`, [String(rule.threshold)]);
            return tx.query<Record<string, unknown>>(
              `SELECT ${select}, similarity(${column}, $1) AS score FROM ${table} WHERE ${column} % $1 AND id IS DISTINCT FROM $2 ORDER BY score DESC LIMIT ${CANDIDATE_CAP}`,
              [key, exceptId],
            );
          });
    for (const row of rows) {
      matches.push({
        id: String(row.id),
        title: titleOf(entity, toApiRecord(entity, row)),
        rule: rule.name,
        action: rule.action,
        fields: rule.fields.map((f) => f.name),
        ...(row.score !== undefined ? { score: Number(row.score) } : {}),
      });
    }
  }
  return matches;
}
