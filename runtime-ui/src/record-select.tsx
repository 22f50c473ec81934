// A search-as-you-type picker of records of one entity (GET /api/data/<entity>?q=…&titles=true).
import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, query, type ApiRecord, type Page } from './api.js';
import { useI18n } from './i18n.js';
import { useSession } from './session.js';

export interface RecordOption {
  value: string;
  label: string;
}

/** The title of a record as its entity defines it: the title field, else the id. */
export function recordTitle(record: ApiRecord, titleField: string | undefined): string {
  const value = titleField ? record[titleField] : undefined;
  return typeof value === 'string' && value !== '' ? value : record.id;
}

export function RecordSelect({ entity, value, title, onChange, placeholder, testId, disabled, extraOptions = [] }: { entity: string; value: string | null | undefined; title?: string | undefined; onChange: (value: string | null) => void; placeholder?: string; testId?: string; disabled?: boolean; extraOptions?: RecordOption[] }) {
  const session = useSession();
  const { t } = useI18n();
  const target = session.entity(entity);
  const [options, setOptions] = useState<RecordOption[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const search = (text: string) => {
    const mine = ++seq.current;
    setLoading(true);
    api<Page>('GET', `/api/data/${entity}${query({ q: text || undefined, limit: 20, fields: target?.titleField ? `id,${target.titleField}` : undefined })}`)
      .then((page) => {
        if (mine === seq.current) setOptions(page.items.map((r) => ({ value: r.id, label: recordTitle(r, target?.titleField) })));
      })
      .catch(() => mine === seq.current && setOptions([]))
      .finally(() => mine === seq.current && setLoading(false));
  };

  useEffect(() => {
    const timer = setTimeout(() => search(''), 0);
    return () => clearTimeout(timer);
    // The first page once per entity; typing searches afterwards.
  }, [entity]);

  const all = [...extraOptions, ...options];
  if (value && !all.some((o) => o.value === value)) all.unshift({ value, label: title ?? value });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: (text) => search(text) }}
      allowClear
      value={value ?? null}
      options={all}
      onChange={(v) => onChange((v as string | undefined) ?? null)}
      placeholder={placeholder ?? t('widget.search')}
      notFoundContent={loading ? <Spin size="small" /> : t('widget.notFound')}
      style={{ width: '100%', minWidth: 200 }}
      data-testid={testId}
      disabled={disabled}
    />
  );
}
