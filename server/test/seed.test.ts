import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureAdministrator } from '../src/auth/bootstrap.js';
import { verifyPassword } from '../src/auth/passwords.js';
import { findUserByLogin } from '../src/auth/users.js';
import { generateDemoData } from '../src/demo/generate.js';
import { demoSeeded, seedDemo } from '../src/demo/seed.js';
import { createAppDatabase, type AppDatabase } from './helpers/app-db.js';

/** The demo data (issue 3) goes in through the record lifecycle: every rule holds. */
let t: AppDatabase;
const now = new Date('2026-11-27T09:00:00Z');
beforeAll(async () => {
  t = await createAppDatabase();
  await ensureAdministrator(t.db, t.model, { password: 'admin-password-1' });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('seedDemo', () => {
  it('loads every generated record once, and knows it did', async () => {
    expect(await demoSeeded(t.db)).toBe(false);
    const lines = await seedDemo(t.db, t.model, { demoPassword: 'demo-password-1' }, { seed: 1, now });
    expect(lines[1]).toMatch(/password "demo-password-1" \(from CARDO_DEMO_PASSWORD\)/);
    const data = generateDemoData({ seed: 1, now });
    for (const entity of ['counterparty', 'contact', 'deal', 'interaction', 'document', 'kpi_plan', 'sys_department'] as const) {
      const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${entity}`);
      expect({ entity, n: row?.n }).toEqual({ entity, n: data[entity].length });
    }
    expect(await demoSeeded(t.db)).toBe(true);
  }, 300_000);

  it('gives the stable demo logins their departments, managers, roles and the demo password', async () => {
    const rows = await t.db.query<{ login: string; department: string; manager: string | null; roles: string[] }>(
      `SELECT u.login, d.name AS department, m.login AS manager, array_agg(r.role ORDER BY r.role) AS roles
         FROM sys_user u JOIN sys_department d ON d.id = u.department LEFT JOIN sys_user m ON m.id = u.manager JOIN sys_role_assignment r ON r."user" = u.id
        WHERE u.login IN ('head_sales', 'sales1', 'sales2', 'sales3') GROUP BY u.login, d.name, m.login ORDER BY u.login`,
    );
    const byLogin = Object.fromEntries(rows.map((r) => [r.login, r]));
    expect(byLogin.sales1).toMatchObject({ manager: 'head_sales', roles: ['sales_manager'] });
    expect(byLogin.sales2).toMatchObject({ manager: 'head_sales', department: byLogin.sales1?.department });
    expect(byLogin.head_sales?.roles).toEqual(['head_of_sales']);
    expect(byLogin.sales3?.department).not.toBe(byLogin.sales1?.department);
    expect(byLogin.sales3?.manager).not.toBe('head_sales');
    const [head] = await t.db.query<{ head: string }>(`SELECT h.login AS head FROM sys_department d JOIN sys_user h ON h.id = d.head WHERE d.name = $1`, [byLogin.sales1?.department]);
    expect(head?.head).toBe('head_sales');
    const user = await findUserByLogin(t.db, 'sales1');
    expect(await verifyPassword('demo-password-1', user?.passwordHash ?? '')).toBe(true);
  });

  it('stored the duplicate keys, so the demo clients block their own duplicates', async () => {
    const [row] = await t.db.query<{ n: number; keyed: number }>(`SELECT count(*)::int AS n, count(dup_same_brand)::int AS keyed FROM counterparty`);
    expect(row?.keyed).toBe(row?.n);
    const [audit] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sys_audit WHERE action = 'create' AND record_entity = 'deal'`);
    expect(audit?.n).toBeGreaterThan(0);
  });
});
