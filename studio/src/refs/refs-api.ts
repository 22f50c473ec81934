// Calls of the studio's references, rename, delete and template upload API (docs/studio.md).
import { api, ApiError, fileUrl } from '../api.js';
import type { MetadataProblem } from '../types.js';
import type { Item, ItemKind, Reference } from '../../../server/src/metadata/references.js';

export type { Item, ItemKind, Reference };

export interface RenameResult {
  changed: Array<{ path: string; status: 'modified' | 'added' | 'deleted' }>;
  references: Reference[];
  valid: boolean;
  problems: MetadataProblem[];
}

export interface UploadResult {
  path: string;
  created: boolean;
  etag: string;
  size: number;
  valid: boolean;
  templateProblems: MetadataProblem[];
}

export function fetchReferences(item: Item): Promise<Reference[]> {
  const params = new URLSearchParams(item.kind === 'field' ? { kind: 'entity', name: item.entity ?? '', field: item.name } : { kind: item.kind, name: item.name });
  return api<{ references: Reference[] }>('GET', `/api/studio/references?${params.toString()}`).then((r) => r.references);
}

export function renameItem(item: Item, to: string): Promise<RenameResult> {
  return api<RenameResult>('POST', '/api/studio/rename', { kind: item.kind, from: item.name, to, ...(item.entity ? { entity: item.entity } : {}) });
}

export function deleteFile(path: string): Promise<{ deleted: string[] }> {
  return api<{ deleted: string[] }>('DELETE', fileUrl(path));
}

/** The references a refused delete or rename came back with (409 CARDO_ERR_STUDIO_REFERENCED). */
export function referencesOfError(error: unknown): Reference[] {
  return error instanceof ApiError && Array.isArray(error.problem.references) ? (error.problem.references as Reference[]) : [];
}

/** The .docx goes as raw bytes (the JSON client would stringify it). */
export async function uploadTemplate(name: string, file: Blob): Promise<UploadResult> {
  const response = await fetch(`/api/studio/templates/${encodeURIComponent(name)}`, {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { 'x-requested-with': 'cardo', accept: 'application/json', 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
    body: file,
  });
  const data = (await response.json().catch(() => ({}))) as UploadResult & { detail?: string; code?: string };
  if (!response.ok) throw new ApiError({ ...data, status: response.status });
  return data;
}
