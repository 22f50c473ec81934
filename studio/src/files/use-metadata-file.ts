// Loading and saving one JSON metadata file the way every form editor does: the etag read with
// it goes back as If-Match, and the server's problems of the file come back with each save.
import { App as AntApp } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, fileUrl } from '../api.js';
import { useI18n } from '../i18n.js';
import type { MetadataProblem, StudioFile } from '../types.js';

type Saved = StudioFile & { valid: boolean; problems: MetadataProblem[]; changed: boolean };

export interface MetadataFileState<T> {
  value: T | null;
  change(next: T): void;
  dirty: boolean;
  saving: boolean;
  /** Problems of this file: from the read, then from the last save. */
  problems: MetadataProblem[];
  /** Problems of the whole metadata after the last save; null before any save. */
  allProblems: number | null;
  error: string | null;
  /** Bumped on every load, so editors holding local state of the old value drop it. */
  generation: number;
  load(): Promise<void>;
  save(): Promise<void>;
}

export function useMetadataFile<T>(path: string): MetadataFileState<T> {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [value, setValue] = useState<T | null>(null);
  const [etag, setEtag] = useState('');
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<MetadataProblem[]>([]);
  const [allProblems, setAllProblems] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(async () => {
    setError(null);
    try {
      const file = await api<StudioFile & { problems: MetadataProblem[] }>('GET', fileUrl(path));
      if (file.json === undefined) throw new Error(file.problems[0]?.message ?? 'The file is not valid JSON.');
      setValue(file.json as T);
      setEtag(file.etag);
      setProblems(file.problems);
      setAllProblems(null);
      setDirty(false);
      setGeneration((g) => g + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [path]);
  useEffect(() => void load(), [load]);

  const save = async () => {
    if (value === null) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await api<Saved>('PUT', fileUrl(path), { json: value }, { 'if-match': etag });
      setEtag(saved.etag);
      setValue(saved.json as T);
      setProblems(saved.problems.filter((p) => p.file === path));
      setAllProblems(saved.problems.length);
      setDirty(false);
      void message.success(t('common.saved'));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'CARDO_ERR_STUDIO_STALE' ? t('designer.stale') : e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  const change = (next: T) => {
    setValue(next);
    setDirty(true);
  };

  return { value, change, dirty, saving, problems, allProblems, error, generation, load, save };
}
