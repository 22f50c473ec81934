// The automation benchmark (issue 8), shared by `node bench/automations.mjs` and the
// `automations` scenario of `npm run bench`: what the CRM's automations cost a write. N
// interactions registered on deals through the runtime's record service (server/dist) — each
// one runs interaction-deal-stage (the interaction remembers its deal's stage) and
// interaction-touch-deal (the deal's last interaction time), in the write's transaction with
// their audit entries — against the same write without automations, and a hand-written
// baseline in the same run on the same database: one transaction reading the deal's stage,
// inserting the interaction with it, updating the deal, two audit rows.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { importDist, loadCompiledModel } from './dist.mjs';

/** Runs the benchmark on the (empty, freshly created) database at `url`. Returns seconds per variant; prints nothing. */
export async function measureAutomations({ url, interactions: N, deals: D, concurrency: C }) {
  const model = await loadCompiledModel();
  const { openDb } = await importDist('db/db.js');
  const { applyMigration } = await importDist('plan/apply.js');
  const { createUser } = await importDist('auth/users.js');
  const { createRecord } = await importDist('records/records.service.js');
  const { Automations } = await importDist('automations/automations.service.js');

  const db = await openDb({ url, max: C + 2 });
  try {
    await applyMigration({ db, url }, model, {});
    const sales = (await createUser(db, { login: 'bench.sales', fullName: 'bench.sales', roles: ['sales_manager'] })).id;
    const actor = { userId: sales };
    const counterparty = await createRecord(db, model, model.entities.get('counterparty'), { brand: 'Bench', owner: sales }, { actor });
    const deals = [];
    for (let i = 0; i < D; i++) deals.push((await createRecord(db, model, model.entities.get('deal'), { title: `Deal ${i}`, counterparty: counterparty.id, stage: 'proposal', owner: sales }, { actor })).id);
    const interaction = model.entities.get('interaction');
    const hooks = [];
    hooks.push(new Automations({ hooks }).onRecordWrite);

    const pool = async (fn) => {
      let next = 0;
      const worker = async () => {
        while (next < N) {
          const i = next++;
          await fn(i, deals[i % D]);
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: C }, worker));
      return (performance.now() - started) / 1000;
    };
    const values = (i, deal) => ({ type: 'outgoing_call', counterparty: counterparty.id, deal, description: `Call ${i}`, completedAt: new Date().toISOString(), owner: sales });

    const withAutomations = await pool((i, deal) => createRecord(db, model, interaction, values(i, deal), { actor, hooks }));
    const [check] = await db.query(`SELECT count(*)::int AS n FROM interaction WHERE deal_stage = 'proposal'`);
    if (check.n !== N) throw new Error(`the automations set the deal stage on ${check.n} of ${N} interactions`);
    const withoutAutomations = await pool((i, deal) => createRecord(db, model, interaction, values(i, deal), { actor }));

    const audit = (tx, entity, id, action, changes) => tx.query(
      `INSERT INTO sys_audit (id, created_at, updated_at, created_by, updated_by, owner, version, record_entity, record_id, action, actor, changes, automation) VALUES ($1, now(), now(), $2, $2, $2, 1, $3, $4, $5, $2, $6, $7)`,
      [randomUUID(), sales, entity, id, action, JSON.stringify(changes), action === 'update' ? 'interaction-touch-deal' : null],
    );
    const baseline = await pool((i, deal) => db.transaction(async (tx) => {
      const id = randomUUID();
      const now = new Date().toISOString();
      const [d] = await tx.query('SELECT stage FROM deal WHERE id = $1', [deal]);
      await tx.query(
        `INSERT INTO interaction (id, created_at, updated_at, created_by, updated_by, owner, version, type, counterparty, deal, description, completed_at, deal_stage) VALUES ($1, $2, $2, $3, $3, $3, 1, 'outgoing_call', $4, $5, $6, $2, $7)`,
        [id, now, sales, counterparty.id, deal, `Call ${i}`, d.stage],
      );
      await audit(tx, 'interaction', id, 'create', { type: { from: null, to: 'outgoing_call' }, deal: { from: null, to: deal }, dealStage: { from: null, to: d.stage } });
      await tx.query('UPDATE deal SET last_interaction_at = $2, updated_at = $2, version = version + 1 WHERE id = $1', [deal, now]);
      await audit(tx, 'deal', deal, 'update', { lastInteractionAt: { from: null, to: now } });
    }));

    return { interactions: N, deals: D, concurrency: C, withAutomations, withoutAutomations, baseline };
  } finally {
    await db.close();
  }
}

/** The standalone script's report. */
export function printAutomations(r, url, print = console.log) {
  const N = r.interactions;
  const line = (label, seconds) => print(`${label.padEnd(52)} ${(N / seconds).toFixed(1).padStart(8)} interactions/s  (${seconds.toFixed(2)} s)`);
  print(`\nAutomations: ${N} interactions on ${r.deals} deals, ${r.concurrency} concurrent, ${os.cpus().length} CPUs, PostgreSQL ${new URL(url).host}`);
  line('runtime with the CRM automations', r.withAutomations);
  line('runtime, the same write without automations', r.withoutAutomations);
  line('baseline (the same effect by hand, one transaction)', r.baseline);
  print(`${'ratio with automations / baseline time'.padEnd(52)} ${(r.withAutomations / r.baseline).toFixed(2)}×`);
  print(`${'ratio with / without automations time'.padEnd(52)} ${(r.withAutomations / r.withoutAutomations).toFixed(2)}×`);
}
