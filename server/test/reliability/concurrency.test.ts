/**
 * Concurrency (issue 13, item 4): clients racing on the same records with optimistic locking
 * lose no update, and racing creates of one duplicate leave exactly one record.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { InjectOptions } from 'fastify';
import type { EntityModel, FieldModel } from '../../src/compile/compile.js';
import { createOrgUser, sampleValues, seedRecord } from '../helpers/access-org.js';
import { report, scale } from '../helpers/reliability.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

jest.setTimeout(scale(60_000, 900_000));

const RECORDS = scale(2, 6);
const CLIENTS = scale(6, 24);
const INCREMENTS = scale(4, 20);
const DUPLICATE_ROUNDS = scale(3, 25);
const DUPLICATE_CLIENTS = scale(6, 16);

let t: TestApp;
let admin: { id: string; token: string };
let refs: Record<string, string>;
const figures = { writesAcknowledged: 0, writesFound: 0, duplicatesFound: 0, responses5xx: 0, faultsInjected: 0 };

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrgUser(t.db, 'race_admin', ['administrator']);
  refs = { counterparty: await seedRecord(t.db, t.model, t.model.entities.get('counterparty') as EntityModel, admin.id, {}) };
}, 120_000);

afterAll(async () => {
  report(import.meta.filename, figures);
  await t?.close();
});

const auth = () => ({ authorization: `Bearer ${admin.token}` });

async function inject(options: InjectOptions) {
  const r = await t.app.inject(options);
  if (r.statusCode >= 500) figures.responses5xx += 1;
  return r;
}

/** An application entity with a writable integer field no duplicate rule or formula uses: the counter. */
function counterField(): { entity: EntityModel; field: FieldModel } {
  for (const entity of t.model.entities.values()) {
    if (entity.system) continue;
    const field = entity.fields.find((f) => !f.system && !f.readOnly && f.type === 'integer' && !entity.duplicateRules.some((r) => r.fields.includes(f)) && (f.def.min ?? 0) <= 0);
    if (field) return { entity, field };
  }
  throw new Error('The metadata has no entity with a writable integer field');
}

describe('many clients patching the same records with versions', () => {
  it('lose no update: final value = start + acknowledged increments, versions strictly sequential', async () => {
    const { entity, field } = counterField();
    const ids: string[] = [];
    for (let i = 0; i < RECORDS; i++) ids.push(await seedRecord(t.db, t.model, entity, admin.id, refs, { [field.name]: 0 }));
    const acked = new Map<string, number[]>(ids.map((id) => [id, []]));
    let conflicts = 0;
    const unexpected: string[] = [];

    const client = async (n: number) => {
      for (let k = 0; k < INCREMENTS; k++) {
        const id = ids[(n + k) % ids.length] as string;
        for (let attempt = 0; attempt < 200; attempt++) {
          const got = await inject({ method: 'GET', url: `/api/data/${entity.name}/${id}`, headers: auth() });
          const record = got.json() as Record<string, number>;
          const patch = await inject({
            method: 'PATCH',
            url: `/api/data/${entity.name}/${id}`,
            payload: { [field.name]: Number(record[field.name] ?? 0) + 1 },
            headers: { ...auth(), 'if-match': String(record.version) },
          });
          if (patch.statusCode === 200) {
            (acked.get(id) as number[]).push(Number((patch.json() as { version: number }).version));
            break;
          }
          if (patch.statusCode === 412) {
            conflicts += 1;
            continue;
          }
          unexpected.push(`${patch.statusCode} ${patch.body.slice(0, 200)}`);
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));

    expect(unexpected).toEqual([]);
    const total = [...acked.values()].reduce((n, v) => n + v.length, 0);
    expect(total).toBe(CLIENTS * INCREMENTS);
    for (const id of ids) {
      const versions = (acked.get(id) as number[]).sort((a, b) => a - b);
      // Every acknowledged write got its own version, one after another from 2.
      expect(versions).toEqual(versions.map((_, i) => i + 2));
      const [row] = await t.db.query<Record<string, unknown>>(`SELECT "${field.column}" AS value, version FROM "${entity.table}" WHERE id = $1`, [id]);
      expect(Number(row?.value)).toBe(versions.length);
      expect(Number(row?.version)).toBe(versions.length + 1);
      const history = await inject({ method: 'GET', url: `/api/data/${entity.name}/${id}/history`, headers: auth() });
      expect((history.json() as { items: Array<{ action: string }> }).items.filter((i) => i.action === 'update')).toHaveLength(versions.length);
      figures.writesFound += Number(row?.value);
    }
    figures.writesAcknowledged += total;
    figures.faultsInjected += conflicts;
    // With this many clients on so few records the race must actually have happened.
    if (CLIENTS > RECORDS) expect(conflicts).toBeGreaterThan(0);
  });
});

describe('concurrent creates of the same duplicate', () => {
  it('exactly one succeeds; the others get 409 with the duplicate code', async () => {
    const entity = [...t.model.entities.values()].find((e) => !e.system && e.duplicateRules.some((r) => r.action === 'block' && r.match === 'exact' && r.fields.some((f) => f.type === 'phone')));
    if (!entity) throw new Error('The metadata has no entity with a blocking phone duplicate rule');
    const rule = entity.duplicateRules.find((r) => r.action === 'block' && r.match === 'exact' && r.fields.some((f) => f.type === 'phone'));
    const phone = rule?.fields.find((f) => f.type === 'phone') as FieldModel;
    for (let round = 0; round < DUPLICATE_ROUNDS; round++) {
      const n = String(1000000 + round * 7919).slice(-7);
      // The same number written the ways people write it (DESIGN.md §3: all normalize to one E.164).
      const spellings = [`+7 495 ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`, `8 (495) ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`, `+7495${n}`, `8495${n}`];
      const responses = await Promise.all(
        Array.from({ length: DUPLICATE_CLIENTS }, (_, i) =>
          inject({ method: 'POST', url: `/api/data/${entity.name}`, payload: { ...sampleValues(entity, refs), [phone.name]: spellings[i % spellings.length] }, headers: auth() }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([201, ...Array.from({ length: DUPLICATE_CLIENTS - 1 }, () => 409)]);
      for (const r of responses.filter((x) => x.statusCode === 409)) expect((r.json() as { code: string }).code).toBe('CARDO_ERR_RECORD_DUPLICATE');
      const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${entity.table}" WHERE "${rule?.column}" = (SELECT "${rule?.column}" FROM "${entity.table}" WHERE id = $1)`, [(responses.find((r) => r.statusCode === 201)?.json() as { id: string }).id]);
      figures.writesAcknowledged += 1;
      figures.writesFound += Math.min(Number(row?.n), 1);
      figures.duplicatesFound += Math.max(Number(row?.n) - 1, 0);
      expect(Number(row?.n)).toBe(1);
    }
  });
});
