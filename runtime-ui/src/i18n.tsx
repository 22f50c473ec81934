// The runtime UI's strings (messages.ts) over the shared locale handling (i18n-core.tsx).
import { createI18n, type I18nOf } from './i18n-core.js';
import { MESSAGES, type MessageKey, type UiLocale } from './messages.js';

export type I18n = I18nOf<MessageKey, UiLocale>;
export const { I18nProvider, useI18n, isUiLocale, initialLocale } = createI18n<UiLocale, MessageKey>(MESSAGES);
