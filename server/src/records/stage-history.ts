import { v7 as uuidv7 } from 'uuid';
import type { EntityModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';

/**
 * Records that a record entered a stage, in the write's own transaction: on create (its first
 * stage) and on every update that changes the stage field. The forecast reads stage durations
 * from these rows (sys_stage_history), the audit log keeps the who and the why.
 */
export async function writeStageEntry(tx: Db, entity: EntityModel, before: Readonly<Record<string, unknown>> | null, after: Readonly<Record<string, unknown>>, now: Date): Promise<void> {
  const field = entity.stageField;
  if (!field?.columnType) return;
  const stage = after[field.name];
  if (typeof stage !== 'string' || (before !== null && before[field.name] === stage)) return;
  await tx.query('INSERT INTO sys_stage_history (id, entity, record_id, stage, entered_at) VALUES ($1, $2, $3, $4, $5)', [uuidv7(), entity.name, after.id, stage, now.toISOString()], { prepared: true });
}
