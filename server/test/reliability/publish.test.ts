/**
 * Metadata publish under load (issue 13, item 5): a field is added to an entity and applied
 * through the studio API (migrate + hot swap) while clients read and write that entity. No
 * request may fail, and every answer must be wholly the old model or wholly the new one: a
 * record, a list item and the entity's JSON Schema carry either the old field set or the new.
 * Requests started after apply answered must all see the new model.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { LightMyRequestResponse } from 'fastify';
import type { EntityModel } from '../../src/compile/compile.js';
import { APP_METADATA_DIR } from '../helpers/app-db.js';
import { createOrgUser, sampleValues, seedRecord } from '../helpers/access-org.js';
import { report, scale } from '../helpers/reliability.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

jest.setTimeout(scale(90_000, 900_000));

const ROUNDS = scale(2, 8);
const CLIENTS = scale(4, 12);
const ENTITY = 'contact';

let dir: string;
let t: TestApp;
let consultant: { id: string; token: string };
let refs: Record<string, string>;
const figures = { faultsInjected: 0, writesAcknowledged: 0, writesFound: 0, responses5xx: 0 };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cardo-publish-'));
  await cp(APP_METADATA_DIR, dir, { recursive: true });
  t = await createTestApp({ env: { CARDO_METADATA_DIR: dir } });
  // A consultant may publish; the administrator role reads and writes every entity.
  consultant = await createOrgUser(t.db, 'publisher', ['consultant', 'administrator']);
  refs = { counterparty: await seedRecord(t.db, t.model, t.model.entities.get('counterparty') as EntityModel, consultant.id, {}) };
}, 120_000);

afterAll(async () => {
  report(import.meta.filename, figures);
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${consultant.token}` });

async function addField(name: string): Promise<void> {
  const file = path.join(dir, 'entities', `${ENTITY}.json`);
  const entity = JSON.parse(await readFile(file, 'utf8')) as { fields: unknown[] };
  entity.fields.push({ name, label: { en: `Note ${name}`, ru: `Заметка ${name}` }, type: 'string' });
  await writeFile(file, `${JSON.stringify(entity, null, 2)}\n`);
}

interface Observation {
  what: string;
  started: number;
  status: number;
  keys: string[] | null;
}

describe('publishing a metadata change while requests run', () => {
  it('fails no request and serves none with a half-swapped model', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const entity = t.models.current.entities.get(ENTITY) as EntityModel;
      const oldKeys = entity.fields.map((f) => f.name).sort();
      const added = `reliabilityNote${round}`;
      const newKeys = [...oldKeys, added].sort();
      // Each client edits its own record, so no 412 is expected: every non-2xx is a failure.
      const own = await Promise.all(Array.from({ length: CLIENTS }, () => seedRecord(t.db, t.models.current, entity, consultant.id, refs)));
      const observations: Observation[] = [];
      let stop = false;
      const createdIds: string[] = [];
      let loops = 0;
      /** Until every client has been round its loop `n` more times (so both models see all requests). */
      const laps = async (n: number) => {
        const target = loops + n * CLIENTS;
        while (loops < target) await new Promise((resolve) => setTimeout(resolve, 10));
      };

      const observe = async (what: string, run: () => Promise<LightMyRequestResponse>, keysOf: (body: unknown) => string[][]) => {
        const started = performance.now();
        const r = await run();
        if (r.statusCode >= 500) figures.responses5xx += 1;
        const body = r.statusCode < 300 && r.body ? (JSON.parse(r.body) as unknown) : null;
        const keySets = body ? keysOf(body) : [null];
        for (const keys of keySets) observations.push({ what: `${what} ${r.statusCode < 300 ? '' : r.body.slice(0, 200)}`, started, status: r.statusCode, keys: keys ? [...keys].sort() : null });
        return body as Record<string, unknown> | null;
      };
      const recordKeys = (body: unknown) => [Object.keys(body as object).filter((k) => !k.startsWith('$'))];

      const client = async (n: number) => {
        const id = own[n] as string;
        while (!stop) {
          const record = await observe('get', () => t.app.inject({ method: 'GET', url: `/api/data/${ENTITY}/${id}`, headers: auth() }), recordKeys);
          await observe('patch', () => t.app.inject({ method: 'PATCH', url: `/api/data/${ENTITY}/${id}`, payload: { position: `Round ${round} ${performance.now()}` }, headers: { ...auth(), 'if-match': String(record?.version) } }), recordKeys);
          await observe('list', () => t.app.inject({ method: 'GET', url: `/api/data/${ENTITY}?limit=5`, headers: auth() }), (b) => (b as { items: object[] }).items.map((i) => Object.keys(i).filter((k) => !k.startsWith('$'))));
          await observe('schema', () => t.app.inject({ method: 'GET', url: `/api/meta/entities/${ENTITY}`, headers: auth() }), (b) => [Object.keys(((b as { schema: { properties: object } }).schema ?? { properties: {} }).properties)]);
          const made = await observe('create', () => t.app.inject({ method: 'POST', url: `/api/data/${ENTITY}?confirm=duplicates`, payload: sampleValues(entity, refs), headers: auth() }), recordKeys);
          if (made) createdIds.push(String(made.id));
          loops += 1;
        }
      };

      const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
      await laps(1);
      await addField(added);
      const applyStarted = performance.now();
      const apply = await t.app.inject({ method: 'POST', url: '/api/studio/apply', payload: {}, headers: auth() });
      const applied = performance.now();
      figures.faultsInjected += 1;
      if (apply.statusCode === 200) await laps(2);
      // Stop the load before any assertion, so a failure does not leave clients on a closed app.
      stop = true;
      await load;
      expect(`${apply.statusCode} ${apply.statusCode === 200 ? '' : apply.body}`).toBe('200 ');

      expect(observations.filter((o) => o.status >= 300).map((o) => `${o.status} ${o.what}`)).toEqual([]);
      // The entity's schema lists more than the record fields; compare schema answers with schema answers.
      const schemas = observations.filter((o) => o.what.startsWith('schema'));
      const records = observations.filter((o) => !o.what.startsWith('schema'));
      const schemaOld = schemas.find((o) => o.started < applyStarted)?.keys?.join(',');
      const schemaNew = schemas.filter((o) => o.started > applied).at(-1)?.keys?.join(',');
      expect(schemaOld).toBeDefined();
      expect(schemaNew).toBe(`${schemaOld},${added}`.split(',').sort().join(','));
      const wrong = [
        ...records.filter((o) => ![oldKeys.join(','), newKeys.join(',')].includes(o.keys?.join(',') ?? '')).map((o) => `mixed ${o.what}: ${o.keys?.join(',')}`),
        ...records.filter((o) => o.started < applyStarted && o.keys?.join(',') !== oldKeys.join(',')).map((o) => `new before apply: ${o.what}`),
        ...records.filter((o) => o.started > applied && o.keys?.join(',') !== newKeys.join(',')).map((o) => `old after apply: ${o.what}`),
        ...schemas.filter((o) => ![schemaOld, schemaNew].includes(o.keys?.join(','))).map((o) => `mixed schema: ${o.keys?.join(',')}`),
        ...schemas.filter((o) => o.started > applied && o.keys?.join(',') !== schemaNew).map(() => 'old schema after apply'),
      ];
      expect(wrong).toEqual([]);
      // The load ran on both sides of the swap.
      expect(records.some((o) => o.started > applied)).toBe(true);
      expect(records.some((o) => o.started < applyStarted)).toBe(true);

      // The new field works at once, and nothing the load wrote is missing.
      const withNew = await t.app.inject({ method: 'POST', url: `/api/data/${ENTITY}?confirm=duplicates`, payload: { ...sampleValues(t.models.current.entities.get(ENTITY) as EntityModel, refs), [added]: 'after publish' }, headers: auth() });
      expect(withNew.statusCode).toBe(201);
      expect((withNew.json() as Record<string, unknown>)[added]).toBe('after publish');
      createdIds.push(String((withNew.json() as { id: string }).id));
      const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${entity.table}" WHERE id = ANY($1::uuid[])`, [createdIds]);
      figures.writesAcknowledged += createdIds.length;
      figures.writesFound += Number(row?.n);
      expect(Number(row?.n)).toBe(createdIds.length);
    }
  });
});
