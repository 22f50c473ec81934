// Locale handling both apps share (runtime UI and studio): a catalog per locale, the choice
// kept in localStorage under one key so the two apps agree, metadata labels in that locale.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Label } from './types.js';

export interface I18nOf<Key extends string, Locale extends string> {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** A UI string with {name} placeholders filled. */
  t(key: Key, vars?: Record<string, string | number>): string;
  /** A metadata label in the current locale (falling back to any locale it has). */
  label(label: Label | string | null | undefined, fallback?: string): string;
}

const STORAGE_KEY = 'cardo.locale';

/** The provider, hook and locale helpers of one app's message catalog. */
export function createI18n<Locale extends string, Key extends string>(catalogs: Record<Locale, Record<Key, string>>) {
  type I18n = I18nOf<Key, Locale>;
  const Context = createContext<I18n | null>(null);
  const isUiLocale = (value: unknown): value is Locale => typeof value === 'string' && value in catalogs;
  const initialLocale = (): Locale => {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isUiLocale(stored)) return stored;
    return (navigator.language.toLowerCase().startsWith('ru') && isUiLocale('ru') ? 'ru' : 'en') as Locale;
  };

  function I18nProvider({ children }: { children: ReactNode }) {
    const [locale, setLocaleState] = useState<Locale>(initialLocale);
    const value = useMemo<I18n>(() => {
      const messages: Record<string, string> = catalogs[locale];
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
    return <Context.Provider value={value}>{children}</Context.Provider>;
  }

  function useI18n(): I18n {
    const value = useContext(Context);
    if (!value) throw new Error('useI18n outside I18nProvider');
    return value;
  }

  return { I18nProvider, useI18n, isUiLocale, initialLocale };
}
