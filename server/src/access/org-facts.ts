/**
 * Facts about the organization that rules and processes ask for: a user's manager, the head
 * of a department, the deputies substituting an absent user. Read from the database in the
 * caller's transaction; used by workflows (assignee expressions) and notifications (recipients).
 */
import type { Db } from '../db/db.js';
import { evaluateExpression, type Expr } from '../expression/expression.js';
import { isUuid } from '../expression/values.js';

/** Thrown (not an Error: no stack to capture) when an expression asks for a fact not loaded yet. */
const MISSING = Symbol('missing org fact');

/** manager(user) and head(department | user | department name), answered from loaded facts. */
export class OrgFacts {
  private readonly managers = new Map<string, string | null>();
  private readonly heads = new Map<string, string | null>();
  private wantManagers = new Set<string>();
  private wantHeads = new Set<string>();

  constructor(private readonly db: Db) {}

  private readonly functions = {
    manager: (user: unknown) => this.ask(this.managers, this.wantManagers, user),
    head: (of: unknown) => this.ask(this.heads, this.wantHeads, of),
  };

  private ask(known: Map<string, string | null>, want: Set<string>, key: unknown): string | null {
    if (key !== null && typeof key === 'object' && typeof (key as { id?: unknown }).id === 'string') key = (key as { id: string }).id;
    if (typeof key !== 'string' || key === '') return null;
    if (known.has(key)) return known.get(key) ?? null;
    want.add(key);
    throw MISSING;
  }

  /** Evaluates with manager()/head() backed by the database. */
  async evaluate(expr: Expr, scope: Readonly<Record<string, unknown>>, now: Date): Promise<unknown> {
    for (let round = 0; round < 8; round++) {
      try {
        return evaluateExpression(expr, scope, { now, functions: this.functions });
      } catch (error) {
        if (error !== MISSING) throw error;
        await this.load();
      }
    }
    return null;
  }

  private async load(): Promise<void> {
    const managers = [...this.wantManagers];
    const heads = [...this.wantHeads];
    this.wantManagers = new Set();
    this.wantHeads = new Set();
    if (managers.length > 0) {
      const ids = managers.filter(isUuid);
      // The line manager; without one, the head of the user's department (or of the nearest
      // department up the tree headed by someone else): who a CRM user means by "my manager".
      const rows = ids.length === 0 ? [] : await this.db.query<{ id: string; boss: string | null }>(
        `WITH RECURSIVE up AS (
           SELECT u.id AS uid, d.id AS dep, d.head, d.parent, 0 AS depth FROM sys_user u JOIN sys_department d ON d.id = u.department WHERE u.id = ANY($1::uuid[])
           UNION ALL
           SELECT up.uid, d.id, d.head, d.parent, up.depth + 1 FROM up JOIN sys_department d ON d.id = up.parent WHERE up.depth < 20
         )
         SELECT u.id::text AS id, COALESCE(u.manager,
                (SELECT up.head FROM up WHERE up.uid = u.id AND up.head IS NOT NULL AND up.head <> u.id ORDER BY up.depth LIMIT 1))::text AS boss
           FROM sys_user u WHERE u.id = ANY($1::uuid[])`,
        [ids],
      );
      const found = new Map(rows.map((r) => [r.id, r.boss]));
      for (const id of managers) this.managers.set(id, found.get(id) ?? null);
    }
    if (heads.length > 0) {
      const rows = await this.db.query<{ key: string; head: string | null }>(
        `SELECT k AS key, COALESCE(
                  (SELECT d.head FROM sys_department d WHERE d.id::text = k),
                  (SELECT d.head FROM sys_user u JOIN sys_department d ON d.id = u.department WHERE u.id::text = k),
                  (SELECT d.head FROM sys_department d WHERE d.name = k ORDER BY d.id LIMIT 1))::text AS head
           FROM unnest($1::text[]) AS k`,
        [heads],
      );
      const found = new Map(rows.map((r) => [r.key, r.head]));
      for (const key of heads) this.heads.set(key, found.get(key) ?? null);
    }
  }
}

/** The id of a user a value names (a UUID, or an expanded record with an id), or null. */
export function userIdOf(value: unknown): string | null {
  if (typeof value === 'string' && isUuid(value)) return value;
  if (value !== null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return userIdOf((value as { id: string }).id);
  return null;
}

/** A deputy substituting an absent user on a day, with what a notice needs to reach them. */
export interface DeputyRow {
  absent: string;
  id: string;
  full_name: string;
  email: string | null;
  locale: string | null;
  active: boolean | null;
}

/** The active deputies substituting any of these users on `day` (YYYY-MM-DD). */
export async function deputiesOf(db: Db, absentUsers: readonly string[], day: string): Promise<DeputyRow[]> {
  return db.query<DeputyRow>(
    `SELECT s.absent_user::text AS absent, d.id::text AS id, d.full_name, d.email, d.locale, d.active
       FROM sys_substitution s JOIN sys_user d ON d.id = s.deputy
      WHERE s.absent_user = ANY($1::uuid[]) AND s."from" <= $2::date AND s."to" >= $2::date AND d.active IS NOT FALSE`,
    [absentUsers, day],
  );
}
