/**
 * kill -9 during notification deliveries and workflow advances (issue 13, item 2), on
 * PostgreSQL with pg-boss as in production (crash.test.ts covers record writes on the embedded
 * database). The real server (`cardo start`) runs in a database of the test's own: a fresh one
 * on DATABASE_URL's server, else a cluster of the test's own (initdb); skipped, saying so, when
 * there is neither.
 *
 * Notifications: SMTP_URL points at a real SMTP server in this process. Several hundred date
 * occurrences fall due while the server is stopped; it is started and killed with SIGKILL while
 * it fires them, started again and killed while clients create records an event rule notifies
 * about and the outbox sends e-mails, then started once more and left to finish. Afterwards
 * every occurrence reached each recipient exactly once in-app (one delivery record, one notice)
 * and by e-mail (one delivery record, sent); SMTP has no idempotency, so an e-mail whose
 * "250 OK" came just before the kill and the commit of its record is sent again — with the same
 * Message-ID, at most one per kill (the outbox sends one at a time) — and counted as a resend.
 *
 * Workflows: assignees complete the first task of many assignment processes and the server is
 * killed mid-way; every acknowledged completion is there and each instance moved on exactly as
 * often as its task was completed (one next task, one completion event), and moves on after
 * the restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import type { EntityModel } from '../../src/compile/compile.js';
import { openDb, quoteIdent, type Db } from '../../src/db/db.js';
import { createOrgUser, sampleValues } from '../helpers/access-org.js';
import { loadTestModel } from '../helpers/app-db.js';
import { createOwnPostgres, findPostgresBin, freePort, type OwnPostgres } from '../helpers/own-postgres.js';
import { report, scale, watchStart } from '../helpers/reliability.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

jest.setTimeout(scale(600_000, 1_800_000));

/** Interactions whose 30-minutes-before reminder (metadata/notifications/interaction-reminder.json) falls due at once. */
const DUE = scale(200, 1500);
/** Kills while records are created and e-mails sent (after the one during the date firing). */
const SEND_CRASHES = scale(1, 4);
const CLIENTS = scale(3, 6);
/** Assignment processes advanced (their first task completed) while the server is killed. */
const WORKFLOWS = scale(45, 300);
const REMINDER = 'interaction-reminder';
/** The event rule the test adds to a copy of the metadata. */
const EVENT = 'crash-interaction-registered';
const bin = fileURLToPath(new URL('../../bin/cardo.js', import.meta.url));
const metadataDir = fileURLToPath(new URL('../../../metadata/', import.meta.url));
const PASSWORD = 'crash-postgres-admin-password-1';
const sharedUrl = process.env.DATABASE_URL;
const pgBin = sharedUrl ? null : findPostgresBin();
const runs = Boolean(sharedUrl ?? pgBin);
const figures = { faultsInjected: 0, writesAcknowledged: 0, writesFound: 0, duplicatesFound: 0, emailResends: 0, responses5xx: 0 };
let cluster: OwnPostgres | undefined;
const servers = new Set<ChildProcess>();
let smtp: TestSmtp | undefined;
let db: Db | undefined;
/** Run in reverse order after the tests: connections closed before their database is dropped. */
const cleanups: Array<() => Promise<unknown>> = [];
let metadataCopy: string | undefined;

if (!runs) console.warn('crash-postgres.test.ts SKIPPED: no DATABASE_URL and no initdb/pg_ctl on this machine — the test needs PostgreSQL (pg-boss).');

afterAll(async () => {
  if (runs) report(import.meta.filename, figures);
  for (const proc of servers) proc.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
  await cluster?.destroy();
  await smtp?.close();
  if (metadataCopy) await rm(metadataCopy, { recursive: true, force: true });
});

