/**
 * The in-app notification inbox: the sys_notification rows whose recipient is the caller
 * or a user the caller substitutes today (DESIGN §6: the deputy receives the absent user's
 * notices). Notices are stored once per recipient, so the deputy's share is decided here, on
 * read, from the same org context Access uses; a deputy marking one read marks it for the
 * absent user too, as acting on their behalf does everywhere else.
 * Writers (notification delivery) create the rows; this module only reads and marks them.
 */
import type { Db } from '../db/db.js';

export interface InboxItem {
  id: string;
  subject: string;
  body: string | null;
  recordEntity: string | null;
  recordId: string | null;
  recipient: string;
  /** Set when the notice is the absent user's, shown to their deputy: that user's id. */
  onBehalfOf?: string;
  readAt: string | null;
  createdAt: string;
}

export interface InboxPage {
  items: InboxItem[];
  total: number;
  limit: number;
  offset: number;
}

interface Row {
  id: string;
  subject: string;
  body: string | null;
  record_entity: string | null;
  record_id: string | null;
  recipient: string;
  read_at: string | null;
  created_at: string;
}

const COLUMNS = 'id::text AS id, subject, body, record_entity, record_id, recipient::text AS recipient, read_at, created_at';

export interface Inbox {
  /** The caller. */
  userId: string;
  /** The caller and the users they substitute today. */
  recipients: readonly string[];
}

function toItem(inbox: Inbox, row: Row): InboxItem {
  const item: InboxItem = {
    id: row.id,
    subject: row.subject,
    body: row.body,
    recordEntity: row.record_entity,
    recordId: row.record_id,
    recipient: row.recipient,
    readAt: row.read_at,
    createdAt: row.created_at,
  };
  if (row.recipient !== inbox.userId) item.onBehalfOf = row.recipient;
  return item;
}

export async function listInbox(db: Db, inbox: Inbox, options: { unread: boolean; limit: number; offset: number }): Promise<InboxPage> {
  const unread = options.unread ? ' AND read_at IS NULL' : '';
  const where = `recipient = ANY($1::uuid[])${unread}`;
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM sys_notification WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, [inbox.recipients, options.limit, options.offset]);
  const total = rows.length < options.limit && (rows.length > 0 || options.offset === 0) ? options.offset + rows.length : await countInbox(db, inbox, options.unread);
  return { items: rows.map((r) => toItem(inbox, r)), total, limit: options.limit, offset: options.offset };
}

export async function countInbox(db: Db, inbox: Inbox, unreadOnly: boolean): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sys_notification WHERE recipient = ANY($1::uuid[])${unreadOnly ? ' AND read_at IS NULL' : ''}`, [inbox.recipients]);
  return Number(row?.n ?? 0);
}

/**
 * Marks one notice of the inbox read (keeping the first reading time when it already was);
 * null when the inbox has no such notice — someone else's is as missing as none.
 */
export async function markRead(db: Db, inbox: Inbox, id: string): Promise<InboxItem | null> {
  return db.transaction(async (tx) => {
    const [updated] = await tx.query<Row>(
      `UPDATE sys_notification SET read_at = now(), updated_at = now(), updated_by = $3, version = version + 1
        WHERE id = $1 AND recipient = ANY($2::uuid[]) AND read_at IS NULL
        RETURNING ${COLUMNS}`,
      [id, inbox.recipients, inbox.userId],
    );
    if (updated) return toItem(inbox, updated);
    const [existing] = await tx.query<Row>(`SELECT ${COLUMNS} FROM sys_notification WHERE id = $1 AND recipient = ANY($2::uuid[])`, [id, inbox.recipients]);
    return existing ? toItem(inbox, existing) : null;
  });
}

/** Marks every unread notice of the inbox read; the number marked. */
export async function markAllRead(db: Db, inbox: Inbox): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE sys_notification SET read_at = now(), updated_at = now(), updated_by = $2, version = version + 1
        WHERE recipient = ANY($1::uuid[]) AND read_at IS NULL
        RETURNING id`,
      [inbox.recipients, inbox.userId],
    );
    return rows.length;
  });
}
