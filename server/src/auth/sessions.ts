import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/db.js';
import { dayOf, ORG_COLUMNS, orgCtes, toOrgContext, type OrgContext, type OrgRow } from '../access/org.js';
import type { SessionUser } from './session-user.js';

/**
 * Sessions live in sys_session. The token is shown to the client once; the table keeps only
 * its sha256, so a leaked backup or SQL log cannot be replayed as a login.
 *
 * Expiry: a session dies after SESSION_IDLE_HOURS without use (sliding: every use, at most
 * once a minute, pushes expires_at forward) and in any case SESSION_MAX_DAYS after login
 * (absolute), so a stolen token cannot be kept alive forever. Times come from the database
 * clock only, so several app instances with skewed clocks agree.
 */
export const SESSION_IDLE_HOURS = 12;
export const SESSION_MAX_DAYS = 7;
/** The cookie outlives idle periods on the client; the server decides when it is dead. */
export const SESSION_MAX_AGE_SECONDS = SESSION_MAX_DAYS * 24 * 60 * 60;

const IDLE = `interval '${SESSION_IDLE_HOURS} hours'`;
const MAX = `interval '${SESSION_MAX_DAYS} days'`;
/** last_seen_at is written at most this often, so reads do not turn into a write per request. */
const TOUCH = `interval '1 minute'`;

/** 32 random bytes in base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface NewSession {
  token: string;
  sessionId: string;
  /** ISO timestamp of the current (sliding) expiry. */
  expiresAt: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(db: Db, userId: string): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const sessionId = uuidv7();
  // Logging in is the natural moment to sweep this user's dead sessions; nothing else grows the table.
  await db.query(`DELETE FROM sys_session WHERE user_id = $1 AND (expires_at <= now() OR created_at <= now() - ${MAX})`, [userId]);
  const [row] = await db.query<{ expires_at: string }>(
    `INSERT INTO sys_session (id, user_id, token_hash, created_at, expires_at, last_seen_at)
     VALUES ($1, $2, $3, now(), now() + ${IDLE}, now())
     RETURNING expires_at`,
    [sessionId, userId, hashToken(token)],
  );
  return { token, sessionId, expiresAt: new Date(row!.expires_at).toISOString() };
}

interface SessionRow extends OrgRow {
  session_id: string;
  user_id: string;
  login: string;
  full_name: string;
  locale: string | null;
  roles: string[] | null;
  stale: boolean;
}

/** A live session: its user, and the user's place in the organization for the access policy. */
export interface FoundSession {
  user: SessionUser;
  org: OrgContext;
}

/**
 * The live session's user (active, with roles) and their org, or null for an unknown, expired
 * or revoked token. One statement: every authenticated request needs both, and the org is
 * computed fresh each time (a role, tree or substitution change applies to the next request).
 */
export async function findSession(db: Db, token: string, now = new Date()): Promise<FoundSession | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [row] = await db.query<SessionRow>(
    `WITH RECURSIVE
       session AS (
         SELECT s.id AS session_id, u.id AS user_id, u.login, u.full_name, u.locale,
                s.last_seen_at < now() - ${TOUCH} AS stale
           FROM sys_session s
           JOIN sys_user u ON u.id = s.user_id AND u.active = true
          WHERE s.token_hash = $1 AND s.expires_at > now() AND s.created_at > now() - ${MAX}
       ),
       ${orgCtes('SELECT user_id FROM session', '$2::date')}
     SELECT session.*,
            ARRAY(SELECT DISTINCT r.role FROM sys_role_assignment r WHERE r."user" = session.user_id ORDER BY r.role) AS roles,
            ${ORG_COLUMNS}
       FROM session`,
    [hashToken(token), dayOf(now)],
    // Every authenticated request runs it: planning the CTEs once per connection saves more than the lookup costs.
    { prepared: true },
  );
  if (!row) return null;
  if (row.stale) {
    await db.query(
      `UPDATE sys_session SET last_seen_at = now(), expires_at = LEAST(now() + ${IDLE}, created_at + ${MAX})
        WHERE id = $1`,
      [row.session_id],
    );
  }
  return {
    user: {
      id: row.user_id,
      login: row.login,
      fullName: row.full_name,
      roles: row.roles ?? [],
      locale: row.locale,
      sessionId: row.session_id,
    },
    org: toOrgContext(row.user_id, row),
  };
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.query('DELETE FROM sys_session WHERE id = $1', [sessionId]);
}

/** Ends the session a token belongs to, if any: a login replacing the cookie it came with. */
export async function revokeSessionByToken(db: Db, token: string): Promise<void> {
  if (TOKEN_PATTERN.test(token)) await db.query('DELETE FROM sys_session WHERE token_hash = $1', [hashToken(token)]);
}

/**
 * Ends every session of the user: on deactivation, a password reset, "log out everywhere".
 * `exceptSessionId` keeps the caller's own session when they change their own password.
 */
export async function revokeUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<number> {
  const rows = exceptSessionId === undefined
    ? await db.query('DELETE FROM sys_session WHERE user_id = $1 RETURNING id', [userId])
    : await db.query('DELETE FROM sys_session WHERE user_id = $1 AND id <> $2 RETURNING id', [userId, exceptSessionId]);
  return rows.length;
}

/** Deletes every expired session; for a periodic job. */
export async function purgeExpiredSessions(db: Db): Promise<number> {
  const rows = await db.query(`DELETE FROM sys_session WHERE expires_at <= now() OR created_at <= now() - ${MAX} RETURNING id`);
  return rows.length;
}