/** A database of the test's own: on the shared server (dropped afterwards) or in its own cluster. */
async function freshDatabase(): Promise<string> {
  let adminUrl = sharedUrl;
  if (!adminUrl) {
    cluster ??= await createOwnPostgres(pgBin as string);
    adminUrl = cluster.url;
  }
  const name = `cardo_crash_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The metadata with one event rule more: interactions registered without a plan notify their owner and the heads of sales. */
async function metadataWithEventRule(): Promise<string> {
  metadataCopy = await mkdtemp(path.join(tmpdir(), 'cardo-crash-metadata-'));
  await cp(metadataDir, metadataCopy, { recursive: true });
  const rule = {
    label: { en: 'Interaction registered', ru: 'Зарегистрировано взаимодействие' },
    entity: 'interaction',
    trigger: { on: 'create' },
    when: { plannedAt: { $null: true } },
    recipients: ['owner', 'role:head_of_sales'],
    channels: ['inApp', 'email'],
    subject: { en: 'Registered: {{type}} with {{counterparty.brand}}', ru: 'Зарегистрировано: {{type}} — {{counterparty.brand}}' },
    body: { en: '{{description}}', ru: '{{description}}' },
  };
  await writeFile(path.join(metadataCopy, 'notifications', `${EVENT}.json`), JSON.stringify(rule, null, 2));
  return metadataCopy;
}

interface Started {
  proc: ChildProcess;
  base: string;
  /** Resolves once the server listens (after the startup catch-up of due occurrences). */
  started: Promise<void>;
}

async function spawnServer(databaseUrl: string, metadata: string, smtpUrl: string): Promise<Started> {
  const port = await freePort();
  const proc = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SMTP_URL: smtpUrl, LOG_LEVEL: 'warn', CARDO_METADATA_DIR: metadata, PORT: String(port), CARDO_DEMO: 'false', CARDO_ADMIN_PASSWORD: PASSWORD },
  });
  servers.add(proc);
  proc.once('exit', () => servers.delete(proc));
  return { proc, base: `http://127.0.0.1:${port}`, started: watchStart(proc).started };
}

async function killHard(proc: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
  figures.faultsInjected += 1;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Json = Record<string, unknown>;

async function call(base: string, token: string, method: string, url: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const r = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (r.status >= 500) figures.responses5xx += 1;
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Json) : {} };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await (db as Db).query<{ n: string }>(sql, params);
  return Number(row?.n ?? 0);
}

