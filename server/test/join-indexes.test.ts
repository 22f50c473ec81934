import { describe, expect, it } from '@jest/globals';
import type { EntityModel } from '../src/compile/compile.js';
import { entityIndexes, joinedFilterFields } from '../src/orm/entity-schemas.js';
import { loadTestModel } from './helpers/app-db.js';

describe('indexes for list filters through a reference', () => {
  it('gives a field other lists filter on through a join a (field, id) index instead of (field)', async () => {
    const model = await loadTestModel();
    const joined = joinedFilterFields(model);
    // The contact list's quick filter key_clients reads {"counterparty.status": "key"}.
    expect(joined.get('counterparty')).toEqual(new Set(['status']));
    const counterparty = model.entities.get('counterparty') as EntityModel;
    const names = (specs: ReturnType<typeof entityIndexes>) => specs.map((s) => s.name);
    const withJoin = entityIndexes(counterparty, joined.get('counterparty'));
    expect(names(withJoin)).toContain('counterparty_status__id_idx');
    expect(names(withJoin)).not.toContain('counterparty_status_idx');
    expect(withJoin.find((s) => s.name === 'counterparty_status__id_idx')?.sql('"counterparty"')).toBe('create index "counterparty_status__id_idx" on "counterparty" ("status", "id")');
    // Without such a filter the field keeps its plain index.
    expect(names(entityIndexes(counterparty))).toContain('counterparty_status_idx');
    expect(names(entityIndexes(counterparty))).not.toContain('counterparty_status__id_idx');
  });

  it('follows every hop of a longer path and ignores paths that do not resolve', async () => {
    const model = await loadTestModel();
    const contact = model.entities.get('contact') as EntityModel;
    const list = { ...contact.lists[0]!, quickFilters: [{ name: 'deep', label: { en: 'Deep' }, filter: { $or: [{ 'counterparty.owner.department': 'x' }, { 'counterparty.nope.x': 1 }] } }] };
    const entities = new Map(model.entities);
    entities.set('contact', { ...contact, lists: [list] });
    const joined = joinedFilterFields({ ...model, entities });
    expect(joined.get('counterparty')).toEqual(new Set(['owner']));
    expect(joined.get('sys_user')).toEqual(new Set(['department']));
  });
});

describe('indexes a composite already covers', () => {
  it('gives a reference no index of its own when a composite index starts with it', async () => {
    const model = await loadTestModel();
    const names = (entity: string) => entityIndexes(model.entities.get(entity) as EntityModel).map((s) => s.name);
    // counterparty's list views give (owner, brand, id): owner alone is answered from it.
    expect(names('counterparty')).toContain('counterparty_owner__brand__id_idx');
    expect(names('counterparty')).not.toContain('counterparty_owner_idx');
    // A reference no composite starts with keeps its index (deal → counterparty).
    expect(names('deal')).toContain('deal_counterparty_idx');
  });
});

describe('indexes for what is read per record', () => {
  it.each(['sys_audit', 'sys_task', 'sys_notification', 'sys_file'])('gives %s a (record entity, record id, created at) index, so a history is not a table scan', async (name) => {
    const model = await loadTestModel();
    const entity = model.entities.get(name) as EntityModel;
    const spec = entityIndexes(entity).find((s) => s.column === 'record_entity,record_id,created_at');
    expect(spec?.sql(`"${name}"`)).toBe(`create index "${spec?.name}" on "${name}" ("record_entity", "record_id", "created_at")`);
  });
});
