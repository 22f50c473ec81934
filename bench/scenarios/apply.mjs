// Scenario `apply` (issue 12): metadata apply under load. A runtime on a copy of metadata/
// serves reads and patches while a text field is added to counterparty and applied
// (POST /api/studio/apply: ALTER TABLE on the live table, then the model swapped), and later
// removed again (applied with allowDestructive), so the bench database ends as it started.
// Target: zero failed requests, and the field is in the answers after the first apply and
// gone after the second.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { auth, json, samplePercent, shuffle } from './helpers.mjs';
import { METADATA_DIR, importDist } from '../lib/dist.mjs';
import { runLoad } from '../lib/load.mjs';

export default () => ({
  id: 'apply',
  title: 'metadata apply (add a field) under load',
  async measure(ctx) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cardo-bench-metadata-'));
    await cp(METADATA_DIR, dir, { recursive: true });
    const file = path.join(dir, 'entities', 'counterparty.json');
    const original = await readFile(file, 'utf8');
    const field = `benchNote${Date.now().toString(36)}`;
    const { rows } = await ctx.pool.query(`SELECT id FROM counterparty TABLESAMPLE SYSTEM (${samplePercent(ctx.rows, 2000)}) LIMIT 2000`);
    const ids = shuffle(rows.map((r) => r.id));
    const server = await ctx.startRuntime({ CARDO_BENCH_METADATA_DIR: dir }, 'runtime-apply');
    const post = async (body) => {
      const res = await fetch(`${server.url}/api/studio/apply`, { method: 'POST', headers: auth(ctx, { 'content-type': 'application/json' }), body: json(body) });
      return { status: res.status, body: await res.json() };
    };
    const hasField = async () => {
      const res = await fetch(`${server.url}/api/meta/entities/counterparty`, { headers: auth(ctx) });
      const body = await res.json();
      return Object.hasOwn(body.schema?.properties ?? {}, field);
    };
    try {
      let i = 0;
      // Reads of records and lists (the answers' shape follows the model) while it changes.
      const next = () => {
        const id = ids[i++ % ids.length];
        return i % 4 === 0 ? { method: 'GET', path: `/api/data/counterparty?sort=brand&limit=20&offset=${i % 100}`, headers: auth(ctx) } : { method: 'GET', path: `/api/data/counterparty/${id}`, headers: auth(ctx) };
      };
      const seconds = Math.max(3, ctx.opt.duration);
      const load = runLoad({ url: server.url, connections: ctx.opt.connections, duration: seconds, warmup: 0, next });
      const wait = (ms) => new Promise((r) => setTimeout(r, ms));
      await wait(seconds * 300);
      const entity = JSON.parse(original);
      entity.fields.push({ name: field, label: { en: 'Bench note', ru: 'Заметка бенча' }, type: 'string' });
      await writeFile(file, `${JSON.stringify(entity, null, 2)}\n`);
      const t1 = performance.now();
      const added = await post({});
      const addMs = performance.now() - t1;
      const seenAdded = await hasField();
      await wait(seconds * 350);
      await writeFile(file, original);
      const t2 = performance.now();
      const removed = await post({ allowDestructive: true });
      const removeMs = performance.now() - t2;
      const seenRemoved = await hasField();
      const r = await load;
      const applied = added.status === 200 && removed.status === 200;
      const pass = r.failed === 0 && r.ok > 0 && applied && seenAdded && !seenRemoved;
      return {
        runtime: r,
        figures: `${Math.round(r.rps)} req/s, ${r.failed} failed`,
        baselineFigures: '–',
        detail: `${r.ok} requests answered; apply (add) ${added.status} in ${addMs.toFixed(0)} ms (${added.body.changes?.length ?? 0} change(s)), field ${seenAdded ? 'served' : 'NOT served'}; apply (remove) ${removed.status} in ${removeMs.toFixed(0)} ms, field ${seenRemoved ? 'STILL served' : 'gone'}${applied ? '' : `: ${JSON.stringify(added.status === 200 ? removed.body : added.body).slice(0, 300)}`}${r.failed ? `; errors: ${r.errors.join(' | ')}` : ''}`,
        target: '0 failed requests',
        pass,
        result: pass ? 'pass' : 'FAIL',
      };
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
      // Whatever happened, the bench database keeps the seeded schema (a later --reuse start
      // would otherwise find a column the metadata does not declare).
      const { toColumnName } = await importDist('compile/compile.js');
      await ctx.pool.query(`ALTER TABLE counterparty DROP COLUMN IF EXISTS "${toColumnName(field)}"`);
    }
  },
});
