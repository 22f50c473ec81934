import { createUser } from '../auth/users.js';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { createRecord } from '../records/records.service.js';
import { STAGE_HISTORY_KEY, type DemoData, type Rec } from './generate.js';

export interface DemoLoadResult {
  counts: Record<string, number>;
}

/**
 * Loads generated demo data through the same record lifecycle as the API (duplicate rules,
 * audit), in one transaction: a seed is all there or not at all.
 */
export async function loadDemoData(db: Db, model: CompiledModel, data: DemoData, options: { password: string; actorId: string | null }): Promise<DemoLoadResult> {
  const entity = (name: string): EntityModel => {
    const found = model.entities.get(name);
    if (!found) throw new Error(`The demo data needs entity "${name}", which the metadata does not define.`);
    return found;
  };
  const counts: Record<string, number> = {};
  await db.transaction(async (tx) => {
    const departments = entity('sys_department');
    for (const d of data.sys_department) {
      await createRecord(tx, model, departments, { name: d.name, parent: d.parent ?? null }, { actor: { userId: options.actorId }, id: d.id, confirmDuplicates: true });
    }
    for (const u of data.sys_user) {
      await createUser(tx, {
        id: u.id,
        login: String(u.login),
        fullName: String(u.fullName),
        email: (u.email as string | undefined) ?? null,
        phone: (u.phone as string | undefined) ?? null,
        position: (u.position as string | undefined) ?? null,
        department: (u.department as string | undefined) ?? null,
        manager: (u.manager as string | undefined) ?? null,
        locale: (u.locale as string | undefined) ?? null,
        roles: (u.roles as string[] | undefined) ?? [],
        password: options.password,
        createdBy: options.actorId,
      });
    }
    // Heads are users, and users belong to departments: set the heads once both exist.
    for (const d of data.sys_department) if (d.head) await tx.query('UPDATE sys_department SET head = $1 WHERE id = $2', [d.head, d.id]);
    counts.sys_department = data.sys_department.length;
    counts.sys_user = data.sys_user.length;
    for (const name of ['counterparty', 'contact', 'deal', 'interaction', 'document', 'kpi_plan'] as const) {
      const target = entity(name);
      for (const record of data[name]) {
        const { id, ...values } = record as Rec;
        await createRecord(tx, model, target, values, { actor: { userId: (values.owner as string | null) ?? options.actorId }, id, confirmDuplicates: true });
      }
      counts[name] = data[name].length;
    }
    // The deals' past: when each entered each stage (the forecast's stage durations), instead
    // of the single entry their creation just wrote.
    const history = data.deal.flatMap((d) => ((d[STAGE_HISTORY_KEY] as Array<[string, string]> | undefined) ?? []).map(([stage, at]) => ({ deal: d.id, stage, at })));
    if (history.length > 0) {
      await tx.query(`DELETE FROM sys_stage_history WHERE entity = 'deal' AND record_id = ANY($1::uuid[])`, [data.deal.map((d) => d.id)]);
      await tx.query(
        `INSERT INTO sys_stage_history (id, entity, record_id, stage, entered_at)
         SELECT gen_random_uuid(), 'deal', h.deal, h.stage, h.at FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS h(deal, stage, at)`,
        [history.map((h) => h.deal), history.map((h) => h.stage), history.map((h) => h.at)],
      );
    }
  });
  return { counts };
}
