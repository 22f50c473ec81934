/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import PizZip from 'pizzip';
import { validateMetadataDir } from '../src/metadata/validate.js';
import { createOrgUser } from './helpers/access-org.js';
import { loadTestModel } from './helpers/app-db.js';
import { minimalMetadata, writeFixture, type FixtureFiles } from './helpers/metadata-fixture.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The template language on a small application: tags split across Word runs, optional values,
 * sections, a table row repeated per related record; the checks `cardo validate` makes; and the
 * workflow service task that generates a document.
 */

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const run = (text: string, bold = false) => `<w:r>${bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${text}</w:t></w:r>`;
const cell = (...runs: string[]) => `<w:tc><w:p>${runs.join('')}</w:p></w:tc>`;

/** A Word document from body XML (paragraphs and tables). */
function docxOf(body: string): Buffer {
  const zip = new PizZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`);
  return zip.generate({ type: 'nodebuffer' }) as Buffer;
}

// As Word saves text after editing: placeholders broken into runs, part of one bold.
const LETTER = docxOf(
  [
    `<w:p>${run('Dear {{na')}${run('m', true)}${run('e}}, phone {{pho')}${run('ne?}}.')}</w:p>`,
    `<w:p>${run('{{#vip}}')}${run('Our VIP client since {{createdAt}}.')}${run('{{/vip}}')}</w:p>`,
    `<w:p>${run('{{^vip}}Not a VIP yet.{{/vip}}')}</w:p>`,
    `<w:tbl><w:tr>${cell(run('Order'))}${cell(run('Amount'))}${cell(run('Stage'))}</w:tr>`,
    `<w:tr>${cell(run('{{#orders}}{{ti'), run('tle}}'))}${cell(run('{{amount}}'))}${cell(run('{{stage}} ({{client.name}}){{/orders}}'))}</w:tr></w:tbl>`,
    `<w:p>${run('Responsible: {{owner.fullName}}')}</w:p>`,
  ].join(''),
);

const GENERATE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cardo="https://cardo.dev/schema/bpmn" id="d" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="order_offer" isExecutable="true" cardo:entity="order" cardo:startOn="manual">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="offer" />
    <bpmn:serviceTask id="offer" name="Make the offer" cardo:action="generateDocument" cardo:template="offer" />
    <bpmn:sequenceFlow id="f2" sourceRef="offer" targetRef="won" />
    <bpmn:serviceTask id="won" name="Won" cardo:action="setField" cardo:field="stage" cardo:value="'won'" />
    <bpmn:sequenceFlow id="f3" sourceRef="won" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
`;

function fixture(): FixtureFiles {
  const files = minimalMetadata();
  files['templates/letter.json'] = { $schema: '../../server/schema/template.schema.json', label: { en: 'Letter', ru: 'Письмо' }, entity: 'client', fileName: 'Letter to {{name}}' };
  files['templates/letter.docx'] = LETTER;
  files['workflows/order-offer.bpmn'] = GENERATE_BPMN;
  (files['roles.json'] as { roles: unknown[] }).roles.push({ name: 'administrator', label: { en: 'Administrator', ru: 'Администратор' }, permissions: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } });
  return files;
}

function paragraphsOf(bytes: Buffer): string[] {
  const xml = new PizZip(bytes).file('word/document.xml')?.asText() ?? '';
  return (xml.match(/<w:p[\s>][\s\S]*?<\/w:p>/g) ?? []).map((p) => [...p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));
}

async function problemsOf(files: FixtureFiles): Promise<Array<[string, string, string]>> {
  const { problems } = await validateMetadataDir(await writeFixture(files));
  return problems.map((p) => [p.file, p.code, p.message]);
}

describe('cardo validate: document templates', () => {
  it('accepts the fixture with loops, sections, optional values and the generateDocument task', async () => {
    expect(await problemsOf(fixture())).toEqual([]);
  });

  it.each([
    ['an unclosed tag', ['<w:p>', run('Dear {{name'), '</w:p>'], 'CARDO_ERR_META_TEMPLATE', 'unclosed'],
    ['a loop that is not closed', ['<w:p>', run('{{#orders}}{{title}}'), '</w:p>'], 'CARDO_ERR_META_TEMPLATE', 'orders'],
    ['a field the entity lacks', ['<w:p>', run('{{nam'), run('e2}}'), '</w:p>'], 'CARDO_ERR_META_UNKNOWN_FIELD', 'name2'],
    ['a list the entity lacks', ['<w:p>', run('{{#invoices}}x{{/invoices}}'), '</w:p>'], 'CARDO_ERR_META_UNKNOWN_FIELD', 'invoices'],
    ['a field the listed records lack', ['<w:tbl><w:tr>', cell(run('{{#orders}}{{weight}}{{/orders}}')), '</w:tr></w:tbl>'], 'CARDO_ERR_META_UNKNOWN_FIELD', 'weight'],
    ['a path through a field that is not a reference', ['<w:p>', run('{{phone.country}}'), '</w:p>'], 'CARDO_ERR_META_NOT_A_REFERENCE', 'phone'],
    ['raw XML insertion', ['<w:p>', run('{{@name}}'), '</w:p>'], 'CARDO_ERR_META_TEMPLATE', 'not supported'],
  ])('reports %s in the .docx', async (_name, body, code, words) => {
    const files = fixture();
    files['templates/letter.docx'] = docxOf(body.join(''));
    const problems = await problemsOf(files);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.slice(0, 2)).toEqual(['templates/letter.docx', code]);
    expect(problems[0]?.[2]).toContain(words);
  });

  it.each([
    ['an unknown template', 'cardo:template="offer"', 'cardo:template="invoice"', 'CARDO_ERR_META_UNKNOWN_TEMPLATE'],
    ['a template of another entity', 'cardo:template="offer"', 'cardo:template="letter"', 'CARDO_ERR_META_UNKNOWN_TEMPLATE'],
    ['no template', ' cardo:template="offer"', '', 'CARDO_ERR_META_BPMN_ATTRIBUTE'],
  ])('reports a generateDocument task naming %s', async (_name, from, to, code) => {
    const files = fixture();
    files['workflows/order-offer.bpmn'] = GENERATE_BPMN.replace(from, to);
    expect((await problemsOf(files)).map((p) => p.slice(0, 2))).toEqual([['workflows/order-offer.bpmn', code]]);
  });
});

