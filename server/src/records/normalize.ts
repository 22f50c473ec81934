// The normalizers behind duplicate rules (DESIGN.md §3): two values collide when their
// normalized forms are equal. Records, the demo generator and tests share them.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';

/** Legal-form tokens dropped from brands and names, compared after lower-casing. */
export const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'ооо', 'оао', 'зао', 'пао', 'нао', 'ао', 'ип', 'llc', 'inc', 'ltd', 'corp', 'gmbh',
]);

/** E.164 (`+74951234567`), or null when the text is not a phone number. */
export function normalizePhone(s: string, region: CountryCode = 'RU'): string | null {
  return parsePhoneNumberFromString(s, region)?.number ?? null;
}

export function normalizeEmail(s: string): string {
  return s.trim().toLowerCase();
}

/** `ООО «Ромашка»`, `"Ромашка" LLC` and `ромашка` all become `ромашка`. */
export function normalizeBrand(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .split(/\s+/u)
    .filter((token) => token !== '' && !LEGAL_FORMS.has(token))
    .join(' ');
}

export function normalizeText(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/gu, ' ');
}

export type Normalizer = 'phone' | 'email' | 'name' | 'text';

/** The normalized form a duplicate rule compares; null when there is nothing to compare. */
export function normalizeFor(kind: Normalizer, value: unknown, region: CountryCode = 'RU'): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  switch (kind) {
    case 'phone':
      return normalizePhone(text, region);
    case 'email':
      return normalizeEmail(text) || null;
    case 'name':
      return normalizeBrand(text) || null;
    case 'text':
      return normalizeText(text) || null;
  }
}
