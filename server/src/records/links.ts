import { v7 as uuidv7 } from 'uuid';
import type { Access } from '../access/access.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { quoteIdent } from '../db/db.js';
import { CardoError } from '../errors.js';
import type { Actor } from './records.service.js';
import { assertUuid } from './records.service.js';
import { loadTitles } from '../query/titles.js';
import { titleColumns } from './record-mapping.js';
import { writeAudit, type HistoryEntry } from './audit.js';

export interface RecordRef {
  entity: string;
  id: string;
}

export interface LinkView {
  id: string;
  kind: string;
  automatic: boolean;
  direction: 'outgoing' | 'incoming';
  record: { entity: string; id: string; title: string };
  createdAt: string;
}

async function assertExists(db: Db, model: CompiledModel, ref: RecordRef, path: string, access: Access | undefined): Promise<void> {
  const entity = model.entities.get(ref.entity);
  if (!entity || (access && !access.can(entity.name, 'read'))) throw new CardoError('CARDO_ERR_API_VALIDATION', `There is no entity "${ref.entity}".`, { errors: [{ path: `${path}/entity`, message: 'Unknown entity.' }] });
  assertUuid(ref.id, `${path}/id`);
  // A record the caller may not read is as missing as one that does not exist.
  const exists = access ? (await access.readableIds(db, entity, [ref.id])).has(ref.id) : (await db.query(`SELECT 1 FROM ${quoteIdent(entity.table)} WHERE id = $1`, [ref.id])).length > 0;
  if (!exists) throw new CardoError('CARDO_ERR_API_VALIDATION', `There is no ${ref.entity} ${ref.id}.`, { errors: [{ path: `${path}/id`, message: 'No such record.' }] });
}

export interface LinkOptions {
  actor: Actor;
  /** Made by an automation, not by a person. */
  automatic?: boolean;
  now?: Date;
  /** The caller's access; absent for the runtime's own links (automations). */
  access?: Access;
}

/**
 * Links two records (manually, or by an automation) in one transaction with its audit
 * entries: the link's own and a "link" entry on each record. Linking the same pair with the
 * same kind again, in either direction, is a no-op answering the existing link.
 */
export async function createLink(db: Db, model: CompiledModel, from: RecordRef, to: RecordRef, kind: string, options: LinkOptions): Promise<{ id: string; created: boolean }> {
  if (options.access && !options.access.can('sys_link', 'create')) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', 'You may not link records.');
  return db.transaction(async (tx) => {
    await assertExists(tx, model, from, '/from', options.access);
    await assertExists(tx, model, to, '/to', options.access);
    if (from.entity === to.entity && from.id.toLowerCase() === to.id.toLowerCase()) throw new CardoError('CARDO_ERR_API_VALIDATION', 'A record cannot be linked to itself.', { errors: [{ path: '/to', message: 'Same as from.' }] });
    // Two sessions linking the same pair at once must not both insert it.
    const pair = [`${from.entity}:${from.id}`, `${to.entity}:${to.id}`].sort().join('|');
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sys_link:${pair}:${kind}`]);
    const [existing] = await tx.query<{ id: string }>(
      `SELECT id FROM sys_link WHERE ((from_entity = $1 AND from_id = $2 AND to_entity = $3 AND to_id = $4) OR (from_entity = $3 AND from_id = $4 AND to_entity = $1 AND to_id = $2)) AND kind = $5`,
      [from.entity, from.id, to.entity, to.id, kind],
    );
    if (existing) return { id: existing.id, created: false };
    const id = uuidv7();
    const now = options.now ?? new Date();
    const at = now.toISOString();
    const automatic = options.automatic === true;
    await tx.query(
      `INSERT INTO sys_link (id, created_at, updated_at, created_by, updated_by, owner, version, from_entity, from_id, to_entity, to_id, kind, automatic) VALUES ($1, $2, $2, $3, $3, $3, 1, $4, $5, $6, $7, $8, $9)`,
      [id, at, options.actor.userId, from.entity, from.id, to.entity, to.id, kind, automatic],
    );
    await auditLink(tx, 'link', { id, from, to, kind, automatic }, options.actor, now);
    return { id, created: true };
  });
}

interface LinkFacts {
  id: string;
  from: RecordRef;
  to: RecordRef;
  kind: string;
  automatic: boolean;
}

/** The link's own audit entry (create/delete) and a link/unlink entry on each of the two records. */
async function auditLink(tx: Db, action: 'link' | 'unlink', link: LinkFacts, actor: Actor, now: Date, deleted?: RecordRef): Promise<void> {
  const facts = { fromEntity: link.from.entity, fromId: link.from.id, toEntity: link.to.entity, toId: link.to.id, kind: link.kind, automatic: link.automatic };
  const changes = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, action === 'link' ? { from: null, to: v } : { from: v, to: null }]));
  await writeAudit(tx, { entity: 'sys_link', recordId: link.id, action: action === 'link' ? 'create' : 'delete', actor, changes, now });
  for (const [self, other] of [[link.from, link.to], [link.to, link.from]] as const) {
    // A deleted record's own history ends with its delete entry.
    if (deleted && self.entity === deleted.entity && self.id === deleted.id) continue;
    const value = { link: link.id, entity: other.entity, id: other.id, kind: link.kind };
    await writeAudit(tx, { entity: self.entity, recordId: self.id, action, actor, changes: { link: action === 'link' ? { from: null, to: value } : { from: value, to: null } }, now });
  }
}

/** Removes a link (the caller needs the delete scope over it), with its audit entries. */
export async function deleteLink(db: Db, id: string, options: { actor: Actor; access?: Access; now?: Date }): Promise<void> {
  assertUuid(id);
  const { access } = options;
  await db.transaction(async (tx) => {
    const [link] = await tx.query<Record<string, unknown>>('SELECT id, owner, from_entity, from_id, to_entity, to_id, kind, automatic FROM sys_link WHERE id = $1 FOR UPDATE', [id]);
    if (!link || (access && !access.canRow('sys_link', 'read', link))) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no link ${id}.`);
    if (access && !access.canRow('sys_link', 'delete', link)) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', 'You may not delete this link.');
    await tx.query('DELETE FROM sys_link WHERE id = $1', [id]);
    const actor = access ? access.actorFor(link.owner) : options.actor;
    const facts: LinkFacts = {
      id,
      from: { entity: String(link.from_entity), id: String(link.from_id) },
      to: { entity: String(link.to_entity), id: String(link.to_id) },
      kind: String(link.kind),
      automatic: link.automatic === true,
    };
    await auditLink(tx, 'unlink', facts, actor, options.now ?? new Date());
  });
}

