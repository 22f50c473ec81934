import type { RoutePlugin } from '../api/app.js';
import { Automations } from './automations.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The automations runtime of this app (a record write hook; no routes of its own). */
    automations: Automations;
  }
}

/**
 * Wires automations into every record write made through the API. Registered after the
 * workflow routes, whose runtime startWorkflow actions use; the automations' own writes carry
 * the same hooks, so they set off workflows and further automations in turn.
 */
export const automationRoutes: RoutePlugin = (app) => {
  const automations = new Automations({ hooks: app.recordHooks, workflows: app.hasDecorator('workflows') ? app.workflows : undefined });
  app.decorate('automations', automations);
  app.recordHooks.push(automations.onRecordWrite);
};
