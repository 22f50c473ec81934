import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/db.js';
import type { Actor } from './records.service.js';

export type AuditChanges = Record<string, { from: unknown; to: unknown }>;

export interface AuditEntry {
  entity: string;
  recordId: string;
  /** generate: a document was generated from a template for the record (documents module). */
  action: 'create' | 'update' | 'delete' | 'generate';
  actor: Actor;
  changes: AuditChanges;
  now: Date;
}

/** One audit row per write, in the write's transaction: who, when, on whose behalf, old → new. */
export async function writeAudit(tx: Db, entry: AuditEntry): Promise<void> {
  const at = entry.now.toISOString();
  await tx.query(
    `INSERT INTO sys_audit (id, created_at, updated_at, created_by, updated_by, owner, version, record_entity, record_id, action, actor, on_behalf_of, changes)
     VALUES ($1, $2, $2, $3, $3, $3, 1, $4, $5, $6, $3, $7, $8)`,
    [uuidv7(), at, entry.actor.userId, entry.entity, entry.recordId, entry.action, entry.actor.onBehalfOf ?? null, JSON.stringify(entry.changes)],
    { prepared: true },
  );
}

export interface HistoryEntry {
  id: string;
  at: string;
  action: string;
  actor: { id: string; fullName: string } | null;
  onBehalfOf: { id: string; fullName: string } | null;
  changes: AuditChanges;
}

/** GET …/:id/history: the record's audit entries, newest first. */
export async function recordHistory(db: Db, entity: string, recordId: string, limit = 200): Promise<HistoryEntry[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.id, a.created_at, a.action, a.changes, a.actor, u.full_name AS actor_name, a.on_behalf_of, b.full_name AS behalf_name
       FROM sys_audit a LEFT JOIN sys_user u ON u.id = a.actor LEFT JOIN sys_user b ON b.id = a.on_behalf_of
      WHERE a.record_entity = $1 AND a.record_id = $2 ORDER BY a.created_at DESC, a.id DESC LIMIT $3`,
    [entity, recordId, limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: String(r.created_at),
    action: String(r.action),
    actor: r.actor ? { id: String(r.actor), fullName: String(r.actor_name ?? '') } : null,
    onBehalfOf: r.on_behalf_of ? { id: String(r.on_behalf_of), fullName: String(r.behalf_name ?? '') } : null,
    changes: JSON.parse(String(r.changes ?? '{}')) as AuditChanges,
  }));
}
