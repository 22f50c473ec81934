// Scenario `scoped` (issue 12): the list a head of sales sees — every counterparty owned by
// the 40 people under them in the department tree (roles.json: head_of_sales reads
// `subordinates`) — against the same list unscoped (the administrator), at one connection.
import { auth, cycler, json, shuffle } from './helpers.mjs';
import { runLoad } from '../lib/load.mjs';

const PASSWORD = 'cardo-bench-head-of-sales';
const STATUSES = ['active', 'potential', 'key'];

export default () => ({
  id: 'scoped',
  title: 'list scoped to a head of sales (subordinates)',
  mode: 'load',
  single: true,
  compare: 'exact',
  async prepare(ctx) {
    // The head of a department (not the director) whose subtree holds closest to 40 people.
    const { rows } = await ctx.pool.query(`
      WITH RECURSIVE tree AS (
        SELECT id AS root, id FROM sys_department
        UNION ALL SELECT t.root, d.id FROM sys_department d JOIN tree t ON d.parent = t.id)
      SELECT h.head AS id, u.login, count(m.id)::int AS n
        FROM sys_department h JOIN tree t ON t.root = h.id JOIN sys_user m ON m.department = t.id AND m.id <> h.head JOIN sys_user u ON u.id = h.head
       WHERE h.parent IS NOT NULL AND h.head IS NOT NULL
       GROUP BY h.head, u.login ORDER BY abs(count(m.id) - 40), u.login LIMIT 1`);
    const head = rows[0];
    if (!head) return 'no department head below the director in sys_department';
    // Roles and a password through the API, as an administrator would.
    const admin = auth(ctx, { 'content-type': 'application/json' });
    const roles = await fetch(`${ctx.runtimeUrl}/api/users/${head.id}/roles`, { method: 'PUT', headers: admin, body: json({ roles: ['head_of_sales'] }) });
    if (!roles.ok) throw new Error(`setting the head's roles: ${roles.status} ${await roles.text()}`);
    const password = await fetch(`${ctx.runtimeUrl}/api/users/${head.id}/password`, { method: 'POST', headers: admin, body: json({ password: PASSWORD }) });
    if (!password.ok) throw new Error(`setting the head's password: ${password.status} ${await password.text()}`);
    this.headToken = await ctx.login(head.login, PASSWORD);
    this.detail = `${head.login} heads ${head.n} people`;
    this.paths = shuffle(STATUSES.map((status) => `/api/data/counterparty?filter=${encodeURIComponent(json({ status }))}&sort=brand&limit=50`));
    this.pick = cycler(this.paths);
    return undefined;
  },
  next(side, ctx) {
    return () => ({ method: 'GET', path: this.pick(side), headers: auth(ctx, {}, this.headToken) });
  },
  /** The same requests unscoped (the administrator reads everything), one at a time. */
  async extra(ctx) {
    const pick = cycler(this.paths);
    const seconds = Math.max(2, ctx.opt.duration / 2);
    const unscoped = await runLoad({ url: ctx.runtimeUrl, connections: 1, duration: seconds, warmup: Math.min(ctx.opt.warmup, 1), next: () => ({ method: 'GET', path: pick('runtime'), headers: auth(ctx) }) });
    this.detail += `; unscoped p50 @1 ${unscoped.p50.toFixed(2)} ms`;
    return { unscoped };
  },
  target: {
    text: 'p50 @1 ≤ 2× unscoped',
    judge: (r, b, single, extra) => single.runtime.p50 <= 2 * extra.unscoped.p50,
  },
});