/**
 * History entries of links (link/unlink) as the caller may see them: the other record's id
 * only when the caller may read it, as its links list shows only readable records.
 */
export async function redactLinkHistory(db: Db, model: CompiledModel, items: HistoryEntry[], access: Access): Promise<HistoryEntry[]> {
  type Other = { entity: string; id: string };
  const otherOf = (item: HistoryEntry): Other | undefined => {
    if (item.action !== 'link' && item.action !== 'unlink') return undefined;
    const value = (item.changes.link?.to ?? item.changes.link?.from) as Partial<Other> | undefined;
    return typeof value?.entity === 'string' && typeof value.id === 'string' ? (value as Other) : undefined;
  };
  const readable = new Map<string, Set<string>>();
  for (const name of new Set(items.map(otherOf).filter((o) => o !== undefined).map((o) => o.entity))) {
    const entity = model.entities.get(name);
    const ids = items.map(otherOf).filter((o) => o?.entity === name).map((o) => (o as Other).id);
    readable.set(name, entity ? await access.readableIds(db, entity, ids) : new Set());
  }
  return items.map((item) => {
    const other = otherOf(item);
    if (!other || readable.get(other.entity)?.has(other.id)) return item;
    const hide = (v: unknown) => (v && typeof v === 'object' ? { ...(v as object), id: null } : v);
    return { ...item, changes: { link: { from: hide(item.changes.link?.from), to: hide(item.changes.link?.to) } } };
  });
}

/** A deleted record's links go with it, each with its audit entries (the other record's history shows the unlink). */
export async function removeLinksOf(tx: Db, ref: RecordRef, actor: Actor, now: Date): Promise<void> {
  const rows = await tx.query<Record<string, unknown>>(
    `DELETE FROM sys_link WHERE (from_entity = $1 AND from_id = $2) OR (to_entity = $1 AND to_id = $2) RETURNING id, from_entity, from_id, to_entity, to_id, kind, automatic`,
    [ref.entity, ref.id],
  );
  for (const link of rows) {
    const facts: LinkFacts = {
      id: String(link.id),
      from: { entity: String(link.from_entity), id: String(link.from_id) },
      to: { entity: String(link.to_entity), id: String(link.to_id) },
      kind: String(link.kind),
      automatic: link.automatic === true,
    };
    await auditLink(tx, 'unlink', facts, actor, now, ref);
  }
}

/**
 * A record's links in both directions, each with the other record's title. With `access`,
 * links to records the caller may not read are left out, and a hidden title is the id.
 */
export async function linksOf(db: Db, model: CompiledModel, ref: RecordRef, access?: Access): Promise<LinkView[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT id, kind, automatic, created_at, from_entity, from_id, to_entity, to_id FROM sys_link
      WHERE (from_entity = $1 AND from_id = $2) OR (to_entity = $1 AND to_id = $2) ORDER BY created_at DESC LIMIT 500`,
    [ref.entity, ref.id],
  );
  // One query per linked entity for readability and one for titles, not two per link.
  const others = rows.map((row) => {
    const outgoing = row.from_entity === ref.entity && row.from_id === ref.id;
    return { row, outgoing, entity: String(outgoing ? row.to_entity : row.from_entity), id: String(outgoing ? row.to_id : row.from_id) };
  });
  const readable = new Map<string, Set<string> | undefined>();
  const titles = new Map<string, Map<string, string>>();
  for (const name of new Set(others.map((o) => o.entity))) {
    const entity = model.entities.get(name);
    const ids = others.filter((o) => o.entity === name).map((o) => o.id);
    if (access) readable.set(name, entity ? await access.readableIds(db, entity, ids) : new Set());
    const titleHidden = entity !== undefined && access !== undefined && titleColumns(entity).some((f) => access.fieldRules(entity.name).hidden.has(f.name));
    const visible = access ? ids.filter((id) => readable.get(name)?.has(id)) : ids;
    if (entity && !titleHidden) titles.set(name, await loadTitles(db, model, entity, visible));
  }
  const views: LinkView[] = [];
  for (const { row, outgoing, entity, id } of others) {
    if (access && !readable.get(entity)?.has(id)) continue;
    const title = titles.get(entity)?.get(id) ?? id;
    views.push({ id: String(row.id), kind: String(row.kind), automatic: row.automatic === true, direction: outgoing ? 'outgoing' : 'incoming', record: { entity, id, title }, createdAt: String(row.created_at) });
  }
  return views;
}
