#!/usr/bin/env node
// Seeds the bench database: the runtime creates the schema (applyMigration on start), then
// 200 users in a department tree, N counterparties, ~3N contacts, 0.3N deals and ~5N interactions go in through COPY.
//
//   node bench/seed.mjs [--scale 1] [--database-url postgres://…/cardo_bench] [--reuse]
//
// Bulk loading follows the usual recipe: secondary indexes and foreign keys of the bulk
// tables are dropped before COPY and recreated from their exact definitions afterwards
// (the runtime's schema plan then finds nothing to change), and VACUUM ANALYZE ends it.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadCompiledModel } from './lib/dist.mjs';
import { copyIn, csvField, DEFAULT_DATABASE_URL, readMarker, recreateDatabase, withClient, writeMarker } from './lib/db.mjs';
import { createGenerators } from './lib/generate.mjs';
import { loginInject, openRuntime } from './lib/runtime.mjs';

export const FULL_SCALE = 1_000_000;
const USERS = 200;
const CHUNK_ROWS = 2000;

const log = (line) => process.stderr.write(`[seed] ${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The stored columns of an entity (field order) followed by its duplicate-key columns. */
function copyColumns(entity) {
  return [...entity.columns.map((f) => ({ column: f.column, name: f.name })), ...entity.duplicateRules.map((r) => ({ column: r.column, rule: r }))];
}

/** INSERTs API-shaped records (small tables: departments, users). */
async function insertRecords(client, entity, records, now) {
  for (const record of records) {
    const full = { createdAt: now, updatedAt: now, version: 1, ...record };
    const fields = entity.columns.filter((f) => Object.hasOwn(full, f.name));
    await client.query(
      `INSERT INTO "${entity.table}" (${fields.map((f) => `"${f.column}"`).join(', ')}) VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')})`,
      fields.map((f) => full[f.name]),
    );
  }
}

