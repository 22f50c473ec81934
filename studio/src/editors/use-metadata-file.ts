// Load / edit / save of one JSON metadata file, as every structured editor does it: the
// file's etag is sent back with If-Match, and the server's problems come back with the save.
import { App as AntApp } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, fileUrl } from '../api.js';
import { useI18n } from '../i18n.js';
import type { MetadataProblem, StudioFile } from '../types.js';
import { schemaKindOf, validateMetadata, type SchemaIssue } from '../validate/meta-validate.js';

type Loaded = StudioFile & { problems: MetadataProblem[] };
type Saved = Loaded & { valid: boolean; changed: boolean };

export interface MetadataFile<T> {
  path: string;
  value: T | null;
  change(next: T): void;
  dirty: boolean;
  /** Problems of this file (from the last load or save). */
  problems: MetadataProblem[];
  /** The meta-schema's issues with the value in memory, checked in the browser on every change. */
  schemaIssues: SchemaIssue[];
  /** How many problems the whole metadata had after the last save; null before one. */
  allProblems: number | null;
  error: string | null;
  saving: boolean;
  /** Bumped on every load, so editors with local state drop what they held of the old file. */
  generation: number;
  load(): Promise<void>;
  save(): Promise<void>;
}

export function useMetadataFile<T>(path: string): MetadataFile<T> {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [value, setValue] = useState<T | null>(null);
  const [etag, setEtag] = useState('');
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<MetadataProblem[]>([]);
  const [allProblems, setAllProblems] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(async () => {
    setError(null);
    try {
      const file = await api<Loaded>('GET', fileUrl(path));
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

  const schemaIssues = useMemo(() => {
    const kind = schemaKindOf(path);
    return kind && value !== null ? validateMetadata(kind, value) : [];
  }, [path, value]);

  const change = (next: T) => {
    setValue(next);
    setDirty(true);
  };

  return { path, value, change, dirty, problems, schemaIssues, allProblems, error, saving, generation, load, save };
}
