/**
 * What workflow templates read from the database: the record with the references its
 * templates go through. The org functions manager() and head() are access/org-facts.ts.
 */
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { quoteIdent, type Db } from '../db/db.js';
import { isUuid } from '../expression/values.js';
import { toApiRecord, type ApiRecord } from '../records/record-mapping.js';

/** The target entity of a reference or user field. */
function targetOf(entity: EntityModel, field: string): string | undefined {
  const f = entity.field.get(field);
  if (!f) return undefined;
  if (f.type === 'user') return 'sys_user';
  return f.target ?? undefined;
}

/** A record with its referenced records expanded along `paths` (e.g. counterparty.brand), for templates. */
export async function expandRecord(db: Db, model: CompiledModel, entity: EntityModel, record: ApiRecord, paths: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...record };
  const firsts = new Set(paths.map((p) => p.split('.')[0] as string));
  for (const name of firsts) {
    const targetName = targetOf(entity, name);
    const id = record[name];
    const target = targetName ? model.entities.get(targetName) : undefined;
    if (!target || typeof id !== 'string' || !isUuid(id)) continue;
    const [row] = await db.query(`SELECT * FROM ${quoteIdent(target.table)} WHERE id = $1`, [id]);
    if (row) out[name] = toApiRecord(target, row);
  }
  return out;
}
