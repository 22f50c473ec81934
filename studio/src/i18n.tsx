// Copied from runtime-ui/src/i18n.tsx (the same locale handling and storage key, so both apps agree).
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { MESSAGES, type MessageKey, type UiLocale } from './messages.js';
import type { Label } from './types.js';

export interface I18n {
  locale: UiLocale;
  setLocale(locale: UiLocale): void;
  /** A UI string with {name} placeholders filled. */
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** A metadata label in the current locale (falling back to any locale it has). */
  label(label: Label | string | null | undefined, fallback?: string): string;
}

const STORAGE_KEY = 'cardo.locale';
const I18nContext = createContext<I18n | null>(null);

export function isUiLocale(value: unknown): value is UiLocale {
  return typeof value === 'string' && value in MESSAGES;
}

export function initialLocale(): UiLocale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (isUiLocale(stored)) return stored;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<UiLocale>(initialLocale);
  const value = useMemo<I18n>(() => {
    const messages: Record<string, string> = MESSAGES[locale];
    return {
      locale,
      setLocale(next) {
        localStorage.setItem(STORAGE_KEY, next);
        document.documentElement.lang = next;
        setLocaleState(next);
      },
      t(key, vars) {
        const text = messages[key] ?? key;
        return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (vars[name] !== undefined ? String(vars[name]) : m)) : text;
      },
      label(label, fallback = '') {
        if (label === null || label === undefined) return fallback;
        if (typeof label === 'string') return label;
        return label[locale] ?? Object.values(label).find((v) => v !== undefined) ?? fallback;
      },
    };
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
