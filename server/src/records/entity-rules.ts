/**
 * Rules of particular system entities that JSON Schema and the generic checks cannot
 * express, run by the record lifecycle inside the write's transaction. Keyed by entity
 * name; an entity without an entry has none.
 */
import type { Db } from '../db/db.js';
import { CardoError, type FieldError } from '../errors.js';

type EntityRule = (tx: Db, values: Readonly<Record<string, unknown>>, exceptId: string | null) => Promise<void>;

/** Substitutions: a deputy is someone else, the period is not reversed, and one absent user has one deputy at a time. */
async function substitutionRule(tx: Db, values: Readonly<Record<string, unknown>>, exceptId: string | null): Promise<void> {
  const { absentUser, deputy, from, to } = values as { absentUser?: unknown; deputy?: unknown; from?: unknown; to?: unknown };
  const errors: FieldError[] = [];
  if (typeof absentUser === 'string' && absentUser === deputy) errors.push({ path: '/deputy', message: 'A user cannot substitute themselves.' });
  if (typeof from === 'string' && typeof to === 'string' && from > to) errors.push({ path: '/to', message: 'The substitution ends before it starts.' });
  if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', errors.map((e) => e.message).join(' '), { errors });
  if (typeof absentUser !== 'string' || typeof from !== 'string' || typeof to !== 'string') return;
  // Serializes substitutions of one absent user, so two overlapping ones cannot both pass.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sys_substitution:${absentUser}`]);
  const [overlap] = await tx.query<{ from: string; to: string }>(
    `SELECT "from"::text AS "from", "to"::text AS "to" FROM sys_substitution
      WHERE absent_user = $1 AND "from" <= $3::date AND "to" >= $2::date AND id IS DISTINCT FROM $4 LIMIT 1`,
    [absentUser, from, to, exceptId],
  );
  if (overlap) {
    throw new CardoError('CARDO_ERR_API_VALIDATION', `This user already has a substitution from ${overlap.from} to ${overlap.to}, which overlaps this period.`, { errors: [{ path: '/from', message: 'Overlaps another substitution of the same user.' }] });
  }
}

const RULES: Readonly<Record<string, EntityRule>> = {
  sys_substitution: substitutionRule,
};

export async function checkEntityRules(tx: Db, entity: string, values: Readonly<Record<string, unknown>>, exceptId: string | null): Promise<void> {
  await RULES[entity]?.(tx, values, exceptId);
}