describe('generating from the fixture', () => {
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    t = await createTestApp({ model: await loadTestModel(await writeFixture(fixture())) });
    const created = await t.as('doc.admin', { method: 'POST', url: '/api/data/client', payload: { name: 'Acme & Sons', vip: true } });
    clientId = (created.json() as { id: string }).id;
    for (const [title, amount] of [['First <order>', 1500], ['Second', 20.5]] as const) {
      const r = await t.as('doc.admin', { method: 'POST', url: '/api/data/order', payload: { title, client: clientId, amount } });
      expect(r.statusCode).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  it('fills tags split across runs, sections and one table row per related record, escaping text', async () => {
    const r = await t.as('doc.admin', { method: 'POST', url: '/api/documents/generate', payload: { template: 'letter', entity: 'client', id: clientId, locale: 'en' } });
    expect(r.statusCode).toBe(201);
    const body = r.json() as any;
    expect(body).toMatchObject({ attachedTo: null, file: { name: 'Letter to Acme & Sons.docx' } });
    const file = await t.as('doc.admin', { method: 'GET', url: body.file.url });
    const xml = new PizZip(file.rawPayload).file('word/document.xml')?.asText() ?? '';
    expect(xml).toContain('Acme &amp; Sons');
    expect(xml).toContain('First &lt;order&gt;');
    const text = paragraphsOf(file.rawPayload);
    expect(text[0]).toBe('Dear Acme &amp; Sons, phone .');
    expect(text[1]).toMatch(/^Our VIP client since [A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2}\s?[AP]M\.$/);
    expect(text).not.toContain('Not a VIP yet.');
    expect(text).toEqual(expect.arrayContaining(['First &lt;order&gt;', '1,500.00', 'Open (Acme &amp; Sons)', 'Second', '20.50', 'Responsible: Test doc.admin']));
    const history = await t.as('doc.admin', { method: 'GET', url: `/api/data/client/${clientId}/history` });
    expect((history.json() as any).items[0]).toMatchObject({ action: 'generate', changes: { document: { to: { template: 'letter', file: body.file.id } } } });
  });

  it('runs the generateDocument service task of a workflow in the step\'s transaction', async () => {
    const user = await createOrgUser(t.db, 'doc.lawyer', ['lawyer']);
    const order = await t.as('doc.admin', { method: 'POST', url: '/api/data/order', payload: { title: 'Boxes', client: clientId, amount: 99 } });
    const orderId = (order.json() as { id: string }).id;
    const started = await t.app.inject({ method: 'POST', url: '/api/workflows/order-offer/start', headers: { authorization: `Bearer ${user.token}` }, payload: { entity: 'order', id: orderId } });
    expect(started.statusCode).toBe(201);
    expect((started.json() as any).status).toBe('completed');
    const files = await t.db.query<{ id: string; name: string; created_by: string }>('SELECT id::text AS id, name, created_by::text AS created_by FROM sys_file WHERE record_entity = $1 AND record_id = $2', ['order', orderId]);
    expect(files).toEqual([{ id: expect.any(String), name: 'Offer Boxes.docx', created_by: user.id }]);
    const [content] = await t.db.query<{ content: Uint8Array }>('SELECT content FROM sys_file_content WHERE file_id = $1', [files[0]?.id]);
    expect(paragraphsOf(Buffer.from(content?.content ?? []))).toContain('For Acme &amp; Sons: Boxes, 99,00 RUB');
    // The step after it wrote on top of the record as it was then.
    const after = await t.as('doc.admin', { method: 'GET', url: `/api/data/order/${orderId}` });
    expect((after.json() as any).stage).toBe('won');
    const [audit] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sys_audit WHERE record_id = $1 AND action = 'generate' AND actor = $2`, [orderId, user.id]);
    expect(audit?.n).toBe(1);
  });

  it('a workflow whose document lacks values stops with nothing written', async () => {
    const user = await createOrgUser(t.db, 'doc.lawyer2', ['lawyer']);
    // No client: {{client.name}} has no value.
    const order = await t.as('doc.admin', { method: 'POST', url: '/api/data/order', payload: { title: 'Loose', amount: 1 } });
    const orderId = (order.json() as { id: string }).id;
    const started = await t.app.inject({ method: 'POST', url: '/api/workflows/order-offer/start', headers: { authorization: `Bearer ${user.token}` }, payload: { entity: 'order', id: orderId } });
    expect(started.statusCode).toBe(422);
    expect((started.json() as any).code).toBe('CARDO_ERR_DOCUMENT_MISSING_VALUES');
    expect(await t.db.query('SELECT id FROM sys_file WHERE record_id = $1', [orderId])).toEqual([]);
    expect(await t.db.query('SELECT id FROM wf_instance WHERE record_id = $1', [orderId])).toEqual([]);
  });
});
