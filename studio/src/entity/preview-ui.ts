// The runtime card's uiSchema made renderable without the runtime's session: its own widgets
// (record pickers, stage bar, money…) need the signed-in app, so the preview uses rjsf's
// standard widget of the same kind. Labels, order, help and option names stay the server's.
import type { UiSchema } from '@rjsf/utils';

const STANDARD: Record<string, string> = {
  reference: 'text',
  user: 'text',
  file: 'text',
  phone: 'text',
  money: 'updown',
  percent: 'updown',
  enumColor: 'select',
  stage: 'select',
};

export function toPreviewUiSchema(ui: UiSchema): UiSchema {
  const out: UiSchema = { ...ui, 'ui:submitButtonOptions': { norender: true } };
  for (const [name, entry] of Object.entries(ui)) {
    if (name.startsWith('ui:') || typeof entry !== 'object' || entry === null) continue;
    const widget = (entry as { 'ui:widget'?: unknown })['ui:widget'];
    if (typeof widget === 'string' && STANDARD[widget]) out[name] = { ...entry, 'ui:widget': STANDARD[widget] };
  }
  return out;
}
