/**
 * Durability: a child process advances N document approvals (starts, completions, timer
 * firings) and is killed with SIGKILL at several points, then started again until every
 * instance has ended. Each instance must end in the right state, each task exist once and be
 * completed once, and each timer fire once. Needs PostgreSQL (the child is a second process)
 * and a built server (npm run build --workspace server), as npm test does before the tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityModel } from '../src/compile/compile.js';
import { createDepartment, createOrgUser, seedRecord } from './helpers/access-org.js';
import { APP_METADATA_DIR, createAppDatabase, type AppDatabase } from './helpers/app-db.js';

const CHILD = path.resolve(import.meta.dirname, 'fixtures/workflow-crash-child.mjs');
const BUILT = existsSync(path.resolve(import.meta.dirname, '../dist/workflows/workflows.service.js'));
const N = 24;

let t: AppDatabase;

/** Runs the child; with `killAfter`, SIGKILLs it once it has printed that many committed steps. */
function runChild(killAfter: number | null): Promise<{ lines: number; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, CRASH_DB_URL: t.url, CRASH_DB_SCHEMA: t.schema, CRASH_METADATA: APP_METADATA_DIR, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let killed = false;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      lines += chunk.toString().split('\n').filter(Boolean).length;
      if (killAfter !== null && lines >= killAfter && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!killed && code !== 0) reject(new Error(`child exited ${code ?? signal}: ${stderr}`));
      else resolve({ lines, killed, stderr });
    });
  });
}

const onPostgres = process.env.DATABASE_URL && BUILT ? describe : describe.skip;

onPostgres('workflow crash safety', () => {
  beforeAll(async () => {
    t = await createAppDatabase();
    const dept = await createDepartment(t.db, 'Crash sales', null);
    const boss = await createOrgUser(t.db, 'crash.boss', ['head_of_sales'], { department: dept });
    const sales = await createOrgUser(t.db, 'crash.sales', ['sales_manager'], { department: dept, manager: boss.id });
    await createOrgUser(t.db, 'crash.lawyer', ['lawyer']);
    const counterparty = await seedRecord(t.db, t.model, t.model.entities.get('counterparty') as EntityModel, sales.id, {}, { brand: 'Crash test' });
    for (let i = 0; i < N; i++) {
      await seedRecord(t.db, t.model, t.model.entities.get('document') as EntityModel, sales.id, { counterparty }, { number: `CRASH-${i}`, responsible: sales.id });
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('kill -9 while advancing, restart: every instance ends right, each task exists and completes once, each timer fires once', async () => {
    // Kill points spread over the run: during starts, during completions, during timer firing.
    const kills: number[] = [];
    for (const killAfter of [5, 17, 29, 41, 53]) {
      const run = await runChild(killAfter);
      kills.push(run.killed ? 1 : 0);
    }
    expect(kills.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    await runChild(null);

    const instances = await t.db.query<{ id: string; number: string; status: string; approval_status: string }>(
      `SELECT i.id::text AS id, d.number, i.status, d.approval_status FROM wf_instance i JOIN document d ON d.id = i.record_id WHERE d.number LIKE 'CRASH-%' ORDER BY d.number`,
    );
    expect(instances).toHaveLength(N);
    const tasks = await t.db.query<{ instance_id: string; element_id: string; status: string; outcome: string | null }>(
      `SELECT w.instance_id::text AS instance_id, w.element_id, t.status, t.outcome FROM wf_task w JOIN sys_task t ON t.id = w.task_id ORDER BY t.created_at, t.id`,
    );
    const timers = await t.db.query<{ instance_id: string; status: string }>('SELECT instance_id::text AS instance_id, status FROM wf_timer');
    const fired = await t.db.query<{ instance_id: string; n: number }>(`SELECT instance_id::text AS instance_id, count(*)::int AS n FROM wf_event WHERE kind = 'timer_fired' GROUP BY instance_id`);
    for (const instance of instances) {
      const even = Number(instance.number.split('-')[1]) % 2 === 0;
      const mine = tasks.filter((x) => x.instance_id === instance.id).map((x) => [x.element_id, x.status, x.outcome]);
      expect([instance.number, instance.status]).toEqual([instance.number, 'completed']);
      if (even) {
        expect([instance.number, instance.approval_status, mine]).toEqual([instance.number, 'signed', [['lawyer_review', 'completed', 'approve'], ['head_approval', 'completed', 'approve'], ['sign_off', 'completed', 'signed']]]);
        expect(timers.filter((x) => x.instance_id === instance.id)).toEqual([]);
      } else {
        expect([instance.number, instance.approval_status, mine]).toEqual([instance.number, 'draft', [['lawyer_review', 'completed', 'rework'], ['rework', 'cancelled', null]]]);
        expect(timers.filter((x) => x.instance_id === instance.id).map((x) => x.status)).toEqual(['fired']);
        expect(fired.find((x) => x.instance_id === instance.id)?.n).toBe(1);
      }
    }
    // Each completion is written once: one audit entry per task that set it completed.
    const completions = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sys_audit a JOIN wf_task w ON w.task_id::text = a.record_id WHERE a.record_entity = 'sys_task' AND a.action = 'update' AND a.changes::jsonb -> 'status' ->> 'to' = 'completed' GROUP BY a.record_id HAVING count(*) > 1`,
    );
    expect(completions).toEqual([]);
  }, 300_000);
});
