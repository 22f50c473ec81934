/**
 * Saved personal list views (sys_saved_view): a user's named state of a list — base view, filter,
 * sort, columns, grouping, quick filter, page size — kept on the server so it follows them to any
 * browser. Only the owner ever reads, replaces or deletes one.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/db.js';
import { CardoError, type FieldError } from '../errors.js';

export const SAVED_VIEW_LIMITS = Object.freeze({
  maxName: 100,
  /** The UI's list state is a few hundred bytes; a filter of many terms fits easily. */
  maxStateBytes: 32 * 1024,
  /** Per user and entity, so a runaway client cannot fill the table. */
  maxPerEntity: 100,
});

export interface SavedView {
  id: string;
  entity: string;
  name: string;
  state: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface SavedViewInput {
  entity: string;
  name: string;
  state: Record<string, unknown>;
}

interface Row {
  id: string;
  entity: string;
  name: string;
  state: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id::text AS id, entity, name, state, created_at, updated_at';

function toSavedView(row: Row): SavedView {
  return { id: row.id, entity: row.entity, name: row.name, state: JSON.parse(row.state) as Record<string, unknown>, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * The body of `POST /api/views`, checked as a whole (every problem at once): entity and name
 * strings, name 1–100 characters once trimmed, state a JSON object within the size cap.
 * Whether the caller may read the entity is the caller's business (access).
 */
export function parseSavedViewInput(body: unknown): SavedViewInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CardoError('CARDO_ERR_API_VALIDATION', 'The body must be a JSON object.', { errors: [{ path: '', message: 'Must be an object.' }] });
  const { entity, name, state, ...rest } = body as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(rest).map((k) => ({ path: `/${k}`, message: 'Unknown property; use entity, name and state.' }));
  if (typeof entity !== 'string' || entity === '') errors.push({ path: '/entity', message: 'Must be the name of an entity.' });
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (typeof name !== 'string' || trimmed.length === 0 || trimmed.length > SAVED_VIEW_LIMITS.maxName) errors.push({ path: '/name', message: `Must be 1 to ${SAVED_VIEW_LIMITS.maxName} characters.` });
  if (!state || typeof state !== 'object' || Array.isArray(state)) errors.push({ path: '/state', message: 'Must be an object.' });
  else if (Buffer.byteLength(JSON.stringify(state)) > SAVED_VIEW_LIMITS.maxStateBytes) errors.push({ path: '/state', message: `Must be at most ${SAVED_VIEW_LIMITS.maxStateBytes / 1024} KB as JSON.` });
  if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  return { entity: entity as string, name: trimmed, state: state as Record<string, unknown> };
}

/** The user's views, of one entity or of all, by entity then name. */
export async function listSavedViews(db: Db, userId: string, entity?: string): Promise<SavedView[]> {
  const rows = entity === undefined
    ? await db.query<Row>(`SELECT ${COLUMNS} FROM sys_saved_view WHERE user_id = $1 ORDER BY entity, name`, [userId])
    : await db.query<Row>(`SELECT ${COLUMNS} FROM sys_saved_view WHERE user_id = $1 AND entity = $2 ORDER BY name`, [userId, entity]);
  return rows.map(toSavedView);
}

/**
 * Saves a view under its name: a new name adds one (created: true), an existing name of the
 * same user and entity is replaced in place, keeping its id. One transaction; the unique index
 * on (user, entity, name) settles two saves of the same name racing each other.
 */
export async function saveView(db: Db, userId: string, input: SavedViewInput): Promise<{ view: SavedView; created: boolean }> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.query<{ id: string }>('SELECT id::text AS id FROM sys_saved_view WHERE user_id = $1 AND entity = $2 AND name = $3', [userId, input.entity, input.name]);
    if (!existing) {
      const [count] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM sys_saved_view WHERE user_id = $1 AND entity = $2', [userId, input.entity]);
      if (Number(count?.n ?? 0) >= SAVED_VIEW_LIMITS.maxPerEntity) throw new CardoError('CARDO_ERR_VIEW_LIMIT', `You have ${SAVED_VIEW_LIMITS.maxPerEntity} saved views of ${input.entity}; delete one first.`);
    }
    const [row] = await tx.query<Row & { inserted: boolean }>(
      `INSERT INTO sys_saved_view (id, user_id, entity, name, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, now(), now())
       ON CONFLICT (user_id, entity, name) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
      [uuidv7(), userId, input.entity, input.name, JSON.stringify(input.state)],
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return { view: toSavedView(row), created: row.inserted };
  });
}

/** Deletes one of the user's views; false when there is none with this id (or it is someone else's). */
export async function deleteSavedView(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db.transaction((tx) => tx.query('DELETE FROM sys_saved_view WHERE id = $1 AND user_id = $2 RETURNING id', [id, userId]));
  return rows.length > 0;
}
