import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';

/** The sys_user.login pattern (system-entities.ts); checked here because this path bypasses the record API. */
const LOGIN_PATTERN = /^[a-z][a-z0-9_.-]{1,63}$/;

export interface NewUser {
  /** A UUID chosen by the caller (deterministic demo data); a new UUID v7 otherwise. */
  id?: string;
  login: string;
  fullName: string;
  email?: string | null;
  /** Stored as given: callers pass an already normalized (E.164) number. */
  phone?: string | null;
  position?: string | null;
  department?: string | null;
  manager?: string | null;
  locale?: string | null;
  active?: boolean;
  /** Role names; callers check them against the model. */
  roles: readonly string[];
  /** Without a password the user cannot log in until setPassword is called. */
  password?: string;
  /**
   * An already computed hashPassword() result, instead of `password`: seeding many users with
   * one demo password then costs one scrypt run, not one per user.
   */
  passwordHash?: string;
  /** Who creates the user (null for the system: bootstrap, seeding). */
  createdBy?: string | null;
  owner?: string | null;
}

/** What logging in needs to know about a user. */
export interface UserLogin {
  id: string;
  login: string;
  fullName: string;
  active: boolean;
  locale: string | null;
  /** Null when the user has no password (cannot log in). */
  passwordHash: string | null;
}

/** Stores (or replaces) the user's password hash. Existing sessions stay; revoke them where that is meant. */
export async function setPassword(db: Db, userId: string, password: string): Promise<void> {
  assertPasswordPolicy(password);
  const hash = await hashPassword(password);
  await db.query(
    `INSERT INTO sys_credential (user_id, password_hash, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
    [userId, hash],
  );
}

/**
 * Creates a user with its role assignments and password by direct SQL, in one transaction:
 * for bootstrap and demo seeding, before any session exists to go through the record API.
 */
export async function createUser(db: Db, input: NewUser): Promise<{ id: string }> {
  if (!LOGIN_PATTERN.test(input.login)) {
    throw new CardoError('CARDO_ERR_API_VALIDATION', `"${input.login.slice(0, 64)}" is not a valid login.`, {
      errors: [{ path: '/login', message: `must match ${LOGIN_PATTERN.source}` }],
    });
  }
  if (input.password !== undefined) assertPasswordPolicy(input.password);
  // Hash before the transaction: scrypt takes ~0.15 s and should not hold a connection.
  const hash = input.password === undefined ? input.passwordHash : await hashPassword(input.password);
  const id = input.id ?? uuidv7();
  const createdBy = input.createdBy ?? null;
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO sys_user (id, login, full_name, email, phone, position, department, manager, active, locale,
                             created_at, updated_at, created_by, updated_by, owner, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now(), $11, $11, $12, 1)`,
      [id, input.login, input.fullName, input.email ?? null, input.phone ?? null, input.position ?? null, input.department ?? null,
        input.manager ?? null, input.active ?? true, input.locale ?? null, createdBy, input.owner ?? null],
    );
    for (const role of new Set(input.roles)) {
      await tx.query(
        `INSERT INTO sys_role_assignment (id, "user", role, created_at, updated_at, created_by, updated_by, owner, version)
         VALUES ($1, $2, $3, now(), now(), $4, $4, NULL, 1)`,
        [uuidv7(), id, role, createdBy],
      );
    }
    if (hash !== undefined) {
      await tx.query('INSERT INTO sys_credential (user_id, password_hash, updated_at) VALUES ($1, $2, now())', [id, hash]);
    }
  });
  return { id };
}

/** The user with this login (logins are lower case, so the lookup is too), or null. */
export async function findUserByLogin(db: Db, login: string): Promise<UserLogin | null> {
  const [row] = await db.query<{ id: string; login: string; full_name: string; active: boolean | null; locale: string | null; password_hash: string | null }>(
    `SELECT u.id, u.login, u.full_name, u.active, u.locale, c.password_hash
       FROM sys_user u LEFT JOIN sys_credential c ON c.user_id = u.id
      WHERE u.login = $1`,
    [login.toLowerCase()],
  );
  if (!row) return null;
  return { id: row.id, login: row.login, fullName: row.full_name, active: row.active === true, locale: row.locale, passwordHash: row.password_hash };
}

/** The user's role names, sorted. */
export async function userRoles(db: Db, userId: string): Promise<string[]> {
  const rows = await db.query<{ role: string }>('SELECT DISTINCT role FROM sys_role_assignment WHERE "user" = $1 ORDER BY role', [userId]);
  return rows.map((r) => r.role);
}
