/**
 * The caller's place in the organization, as the access policy needs it: effective roles,
 * whose records count as their own, their subordinates and their department. Computed in
 * one SQL statement per request (never cached across requests, so a change to the tree,
 * a role or a substitution applies to the very next request).
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

interface OrgRow {
  roles: string[] | null;
  principals: string[] | null;
  subordinates: string[] | null;
  department: string[] | null;
}

/** The day a substitution is checked against: a date, so `to` includes the whole last day. */
function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export async function loadOrg(db: Db, userId: string, now: Date): Promise<OrgContext> {
  // UNION (not UNION ALL) in the recursive part stops on a cycle in the department tree.
  const [row] = await db.query<OrgRow>(
    `WITH RECURSIVE
       principals AS (
         SELECT $1::uuid AS id
         UNION
         SELECT s.absent_user FROM sys_substitution s
          WHERE s.deputy = $1::uuid AND s."from" <= $2::date AND s."to" >= $2::date
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
       )
     SELECT
       ARRAY(SELECT DISTINCT r.role FROM sys_role_assignment r WHERE r."user" IN (SELECT id FROM principals) ORDER BY r.role) AS roles,
       ARRAY(SELECT id::text FROM principals) AS principals,
       ARRAY(SELECT id::text FROM subordinates) AS subordinates,
       ARRAY(SELECT m.id::text FROM sys_user m
              WHERE m.department IN (SELECT p.department FROM sys_user p WHERE p.id IN (SELECT id FROM principals))) AS department`,
    [userId, dayOf(now)],
  );
  const principals = row?.principals ?? [userId];
  return {
    userId,
    roles: row?.roles ?? [],
    principals,
    substituted: principals.filter((id) => id !== userId),
    subordinates: row?.subordinates ?? [],
    departmentMembers: row?.department ?? [],
  };
}
