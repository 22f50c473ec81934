// Administration of users beyond their sys_user record: passwords, role assignments, and the
// caller's own password. The user records themselves go through /api/data/sys_user.
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { RoutePlugin } from '../api/app.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { assertPasswordPolicy, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.js';
import { assertUser, type SessionUser } from './session-user.js';
import { revokeUserSessions } from './sessions.js';
import { LoginThrottle } from './throttle.js';
import { findUserByLogin, setPassword } from './users.js';

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const userParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: UUID_PATTERN } },
} as const;

/** Length bounds here too: a 1 MB "password" must not reach scrypt. The policy check gives the message. */
const password = { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH } as const;

const setPasswordBody = { type: 'object', required: ['password'], additionalProperties: false, properties: { password } } as const;
const changePasswordBody = {
  type: 'object',
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
  properties: { currentPassword: password, newPassword: password },
} as const;
const rolesBody = {
  type: 'object',
  required: ['roles'],
  additionalProperties: false,
  properties: { roles: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 64 } } },
} as const;
const rolesResponse = {
  type: 'object',
  required: ['id', 'roles'],
  properties: { id: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } },
} as const;

export function isAdministrator(model: CompiledModel, user: SessionUser): boolean {
  const admin = new Set(model.roles.filter((role) => role.admin === true).map((role) => role.name));
  return user.roles.some((role) => admin.has(role));
}

function assertAdministrator(request: FastifyRequest): SessionUser {
  const user = assertUser(request.user);
  if (!isAdministrator(request.model, user)) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', 'Only an administrator manages users.');
  return user;
}

async function assertUserExists(db: Db, id: string): Promise<void> {
  const [row] = await db.query('SELECT 1 FROM sys_user WHERE id = $1', [id]);
  if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no sys_user ${id}.`);
}

/** The caller's own session survives a change they make to themselves; every other one ends. */
function keptSession(caller: SessionUser, userId: string): string | undefined {
  return caller.id === userId ? caller.sessionId : undefined;
}

export const userRoutes: RoutePlugin = (app, { db }) => {
  // Checking the current password is a password oracle for whoever holds a stolen session: brake it like logins.
  const throttle = new LoginThrottle();

  app.post<{ Params: { id: string }; Body: { password: string } }>('/api/users/:id/password', { schema: { params: userParams, body: setPasswordBody } }, async (request, reply) => {
    const caller = assertAdministrator(request);
    const { id } = request.params;
    assertPasswordPolicy(request.body.password);
    await assertUserExists(db, id);
    await setPassword(db, id, request.body.password);
    await revokeUserSessions(db, id, keptSession(caller, id));
    return reply.status(204).send();
  });

  app.put<{ Params: { id: string }; Body: { roles: string[] } }>('/api/users/:id/roles', { schema: { params: userParams, body: rolesBody, response: { 200: rolesResponse } } }, async (request) => {
    const caller = assertAdministrator(request);
    const { id } = request.params;
    const known = new Set(request.model.roles.map((role) => role.name));
    const roles = [...new Set(request.body.roles)].sort();
    const errors = request.body.roles.flatMap((role, i) => (known.has(role) ? [] : [{ path: `/roles/${i}`, message: `There is no role "${role.slice(0, 64)}".` }]));
    if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', 'Unknown role.', { errors });
    await assertUserExists(db, id);
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM sys_role_assignment WHERE "user" = $1', [id]);
      for (const role of roles) {
        await tx.query(
          `INSERT INTO sys_role_assignment (id, "user", role, created_at, updated_at, created_by, updated_by, owner, version)
           VALUES ($1, $2, $3, now(), now(), $4, $4, NULL, 1)`,
          [uuidv7(), id, role, caller.id],
        );
      }
    });
    // Roles are read afresh on every request; ending the sessions makes the change unmistakable to the user.
    await revokeUserSessions(db, id, keptSession(caller, id));
    return { id, roles };
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>('/api/auth/password', { schema: { body: changePasswordBody } }, async (request, reply) => {
    const caller = assertUser(request.user);
    // Keyed by the user alone: the caller is known, and colleagues behind one address must not block each other.
    const key = `user:${caller.id}`;
    const attempt = throttle.acquire(key, key);
    if (!attempt.ok) {
      reply.header('retry-after', String(attempt.retryAfterSeconds));
      throw new CardoError('CARDO_ERR_AUTH_THROTTLED');
    }
    const stored = await findUserByLogin(db, caller.login);
    const matches = stored?.passwordHash ? await verifyPassword(request.body.currentPassword, stored.passwordHash) : false;
    if (!stored || !matches) {
      throttle.failed(key, key);
      // 400, not 401: the session is fine, and a 401 would send the UI to the login page.
      throw new CardoError('CARDO_ERR_API_VALIDATION', 'The current password is wrong.', { errors: [{ path: '/currentPassword', message: 'Wrong password.' }] });
    }
    throttle.succeeded(key);
    await setPassword(db, caller.id, request.body.newPassword);
    // Rotation: whoever else holds a session of this user (a stolen token) is out; this one stays.
    await revokeUserSessions(db, caller.id, caller.sessionId);
    return reply.status(204).send();
  });
};

