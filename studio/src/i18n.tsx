// The studio's strings (messages.ts) over the runtime UI's locale handling, so both apps share
// the chosen language.
import { createI18n, type I18nOf } from '../../runtime-ui/src/i18n-core.js';
import { MESSAGES, type MessageKey, type UiLocale } from './messages.js';

export type I18n = I18nOf<MessageKey, UiLocale>;
export const { I18nProvider, useI18n, isUiLocale, initialLocale } = createI18n<UiLocale, MessageKey>(MESSAGES);
