/**
 * Automations at run time: a record write hook (records.service.ts) that runs the compiled
 * automations of the written entity inside the write's transaction. Their own writes carry
 * the same hooks and the chain of automations that led to them, so automations trigger one
 * another — but an automation never runs again for a record it already ran for in the chain,
 * and a chain deeper than MAX_CHAIN_DEPTH (write-chain.ts) refuses the whole write.
 */
import type { ActionModel, AutomationModel, ValueModel } from '../compile/automations.js';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { toPredicate } from '../condition/condition.js';
import { quoteIdent, type Db } from '../db/db.js';
import { CardoError, type FieldError } from '../errors.js';
import { evaluateExpression } from '../expression/expression.js';
import { isPlainObject, isUuid } from '../expression/values.js';
import { recordCodecs, isWritable } from '../api/record-schemas.js';
import { writeAudit } from '../records/audit.js';
import { createLink } from '../records/links.js';
import { toApiRecord, type ApiRecord } from '../records/record-mapping.js';
import { createRecord, updateRecord, type Actor, type ChainStep, type RecordChange, type RecordWriteHook } from '../records/records.service.js';
import { extendChain } from '../records/write-chain.js';
import { workflowsOf } from '../workflows/definitions.js';
import type { Workflows } from '../workflows/workflows.service.js';
import { sendNotice } from '../notifications/send.js';

export interface AutomationsOptions {
  /** The hooks every write of an automation carries: the app's, this one included. */
  hooks: readonly RecordWriteHook[];
  /** Starts processes for startWorkflow; without it, such an action fails. */
  workflows?: Workflows | undefined;
  /** The clock (tests fix it). */
  now?: () => Date;
}

/** What one automation run sees: the record (references expanded along its paths), old, me, now. */
interface RunContext {
  tx: Db;
  model: CompiledModel;
  entity: EntityModel;
  automation: AutomationModel;
  record: ApiRecord;
  scope: Record<string, unknown>;
  actor: Actor;
  chain: readonly ChainStep[];
  now: Date;
}

export class Automations {
  private readonly clock: () => Date;

  constructor(private readonly options: AutomationsOptions) {
    this.clock = options.now ?? (() => new Date());
  }

  /** The record write hook: runs the automations this change triggers, in file-name order. */
  readonly onRecordWrite: RecordWriteHook = async (tx, change) => {
    const candidates = change.model.automations.filter((a) => a.enabled && a.entity === change.entity.name && a.on.includes(change.action));
    let ran = false;
    // Expanded records by path set, reused while no automation has written anything.
    const views = new Map<string, Promise<Record<string, unknown>>>();
    for (const automation of candidates) {
      if (await this.runIfTriggered(tx, change, automation, views)) {
        ran = true;
        views.clear();
      }
    }
    return ran ? 'changed' : undefined;
  };

  private async runIfTriggered(tx: Db, change: RecordChange, automation: AutomationModel, views: Map<string, Promise<Record<string, unknown>>>): Promise<boolean> {
    const { model, entity, before, after, actor, chain } = change;
    if (change.action === 'update' && automation.fields && !automation.fields.some((f) => !sameValue(before?.[f], after[f]))) return false;
    // An automation never re-triggers itself for the same record within one chain.
    if (chain.some((s) => s.automation === automation.name && s.entity === entity.name && s.recordId === after.id)) return false;
    const now = this.clock();
    const key = automation.paths.join('\n');
    let view = views.get(key);
    if (!view) views.set(key, (view = expand(tx, model, entity, after, automation.paths)));
    const record = await view;
    if (automation.when && !toPredicate(automation.when, { me: actor.userId, now })(record)) return false;
    const steps = extendChain(chain, { automation: automation.name, entity: entity.name, recordId: after.id });
    const old = change.action === 'update' && before ? await expand(tx, model, entity, before, automation.paths) : null;
    const context: RunContext = {
      tx,
      model,
      entity,
      automation,
      record: after,
      scope: { record, old, me: actor.userId, now: now.toISOString() },
      // The automation writes for the user whose write set it off, and says so in the audit.
      actor: { userId: actor.userId, onBehalfOf: actor.onBehalfOf ?? null, automation: automation.name },
      chain: steps,
      now,
    };
    for (const [index, action] of automation.actions.entries()) {
      try {
        await this.runAction(context, action, change.action);
      } catch (error) {
        throw failure(automation, index, action, error);
      }
    }
    return true;
  }

