import { Button, Checkbox, Form, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography, type ButtonProps } from 'antd';
import { useState } from 'react';
import { At, EditorShell, useProblemsAt } from '../editors/EditorShell.js';
import { omit, removeAt, replaceAt } from '../editors/edits.js';
import { SYSTEM_ENTITY_NAMES } from '../editors/entity-fields.js';
import { pointerOf } from '../editors/problems.js';
import { useMetadataFile } from '../editors/use-metadata-file.js';
import { LabelInputs } from '../entity/LabelInputs.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Role, Roles, Scope } from '../types.js';
import { matrixEntities, newRole, OPERATIONS, roleNameProblem, SCOPES, setFlag, setScope, type Operation } from './roles-edit.js';

/** The role matrix: roles (label, studio / admin flags, reports) and their scopes per entity and operation. */
export function RolesEditor() {
  const { t } = useI18n();
  const file = useMetadataFile<Roles>('roles.json');
  return (
    <EditorShell file={file} testId="roles-editor" title={t('explorer.roles')}>
      {(roles) => <RolesForm roles={roles} onChange={file.change} />}
    </EditorShell>
  );
}

function RolesForm({ roles, onChange }: { roles: Roles; onChange(next: Roles): void }) {
  const { t, label } = useI18n();
  const { files, locales } = useSession();
  const [name, setName] = useState('');
  const nameProblem = name === '' ? null : roleNameProblem(roles, name);
  const setRole = (i: number, role: Role) => onChange({ ...roles, roles: replaceAt(roles.roles, i, role) });
  const entities = matrixEntities(roles, [...files.filter((f) => f.kind === 'entity').map((f) => f.name), ...SYSTEM_ENTITY_NAMES]);
  const reports = ['*', ...files.filter((f) => f.kind === 'report').map((f) => f.name)];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Table<Role>
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={roles.roles}
        data-testid="roles-table"
        columns={[
          { title: t('editor.name'), dataIndex: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          {
            title: t('editor.label'),
            render: (_, role, i) => (
              <At pointer={pointerOf('roles', i, 'label')} deep>
                <LabelInputs value={role.label} onChange={(l) => setRole(i, { ...role, label: l })} locales={locales} testId={`role-label-${role.name}`} />
              </At>
            ),
          },
          {
            title: t('roles.flags'),
            render: (_, role, i) => (
              <Space orientation="vertical" size={0}>
                <Checkbox checked={role.studio === true} onChange={(e) => setRole(i, setFlag(role, 'studio', e.target.checked))} data-testid={`role-studio-${role.name}`}>
                  {t('roles.studio')}
                </Checkbox>
                <Checkbox checked={role.admin === true} onChange={(e) => setRole(i, setFlag(role, 'admin', e.target.checked))} data-testid={`role-admin-${role.name}`}>
                  {t('roles.admin')}
                </Checkbox>
              </Space>
            ),
          },
          {
            title: t('roles.reports'),
            render: (_, role, i) => (
              <At pointer={pointerOf('roles', i, 'reports')} deep>
                <Select mode="multiple" value={role.reports ?? []} options={reports.map((r) => ({ value: r, label: r === '*' ? t('roles.allReports') : r }))} onChange={(next: string[]) => setRole(i, next.length > 0 ? { ...role, reports: next } : omit(role, 'reports'))} style={{ minWidth: 220 }} data-testid={`role-reports-${role.name}`} />
              </At>
            ),
          },
          {
            title: '',
            render: (_, role, i) => (
              <Popconfirm title={t('roles.removeConfirm', { name: role.name })} onConfirm={() => onChange({ ...roles, roles: removeAt(roles.roles, i) })} okButtonProps={{ 'data-testid': 'role-remove-confirm' } as ButtonProps}>
                <Button size="small" danger disabled={roles.roles.length === 1} data-testid={`role-remove-${role.name}`}>
                  {t('common.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Space align="start">
        <Form.Item validateStatus={nameProblem ? 'error' : undefined} help={nameProblem === 'taken' ? t('roles.nameTaken') : t('roles.nameRule')} style={{ marginBottom: 8 }}>
          <Input value={name} placeholder={t('roles.newName')} onChange={(e) => setName(e.target.value)} style={{ width: 240 }} data-testid="role-new-name" />
        </Form.Item>
        <Button
          disabled={name === '' || nameProblem !== null}
          onClick={() => {
            onChange({ ...roles, roles: [...roles.roles, newRole(name, locales)] });
            setName('');
          }}
          data-testid="role-add"
        >
          {t('roles.add')}
        </Button>
      </Space>
      <Typography.Title level={5}>{t('roles.matrix')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('roles.matrix.help')}</Typography.Paragraph>
      <div style={{ overflowX: 'auto' }}>
        <table className="roles-matrix" data-testid="roles-matrix" style={{ borderCollapse: 'collapse', fontSize: 12 }}>
          <thead>
            <tr>
              <th style={{ ...CELL, ...STICKY }} />
              {roles.roles.map((role) => (
                <th key={role.name} style={CELL}>
                  {label(role.label, role.name)}
                  <br />
                  <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                    {OPERATIONS.map((op) => t(`roles.op.${op}`).charAt(0)).join(' · ')}
                  </Typography.Text>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entities.map((entity) => (
              <tr key={entity}>
                <th style={{ ...CELL, ...STICKY, textAlign: 'left' }}>{entity === '*' ? t('roles.everyOther') : entity}</th>
                {roles.roles.map((role, i) => (
                  <td key={role.name} style={CELL}>
                    <PermissionCell role={role} index={i} entity={entity} onChange={(next) => setRole(i, next)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Space>
  );
}

const CELL: React.CSSProperties = { border: '1px solid #f0f0f0', padding: 4, whiteSpace: 'nowrap', verticalAlign: 'top' };
// The entity column stays in view while the roles scroll sideways.
const STICKY: React.CSSProperties = { position: 'sticky', left: 0, background: '#fff', zIndex: 1 };

/** One role × entity: a scope per operation (native selects: the matrix has hundreds of them), and its field rules. */
function PermissionCell({ role, index, entity, onChange }: { role: Role; index: number; entity: string; onChange(next: Role): void }) {
  const { t } = useI18n();
  const permission = role.permissions[entity];
  const problems = useProblemsAt(pointerOf('roles', index, 'permissions', entity), true);
  const fields = Object.entries(permission?.fields ?? {});
  return (
    <span title={problems.join(' ') || undefined} style={problems.length > 0 ? { outline: '2px solid #ff4d4f', display: 'inline-block' } : undefined} data-testid={problems.length > 0 ? 'control-problem' : undefined}>
      {OPERATIONS.map((op: Operation) => (
        <select
          key={op}
          aria-label={`${role.name} ${entity} ${op}`}
          value={permission?.[op] ?? ''}
          onChange={(e) => onChange(setScope(role, entity, op, e.target.value === '' ? undefined : (e.target.value as Scope)))}
          style={{ fontSize: 11, width: 78, marginRight: 2, background: SCOPE_COLOR[permission?.[op] ?? ''] }}
          data-testid={`scope-${role.name}-${entity}-${op}`}
        >
          <option value="">—</option>
          {SCOPES.map((scope) => (
            <option key={scope} value={scope}>
              {t(`roles.scope.${scope}`)}
            </option>
          ))}
        </select>
      ))}
      {fields.length > 0 && (
        <Tooltip title={fields.map(([f, rule]) => `${f}: ${rule}`).join(', ')}>
          <Tag style={{ marginLeft: 4 }}>{t('roles.fieldRules', { count: fields.length })}</Tag>
        </Tooltip>
      )}
    </span>
  );
}

// Wider scopes in stronger greens, so the matrix reads at a glance.
const SCOPE_COLOR: Record<string, string> = { '': '#fff', none: '#fff1f0', own: '#f6ffed', subordinates: '#d9f7be', department: '#b7eb8f', all: '#95de64' };
