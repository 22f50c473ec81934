import { Menu, type MenuProps } from 'antd';
import { useState } from 'react';
import { NEW_WORKFLOW_FILE } from './bpmn/NewWorkflow.js';
import { NewMetadataFile, type NewFileKind } from './files/NewMetadataFile.js';
import { NEW_AUTOMATION, NEW_NOTIFICATION } from './notification/new-files.js';
import { NewMetadataFile as NewReportOrCalendar } from './editors/NewMetadataFile.js';
import { useLocation, useNavigate } from 'react-router-dom';
import { useI18n } from './i18n.js';
import type { MessageKey } from './messages.js';
import { useSession } from './session.js';
import type { StudioFileEntry } from './types.js';
import { ItemActions } from './refs/ItemActions.js';

/** The explorer's groups, in the order a consultant thinks of the application. */
const GROUPS: ReadonlyArray<{ key: string; kinds: ReadonlyArray<StudioFileEntry['kind']>; label: MessageKey }> = [
  { key: 'entity', kinds: ['entity'], label: 'explorer.entity' },
  { key: 'workflow', kinds: ['workflow'], label: 'explorer.workflow' },
  { key: 'notification', kinds: ['notification'], label: 'explorer.notification' },
  { key: 'automation', kinds: ['automation'], label: 'explorer.automation' },
  { key: 'calendar', kinds: ['calendar'], label: 'explorer.calendar' },
  { key: 'report', kinds: ['report'], label: 'explorer.report' },
  { key: 'template', kinds: ['template', 'templateDocx'], label: 'explorer.template' },
];

/** The groups with a "New …" entry, by group key. */
const NEW_FILE: Readonly<Record<string, NewFileKind>> = { workflow: NEW_WORKFLOW_FILE, notification: NEW_NOTIFICATION, automation: NEW_AUTOMATION };
/** Groups whose "New …" opens the calendar / report dialog (a report also asks for its type). */
const NEW_EDITOR_FILE = { calendar: 'new-calendar', report: 'new-report' } as const;

/** Kinds with a form editor at `/<kind>s/<name>`. */
const EDITOR_KINDS: ReadonlySet<StudioFileEntry['kind']> = new Set(['notification', 'automation', 'calendar', 'report']);

/** Where a file opens: entities in the designer, workflows in the modeler, notifications, automations, calendars, reports and roles in their editors, .docx templates in the upload page, every other text file in the file editor. */
export function routeOf(file: StudioFileEntry): string {
  if (file.kind === 'entity') return `/entities/${file.name}`;
  if (file.kind === 'workflow') return `/workflows/${encodeURIComponent(file.name)}`;
  if (file.kind === 'templateDocx') return `/templates/${encodeURIComponent(file.name)}`;
  if (EDITOR_KINDS.has(file.kind)) return `/${file.kind}s/${encodeURIComponent(file.name)}`;
  if (file.kind === 'roles') return '/roles';
  return `/files/${file.path}`;
}

export function Explorer() {
  const { t } = useI18n();
  const { files } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [creating, setCreating] = useState<NewFileKind | null>(null);
  const [creatingFile, setCreatingFile] = useState<keyof typeof NEW_EDITOR_FILE | null>(null);
  const items: MenuProps['items'] = [
    ...GROUPS.map((group) => ({
      key: group.key,
      label: `${t(group.label)} (${files.filter((f) => group.kinds.includes(f.kind)).length})`,
      children: [
        ...files
          .filter((f) => group.kinds.includes(f.kind))
          .map((f) => ({ key: routeOf(f), label: <ItemActions file={f} routeOf={routeOf}><span data-testid={`explorer-${f.path}`}>{f.kind === 'templateDocx' ? `${f.name}.docx` : f.name}</span></ItemActions> })),
        ...(NEW_FILE[group.key] ? [{ key: `new:${group.key}`, label: <span data-testid={`explorer-new-${group.key}`}>+ {t(NEW_FILE[group.key]?.messages.title ?? group.label)}</span> }] : []),
        ...(group.key === 'calendar' || group.key === 'report' ? [{ key: NEW_EDITOR_FILE[group.key], label: <span data-testid={`explorer-${NEW_EDITOR_FILE[group.key]}`}>+ {t(`${group.key}.new`)}</span> }] : []),
      ],
    })),
    { key: '/roles', label: <span data-testid="explorer-roles.json">{t('explorer.roles')}</span> },
    { key: '/files/app.json', label: t('explorer.app') },
    { type: 'divider' },
    { key: '/publish', label: <span data-testid="nav-publish">{t('explorer.publish')}</span> },
    { key: '/git', label: <span data-testid="nav-git">{t('explorer.git')}</span> },
  ];
  return (
    <>
      <Menu
        mode="inline"
        items={items}
        selectedKeys={[location.pathname]}
        defaultOpenKeys={['entity']}
        onClick={(e) => (e.key.startsWith('new:') ? setCreating(NEW_FILE[e.key.slice(4)] ?? null) : e.key === NEW_EDITOR_FILE.calendar ? setCreatingFile('calendar') : e.key === NEW_EDITOR_FILE.report ? setCreatingFile('report') : navigate(e.key))}
        data-testid="explorer"
      />
      {creating && <NewMetadataFile of={creating} onClose={() => setCreating(null)} />}
      {creatingFile && <NewReportOrCalendar kind={creatingFile} onClose={() => setCreatingFile(null)} />}
    </>
  );
}