/** Secondary indexes and foreign keys of the tables, to drop now and recreate verbatim later. */
async function detachIndexes(client, tables) {
  const { rows: indexes } = await client.query(
    `SELECT c.relname AS table, i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      WHERE c.relname = ANY($1) AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [tables],
  );
  // Foreign keys from and to the tables: TRUNCATE (for COPY FREEZE) refuses a referenced table.
  const { rows: foreignKeys } = await client.query(
    `SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
      WHERE (c.relname = ANY($1) OR f.relname = ANY($1)) AND k.contype = 'f'`,
    [tables],
  );
  for (const fk of foreignKeys) await client.query(`ALTER TABLE "${fk.table}" DROP CONSTRAINT "${fk.name}"`);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  return { indexes, foreignKeys };
}

/** Recreates the indexes on two connections (2 cores; GIN builds are single-threaded), then the foreign keys. */
async function reattachIndexes(url, { indexes, foreignKeys }) {
  const queue = [...indexes].sort((a, b) => Number(b.def.includes('gin')) - Number(a.def.includes('gin')));
  const worker = async () => {
    await withClient(url, async (client) => {
      await client.query(`SET maintenance_work_mem = '1GB'`);
      for (let next = queue.shift(); next; next = queue.shift()) {
        const started = Date.now();
        await client.query(next.def);
        log(`  ${next.name} ${seconds(Date.now() - started)}`);
      }
    });
  };
  await Promise.all([worker(), worker()]);
  await withClient(url, async (client) => {
    for (const fk of foreignKeys) await client.query(`ALTER TABLE "${fk.table}" ADD CONSTRAINT "${fk.name}" ${fk.def}`);
  });
}

/**
 * Seeds `url` with round(1,000,000 × scale) counterparties. Returns the marker written on
 * the database (counts, timings, the next free generator index for creates).
 */
export async function seed({ url = DEFAULT_DATABASE_URL, scale = 1, reuse = false, seedValue = 1 } = {}) {
  const count = Math.max(1, Math.round(FULL_SCALE * scale));
  if (reuse) {
    const marker = await readMarker(url).catch(() => null);
    if (marker?.complete && marker.counterparties === count && marker.interactions !== undefined) {
      log(`reusing ${url}: ${marker.counterparties} counterparties seeded ${marker.seededAt}`);
      return marker;
    }
    log(marker ? `the database holds ${marker.counterparties} counterparties, not ${count}: seeding again` : 'nothing to reuse: seeding');
  }
  const started = Date.now();
  const timings = {};
  const phase = async (name, fn) => {
    const t = Date.now();
    const result = await fn();
    timings[name] = Math.round(Date.now() - t);
    log(`${name}: ${seconds(timings[name])}`);
    return result;
  };

  await phase('database', () => recreateDatabase(url));
  // The runtime creates its own schema: start it once (no demo data), then stop it.
  await phase('schema (runtime start)', async () => {
    const { runtime } = await openRuntime(url);
    await runtime.close();
  });

  const model = await loadCompiledModel();
  const now = Date.now();
  const gen = await createGenerators(model, { now, count, seed: seedValue });
  const { counterparty: cpEntity, contact: contactEntity, deal: dealEntity, interaction: interactionEntity } = gen.entities;
  const activityTables = [dealEntity, interactionEntity].filter(Boolean);

  const { users } = await phase('users', () =>
    withClient(url, async (client) => {
      const org = gen.organisation(USERS);
      const nowIso = new Date(now).toISOString();
      await insertRecords(client, model.entities.get('sys_department'), org.departments.map((d) => ({ ...d, head: null })), nowIso);
      await insertRecords(client, model.entities.get('sys_user'), org.users, nowIso);
      for (const d of org.departments) await client.query('UPDATE sys_department SET head = $1 WHERE id = $2', [d.head, d.id]);
      return org;
    }),
  );
  const ownerIds = users.map((u) => u.id);

  const detached = await withClient(url, (client) => detachIndexes(client, [cpEntity.table, contactEntity.table, ...activityTables.map((e) => e.table)]));

  let contacts = 0;
  let deals = 0;
  let interactions = 0;
  await phase(`copy (${count} counterparties + contacts, deals, interactions)`, async () => {
    const cpColumns = copyColumns(cpEntity);
    const contactColumns = copyColumns(contactEntity);
    const cpCopy = copyIn(url, cpEntity.table, cpColumns.map((c) => c.column));
    const contactCopy = copyIn(url, contactEntity.table, contactColumns.map((c) => c.column));
    // Deals and interactions: two more psql processes (5 interactions a counterparty: the biggest table).
    const activity = activityTables.map((entity) => ({ entity, columns: copyColumns(entity), chunk: '' }));
    for (const a of activity) a.copy = copyIn(url, a.entity.table, a.columns.map((c) => c.column));
    // Block rules have unique indexes; catching a collision here beats failing at index build.
    const seen = new Map([...cpEntity.duplicateRules, ...contactEntity.duplicateRules].filter((r) => r.action === 'block').map((r) => [r, new Set()]));
    const line = (entity, columns, record) => {
      const keys = new Map(gen.keysOf(entity, record));
      for (const rule of entity.duplicateRules) {
        const key = keys.get(rule.column);
        const set = seen.get(rule);
        if (set && key !== null) {
          if (set.has(key)) throw new Error(`generator bug: ${entity.name}.${rule.name} key ${JSON.stringify(key)} repeats`);
          set.add(key);
        }
      }
      let out = '';
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c];
        out += (c === 0 ? '' : ',') + csvField(col.rule ? keys.get(col.column) : record[col.name]);
      }
      return `${out}\n`;
    };
    let cpChunk = '';
    let contactChunk = '';
    let lastReport = Date.now();
    for (let i = 0; i < count; i++) {
      const { record, contacts: people } = gen.counterparty(i, ownerIds);
      // The bench's phone shortcut is checked against the runtime's own normalizers.
      if (i < 1000 || i % 97 === 0) {
        gen.verifyKeys(cpEntity, record);
        for (const p of people) gen.verifyKeys(contactEntity, p);
      }
      cpChunk += line(cpEntity, cpColumns, record);
      for (const p of people) contactChunk += line(contactEntity, contactColumns, p);
      contacts += people.length;
      if (activity.length === 2) {
        const made = gen.activity(i, record, people);
        for (const d of made.deals) activity[0].chunk += line(activity[0].entity, activity[0].columns, d);
        for (const x of made.interactions) activity[1].chunk += line(activity[1].entity, activity[1].columns, x);
        deals += made.deals.length;
        interactions += made.interactions.length;
      }
      if ((i + 1) % CHUNK_ROWS === 0 || i === count - 1) {
        await Promise.all([cpCopy.write(cpChunk), contactCopy.write(contactChunk), ...activity.map((a) => a.copy.write(a.chunk))]);
        cpChunk = '';
        contactChunk = '';
        for (const a of activity) a.chunk = '';
        if (Date.now() - lastReport > 15_000) {
          lastReport = Date.now();
          log(`  ${i + 1} / ${count} counterparties (${seconds(Date.now() - started)})`);
        }
      }
    }
    await Promise.all([cpCopy.end(), contactCopy.end(), ...activity.map((a) => a.copy.end())]);
  });

  await phase('indexes and foreign keys', () => reattachIndexes(url, detached));
  // The rows went in frozen (COPY FREEZE); VACUUM only sets the visibility map that
  // index-only scans rely on, then ANALYZE gives the planner its statistics.
  await phase('vacuum analyze', () =>
    withClient(url, async (client) => {
      await client.query(`VACUUM (ANALYZE) ${[cpEntity, contactEntity, ...activityTables].map((e) => `"${e.table}"`).join(', ')}`);
      await client.query('ANALYZE');
      await client.query('CHECKPOINT');
    }),
  );

  const marker = {
    complete: true,
    scale,
    counterparties: count,
    contacts,
    deals,
    interactions,
    users: USERS,
    seed: seedValue,
    now,
    seededAt: new Date().toISOString(),
    seedSeconds: Math.round((Date.now() - started) / 100) / 10,
    timings,
    // Generator indexes from here on are free: the create scenario draws its records there.
    nextIndex: count,
  };
  await writeMarker(url, marker);
  log(`seeded ${count} counterparties, ${contacts} contacts, ${deals} deals, ${interactions} interactions, ${USERS} users in ${seconds(Date.now() - started)}`);
  return marker;
}

/**
 * Creates one counterparty and one contact through the record API and compares the
 * duplicate-key columns the runtime wrote with the ones the seeder computes for the same
 * values; deletes both afterwards. Also checks that the runtime found nothing to migrate.
 */
export async function verifyThroughApi(url, marker) {
  const model = await loadCompiledModel();
  const gen = await createGenerators(model, { now: marker.now ?? Date.now(), count: marker.counterparties, seed: marker.seed ?? 1 });
  const { runtime } = await openRuntime(url);
  const problems = [];
  try {
    const migrated = runtime.notes.filter((n) => n.startsWith('database:'));
    if (migrated.length > 0) problems.push(`the runtime changed the seeded schema on start: ${migrated.join('; ')}`);
    const token = await loginInject(runtime.app);
    const headers = { authorization: `Bearer ${token}` };
    const [owner] = await runtime.db.query('SELECT id FROM sys_user WHERE login = $1', ['bench001']);
    const index = marker.nextIndex + 7_000_000; // far from the indexes the create scenario uses
    const body = gen.counterpartyBody(index, owner?.id);
    const created = await runtime.app.inject({ method: 'POST', url: '/api/data/counterparty?confirm=duplicates', headers, payload: body });
    if (created.statusCode === 404 && created.json().code === 'CARDO_ERR_API_ROUTE_NOT_FOUND') return { skipped: 'the record API is not there yet', problems };
    if (created.statusCode !== 201) throw new Error(`creating a counterparty failed: ${created.statusCode} ${created.body.slice(0, 1000)}`);
    const cp = created.json();
    const compare = async (entity, id, values) => {
      const [row] = await runtime.db.query(`SELECT ${entity.duplicateRules.map((r) => `"${r.column}"`).join(', ')} FROM "${entity.table}" WHERE id = $1`, [id]);
      for (const [column, key] of gen.keysOf(entity, values)) {
        if (row[column] !== key) problems.push(`${entity.name}.${column}: runtime wrote ${JSON.stringify(row[column])}, the seeder computes ${JSON.stringify(key)}`);
      }
    };
    await compare(gen.entities.counterparty, cp.id, body);
    const person = gen.counterparty(index, []).contacts[0];
    const contactBody = {};
    for (const [key, value] of Object.entries(person)) {
      const field = gen.entities.contact.field.get(key);
      if (field && !field.system && value !== null) contactBody[key] = value;
    }
    contactBody.counterparty = cp.id;
    const contact = await runtime.app.inject({ method: 'POST', url: '/api/data/contact?confirm=duplicates', headers, payload: contactBody });
    if (contact.statusCode !== 201) throw new Error(`creating a contact failed: ${contact.statusCode} ${contact.body.slice(0, 1000)}`);
    await compare(gen.entities.contact, contact.json().id, contactBody);
    await runtime.app.inject({ method: 'DELETE', url: `/api/data/contact/${contact.json().id}`, headers });
    await runtime.app.inject({ method: 'DELETE', url: `/api/data/counterparty/${cp.id}`, headers });
    return { problems, checked: ['counterparty', 'contact'] };
  } finally {
    await runtime.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      'database-url': { type: 'string', default: process.env.CARDO_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL },
      reuse: { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('node bench/seed.mjs [--scale 1] [--database-url URL] [--reuse] [--no-verify]');
    return;
  }
  const url = values['database-url'];
  const marker = await seed({ url, scale: Number(values.scale), reuse: values.reuse });
  if (!values['no-verify']) {
    const result = await verifyThroughApi(url, marker);
    if (result.skipped) log(`API check skipped: ${result.skipped}`);
    else if (result.problems.length === 0) log(`API check: the runtime writes the same duplicate keys (${result.checked.join(', ')})`);
    for (const p of result.problems) log(`PROBLEM: ${p}`);
    if (result.problems.length > 0) process.exitCode = 1;
  }
  console.log(JSON.stringify(marker, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

