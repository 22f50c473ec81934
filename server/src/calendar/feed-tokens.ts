/**
 * Calendar feed tokens: calendar clients (Google Calendar, Outlook, Apple Calendar) subscribe
 * to a URL and cannot send a cookie or a bearer token, so the URL carries a per-user secret.
 * Like session tokens, it is 32 random bytes shown once; the table keeps only its sha256.
 * Creating a new one replaces the old (rotation). It grants nothing for an inactive user, and
 * the first feed request after a deactivation deletes it, so reactivating the user does not
 * bring an old link back to life unless the feed was not fetched in between; deactivation
 * paths should call revokeFeedToken (see docs/runtime.md, "Calendar").
 */
import { randomBytes } from 'node:crypto';
import { dayOf, ORG_COLUMNS, orgCtes, toOrgContext, type OrgContext, type OrgRow } from '../access/org.js';
import { hashToken } from '../auth/sessions.js';
import type { Db } from '../db/db.js';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface FeedOwner {
  userId: string;
  locale: string | null;
  /** The user's place in the organization today, as a session of theirs would have it (for their Access). */
  org: OrgContext;
}

/** A new token for the user, replacing any previous one in the same statement. */
export async function rotateFeedToken(db: Db, userId: string): Promise<{ token: string; createdAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await db.query<{ created_at: string }>(
    `INSERT INTO sys_calendar_feed (user_id, token_hash, created_at) VALUES ($1, $2, now())
     ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at
     RETURNING created_at`,
    [userId, hashToken(token)],
  );
  return { token, createdAt: new Date(row!.created_at).toISOString() };
}

/** When the user's current token was made, or null when there is none. */
export async function feedTokenCreatedAt(db: Db, userId: string): Promise<string | null> {
  const [row] = await db.query<{ created_at: string }>('SELECT created_at FROM sys_calendar_feed WHERE user_id = $1', [userId]);
  return row ? new Date(row.created_at).toISOString() : null;
}

/** Deletes the user's token; true when there was one. */
export async function revokeFeedToken(db: Db, userId: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM sys_calendar_feed WHERE user_id = $1 RETURNING user_id', [userId]);
  return rows.length > 0;
}

/**
 * The user a token belongs to with their org, read in one statement like a session; null when
 * the token is unknown or replaced, or the user is deactivated (then the token is deleted).
 */
export async function findFeedOwner(db: Db, token: string, now = new Date()): Promise<FeedOwner | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [row] = await db.query<OrgRow & { user_id: string; active: boolean | null; locale: string | null }>(
    `WITH RECURSIVE
       feed AS (
         SELECT f.user_id, u.active, u.locale
           FROM sys_calendar_feed f JOIN sys_user u ON u.id = f.user_id
          WHERE f.token_hash = $1
       ),
       ${orgCtes('SELECT user_id FROM feed WHERE active = true', '$2::date')}
     SELECT feed.user_id::text AS user_id, feed.active, feed.locale, ${ORG_COLUMNS}
       FROM feed`,
    [hashToken(token), dayOf(now)],
  );
  if (!row) return null;
  if (row.active !== true) {
    await revokeFeedToken(db, row.user_id);
    return null;
  }
  return { userId: row.user_id, locale: row.locale, org: toOrgContext(row.user_id, row) };
}
