// Search-as-you-type choice of one record of an entity: the reference and user fields, and
// the target of a manual link.
import { Select } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, query, type ApiRecord, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { recordTitle } from './record-data.js';

interface Option {
  value: string;
  label: string;
}

export interface RecordPickerProps {
  target: string;
  value: string | undefined;
  onChange(value: string | undefined, title: string | undefined): void;
  /** The current value's title (from the record's `$titles`). */
  title?: string | undefined;
  id?: string;
  testId?: string;
  disabled?: boolean;
  onBlur?: () => void;
  onFocus?: () => void;
  status?: 'error';
  /** Choices offered before the found records (the filter builder's "me" for user fields). */
  extraOptions?: Option[];
}

const SEARCH_DELAY_MS = 250;

export function RecordPicker({ target, value, onChange, title, id, testId, disabled, onBlur, onFocus, status, extraOptions }: RecordPickerProps) {
  const i18n = useI18n();
  const session = useSession();
  const entity = session.entity(target);
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const request = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (text: string) => {
    clearTimeout(timer.current);
    const seq = ++request.current;
    setLoading(true);
    timer.current = setTimeout(() => {
      api<Page>('GET', `/api/data/${encodeURIComponent(target)}${query({ q: text.trim() || undefined, limit: 20, titles: true })}`).then(
        (page) => {
          if (seq !== request.current) return;
          setFailed(false);
          setOptions(page.items.map((item: ApiRecord) => ({ value: item.id, label: recordTitle(entity, item, { i18n, meta: session.meta, titles: item.$titles }) })));
          setLoading(false);
        },
        () => {
          if (seq !== request.current) return;
          setFailed(true);
          setOptions([]);
          setLoading(false);
        },
      );
    }, SEARCH_DELAY_MS);
  };

  // The current value stays choosable (and labelled) whatever the search shows.
  const shown = useMemo(() => {
    const all = [...(extraOptions ?? []), ...options];
    if (!value || all.some((o) => o.value === value)) return all;
    return [{ value, label: title ?? value }, ...all];
  }, [options, value, title, extraOptions]);

  return (
    <Select<string, Option>
      id={id}
      data-testid={testId}
      style={{ width: '100%' }}
      value={value}
      options={shown}
      disabled={disabled}
      allowClear
      loading={loading}
      status={status}
      placeholder={i18n.t('widget.search')}
      notFoundContent={loading ? i18n.t('app.loading') : failed ? i18n.t('app.error') : i18n.t('widget.notFound')}
      showSearch={{ filterOption: false, onSearch: search }}
      onOpenChange={(open) => {
        if (open) search('');
      }}
      onChange={(next, option) => onChange(next ?? undefined, next ? (Array.isArray(option) ? undefined : option?.label) : undefined)}
      onBlur={onBlur}
      onFocus={onFocus}
    />
  );
}
