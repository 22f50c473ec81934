import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser } from '../src/auth/users.js';
import type { EntityModel } from '../src/compile/compile.js';
import { createRecord, updateRecord } from '../src/records/records.service.js';
import { duplicateKeys, duplicateSearchSettings, findDuplicates } from '../src/records/duplicates.js';
import { createAppDatabase, type AppDatabase } from './helpers/app-db.js';

/**
 * findDuplicates runs every rule of an entity in one statement, under one trigram threshold
 * for the whole transaction (the lowest of the entity's fuzzy rules): a stricter rule must
 * still answer at its own threshold.
 */
describe('duplicate rules in one statement', () => {
  let a: AppDatabase;
  let counterparty: EntityModel;
  let twoFuzzy: EntityModel;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    a = await createAppDatabase();
    counterparty = a.model.entities.get('counterparty') as EntityModel;
    const similar = counterparty.duplicateRules.find((r) => r.match === 'fuzzy');
    if (!similar) throw new Error('the CRM counterparty has a fuzzy rule');
    // Both rules read the same key column; only their thresholds differ.
    twoFuzzy = { ...counterparty, duplicateRules: [{ ...similar, name: 'loose', threshold: 0.3 }, { ...similar, name: 'strict', threshold: 0.95 }] };
    const { id: owner } = await createUser(a.db, { login: 'dup_owner', fullName: 'Dup Owner', roles: [] });
    for (const brand of ['Ромашка Трейд', 'ООО «Ромашка Трейд Плюс»', 'Василёк']) {
      ids[brand] = String((await createRecord(a.db, a.model, counterparty, { brand, owner }, { actor: { userId: owner }, confirmDuplicates: true })).id);
    }
  }, 120_000);
  afterAll(async () => {
    await a?.close();
  });

  it('sets the lowest fuzzy threshold for the transaction, none for an entity without fuzzy rules', () => {
    expect(duplicateSearchSettings(twoFuzzy)).toEqual({ 'pg_trgm.similarity_threshold': '0.3' });
    expect(duplicateSearchSettings({ ...counterparty, duplicateRules: counterparty.duplicateRules.filter((r) => r.match === 'exact') })).toEqual({});
  });

  it('answers each fuzzy rule at its own threshold, rule by rule, best first', async () => {
    const matches = await findDuplicates(a.db, twoFuzzy, duplicateKeys(a.model, twoFuzzy, { brand: 'Ромашка Трейд' }), null);
    const loose = matches.filter((m) => m.rule === 'loose');
    const strict = matches.filter((m) => m.rule === 'strict');
    expect(loose.map((m) => m.id)).toEqual([ids['Ромашка Трейд'], ids['ООО «Ромашка Трейд Плюс»']]);
    expect(strict.map((m) => m.id)).toEqual([ids['Ромашка Трейд']]);
    expect(matches.map((m) => m.rule)).toEqual(['loose', 'loose', 'strict']);
    for (const m of loose) expect(m.score).toBeGreaterThanOrEqual(0.3);
    expect(loose[0]!.score).toBeGreaterThan(loose[1]!.score!);
    expect(strict[0]).toMatchObject({ title: 'Ромашка Трейд', action: 'warn', fields: ['brand'], score: 1 });
  });

  it('runs exact and fuzzy rules together and leaves out the record being edited', async () => {
    const matches = await findDuplicates(a.db, counterparty, duplicateKeys(a.model, counterparty, { brand: 'ромашка трейд' }), ids['Ромашка Трейд']!);
    expect(matches.map((m) => m.id)).not.toContain(ids['Ромашка Трейд']);
    expect(matches.map((m) => [m.rule, m.id])).toEqual([['similar_brand', ids['ООО «Ромашка Трейд Плюс»']]]);
    const all = await findDuplicates(a.db, counterparty, duplicateKeys(a.model, counterparty, { brand: 'ромашка трейд' }), null);
    expect(all.map((m) => [m.rule, m.id])).toEqual([
      ['same_brand', ids['Ромашка Трейд']],
      ['similar_brand', ids['Ромашка Трейд']],
      ['similar_brand', ids['ООО «Ромашка Трейд Плюс»']],
    ]);
  });
});

/**
 * An update re-checks a duplicate rule only when the rule's key changes: a warning the user
 * confirmed at creation does not come back on an unrelated edit, and a blocking rule cannot
 * newly match while its fields stay as they are.
 */
describe('duplicate rules on update', () => {
  let a: AppDatabase;
  let counterparty: EntityModel;
  let owner: string;
  let similar: string;

  beforeAll(async () => {
    a = await createAppDatabase();
    counterparty = a.model.entities.get('counterparty') as EntityModel;
    owner = (await createUser(a.db, { login: 'dup_editor', fullName: 'Dup Editor', roles: [] })).id;
    await createRecord(a.db, a.model, counterparty, { brand: 'Ладога Трейд', owner }, { actor: { userId: owner } });
    // similar_brand warns; the user confirmed it when creating the second one.
    similar = String((await createRecord(a.db, a.model, counterparty, { brand: 'ООО «Ладога Трейд Плюс»', owner }, { actor: { userId: owner }, confirmDuplicates: true })).id);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
  });

  const versionOf = async (id: string) => Number((await a.db.query<{ version: number }>('SELECT version FROM counterparty WHERE id = $1', [id]))[0]?.version);
  const edit = async (entity: EntityModel, values: Record<string, unknown>) => updateRecord(a.db, a.model, entity, similar, values, await versionOf(similar), { actor: { userId: owner } });

  it('a confirmed warning does not come back on an edit of other fields, nor when the brand is sent unchanged', async () => {
    await expect(edit(counterparty, { status: 'active' })).resolves.toMatchObject({ status: 'active' });
    await expect(edit(counterparty, { brand: 'ООО «Ладога Трейд Плюс»', website: 'https://ladoga.example' })).resolves.toMatchObject({ website: 'https://ladoga.example' });
  });

  it('a changed brand is checked again', async () => {
    const version = await versionOf(similar);
    await expect(edit(counterparty, { brand: 'Ладога Трейдинг' })).rejects.toMatchObject({ code: 'CARDO_ERR_RECORD_DUPLICATE' });
    expect(await versionOf(similar)).toBe(version);
  });

  it('a blocking rule is checked only when its fields change', async () => {
    const rule = counterparty.duplicateRules.find((r) => r.name === 'similar_brand');
    if (!rule) throw new Error('the CRM counterparty has similar_brand');
    // The same key column, made blocking (the records already collide, as after such a metadata change).
    const blocking: EntityModel = { ...counterparty, duplicateRules: [{ ...rule, action: 'block' }] };
    await expect(edit(blocking, { status: 'potential' })).resolves.toMatchObject({ status: 'potential' });
    await expect(edit(blocking, { brand: 'Ладога Трейдинг' })).rejects.toMatchObject({ code: 'CARDO_ERR_RECORD_DUPLICATE', status: 409 });
  });
});
