// What the notification and automation editors pick from: every entity (read from its file,
// indexed as the server indexes them), the roles of roles.json and the workflows.
import { useEffect, useState } from 'react';
import { api, fileUrl } from '../api.js';
import { useSession } from '../session.js';
import type { Entity, Label, StudioFile, StudioFileEntry } from '../types.js';
import { EntityIndex } from './notification-model.js';

export interface RuleContext {
  index: EntityIndex;
  /** Application entities by name, then the system ones (sys_…). */
  entities: ReadonlyArray<{ name: string; label: Label }>;
  roles: ReadonlyArray<{ name: string; label: Label }>;
  workflows: readonly string[];
}

async function loadContext(files: readonly StudioFileEntry[]): Promise<RuleContext> {
  const entityFiles = files.filter((f) => f.kind === 'entity');
  const read = await Promise.all(entityFiles.map((f) => api<StudioFile>('GET', fileUrl(f.path)).catch(() => null)));
  const defs = read.map((file) => file?.json as Entity | undefined).filter((e): e is Entity => e !== undefined && typeof e.name === 'string' && Array.isArray(e.fields));
  // Files that do not read as entities are opaque, as the server treats them: paths into them are not flagged.
  const index = new EntityIndex(defs, entityFiles.map((f) => f.name));
  const roles = await api<StudioFile>('GET', fileUrl('roles.json')).catch(() => null);
  const roleList = ((roles?.json as { roles?: Array<{ name: string; label: Label }> } | undefined)?.roles ?? []).map((r) => ({ name: r.name, label: r.label }));
  const entities = [...index.entities.values()].map((e) => ({ name: e.name, label: e.label })).sort((a, b) => Number(a.name.startsWith('sys_')) - Number(b.name.startsWith('sys_')));
  return { index, entities, roles: roleList, workflows: files.filter((f) => f.kind === 'workflow').map((f) => f.name) };
}

export function useRuleContext(): { context: RuleContext | null; error: string | null } {
  const { files } = useSession();
  const [context, setContext] = useState<RuleContext | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadContext(files).then(
      (c) => live && setContext(c),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [files]);
  return { context, error };
}
