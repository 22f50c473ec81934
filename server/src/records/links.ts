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

/** Links two records (manually, or by an automation); linking the same pair twice is a no-op. */
export async function createLink(db: Db, model: CompiledModel, from: RecordRef, to: RecordRef, kind: string, options: { actor: Actor; automatic?: boolean; now?: Date; access?: Access }): Promise<{ id: string; created: boolean }> {
  if (options.access && !options.access.can('sys_link', 'create')) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', 'You may not link records.');
  await assertExists(db, model, from, '/from', options.access);
  await assertExists(db, model, to, '/to', options.access);
  if (from.entity === to.entity && from.id === to.id) throw new CardoError('CARDO_ERR_API_VALIDATION', 'A record cannot be linked to itself.', { errors: [{ path: '/to', message: 'Same as from.' }] });
  const [existing] = await db.query<{ id: string }>(
    `SELECT id FROM sys_link WHERE ((from_entity = $1 AND from_id = $2 AND to_entity = $3 AND to_id = $4) OR (from_entity = $3 AND from_id = $4 AND to_entity = $1 AND to_id = $2)) AND kind = $5`,
    [from.entity, from.id, to.entity, to.id, kind],
  );
  if (existing) return { id: existing.id, created: false };
  const id = uuidv7();
  const at = (options.now ?? new Date()).toISOString();
  await db.query(
    `INSERT INTO sys_link (id, created_at, updated_at, created_by, updated_by, owner, version, from_entity, from_id, to_entity, to_id, kind, automatic) VALUES ($1, $2, $2, $3, $3, $3, 1, $4, $5, $6, $7, $8, $9)`,
    [id, at, options.actor.userId, from.entity, from.id, to.entity, to.id, kind, options.automatic === true],
  );
  return { id, created: true };
}

export async function deleteLink(db: Db, id: string, access?: Access): Promise<void> {
  assertUuid(id);
  if (access) {
    const [link] = await db.query<Record<string, unknown>>('SELECT id, owner FROM sys_link WHERE id = $1', [id]);
    if (link && !access.canRow('sys_link', 'read', link)) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no link ${id}.`);
    if (link && !access.canRow('sys_link', 'delete', link)) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', 'You may not delete this link.');
  }
  const rows = await db.query(`DELETE FROM sys_link WHERE id = $1 RETURNING id`, [id]);
  if (rows.length === 0) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no link ${id}.`);
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
