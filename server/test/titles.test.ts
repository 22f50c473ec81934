import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Json = Record<string, unknown>;
const admin = (options: Parameters<TestApp['as']>[1]) => t.as('admin1', options);

async function createOk(entity: string, payload: Json): Promise<Json> {
  const r = await admin({ method: 'POST', url: `/api/data/${entity}`, payload });
  if (r.statusCode !== 201) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json();
}

describe('titles=true: the titles of referenced records', () => {
  it('names the counterparty and the owner of each contact in a list, a related list and a card', async () => {
    const company = await createOk('counterparty', { brand: 'Титул Плюс', phone: '+7 495 700-10-20' });
    const contact = await createOk('contact', { fullName: 'Петров Пётр', counterparty: company.id, phone: '+7 916 700-10-21' });

    const list = await admin({ method: 'GET', url: `/api/data/contact?titles=true&filter=${encodeURIComponent(JSON.stringify({ id: contact.id }))}` });
    expect(list.statusCode).toBe(200);
    const item = (list.json() as { items: Json[] }).items[0];
    expect(item?.$titles).toEqual({ counterparty: 'Титул Плюс', owner: 'Test admin1', createdBy: 'Test admin1', updatedBy: 'Test admin1' });

    const related = await admin({ method: 'GET', url: `/api/data/counterparty/${String(company.id)}/related/contact?titles=true` });
    expect((related.json() as { items: Json[] }).items[0]?.$titles).toMatchObject({ counterparty: 'Титул Плюс' });

    const card = await admin({ method: 'GET', url: `/api/data/contact/${String(contact.id)}?titles=true` });
    expect(card.json()).toMatchObject({ id: contact.id, $titles: { counterparty: 'Титул Плюс', owner: 'Test admin1' } });
  });

  it('leaves $titles out unless asked, and refuses a value other than true or false', async () => {
    const plain = await admin({ method: 'GET', url: '/api/data/contact?limit=1' });
    expect((plain.json() as { items: Json[] }).items[0]).not.toHaveProperty('$titles');
    for (const url of ['/api/data/contact?titles=yes', `/api/data/contact/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}?titles=1`]) {
      const bad = await admin({ method: 'GET', url });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'CARDO_ERR_API_VALIDATION', errors: [{ path: '/query/titles' }] });
    }
  });
});
