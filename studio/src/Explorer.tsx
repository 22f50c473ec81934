import { Menu, type MenuProps } from 'antd';
import { useState } from 'react';
import { NewWorkflow } from './bpmn/NewWorkflow.js';
import { NewMetadataFile } from './editors/NewMetadataFile.js';
import { useLocation, useNavigate } from 'react-router-dom';
import { useI18n } from './i18n.js';
import type { MessageKey } from './messages.js';
import { useSession } from './session.js';
import type { StudioFileEntry } from './types.js';

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

const NEW_WORKFLOW = 'new-workflow';
/** Groups whose "New …" item opens the skeleton dialog of NewMetadataFile. */
const NEW_FILE = { calendar: 'new-calendar', report: 'new-report' } as const;

/** Where a file opens: entities in the designer, workflows in the modeler, every other text file in the file editor. */
export function routeOf(file: StudioFileEntry): string {
  if (file.kind === 'entity') return `/entities/${file.name}`;
  if (file.kind === 'workflow') return `/workflows/${encodeURIComponent(file.name)}`;
  if (file.kind === 'calendar' || file.kind === 'report') return `/${file.kind}s/${encodeURIComponent(file.name)}`;
  if (file.kind === 'roles') return '/roles';
  return `/files/${file.path}`;
}

export function Explorer() {
  const { t } = useI18n();
  const { files } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [creating, setCreating] = useState(false);
  const [creatingFile, setCreatingFile] = useState<keyof typeof NEW_FILE | null>(null);
  const items: MenuProps['items'] = [
    ...GROUPS.map((group) => ({
      key: group.key,
      label: `${t(group.label)} (${files.filter((f) => group.kinds.includes(f.kind)).length})`,
      children: [
        ...files
          .filter((f) => group.kinds.includes(f.kind))
          .map((f) => ({ key: routeOf(f), label: <span data-testid={`explorer-${f.path}`}>{f.kind === 'templateDocx' ? `${f.name}.docx` : f.name}</span>, disabled: f.kind === 'templateDocx' })),
        ...(group.key === 'workflow' ? [{ key: NEW_WORKFLOW, label: <span data-testid="explorer-new-workflow">+ {t('workflow.new')}</span> }] : []),
        ...(group.key === 'calendar' || group.key === 'report' ? [{ key: NEW_FILE[group.key], label: <span data-testid={`explorer-${NEW_FILE[group.key]}`}>+ {t(`${group.key}.new`)}</span> }] : []),
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
      <Menu mode="inline" items={items} selectedKeys={[location.pathname]} defaultOpenKeys={['entity']} onClick={(e) => (e.key === NEW_WORKFLOW ? setCreating(true) : e.key === NEW_FILE.calendar ? setCreatingFile('calendar') : e.key === NEW_FILE.report ? setCreatingFile('report') : navigate(e.key))} data-testid="explorer" />
      {creating && <NewWorkflow open onClose={() => setCreating(false)} />}
      {creatingFile && <NewMetadataFile kind={creatingFile} onClose={() => setCreatingFile(null)} />}
    </>
  );
}
