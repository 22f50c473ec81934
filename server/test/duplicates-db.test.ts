import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser } from '../src/auth/users.js';
import type { EntityModel } from '../src/compile/compile.js';
import { createRecord } from '../src/records/records.service.js';
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