  private async runAction(c: RunContext, action: ActionModel, trigger: RecordChange['action']): Promise<void> {
    const { tx, model } = c;
    const writeOptions = { actor: c.actor, hooks: this.options.hooks, chain: c.chain, now: c.now, confirmDuplicates: true };
    switch (action.action) {
      case 'createRecord': {
        const target = model.entities.get(action.entity) as EntityModel;
        const values = valuesFor(c, target, action.values);
        const created = await createRecord(tx, model, target, values, writeOptions);
        if (action.link && trigger !== 'delete') await createLink(tx, model, { entity: c.entity.name, id: c.record.id }, { entity: target.name, id: created.id }, 'related', { actor: c.actor, automatic: true, now: c.now });
        return;
      }
      case 'setField': {
        let target = c.entity;
        let id: string | null = c.record.id;
        if (action.target) {
          const field = c.entity.field.get(action.target);
          target = model.entities.get(field?.target ?? '') as EntityModel;
          id = refId(c.record[action.target]);
        } else if (trigger === 'delete') {
          return;
        }
        if (!id) return;
        // Locked first: the version read here is the one the update checks, even when other
        // writes (two interactions of one deal at once) change the same record concurrently.
        const [row] = await tx.query(`SELECT * FROM ${quoteIdent(target.table)} WHERE id = $1 FOR NO KEY UPDATE`, [id]);
        if (!row) return;
        const current = toApiRecord(target, row);
        const values = valuesFor(c, target, action.values);
        // Setting what is already there is no write: no new version, no audit entry, no triggers.
        if (Object.entries(values).every(([name, value]) => sameValue(current[name], value))) return;
        await updateRecord(tx, model, target, id, values, current.version as number, writeOptions);
        return;
      }
      case 'link': {
        if (trigger === 'delete') return;
        const field = c.entity.field.get(action.to);
        const id = refId(c.record[action.to]);
        if (!field?.target || !id) return;
        await createLink(tx, model, { entity: c.entity.name, id: c.record.id }, { entity: field.target, id }, action.kind, { actor: c.actor, automatic: true, now: c.now });
        return;
      }
      case 'startWorkflow': {
        if (trigger === 'delete') return;
        const workflows = this.options.workflows;
        if (!workflows) throw new CardoError('CARDO_ERR_WORKFLOW_UNKNOWN', 'Workflows are not running in this server.');
        const def = (await workflowsOf(model)).get(action.process);
        if (!def) throw new CardoError('CARDO_ERR_WORKFLOW_UNKNOWN', `There is no process "${action.process}".`);
        if (def.entity !== c.entity.name) throw new CardoError('CARDO_ERR_WORKFLOW_ENTITY', `The process ${def.name} runs for ${def.entity} records, not ${c.entity.name}.`);
        const instance = await workflows.startIn(tx, model, def, c.record.id, c.actor, null, c.chain);
        await writeAudit(tx, { entity: c.entity.name, recordId: c.record.id, action: 'workflow', actor: c.actor, changes: { workflow: { from: null, to: { process: def.name, instance } } }, now: c.now });
        return;
      }
      case 'notify':
        await sendNotice(tx, model, { entity: c.entity, record: c.record, recipients: action.def.recipients, channels: action.def.channels ?? ['inApp'], subject: action.def.subject, body: action.def.body, now: c.now });
        return;
    }
  }
}

/** The values of an action, evaluated and checked against the target entity's field types. */
function valuesFor(c: RunContext, target: EntityModel, values: Readonly<Record<string, ValueModel>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const raw = value.kind === 'literal' ? value.value : evaluateExpression(value.expr, c.scope, { now: c.now });
    const field = target.field.get(name);
    out[name] = field && (field.type === 'reference' || field.type === 'user' || field.type === 'file') ? refId(raw) : field?.type === 'date' ? toDateValue(raw) : raw;
  }
  // The same JSON Schema checks as the API's, for the fields a client could send; read-only
  // fields (set only by automations) are checked by the write itself.
  const writable = Object.fromEntries(Object.entries(out).filter(([name]) => {
    const field = target.field.get(name);
    return field !== undefined && isWritable(field);
  }));
  recordCodecs(c.model).get(target.name).validatePatch({ ...writable, version: 1 });
  return out;
}

/** An id from a value that is an id or an expanded record. */
function refId(value: unknown): string | null {
  if (typeof value === 'string') return isUuid(value) ? value : null;
  if (isPlainObject(value) && typeof value.id === 'string') return refId(value.id);
  return null;
}

/** A date field takes the day of a date-time (now() into a date field). */
function toDateValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(value).toISOString().slice(0, 10);
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The record with the references its paths go through replaced by those records (nested
 * for longer paths), as conditions and expressions read them; read in the write's transaction.
 */
async function expand(tx: Db, model: CompiledModel, entity: EntityModel, record: ApiRecord, paths: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...record };
  const next = new Map<string, string[]>();
  for (const path of paths) {
    const [first, ...rest] = path.split('.');
    if (first === undefined || rest.length === 0) continue;
    next.set(first, [...(next.get(first) ?? []), rest.join('.')]);
  }
  for (const [name, rest] of next) {
    const target = model.entities.get(entity.field.get(name)?.target ?? '');
    const id = refId(record[name]);
    if (!target || !id) continue;
    const [row] = await tx.query(`SELECT * FROM ${quoteIdent(target.table)} WHERE id = $1`, [id]);
    if (row) out[name] = await expand(tx, model, target, toApiRecord(target, row), rest);
  }
  return out;
}

/** An action's failure as the write's problem: which automation and action, and why. */
function failure(automation: AutomationModel, index: number, action: ActionModel, error: unknown): Error {
  if (error instanceof CardoError && (error.code === 'CARDO_ERR_AUTOMATION_LOOP' || error.code === 'CARDO_ERR_AUTOMATION_FAILED')) return error;
  if (!(error instanceof CardoError)) return error instanceof Error ? error : new Error(String(error));
  const what = action.action === 'createRecord' ? `createRecord ${action.entity}` : action.action === 'setField' && action.target ? `setField on ${action.target}` : action.action;
  const errors: FieldError[] = (error.errors ?? []).map((e) => ({ path: `/automations/${automation.name}/do/${index}${e.path}`, message: e.message }));
  return new CardoError('CARDO_ERR_AUTOMATION_FAILED', `The automation "${automation.name}" (action ${index + 1}, ${what}) failed: ${error.message} Nothing was saved.`, {
    errors,
    extra: { automation: automation.name, action: index, cause: { code: error.code, detail: error.message, errors: error.errors ?? [] } },
    cause: error,
  });
}
