import type { Entity, Field, Label } from '../generated/metadata.js';

/**
 * Built-in entities every Cardo application has (DESIGN.md §4). They are declared in the
 * same shape as metadata entities, so validation, the record API and the UI treat them alike;
 * their names start with sys_ so they never clash with an application's entities.
 */
const l = (en: string, ru: string): Label => ({ en, ru });

function entity(name: string, label: Label, pluralLabel: Label, titleField: string, fields: Field[]): Entity {
  return {
    name,
    label,
    pluralLabel,
    titleField,
    fields,
    form: { tabs: [{ name: 'main', label: l('Main', 'Основное'), sections: [{ name: 'main', fields: fields.map((f) => f.name) }] }] },
    lists: [{ name: 'all', label: l('All', 'Все'), columns: fields.slice(0, 6).map((f) => f.name) }],
  };
}

export const SYSTEM_ENTITIES: readonly Entity[] = [
  entity('sys_user', l('User', 'Пользователь'), l('Users', 'Пользователи'), 'fullName', [
    { name: 'login', label: l('Login', 'Логин'), type: 'string', required: true, unique: true, maxLength: 64, pattern: '^[a-z][a-z0-9_.-]{1,63}$', searchable: true },
    { name: 'fullName', label: l('Full name', 'ФИО'), type: 'string', required: true, maxLength: 200, searchable: true },
    { name: 'email', label: l('E-mail', 'E-mail'), type: 'email', unique: true },
    { name: 'phone', label: l('Phone', 'Телефон'), type: 'phone' },
    { name: 'position', label: l('Position', 'Должность'), type: 'string', maxLength: 200 },
    { name: 'department', label: l('Department', 'Подразделение'), type: 'reference', target: 'sys_department', onDelete: 'setNull' },
    { name: 'manager', label: l('Manager', 'Руководитель'), type: 'user' },
    { name: 'active', label: l('Active', 'Активен'), type: 'boolean', default: true },
    { name: 'locale', label: l('Language', 'Язык'), type: 'string', maxLength: 10 },
  ]),
  entity('sys_department', l('Department', 'Подразделение'), l('Departments', 'Подразделения'), 'name', [
    { name: 'name', label: l('Name', 'Название'), type: 'string', required: true, maxLength: 200, searchable: true },
    { name: 'parent', label: l('Parent department', 'Вышестоящее подразделение'), type: 'reference', target: 'sys_department', onDelete: 'restrict' },
    { name: 'head', label: l('Head', 'Руководитель'), type: 'user' },
  ]),
  entity('sys_role_assignment', l('Role assignment', 'Назначение роли'), l('Role assignments', 'Назначения ролей'), 'role', [
    { name: 'user', label: l('User', 'Пользователь'), type: 'user', required: true, onDelete: 'cascade' },
    { name: 'role', label: l('Role', 'Роль'), type: 'string', required: true, maxLength: 48 },
  ]),
  entity('sys_substitution', l('Substitution', 'Замещение'), l('Substitutions', 'Замещения'), 'reason', [
    { name: 'absentUser', label: l('Absent user', 'Отсутствующий'), type: 'user', required: true, onDelete: 'cascade' },
    { name: 'deputy', label: l('Deputy', 'Заместитель'), type: 'user', required: true, onDelete: 'cascade' },
    { name: 'from', label: l('From', 'С'), type: 'date', required: true },
    { name: 'to', label: l('To', 'По'), type: 'date', required: true },
    { name: 'reason', label: l('Reason', 'Причина'), type: 'string', maxLength: 500 },
  ]),
  entity('sys_task', l('Task', 'Задача'), l('Tasks', 'Задачи'), 'title', [
    { name: 'title', label: l('Title', 'Название'), type: 'string', required: true, maxLength: 500, searchable: true },
    { name: 'description', label: l('Description', 'Описание'), type: 'text' },
    { name: 'assignee', label: l('Assignee', 'Исполнитель'), type: 'user' },
    { name: 'issuer', label: l('Issuer', 'Постановщик'), type: 'user' },
    { name: 'candidateRole', label: l('Candidate role', 'Роль исполнителей'), type: 'string', maxLength: 48 },
    { name: 'candidateDepartment', label: l('Candidate department', 'Подразделение исполнителей'), type: 'reference', target: 'sys_department', onDelete: 'setNull' },
    { name: 'dueAt', label: l('Due', 'Срок'), type: 'datetime' },
    {
      name: 'status',
      label: l('Status', 'Статус'),
      type: 'enum',
      default: 'open',
      options: [
        { value: 'open', label: l('Open', 'Открыта'), color: '#1677ff' },
        { value: 'completed', label: l('Completed', 'Выполнена'), color: '#52c41a' },
        { value: 'cancelled', label: l('Cancelled', 'Отменена'), color: '#8c8c8c' },
      ],
    },
    { name: 'outcome', label: l('Outcome', 'Результат'), type: 'string', maxLength: 100 },
    { name: 'comment', label: l('Comment', 'Комментарий'), type: 'text' },
    { name: 'completedAt', label: l('Completed at', 'Выполнена'), type: 'datetime' },
    { name: 'process', label: l('Process', 'Процесс'), type: 'string', maxLength: 100 },
    { name: 'instanceId', label: l('Process instance', 'Экземпляр процесса'), type: 'string', maxLength: 64, hidden: true },
    { name: 'recordEntity', label: l('Record entity', 'Сущность записи'), type: 'string', maxLength: 48 },
    { name: 'recordId', label: l('Record', 'Запись'), type: 'string', maxLength: 64 },
    { name: 'form', label: l('Form', 'Форма'), type: 'string', maxLength: 64, hidden: true },
  ]),
  entity('sys_notification', l('Notification', 'Уведомление'), l('Notifications', 'Уведомления'), 'subject', [
    { name: 'recipient', label: l('Recipient', 'Получатель'), type: 'user', required: true, onDelete: 'cascade' },
    { name: 'subject', label: l('Subject', 'Тема'), type: 'string', required: true, maxLength: 500 },
    { name: 'body', label: l('Text', 'Текст'), type: 'text' },
    { name: 'recordEntity', label: l('Record entity', 'Сущность записи'), type: 'string', maxLength: 48 },
    { name: 'recordId', label: l('Record', 'Запись'), type: 'string', maxLength: 64 },
    { name: 'readAt', label: l('Read at', 'Прочитано'), type: 'datetime' },
    { name: 'emailStatus', label: l('E-mail', 'E-mail'), type: 'string', maxLength: 20 },
  ]),
  entity('sys_link', l('Link', 'Связь'), l('Links', 'Связи'), 'kind', [
    { name: 'fromEntity', label: l('From entity', 'Из сущности'), type: 'string', required: true, maxLength: 48 },
    { name: 'fromId', label: l('From record', 'Из записи'), type: 'string', required: true, maxLength: 64 },
    { name: 'toEntity', label: l('To entity', 'В сущность'), type: 'string', required: true, maxLength: 48 },
    { name: 'toId', label: l('To record', 'В запись'), type: 'string', required: true, maxLength: 64 },
    { name: 'kind', label: l('Kind', 'Вид'), type: 'string', maxLength: 63, default: 'related' },
    { name: 'automatic', label: l('Automatic', 'Автоматическая'), type: 'boolean', default: false },
  ]),
  entity('sys_file', l('File', 'Файл'), l('Files', 'Файлы'), 'name', [
    { name: 'name', label: l('Name', 'Имя'), type: 'string', required: true, maxLength: 255, searchable: true },
    { name: 'mimeType', label: l('Type', 'Тип'), type: 'string', maxLength: 255 },
    { name: 'size', label: l('Size', 'Размер'), type: 'integer', min: 0 },
    { name: 'recordEntity', label: l('Record entity', 'Сущность записи'), type: 'string', maxLength: 48 },
    { name: 'recordId', label: l('Record', 'Запись'), type: 'string', maxLength: 64 },
    { name: 'storageKey', label: l('Storage key', 'Ключ хранилища'), type: 'string', maxLength: 255, hidden: true },
  ]),
  entity('sys_audit', l('Audit entry', 'Запись журнала'), l('Audit log', 'Журнал аудита'), 'action', [
    { name: 'recordEntity', label: l('Entity', 'Сущность'), type: 'string', required: true, maxLength: 48 },
    { name: 'recordId', label: l('Record', 'Запись'), type: 'string', required: true, maxLength: 64 },
    { name: 'action', label: l('Action', 'Действие'), type: 'string', required: true, maxLength: 20 },
    { name: 'actor', label: l('By', 'Кем'), type: 'user' },
    { name: 'onBehalfOf', label: l('On behalf of', 'От имени'), type: 'user' },
    { name: 'changes', label: l('Changes', 'Изменения'), type: 'text' },
    { name: 'automation', label: l('By automation', 'Автоматизация'), type: 'string', maxLength: 100 },
  ]),
  entity('sys_metadata_version', l('Metadata version', 'Версия метаданных'), l('Metadata versions', 'Версии метаданных'), 'hash', [
    { name: 'hash', label: l('Content hash', 'Хэш'), type: 'string', required: true, maxLength: 64 },
    { name: 'plan', label: l('Applied changes', 'Применённые изменения'), type: 'text' },
  ]),
];

/** Fields every record has; metadata never declares them. */
export const SYSTEM_FIELDS: readonly Field[] = [
  { name: 'id', label: l('ID', 'ID'), type: 'string', readOnly: true },
  { name: 'createdAt', label: l('Created', 'Создано'), type: 'datetime', readOnly: true },
  { name: 'updatedAt', label: l('Updated', 'Изменено'), type: 'datetime', readOnly: true },
  { name: 'createdBy', label: l('Created by', 'Создал'), type: 'user', readOnly: true },
  { name: 'updatedBy', label: l('Updated by', 'Изменил'), type: 'user', readOnly: true },
  { name: 'owner', label: l('Owner', 'Ответственный'), type: 'user' },
  { name: 'version', label: l('Version', 'Версия'), type: 'integer', readOnly: true },
];
