import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import { validateMetadataDir } from '../src/metadata/validate.js';
import { APPROVAL_BPMN, docx, minimalMetadata, writeFixture, type FixtureFiles } from './helpers/metadata-fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited freely, the validator judges them
type Json = any;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function problemsOf(files: FixtureFiles) {
  const dir = await writeFixture(files);
  dirs.push(dir);
  return (await validateMetadataDir(dir)).problems;
}

function edit(mutate: (files: Record<string, Json>) => void): FixtureFiles {
  const files = minimalMetadata() as Record<string, Json>;
  mutate(files);
  return files;
}

const client = 'entities/client.json';
const order = 'entities/order.json';
const reminder = 'notifications/meeting-reminder.json';
const bpmn = 'workflows/approval.bpmn';

describe('validateMetadataDir', () => {
  it('accepts the minimal application', async () => {
    expect(await problemsOf(minimalMetadata())).toEqual([]);
  });

  // Each case breaks one thing and expects exactly these problems: [file, pointer, code].
  const cases: Array<[string, FixtureFiles, Array<[string, string, string]>]> = [
    ['unknown field type', edit((f) => (f[client].fields[0].type = 'varchar')), [[client, '/fields/0/type', 'CARDO_ERR_META_SCHEMA']]],
    ['reference to a missing entity', edit((f) => (f[order].fields[1].target = 'customer')), [[order, '/fields/1/target', 'CARDO_ERR_META_UNKNOWN_ENTITY']]],
    ['color rule on a missing field', edit((f) => (f[client].lists[0].colorRules[0].when = { colour: 'red' })), [[client, '/lists/0/colorRules/0/when/colour', 'CARDO_ERR_META_UNKNOWN_FIELD']]],
    ['stage without probability', edit((f) => delete f[order].stages[0].probability), [[order, '/stages/0', 'CARDO_ERR_META_SCHEMA']]],
    ['probability 140', edit((f) => (f[order].stages[1].probability = 140)), [[order, '/stages/1/probability', 'CARDO_ERR_META_SCHEMA']]],
    ['duplicate rule on a missing field', edit((f) => (f[client].duplicateRules[0].fields = ['mobile'])), [[client, '/duplicateRules/0/fields/0', 'CARDO_ERR_META_UNKNOWN_FIELD']]],
    ['bad ISO-8601 offset', edit((f) => (f[reminder].trigger.offset = '-30 minutes')), [[reminder, '/trigger/offset', 'CARDO_ERR_META_SCHEMA']]],
    ['BPMN with an unknown cardo: role', edit((f) => (f[bpmn] = APPROVAL_BPMN.replace('cardo:candidateRole="lawyer"', 'cardo:candidateRole="notary"'))), [[bpmn, '/Task_Review/cardo:candidateRole', 'CARDO_ERR_META_UNKNOWN_ROLE']]],
    ['malformed JSON', edit((f) => (f[client] = '{\n  "name": "client",\n  "label": {"en": "Client",}\n}\n')), [[client, '', 'CARDO_ERR_META_JSON_SYNTAX']]],
    ['a key given twice', edit((f) => (f[client] = JSON.stringify(f[client], null, 2).replace('"name": "client",', '"name": "client",\n  "name": "client",'))), [[client, '/name', 'CARDO_ERR_META_JSON_SYNTAX']]],
    ['stage field without stages', edit((f) => delete f[order].stages), [[order, '/fields/3/type', 'CARDO_ERR_META_STAGES_MISSING']]],
    ['two stage fields', edit((f) => f[order].fields.push({ name: 'phase', label: { en: 'Phase', ru: 'Фаза' }, type: 'stage' })), [[order, '/stages', 'CARDO_ERR_META_STAGE_FIELD']]],
    ['dot path through a non-reference field', edit((f) => (f[client].lists[0].columns[0] = 'name.first')), [[client, '/lists/0/columns/0', 'CARDO_ERR_META_NOT_A_REFERENCE']]],
    ['two entities share a name', edit((f) => (f['entities/customer.json'] = { ...f[client] })), [['entities/customer.json', '/name', 'CARDO_ERR_META_DUPLICATE_NAME'], ['entities/customer.json', '/name', 'CARDO_ERR_META_NAME_MISMATCH']]],
    ['two fields share a name', edit((f) => (f[client].fields[4].name = 'phone')), [[client, '/fields/4/name', 'CARDO_ERR_META_DUPLICATE_NAME'], [client, '/form/tabs/0/sections/0/fields/4', 'CARDO_ERR_META_UNKNOWN_FIELD']]],
    ['a system field declared', edit((f) => f[client].fields.push({ name: 'owner', label: { en: 'Owner', ru: 'Владелец' }, type: 'user' })), [[client, '/fields/5/name', 'CARDO_ERR_META_SYSTEM_FIELD']]],
    ['recipient role that does not exist', edit((f) => (f[reminder].recipients[2] = 'role:director')), [[reminder, '/recipients/2', 'CARDO_ERR_META_UNKNOWN_ROLE']]],
    ['recipient field that is not a user', edit((f) => (f[reminder].recipients[1] = 'field:title')), [[reminder, '/recipients/1', 'CARDO_ERR_META_UNKNOWN_RECIPIENT']]],
    ['unknown condition operator', edit((f) => (f[order].lists[0].filter = { title: { $like: 'x%' } })), [[order, '/lists/0/filter/title/$like', 'CARDO_ERR_META_SCHEMA']]],
    ['enum value not among the options', edit((f) => (f[client].lists[0].colorRules[0].when = { status: 'archived' })), [[client, '/lists/0/colorRules/0/when/status', 'CARDO_ERR_META_UNKNOWN_VALUE']]],
    ['ordering operator on a boolean', edit((f) => (f[client].lists[0].quickFilters[0].filter = { vip: { $gt: 1 } })), [[client, '/lists/0/quickFilters/0/filter/vip/$gt', 'CARDO_ERR_META_CONDITION_OPERATOR']]],
    ['placeholder naming a missing field', edit((f) => (f[reminder].subject.en = 'Meeting with {{client.fullName}}')), [[reminder, '/subject/en', 'CARDO_ERR_META_UNKNOWN_FIELD']]],
    ['unclosed placeholder', edit((f) => (f[reminder].subject.ru = 'Встреча {{title')), [[reminder, '/subject/ru', 'CARDO_ERR_META_TEMPLATE']]],
    ['formula that does not parse', edit((f) => (f[order].fields[5].expression = 'amount * ')), [[order, '/fields/5/expression', 'CARDO_ERR_META_EXPRESSION']]],
    ['formula over a missing field', edit((f) => (f[order].fields[5].expression = 'price * 2')), [[order, '/fields/5/expression', 'CARDO_ERR_META_UNKNOWN_FIELD']]],
    ['setField target that is not a reference', edit((f) => (f['automations/order-won.json'].do[0].target = 'title')), [['automations/order-won.json', '/do/0/target', 'CARDO_ERR_META_FIELD_TYPE']]],
    ['automation starting a missing workflow', edit((f) => (f['automations/order-won.json'].do[3].process = 'sign-off')), [['automations/order-won.json', '/do/3/process', 'CARDO_ERR_META_UNKNOWN_WORKFLOW']]],
    ['calendar starting at a text field', edit((f) => (f['calendars/meetings.json'].sources[0].start = 'title')), [['calendars/meetings.json', '/sources/0/start', 'CARDO_ERR_META_FIELD_TYPE']]],
    ['calendar category that does not exist', edit((f) => (f['calendars/meetings.json'].sources[0].category = 'call')), [['calendars/meetings.json', '/sources/0/category', 'CARDO_ERR_META_UNKNOWN_CATEGORY']]],
    ['sum over a text field', edit((f) => (f['reports/orders-by-stage.json'].measures[1].field = 'title')), [['reports/orders-by-stage.json', '/measures/1/field', 'CARDO_ERR_META_FIELD_TYPE']]],
    ['menu naming a missing entity', edit((f) => (f['app.json'].menu[0].items[0].entity = 'lead')), [['app.json', '/menu/0/items/0/entity', 'CARDO_ERR_META_UNKNOWN_ENTITY']]],
    ['menu naming a missing report', edit((f) => (f['app.json'].menu[0].items[3].report = 'revenue')), [['app.json', '/menu/0/items/3/report', 'CARDO_ERR_META_UNKNOWN_REPORT']]],
    ['permission for a missing entity', edit((f) => (f['roles.json'].roles[1].permissions.contract = { read: 'all' })), [['roles.json', '/roles/1/permissions/contract', 'CARDO_ERR_META_UNKNOWN_ENTITY']]],
    ['field rule on a missing field', edit((f) => (f['roles.json'].roles[0].permissions.client.fields = { inn: 'hidden' })), [['roles.json', '/roles/0/permissions/client/fields/inn', 'CARDO_ERR_META_UNKNOWN_FIELD']]],
    ['default that is not an option', edit((f) => (f[client].fields[3].default = 'vip')), [[client, '/fields/3/default', 'CARDO_ERR_META_DEFAULT']]],
    ['label without the default locale', edit((f) => (f[client].label = { en: 'Client' })), [[client, '/label', 'CARDO_ERR_META_LOCALE']]],
    ['unknown property', edit((f) => (f[client].colour = '#fff')), [[client, '/colour', 'CARDO_ERR_META_SCHEMA']]],
    ['min greater than max', edit((f) => (f[order].fields[2].max = -1)), [[order, '/fields/2/min', 'CARDO_ERR_META_RANGE']]],
    ['template without its .docx', edit((f) => delete f['templates/offer.docx']), [['templates/offer.json', '', 'CARDO_ERR_META_TEMPLATE_FILE']]],
    ['.docx placeholder naming a missing field', edit((f) => (f['templates/offer.docx'] = docx(['Dear {{client.contactName}}']))), [['templates/offer.docx', '', 'CARDO_ERR_META_UNKNOWN_FIELD']]],
    ['.docx that is not a Word file', edit((f) => (f['templates/offer.docx'] = 'plain text')), [['templates/offer.docx', '', 'CARDO_ERR_META_DOCX']]],
    ['BPMN that is not XML', edit((f) => (f[bpmn] = APPROVAL_BPMN.replace('<bpmn:endEvent id="End" />', '<bpmn:endEvent id="End"'))), [[bpmn, '', 'CARDO_ERR_META_BPMN']]],
    ['BPMN with an unknown cardo: attribute', edit((f) => (f[bpmn] = APPROVAL_BPMN.replace('cardo:due="P3D"', 'cardo:deadline="P3D"'))), [[bpmn, '/Task_Review', 'CARDO_ERR_META_BPMN_ATTRIBUTE']]],
    ['BPMN bound to a missing entity', edit((f) => (f[bpmn] = APPROVAL_BPMN.replace('cardo:entity="order"', 'cardo:entity="invoice"'))), [[bpmn, '/Process_1/cardo:entity', 'CARDO_ERR_META_UNKNOWN_ENTITY']]],
    ['BPMN task form naming a missing tab', edit((f) => (f[bpmn] = APPROVAL_BPMN.replace('cardo:form="main"', 'cardo:form="approval"'))), [[bpmn, '/Task_Review/cardo:form', 'CARDO_ERR_META_UNKNOWN_TAB']]],
    ['gateway condition that does not parse', edit((f) => (f[bpmn] = APPROVAL_BPMN.replace("outcome == 'approve'", 'outcome === ('))), [[bpmn, '/Flow_Approve/conditionExpression', 'CARDO_ERR_META_EXPRESSION']]],
    ['a file that is not metadata', edit((f) => (f['entities/notes.txt'] = 'hello')), [['entities/notes.txt', '', 'CARDO_ERR_META_UNKNOWN_FILE']]],
    ['related tab via a field that points elsewhere', edit((f) => (f[client].form.tabs[1].via = 'responsible')), [[client, '/form/tabs/1/via', 'CARDO_ERR_META_FIELD_TYPE']]],
    ['$schema of another kind', edit((f) => (f[client].$schema = '../../server/schema/report.schema.json')), [[client, '/$schema', 'CARDO_ERR_META_SCHEMA_REF']]],
    ['no app.json', edit((f) => delete f['app.json']), [['app.json', '', 'CARDO_ERR_META_MISSING_APP']]],
  ];

  it.each(cases)('%s', async (_name, files, expected) => {
    const problems = await problemsOf(files);
    expect(problems.map((p) => [p.file, p.pointer, p.code])).toEqual(expected);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const [problem] = await problemsOf(edit((f) => (f[client] = '{\n  "name": "client",\n  "label": {"en": "Client",}\n}\n')));
    expect(problem).toMatchObject({ line: 3, column: 28, code: 'CARDO_ERR_META_JSON_SYNTAX' });
    expect(problem?.message).toMatch(/^line 3, column 28: /);
  });

  it('reports every problem of every file at once', async () => {
    const problems = await problemsOf(
      edit((f) => {
        f[client].fields[0].type = 'varchar';
        f[order].fields[1].target = 'customer';
        f[reminder].trigger.offset = 'soon';
      }),
    );
    expect(problems.map((p) => p.file)).toEqual([client, order, reminder]);
  });
});