describe('kill -9 of the server during notification deliveries', () => {
  (runs ? it : it.skip)('delivers every occurrence exactly once per recipient, in-app and by e-mail', async () => {
    const databaseUrl = await freshDatabase();
    const metadata = await metadataWithEventRule();
    smtp = await startSmtp();
    const mailUrl = smtp.url;
    const model = await loadTestModel();
    const interaction = model.entities.get('interaction') as EntityModel;

    // 1. A first start creates the schema and the administrator; the users and records come next.
    let s = await spawnServer(databaseUrl, metadata, mailUrl);
    await s.started;
    db = await openDb({ url: databaseUrl, max: 2 });
    cleanups.push(() => (db as Db).close());
    const login = await fetch(`${s.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const heads = [await createOrgUser(db, 'ntf.head1', ['head_of_sales']), await createOrgUser(db, 'ntf.head2', ['head_of_sales'])];
    const sales = [await createOrgUser(db, 'ntf.sales1', ['sales_manager']), await createOrgUser(db, 'ntf.sales2', ['sales_manager'])];
    await db.query(`UPDATE sys_user SET email = login || '@example.test'`);
    const [admin] = await db.query<{ id: string }>(`SELECT id::text AS id FROM sys_user WHERE login = 'admin'`);
    const owners = [String(admin?.id), ...sales.map((u) => u.id)];
    const counterparty = await call(s.base, token, 'POST', '/api/data/counterparty', sampleValues(model.entities.get('counterparty') as EntityModel, {}));
    expect(counterparty.status).toBe(201);
    const refs = { counterparty: String(counterparty.json.id) };

    // Interactions planned for next week: their reminders are scheduled, not due.
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
    let made = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (made < DUE) {
          const i = made++;
          const r = await call(s.base, token, 'POST', '/api/data/interaction', { ...sampleValues(interaction, refs), plannedAt: nextWeek, owner: owners[i % owners.length], description: `Planned ${i}` });
          expect(r.status).toBe(201);
        }
      }),
    );
    s.proc.kill('SIGTERM');
    await new Promise((resolve) => s.proc.once('exit', resolve));

    // 2. While no server runs, the plans move to ten minutes from now: every reminder (30 minutes
    // before) is due, as when the time passed with the server down. The start catches up on them
    // (sweep, then the due occurrences in batches, pg-boss workers alongside); it is killed mid-way.
    await db.query(`UPDATE interaction SET planned_at = now() + interval '10 minutes'`);
    const reminded = () => count(`SELECT count(*) AS n FROM ntf_delivery WHERE rule = $1 AND channel = 'inApp'`, [REMINDER]);
    s = await spawnServer(databaseUrl, metadata, mailUrl);
    let listening = false;
    void s.started.then(() => (listening = true)).catch(() => undefined);
    let firedAtKill = await reminded();
    while (firedAtKill === 0 && !listening && s.proc.exitCode === null) {
      await sleep(5);
      firedAtKill = await reminded();
    }
    const midFiring = firedAtKill > 0 && firedAtKill < DUE;
    if (midFiring) await killHard(s.proc);
    else console.warn(`crash-postgres.test.ts: the startup fired ${firedAtKill}/${DUE} reminders before the test could kill it mid-way; no kill during the date firing this run.`);

    // 3. Started again (or still running) and killed while clients register interactions (the
    // event rule notifies in their write's transaction) and the outbox sends the e-mails.
    const created: string[] = [];
    for (let crash = 0; crash < SEND_CRASHES; crash++) {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) s = await spawnServer(databaseUrl, metadata, mailUrl);
      await s.started;
      const base = s.base;
      let stop = false;
      const client = async (n: number) => {
        let i = 0;
        while (!stop) {
          try {
            const r = await call(base, token, 'POST', '/api/data/interaction', { ...sampleValues(interaction, refs), plannedAt: null, owner: sales[n % sales.length]?.id, description: `Registered ${crash} ${n} ${i++}` });
            if (r.status === 201) created.push(String(r.json.id));
          } catch {
            // The connection died with the server: that create was not acknowledged.
            return;
          }
        }
      };
      const receivedBefore = smtp.received.length;
      const createdBefore = created.length;
      const burst = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
      // Kill once e-mails are going out and creates are acknowledged, with more of both to come.
      while (smtp.received.length < receivedBefore + 20 || created.length < createdBefore + 20) await sleep(5);
      await killHard(s.proc);
      stop = true;
      await burst;
    }

    // 4. The last start finishes the work: every e-mail delivery sent.
    s = await spawnServer(databaseUrl, metadata, mailUrl);
    await s.started;
    const deadline = Date.now() + scale(150_000, 900_000);
    let pending = -1;
    while (Date.now() < deadline) {
      pending = await count(`SELECT count(*) AS n FROM ntf_delivery WHERE channel = 'email' AND status <> 'sent'`);
      if (pending === 0 && (await count(`SELECT count(*) AS n FROM ntf_schedule WHERE status = 'scheduled' AND due_at <= now()`)) === 0) break;
      await sleep(250);
    }
    expect(pending).toBe(0);
    // Each message has arrived once the row says sent (the 250 came before the commit).
    const emails = await db.query<{ id: string; rule: string; record_id: string; recipient: string; address: string; notification_id: string | null }>(
      `SELECT id::text AS id, rule, record_id::text AS record_id, recipient::text AS recipient, address, notification_id::text AS notification_id FROM ntf_delivery WHERE channel = 'email'`,
    );

    // What should exist, from the records in the database (acknowledged or committed as the server died).
    const records = await db.query<{ id: string; owner: string; planned: boolean }>(`SELECT id::text AS id, owner::text AS owner, planned_at IS NOT NULL AS planned FROM interaction`);
    const ids = new Set(records.map((r) => r.id));
    expect(created.filter((id) => !ids.has(id))).toEqual([]);
    expect(records.filter((r) => r.planned)).toHaveLength(DUE);
    const expected: string[] = [];
    for (const r of records) {
      const recipients = r.planned ? [r.owner] : [...new Set([r.owner, ...heads.map((h) => h.id)])];
      for (const user of recipients) for (const channel of ['inApp', 'email']) expected.push(`${r.planned ? REMINDER : EVENT}|${r.id}|${user}|${channel}`);
    }
    const deliveries = await db.query<{ rule: string; record_id: string; recipient: string; channel: string }>(`SELECT rule, record_id::text AS record_id, recipient::text AS recipient, channel FROM ntf_delivery`);
    const actual = deliveries.map((d) => `${d.rule}|${d.record_id}|${d.recipient}|${d.channel}`);
    const duplicateDeliveries = actual.length - new Set(actual).size;
    const expectedSet = new Set(expected);
    const actualSet = new Set(actual);
    expect(actual.filter((k) => !expectedSet.has(k))).toEqual([]);
    expect(expected.filter((k) => !actualSet.has(k))).toEqual([]);
    expect(duplicateDeliveries).toBe(0);

    // In-app: one notice per in-app delivery, pointed at by it alone; one per record and recipient.
    const notices = await db.query<{ id: string; record_id: string; recipient: string; deliveries: number | string; email_status: string | null }>(
      `SELECT n.id::text AS id, n.record_id::text AS record_id, n.recipient::text AS recipient, n.email_status,
              (SELECT count(*) FROM ntf_delivery d WHERE d.notification_id = n.id AND d.channel = 'inApp') AS deliveries
         FROM sys_notification n`,
    );
    expect(notices).toHaveLength(expected.length / 2);
    expect(notices.filter((n) => Number(n.deliveries) !== 1)).toEqual([]);
    const noticeKeys = notices.map((n) => `${n.record_id}|${n.recipient}`);
    const duplicateNotices = noticeKeys.length - new Set(noticeKeys).size;
    expect(duplicateNotices).toBe(0);
    expect(notices.filter((n) => n.email_status !== 'sent')).toEqual([]);

    // E-mail: every delivery arrived, to its address, under its Message-ID; nothing else arrived.
    // A second copy is SMTP's at-least-once window (sent, then killed before the commit): same
    // Message-ID, at most one per kill.
    const byMessageId = new Map<string, string[][]>();
    for (const m of smtp.received) byMessageId.set(m.messageId, [...(byMessageId.get(m.messageId) ?? []), m.to]);
    const messageId = (id: string) => `<${id}@cardo.local>`;
    expect(emails).toHaveLength(expected.length / 2);
    expect(emails.filter((e) => !byMessageId.has(messageId(e.id)))).toEqual([]);
    const known = new Set(emails.map((e) => messageId(e.id)));
    expect([...byMessageId.keys()].filter((id) => !known.has(id))).toEqual([]);
    for (const e of emails) for (const to of byMessageId.get(messageId(e.id)) ?? []) expect(to).toEqual([e.address]);
    const resends = smtp.received.length - byMessageId.size;
    expect(resends).toBeLessThanOrEqual(figures.faultsInjected);

    figures.duplicatesFound += duplicateDeliveries + duplicateNotices;
    figures.emailResends += resends;
    figures.writesAcknowledged += created.length;
    figures.writesFound += created.filter((id) => ids.has(id)).length;
    console.info(
      `crash-postgres.test.ts: ${records.length} interactions, ${actual.length} deliveries (${notices.length} in-app, ${emails.length} e-mails), ${figures.faultsInjected} kill(s)` +
        `${midFiring ? ` (one with ${firedAtKill}/${DUE} reminders fired)` : ''}, ${smtp.received.length} messages received, ${resends} resent with the same Message-ID`,
    );
    s.proc.kill('SIGKILL');
  });
});

describe('kill -9 of the server during workflow advances', () => {
  (runs ? it : it.skip)('advances every instance exactly once per completed task', async () => {
    const databaseUrl = await freshDatabase();
    let s = await spawnServer(databaseUrl, metadataDir, '');
    await s.started;
    const wdb = await openDb({ url: databaseUrl, max: 2 });
    cleanups.push(() => wdb.close());
    const issuer = await createOrgUser(wdb, 'wf.issuer', ['sales_manager']);
    const doers = await Promise.all([1, 2, 3].map((n) => createOrgUser(wdb, `wf.doer${n}`, ['sales_manager'])));
    // Assignments (metadata/workflows/assignment.bpmn, started by the create): each waits in its
    // "execute" task for the assignee; completing it moves the instance on to "accept" for the issuer.
    const dueAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const assignments: string[] = [];
    for (let i = 0; i < WORKFLOWS; i++) {
      const r = await call(s.base, issuer.token, 'POST', '/api/data/sys_task', { title: `Assignment ${i}`, assignee: doers[i % doers.length]?.id, issuer: issuer.id, dueAt });
      expect(r.status).toBe(201);
      assignments.push(String(r.json.id));
    }
    const executeTasks = () =>
      wdb.query<{ task: string; instance: string; record: string; status: string }>(
        `SELECT w.task_id::text AS task, w.instance_id::text AS instance, i.record_id::text AS record, t.status
           FROM wf_task w JOIN wf_instance i ON i.id = w.instance_id JOIN sys_task t ON t.id = w.task_id WHERE w.element_id = 'execute'`,
      );
    expect(await executeTasks()).toHaveLength(WORKFLOWS);

    // Each assignee completes their tasks one after the other; the server is killed mid-way.
    const completed: string[] = [];
    const taskOf = (await executeTasks()).reduce((m, t) => m.set(t.record, t.task), new Map<string, string>());
    let stop = false;
    const base = s.base;
    const worker = async (n: number) => {
      const doer = doers[n] as { id: string; token: string };
      for (let i = n; i < WORKFLOWS && !stop; i += doers.length) {
        const task = taskOf.get(assignments[i] as string) as string;
        try {
          const r = await call(base, doer.token, 'POST', `/api/tasks/${task}/complete`, { outcome: 'done', comment: `done ${i}` });
          if (r.status === 200) completed.push(task);
        } catch {
          // The connection died with the server: that completion was not acknowledged.
          return;
        }
      }
    };
    const burst = Promise.all(doers.map((_, n) => worker(n)));
    while (completed.length < WORKFLOWS / 3) await sleep(5);
    await killHard(s.proc);
    stop = true;
    await burst;
    s = await spawnServer(databaseUrl, metadataDir, '');
    await s.started;

    // Every acknowledged completion is there; every completed "execute" moved its instance on
    // exactly once (one "accept" task, one completion event), every open one did not move.
    const tasks = await executeTasks();
    const done = new Set(tasks.filter((t) => t.status === 'completed').map((t) => t.task));
    expect(completed.filter((t) => !done.has(t))).toEqual([]);
    expect(tasks.filter((t) => t.status !== 'completed' && t.status !== 'open')).toEqual([]);
    const moves = await wdb.query<{ instance: string; accepts: number | string; events: number | string }>(
      `SELECT i.id::text AS instance,
              (SELECT count(*) FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.instance_id = i.id AND w.element_id = 'accept' AND t.status = 'open') AS accepts,
              (SELECT count(*) FROM wf_event e WHERE e.instance_id = i.id AND e.kind = 'task_completed') AS events
         FROM wf_instance i`,
    );
    expect(moves).toHaveLength(WORKFLOWS);
    const doneInstances = new Set(tasks.filter((t) => done.has(t.task)).map((t) => t.instance));
    const wrong = moves.filter((m) => Number(m.accepts) !== (doneInstances.has(m.instance) ? 1 : 0) || Number(m.events) !== (doneInstances.has(m.instance) ? 1 : 0));
    expect(wrong).toEqual([]);
    // Moved on after the restart too: the rest complete, and each instance has its one "accept" task.
    for (const t of tasks.filter((x) => x.status === 'open')) {
      const doer = doers[assignments.indexOf(t.record) % doers.length] as { token: string };
      expect((await call(s.base, doer.token, 'POST', `/api/tasks/${t.task}/complete`, { outcome: 'done' })).status).toBe(200);
    }
    const accepts = await wdb.query<{ instance: string; n: number | string }>(
      `SELECT w.instance_id::text AS instance, count(*) AS n FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.element_id = 'accept' AND t.status = 'open' GROUP BY 1`,
    );
    expect(accepts).toHaveLength(WORKFLOWS);
    expect(accepts.filter((a) => Number(a.n) !== 1)).toEqual([]);
    figures.duplicatesFound += moves.filter((m) => Number(m.accepts) > 1 || Number(m.events) > 1).length;
    figures.writesAcknowledged += completed.length;
    figures.writesFound += completed.filter((t) => done.has(t)).length;
    s.proc.kill('SIGKILL');
  });
});
