import { Alert, App as AntApp, Dropdown, Modal, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { StudioFileEntry } from '../types.js';
import { ReferenceList } from './ReferenceList.js';
import { deleteFile, referencesOfError, type Item, type Reference } from './refs-api.js';
import { RenameDialog } from './RenameDialog.js';

/** The item a file of the explorer defines; app.json and roles.json are edited, not renamed or deleted. */
export function itemOf(file: StudioFileEntry): Item | null {
  if (file.kind === 'app' || file.kind === 'roles') return null;
  return { kind: file.kind === 'templateDocx' ? 'template' : file.kind, name: file.name };
}

/** The explorer's context menu of a file (right click): Rename… and Delete, the refusal showing the references. */
export function ItemActions({ file, children, routeOf }: { file: StudioFileEntry; children: ReactNode; routeOf: (file: StudioFileEntry) => string }) {
  const { t } = useI18n();
  const { message, modal } = AntApp.useApp();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [renaming, setRenaming] = useState(false);
  const [refused, setRefused] = useState<{ message: string; references: Reference[] } | null>(null);
  const item = itemOf(file);
  if (!item) return <>{children}</>;
  const remove = () =>
    modal.confirm({
      title: t('refs.deleteConfirm', { name: file.path }),
      okButtonProps: { danger: true, 'data-testid': 'delete-ok' } as never,
      onOk: async () => {
        try {
          await deleteFile(file.path);
          void message.success(t('refs.deleted', { name: file.path }));
          await refresh();
          navigate('/');
        } catch (e) {
          setRefused({ message: e instanceof Error ? e.message : String(e), references: referencesOfError(e) });
        }
      },
    });
  return (
    <>
      <Dropdown
        trigger={['contextMenu']}
        menu={{
          items: [
            { key: 'rename', label: <span data-testid="action-rename">{t('refs.rename')}</span> },
            { key: 'delete', danger: true, label: <span data-testid="action-delete">{t('refs.delete')}</span> },
          ],
          onClick: ({ key, domEvent }) => {
            domEvent.stopPropagation();
            if (key === 'rename') setRenaming(true);
            else remove();
          },
        }}
      >
        <span>{children}</span>
      </Dropdown>
      {renaming && (
        <RenameDialog
          item={item}
          onClose={() => setRenaming(false)}
          onRenamed={(to, result) => {
            setRenaming(false);
            void message.success(t('refs.renamed', { count: result.changed.length }));
            void refresh().then(() => navigate(routeOf({ ...file, name: to, path: file.path.replace(/[^/]+(\.\w+)$/, `${to}$1`) })));
          }}
        />
      )}
      {refused && (
        <Modal open title={t('refs.deleteRefused')} onCancel={() => setRefused(null)} footer={null} width={720}>
          <div data-testid="delete-refused">
            <Alert type="error" showIcon title={refused.message} style={{ marginBottom: 12 }} />
            <Typography.Paragraph>{t('refs.usedIn')}</Typography.Paragraph>
            <ReferenceList references={refused.references} />
          </div>
        </Modal>
      )}
    </>
  );
}
