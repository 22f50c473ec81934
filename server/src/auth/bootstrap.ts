import type { CompiledModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { generatePassword, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.js';
import { createUser } from './users.js';

export const ADMIN_LOGIN = 'admin';

export interface EnsureAdministratorResult {
  created: boolean;
  /** Only when it was generated: the caller prints it once, it is stored nowhere in clear. */
  password?: string;
}

/**
 * On a database without users, creates `admin` with every role the model marks `admin: true`.
 * The password is CARDO_ADMIN_PASSWORD or freshly generated, never a fixed default, so a
 * fresh install is not reachable with a guessable login.
 */
export async function ensureAdministrator(db: Db, model: CompiledModel, options: { password?: string | undefined } = {}): Promise<EnsureAdministratorResult> {
  // The common case, every start after the first: answer without taking a lock.
  const [existing] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM sys_user) AS any');
  if (existing?.any) return { created: false };
  if (options.password && (options.password.length < PASSWORD_MIN_LENGTH || options.password.length > PASSWORD_MAX_LENGTH)) {
    // Said at startup, naming the setting, rather than as a generic validation failure.
    throw new CardoError('CARDO_ERR_API_VALIDATION', `CARDO_ADMIN_PASSWORD must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
  }
  const roles = model.roles.filter((role) => role.admin === true).map((role) => role.name);
  const password = options.password || generatePassword();
  // Hashed before the transaction: scrypt's ~0.15 s should not hold the lock and connection.
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Two instances starting together on an empty database must not both create an admin.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cardo.ensure-administrator'))`);
    const [row] = await tx.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM sys_user) AS any');
    if (row?.any) return { created: false };
    await createUser(tx, { login: ADMIN_LOGIN, fullName: 'Administrator', roles, passwordHash });
    return options.password ? { created: true } : { created: true, password };
  });
}
