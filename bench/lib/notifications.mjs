// The notification benchmark (issue 8), shared by `node bench/notifications.mjs` and the
// `notifications` scenario of `npm run bench`: scheduling N reminders and delivering them
// in-app. The runtime's notification service (server/dist: the date rule interaction-reminder
// of metadata/notifications, ntf_schedule rows and one pg-boss job per reminder, workers firing
// each occurrence in a transaction — lock, re-check the record, render the localized templates,
// unique delivery keys, the in-app notice) against a hand-written baseline in the same run on
// the same database: a reminders table filled by one INSERT … SELECT, and workers claiming due
// rows with FOR UPDATE SKIP LOCKED and inserting the notices with a fixed text. The ratio is
// what durable jobs, exactly-once keys and metadata-driven rendering cost.
import os from 'node:os';
import { importDist, loadCompiledModel } from './dist.mjs';

const BATCH = 50;

/** Runs the benchmark on the (empty, freshly created) database at `url`. Returns the figures; prints nothing. */
export async function measureNotifications({ url, reminders: N, concurrency: C }) {
  const model = await loadCompiledModel();
  const { openDb } = await importDist('db/db.js');
  const { applyMigration } = await importDist('plan/apply.js');
  const { createUser } = await importDist('auth/users.js');
  const { ModelHolder } = await importDist('runtime/model-holder.js');
  const { Notifications } = await importDist('notifications/notifications.service.js');
  const { PgBossNotificationJobs } = await importDist('notifications/jobs.js');

  const db = await openDb({ url, max: C + 4 });
  let jobs;
  try {
    await applyMigration({ db, url }, model, {});
    const owner = async (login) => (await createUser(db, { login, fullName: login, roles: ['sales_manager'], locale: 'ru' })).id;
    const runtimeOwner = await owner('bench.runtime');
    const baselineOwner = await owner('bench.baseline');
    const [cp] = await db.query(`INSERT INTO counterparty (id, created_at, updated_at, version, owner, brand, status) VALUES (gen_random_uuid(), now(), now(), 1, $1, 'Ромашка', 'active') RETURNING id::text AS id`, [runtimeOwner]);
    // N planned meetings per side, all due (30 minutes before plannedAt) within the next seconds.
    const interactions = (who) => db.query(
      `INSERT INTO interaction (id, created_at, updated_at, version, owner, type, counterparty, planned_at, description)
       SELECT gen_random_uuid(), now(), now(), 1, $1, 'meeting', $2, now() + interval '30 minutes' + interval '2 seconds', 'Встреча №' || i
         FROM generate_series(1, $3::int) AS i`,
      [who, cp.id, N],
    );
    await interactions(runtimeOwner);
    await db.query('ANALYZE');

    // Runtime: schedule (the sweep a start runs: ntf_schedule rows and pg-boss jobs in one transaction), then deliver.
    const notifications = new Notifications(db, new ModelHolder(model));
    jobs = new PgBossNotificationJobs(url, { pollingIntervalSeconds: 0.5, batchSize: BATCH, concurrency: C, sweepMs: 3_600_000, emailMs: 3_600_000 });
    await jobs.open();
    notifications.scheduler = jobs;
    let t0 = performance.now();
    const scheduled = await notifications.sweep();
    const scheduleSeconds = (performance.now() - t0) / 1000;
    if (scheduled !== N) throw new Error(`the runtime scheduled ${scheduled} of ${N}`);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // all due
    const delivered = async (owner) => (await db.query(`SELECT count(*)::int AS n FROM sys_notification WHERE recipient = $1`, [owner]))[0].n;
    t0 = performance.now();
    await jobs.work(notifications);
    // Bounded: a broken delivery is an error, not a hung bench.
    const deadline = Date.now() + Math.max(120_000, N * 20);
    while ((await delivered(runtimeOwner)) < N) {
      if (Date.now() > deadline) throw new Error(`the runtime delivered ${await delivered(runtimeOwner)} of ${N} reminders`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const runtimeSeconds = (performance.now() - t0) / 1000;
    await jobs.stop();
    jobs = undefined;
    const [check] = await db.query(`SELECT count(DISTINCT key)::int AS keys, count(*)::int AS n FROM ntf_delivery WHERE recipient = $1`, [runtimeOwner]);
    if (check.keys !== N || check.n !== N) throw new Error(`runtime: ${check.n} deliveries, ${check.keys} keys for ${N} reminders`);
    const [sample] = await db.query(`SELECT subject, body FROM sys_notification WHERE recipient = $1 LIMIT 1`, [runtimeOwner]);

    // Baseline: the same reminders by hand.
    await interactions(baselineOwner);
    await db.query('CREATE TABLE bench_reminder (id uuid PRIMARY KEY, record_id uuid NOT NULL, due_at timestamptz NOT NULL, sent boolean NOT NULL DEFAULT false)');
    await db.query('ANALYZE');
    t0 = performance.now();
    await db.query(`INSERT INTO bench_reminder (id, record_id, due_at) SELECT gen_random_uuid(), id, planned_at - interval '30 minutes' FROM interaction WHERE owner = $1`, [baselineOwner]);
    await db.query('CREATE INDEX bench_reminder_due ON bench_reminder (due_at) WHERE NOT sent');
    const baselineScheduleSeconds = (performance.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    t0 = performance.now();
    const worker = async () => {
      for (;;) {
        const n = await db.transaction(async (tx) => {
          const due = await tx.query(
            `SELECT r.id, i.id AS record_id, i.owner, i.planned_at, c.brand FROM bench_reminder r JOIN interaction i ON i.id = r.record_id JOIN counterparty c ON c.id = i.counterparty
              WHERE NOT r.sent AND r.due_at <= now() ORDER BY r.due_at LIMIT ${BATCH} FOR UPDATE OF r SKIP LOCKED`,
          );
          if (due.length === 0) return 0;
          await tx.query(
            `INSERT INTO sys_notification (id, created_at, updated_at, version, owner, recipient, subject, body, record_entity, record_id)
             SELECT gen_random_uuid(), now(), now(), 1, n.owner, n.owner, n.subject, n.body, 'interaction', n.record_id
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) AS n(owner, subject, body, record_id)`,
            [due.map((d) => d.owner), due.map((d) => `Через 30 минут: Встреча — ${d.brand}`), due.map((d) => `Встреча с клиентом ${d.brand} запланирована на ${d.planned_at}.`), due.map((d) => d.record_id)],
          );
          await tx.query('UPDATE bench_reminder SET sent = true WHERE id = ANY($1::uuid[])', [due.map((d) => d.id)]);
          return due.length;
        });
        if (n === 0) return;
      }
    };
    await Promise.all(Array.from({ length: C }, worker));
    const baselineSeconds = (performance.now() - t0) / 1000;
    if ((await delivered(baselineOwner)) !== N) throw new Error('the baseline did not deliver every reminder');

    return { reminders: N, concurrency: C, scheduleSeconds, runtimeSeconds, baselineScheduleSeconds, baselineSeconds, subject: sample.subject };
  } finally {
    await jobs?.stop();
    await db.close();
  }
}

/** The standalone script's report. */
export function printNotifications(r, print = console.log) {
  const N = r.reminders;
  const line = (label, value) => print(`${label.padEnd(48)} ${value}`);
  const rate = (seconds) => `${Math.round(N / seconds).toLocaleString('en')} /s`;
  print(`\nNotifications: ${N.toLocaleString('en')} date-triggered reminders, delivered in-app by ${r.concurrency} workers (batches of ${BATCH}), ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  line('runtime: scheduling (rows + pg-boss jobs)', `${r.scheduleSeconds.toFixed(2)} s  (${rate(r.scheduleSeconds)})`);
  line('runtime: delivering in-app', `${r.runtimeSeconds.toFixed(2)} s  (${rate(r.runtimeSeconds)} notifications)`);
  line('baseline: scheduling (one INSERT … SELECT)', `${r.baselineScheduleSeconds.toFixed(2)} s  (${rate(r.baselineScheduleSeconds)})`);
  line('baseline: delivering in-app', `${r.baselineSeconds.toFixed(2)} s  (${rate(r.baselineSeconds)} notifications)`);
  line('ratio runtime / baseline (delivery rate)', `${(r.baselineSeconds / r.runtimeSeconds).toFixed(2)}×`);
  line('ratio runtime / baseline (schedule + deliver)', `${((r.baselineScheduleSeconds + r.baselineSeconds) / (r.scheduleSeconds + r.runtimeSeconds)).toFixed(2)}×`);
  line('sample notice', JSON.stringify(r.subject));
}
