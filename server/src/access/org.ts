/**
 * The caller's place in the organization, as the access policy needs it: effective roles,
 * whose records count as their own, their subordinates and their department. Never cached
 * across requests, so a change to the tree, a role or a substitution applies to the very
 * next request; the SQL is a fragment so the session lookup can compute it in the same
 * statement (auth/sessions.ts) — one round trip per request for "who is calling".
 */
import type { Db } from '../db/db.js';

export interface OrgContext {
  userId: string;
  /** Own roles plus the roles of every user the caller currently substitutes. */
  roles: readonly string[];
  /** The caller and the absent users they substitute today: their records are "own". */
  principals: readonly string[];
  /** The absent users alone (principals minus the caller). */
  substituted: readonly string[];
  /**
   * Users of the departments a principal heads, recursively down the tree, plus the
   * principals' direct reports (manager = principal). May include a principal.
   */
  subordinates: readonly string[];
  /** Members of the principals' departments (not their sub-departments). */
  departmentMembers: readonly string[];
}

/** The columns ORG_COLUMNS adds to a row. */
export interface OrgRow {
  org_roles: string[] | null;
  org_principals: string[] | null;
  org_subordinates: string[] | null;
  org_department: string[] | null;
}

/** The day a substitution is checked against: a date, so `to` includes the whole last day. */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The CTEs (for a WITH RECURSIVE) computing the org of the caller: `callerSql` is a
 * subquery yielding the caller's id (one row, or none for no caller), `daySql` the day.
 * UNION (not UNION ALL) in the recursive part stops on a cycle in the department tree.
 */
export function orgCtes(callerSql: string, daySql: string): string {
  return `principals AS (
         SELECT id FROM (${callerSql}) AS caller(id)
         UNION
         SELECT s.absent_user FROM sys_substitution s
          WHERE s.deputy IN (${callerSql}) AND s."from" <= ${daySql} AND s."to" >= ${daySql}
       ),
       headed AS (
         SELECT d.id FROM sys_department d WHERE d.head IN (SELECT id FROM principals)
         UNION
         SELECT c.id FROM sys_department c JOIN headed h ON c.parent = h.id
       ),
       subordinates AS (
         SELECT u.id FROM sys_user u WHERE u.department IN (SELECT id FROM headed)
         UNION
         SELECT u.id FROM sys_user u WHERE u.manager IN (SELECT id FROM principals)
       )`;
}

/** The select-list entries over orgCtes, named as in OrgRow. */
export const ORG_COLUMNS = `ARRAY(SELECT DISTINCT r.role FROM sys_role_assignment r WHERE r."user" IN (SELECT id FROM principals) ORDER BY r.role) AS org_roles,
       ARRAY(SELECT id::text FROM principals) AS org_principals,
       ARRAY(SELECT id::text FROM subordinates) AS org_subordinates,
       ARRAY(SELECT m.id::text FROM sys_user m
              WHERE m.department IN (SELECT p.department FROM sys_user p WHERE p.id IN (SELECT id FROM principals))) AS org_department`;

export function toOrgContext(userId: string, row: OrgRow): OrgContext {
  const principals = row.org_principals ?? [userId];
  return {
    userId,
    roles: row.org_roles ?? [],
    principals,
    substituted: principals.filter((id) => id !== userId),
    subordinates: row.org_subordinates ?? [],
    departmentMembers: row.org_department ?? [],
  };
}

/**
 * The org of one user outside a request (a worker advancing workflows, a test process): the
 * same CTEs the session lookup runs, for a known user id.
 */
export async function loadOrg(db: Db, userId: string, now: Date): Promise<OrgContext> {
  const [row] = await db.query<OrgRow>(`WITH RECURSIVE ${orgCtes('SELECT $1::uuid', '$2::date')} SELECT ${ORG_COLUMNS}`, [userId, dayOf(now)]);
  return toOrgContext(userId, row ?? { org_roles: null, org_principals: null, org_subordinates: null, org_department: null });
}
