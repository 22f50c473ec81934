import { Input, Space } from 'antd';
import type { Label } from '../types.js';

/** A localized label: one input per application locale. */
export function LabelInputs({ value, onChange, locales, testId }: { value: Label | undefined; onChange(next: Label): void; locales: readonly string[]; testId: string }) {
  return (
    <Space.Compact style={{ width: '100%' }}>
      {locales.map((locale) => (
        <Input key={locale} prefix={<span style={{ color: '#999' }}>{locale}</span>} value={value?.[locale] ?? ''} onChange={(e) => onChange({ ...value, [locale]: e.target.value })} data-testid={`${testId}-${locale}`} />
      ))}
    </Space.Compact>
  );
}
