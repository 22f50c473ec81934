// The explorer's "New notification" and "New automation": valid skeletons, opened in their editors.
import { skeletonAutomation } from '../automation/automation-model.js';
import type { NewFileKind } from '../files/NewMetadataFile.js';
import { skeletonNotification } from './notification-model.js';

const messages = { nameRule: 'rule.new.nameRule', nameTaken: 'rule.new.nameTaken', entity: 'rule.entity' } as const;

export const NEW_NOTIFICATION: NewFileKind = {
  kind: 'notification',
  messages: { ...messages, title: 'ntf.new' },
  target: (name) => ({ path: `notifications/${name}.json`, route: `/notifications/${name}` }),
  body: (name, entity, locales) => ({ json: skeletonNotification(name, entity, locales) }),
  testId: 'notification',
};

export const NEW_AUTOMATION: NewFileKind = {
  kind: 'automation',
  messages: { ...messages, title: 'auto.new' },
  target: (name) => ({ path: `automations/${name}.json`, route: `/automations/${name}` }),
  body: (name, entity, locales) => ({ json: skeletonAutomation(name, entity, locales) }),
  testId: 'automation',
};
