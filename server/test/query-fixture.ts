// Shared by the query-*.test.ts files: the CRM model plus "probe", an entity with one field
// of every stored type, so each operator meets each kind of column.
import { toEntityModel } from '../src/compile/compile.js';
import type { CompiledModel, EntityModel } from '../src/compile/compile.js';
import type { Entity, ListView } from '../src/generated/metadata.js';
import { loadTestModel } from './helpers/app-db.js';

const l = (en: string, ru: string) => ({ en, ru });

export const NOW = new Date('2024-05-15T10:30:00.000Z');
export const ME = '0190a5b4-7c3e-7d2a-9f10-00000000000a';
export const OTHER_USER = '0190a5b4-7c3e-7d2a-9f10-00000000000b';

export const PROBE_VIEW: ListView = {
  name: 'all',
  label: l('All', 'Все'),
  columns: ['name', 'status', 'counterparty'],
  sort: 'name',
  pageSize: 20,
  quickFilters: [
    { name: 'mine', label: l('Mine', 'Мои'), filter: { responsible: '$me' } },
    { name: 'open', label: l('Open', 'Открытые'), filter: { status: 'open' } },
  ],
  groupBy: ['due'],
  colorRules: [
    { when: { 'counterparty.status': 'blacklisted' }, color: '#f5222d', label: l('Blacklisted client', 'Клиент в чёрном списке') },
    { when: { due: { $lt: '$today' }, status: { $ne: 'won' } }, color: '#fa8c16', label: l('Overdue', 'Просрочено') },
    { when: { $or: [{ tags: { $contains: 'vip' } }, { price: { $gte: 1000 } }] }, color: '#faad14', label: l('Important', 'Важное') },
    { when: { $not: { status: { $in: ['won', 'lost'] } } }, color: '#1677ff', label: l('In progress', 'В работе') },
  ],
};

export const PROBE: Entity = {
  name: 'probe',
  label: l('Probe', 'Проба'),
  pluralLabel: l('Probes', 'Пробы'),
  titleField: 'name',
  fields: [
    { name: 'name', label: l('Name', 'Имя'), type: 'string', required: true, maxLength: 100, searchable: true },
    { name: 'notes', label: l('Notes', 'Заметки'), type: 'text', searchable: true },
    { name: 'code', label: l('Code', 'Код'), type: 'string', maxLength: 100 },
    { name: 'email', label: l('E-mail', 'E-mail'), type: 'email' },
    { name: 'qty', label: l('Quantity', 'Количество'), type: 'integer' },
    { name: 'price', label: l('Price', 'Цена'), type: 'money' },
    { name: 'ratio', label: l('Ratio', 'Коэффициент'), type: 'decimal' },
    { name: 'share', label: l('Share', 'Доля'), type: 'percent' },
    { name: 'active', label: l('Active', 'Активна'), type: 'boolean' },
    { name: 'due', label: l('Due', 'Срок'), type: 'date' },
    { name: 'at', label: l('At', 'Время'), type: 'datetime' },
    {
      name: 'status',
      label: l('Status', 'Статус'),
      type: 'enum',
      options: [
        { value: 'open', label: l('Open', 'Открыта') },
        { value: 'won', label: l('Won', 'Выиграна') },
        { value: 'lost', label: l('Lost', 'Проиграна') },
      ],
    },
    {
      name: 'tags',
      label: l('Tags', 'Метки'),
      type: 'multiEnum',
      options: [
        { value: 'vip', label: l('VIP', 'VIP') },
        { value: 'new', label: l('New', 'Новый') },
        { value: 'old', label: l('Old', 'Старый') },
      ],
    },
    { name: 'counterparty', label: l('Counterparty', 'Контрагент'), type: 'reference', target: 'counterparty', onDelete: 'setNull' },
    { name: 'interaction', label: l('Interaction', 'Взаимодействие'), type: 'reference', target: 'interaction', onDelete: 'setNull' },
    { name: 'responsible', label: l('Responsible', 'Ответственный'), type: 'user' },
    { name: 'phase', label: l('Phase', 'Фаза'), type: 'stage' },
    { name: 'doubled', label: l('Doubled', 'Удвоено'), type: 'formula', expression: 'price * 2', resultType: 'money' },
  ],
  stages: [
    { value: 'lead', label: l('Lead', 'Лид'), probability: 10 },
    { value: 'deal', label: l('Deal', 'Сделка'), probability: 50 },
    { value: 'closed', label: l('Closed', 'Закрыта'), probability: 100, outcome: 'won' },
  ],
  form: { tabs: [{ name: 'main', label: l('Main', 'Основное'), sections: [{ name: 'main', fields: ['name'] }] }] },
  lists: [PROBE_VIEW, { name: 'bare', label: l('Bare', 'Пустой'), columns: ['name'] }],
} as Entity;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of value instanceof Map ? [...value.values()] : Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** The CRM model with the probe entity added, frozen like a compiled model. */
export async function probeModel(): Promise<{ model: CompiledModel; probe: EntityModel }> {
  const crm = await loadTestModel();
  const probe = toEntityModel(PROBE, false);
  const model = deepFreeze({ ...crm, entities: new Map([...crm.entities, ['probe', probe]]) }) as CompiledModel;
  return { model, probe };
}

export function entityOf(model: CompiledModel, name: string): EntityModel {
  const entity = model.entities.get(name);
  if (!entity) throw new Error(`no entity ${name}`);
  return entity;
}
