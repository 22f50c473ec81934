import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/db.js';
import type { Actor } from './records.service.js';

export type AuditChanges = Record<string, { from: unknown; to: unknown }>;

export interface AuditEntry {
  entity: string;
  recordId: string;
  /** generate: a document was generated from a template for the record (documents module); link/unlink: on both linked records; workflow: an automation started a process for the record. */
  action: 'create' | 'update' | 'delete' | 'generate' | 'link' | 'unlink' | 'workflow';
  actor: Actor;
  changes: AuditChanges;
  now: Date;
}

/**
 * The INSERT of one audit row, its placeholders numbered from `first` (so it can ride along in
 * another statement) — who, when, on whose behalf, by which automation, old → new.
 */
export function auditInsert(entry: AuditEntry, first = 1, id: string = uuidv7()): { sql: string; params: unknown[] } {
  const at = entry.now.toISOString();
  const $ = (n: number) => `$${first + n - 1}`;
  return {
    sql: `INSERT INTO sys_audit (id, created_at, updated_at, created_by, updated_by, owner, version, record_entity, record_id, action, actor, on_behalf_of, changes, automation)
     VALUES (${$(1)}, ${$(2)}, ${$(2)}, ${$(3)}, ${$(3)}, ${$(3)}, 1, ${$(4)}, ${$(5)}, ${$(6)}, ${$(3)}, ${$(7)}, ${$(8)}, ${$(9)})`,
    params: [id, at, entry.actor.userId, entry.entity, entry.recordId, entry.action, entry.actor.onBehalfOf ?? null, JSON.stringify(entry.changes), entry.actor.automation ?? null],
  };
}

/** One audit row per write, in the write's transaction. */
export async function writeAudit(tx: Db, entry: AuditEntry): Promise<void> {
  const { sql, params } = auditInsert(entry);
  await tx.query(sql, params, { prepared: true });
}

/** Corrects the changes of an audit row written along with its record (see createRecord). */
export async function correctAuditChanges(tx: Db, id: string, changes: AuditChanges): Promise<void> {
  await tx.query('UPDATE sys_audit SET changes = $2 WHERE id = $1', [id, JSON.stringify(changes)]);
}

export interface HistoryEntry {
  id: string;
  at: string;
  action: string;
  actor: { id: string; fullName: string } | null;
  onBehalfOf: { id: string; fullName: string } | null;
  /** The automation that made the change for the actor, or null. */
  automation: string | null;
  changes: AuditChanges;
}

/** GET …/:id/history: the record's audit entries, newest first. */
export async function recordHistory(db: Db, entity: string, recordId: string, limit = 200): Promise<HistoryEntry[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.id, a.created_at, a.action, a.changes, a.automation, a.actor, u.full_name AS actor_name, a.on_behalf_of, b.full_name AS behalf_name
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
    automation: r.automation ? String(r.automation) : null,
    changes: JSON.parse(String(r.changes ?? '{}')) as AuditChanges,
  }));
}
