/**
 * One step of one workflow instance: bpmn-engine recovered from the saved state (or started),
 * driven to its next wait state, and everything it did written in the caller's transaction —
 * the new engine state, the tasks it created or cancelled, its timers, the records its
 * service tasks changed and the history. Either all of it is committed or none of it.
 *
 * bpmn-engine is given Cardo's own scripts, expressions, timers and services:
 * - conditions and expressions go through Cardo's evaluator (never node:vm);
 * - timers are rows of wf_timer woken up by durable jobs, never setTimeout;
 * - service tasks are the cardo:action handlers below, run in the transaction.
 */
import { Engine } from 'bpmn-engine';
import { EventEmitter } from 'node:events';
import { v7 as uuidv7 } from 'uuid';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { quoteIdent, type Db } from '../db/db.js';
import { generateDocument } from '../documents/documents.service.js';
import { CardoError } from '../errors.js';
import { addDurationTo, evaluateExpression, parseExpression, truthy, type Expr } from '../expression/expression.js';
import { renderTemplate } from '../expression/template.js';
import { toApiRecord, type ApiRecord } from '../records/record-mapping.js';
import { createRecord, updateRecord, type Actor } from '../records/records.service.js';
import { CARDO_LANGUAGE, type ServiceTaskDef, type WorkflowDefinition } from './definitions.js';
import { OrgFacts, expandRecord, userIdOf } from './resolve.js';

/** A timer whose date is empty never fires (a task without a due date is never overdue). */
const NEVER = '9999-12-31T00:00:00Z';

export interface TimerScheduler {
  /** Makes sure a server wakes up when the timer is due (in the transaction that arms it). */
  schedule(tx: Db, timer: { id: string; fireAt: Date }): Promise<void>;
}

/** A history entry of an instance. */
export interface WorkflowEvent {
  kind: 'started' | 'task_created' | 'task_completed' | 'task_cancelled' | 'timer_fired' | 'service' | 'ended' | 'failed';
  elementId?: string | null;
  actor?: string | null;
  onBehalfOf?: string | null;
  taskId?: string | null;
  outcome?: string | null;
  comment?: string | null;
}

export type RunAction =
  | { kind: 'start' }
  | { kind: 'signal'; elementId: string; executionId: string; output: { outcome: string | null; comment: string | null; values: Record<string, unknown>; by: string | null } }
  | { kind: 'timer'; executionId: string }
  | { kind: 'resume' };

export interface RunOptions {
  tx: Db;
  model: CompiledModel;
  def: WorkflowDefinition;
  instance: { id: string; recordId: string; state: string | null; initiator: string | null };
  /** Who caused this step; null for the system (a timer). */
  actor: Actor;
  now: Date;
  scheduler: TimerScheduler | undefined;
  /** Starts another process in the same transaction (cardo:action="startProcess"). */
  startProcess: (tx: Db, process: string, entity: string, recordId: string, actor: Actor, parent: string) => Promise<string>;
}

interface TimerEntry {
  elementId: string;
  fireAt: Date;
  status: 'armed' | 'cancelled' | 'fired';
}

interface ActivityApi {
  id: string;
  type: string;
  executionId: string;
  content: { executionId: string; output?: unknown; isRecovered?: boolean };
  environment: { variables: Record<string, unknown> };
}

/** The minimal surface of bpmn-engine this module uses (its own typings are loose). */
interface EngineLike {
  execute(options: { listener: EventEmitter; variables?: Record<string, unknown> }): Promise<unknown>;
  recover(state: unknown): EngineLike;
  resume(options: { listener: EventEmitter }): Promise<unknown>;
  getState(): Promise<{ definitions: Array<Record<string, unknown>> } & Record<string, unknown>>;
  execution: { signal(message: Record<string, unknown>): void };
  on(event: string, fn: (...args: unknown[]) => void): void;
}

export interface RunResult {
  ended: boolean;
  /** The instance's state after the step (JSON, without the definition source). */
  state: string;
}

export class InstanceRun {
  private readonly pending = new Set<Promise<unknown>>();
  private failure: unknown = null;
  private readonly timers = new Map<string, TimerEntry>();
  private readonly events: WorkflowEvent[] = [];
  private readonly openTasks = new Map<string, string>();
  /** Executions that already have a task: a resumed engine announces its waits again. */
  private readonly knownExecutions = new Set<string>();
  private readonly org: OrgFacts;
  private readonly entity: EntityModel;
  private record!: ApiRecord;
  private ended = false;
  /** The execution being completed by this step, so leaving it does not cancel its task. */
  private completing: string | null = null;
  private fireExecutionId: string | null = null;
  /** Timer events that fired in this step (one already past due fires on resume without arming). */
  private readonly firedElements = new Set<string>();

  constructor(private readonly o: RunOptions) {
    this.org = new OrgFacts(o.tx);
    const entity = o.model.entities.get(o.def.entity);
    if (!entity) throw new CardoError('CARDO_ERR_WORKFLOW_UNKNOWN', `The process ${o.def.name} runs for entity "${o.def.entity}", which does not exist.`);
    this.entity = entity;
  }

  async run(action: RunAction): Promise<RunResult> {
    const { tx, instance } = this.o;
    const [row] = await tx.query(`SELECT * FROM ${quoteIdent(this.entity.table)} WHERE id = $1`, [instance.recordId]);
    if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${this.entity.name} ${instance.recordId}.`);
    this.record = toApiRecord(this.entity, row);
    const known = action.kind === 'start' ? [] : await tx.query<{ execution_id: string; task_id: string; status: string }>(
      `SELECT w.execution_id, w.task_id::text AS task_id, t.status FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.instance_id = $1`,
      [instance.id],
    );
    for (const r of known) {
      this.knownExecutions.add(r.execution_id);
      if (r.status === 'open') this.openTasks.set(r.execution_id, r.task_id);
    }

    const listener = this.listener();
    const engine = this.engine();
    engine.on('end', () => {
      this.ended = true;
    });
    engine.on('error', (error) => {
      this.failure ??= error;
    });
    if (action.kind === 'start') {
      this.events.push({ kind: 'started', actor: this.o.actor.userId, onBehalfOf: this.o.actor.onBehalfOf ?? null });
      await engine.execute({ listener, variables: { initiator: instance.initiator, entity: this.entity.name, recordId: instance.recordId } });
    } else {
      if (!instance.state) throw new Error(`instance ${instance.id} has no saved state`);
      const saved = JSON.parse(instance.state) as { definitions: Array<Record<string, unknown>> };
      if (action.kind === 'timer') this.fireExecutionId = action.executionId;
      engine.recover(saved);
      await engine.resume({ listener });
      await this.settle();
      if (action.kind === 'signal') {
        this.completing = action.executionId;
        engine.execution.signal({ id: action.elementId, executionId: action.executionId, ...action.output });
      }
    }
    await this.settle();
    if (this.failure) throw toCardoError(this.failure);
    const state = await engine.getState();
    for (const d of state.definitions) delete d.source;
    await this.persist();
    return { ended: this.ended, state: JSON.stringify(state) };
  }

  private engine(): EngineLike {
    const scripts = {
      register: () => undefined,
      getScript: (language: string, flow: { id: string }) => ({
        execute: (scope: { environment: { variables: Record<string, unknown> } }, callback: (err: Error | null, result?: unknown) => void) => {
          const expr = language === CARDO_LANGUAGE ? this.o.def.conditions.get(flow.id) : undefined;
          // Scripts in other languages are refused, never run: metadata text is not JavaScript.
          if (!expr) return callback(new CardoError('CARDO_ERR_WORKFLOW_FAILED', `${flow.id}: the script language "${language}" is not supported; write the condition as a Cardo expression.`));
          this.track(this.evaluate(expr, scope.environment.variables).then((value) => callback(null, truthy(value))));
        },
      }),
    };
    const expressions = {
      // Reached by timer definitions (timeDate / timeDuration / timeCycle): `${expression}` is
      // evaluated by Cardo's evaluator over the current record; an empty date never fires.
      resolveExpression: (text: unknown, context: { environment?: { variables?: Record<string, unknown> } }) => {
        if (typeof text !== 'string') return text;
        const m = /^\s*\$\{([\s\S]+)\}\s*$/.exec(text);
        if (!m) return text;
        const value = evaluateExpression(parseExpression(m[1] as string), this.scope(context.environment?.variables ?? {}), { now: this.o.now });
        if (value instanceof Date) return value.toISOString();
        return typeof value === 'string' && value !== '' ? value : NEVER;
      },
      isExpression: (text: unknown) => typeof text === 'string' && /^\s*\$\{[\s\S]+\}\s*$/.test(text),
      hasExpression: (text: unknown) => typeof text === 'string' && /\$\{[\s\S]+\}/.test(text),
    };
    const timers = {
      executing: [] as unknown[],
      register: (owner: { id: string; executionId: string; expireAt?: Date | string }) => ({
        setTimeout: (callback: (...args: unknown[]) => void, _delay: number, ...args: unknown[]) => this.arm(owner, callback, args),
        clearTimeout: (ref: unknown) => this.disarm(ref),
      }),
      setTimeout: () => ({}),
      clearTimeout: () => undefined,
    };
    const extensions = {
      cardo: (activity: { type: string; id: string; behaviour: Record<string, unknown>; environment: { variables: Record<string, unknown> } }) => {
        if (activity.type !== 'bpmn:ServiceTask') return;
        const task = this.o.def.serviceTasks.get(activity.id);
        const service = (callback: (err: Error | null, output?: unknown) => void) => this.service(task, activity.environment.variables, callback);
        activity.behaviour.Service = function CardoService() {
          return { execute: (_message: unknown, callback: (err: Error | null, output?: unknown) => void) => service(callback) };
        };
      },
    };
    // bpmn-engine's typings model its defaults, not these replacements; the options are checked at run time.
    const options: Record<string, unknown> = { name: this.o.instance.id, moddleContext: this.o.def.moddleContext, scripts, expressions, timers, extensions, Logger: quietLogger };
    return new Engine(options as never) as unknown as EngineLike;
  }

  private listener(): EventEmitter {
    const listener = new EventEmitter();
    listener.on('wait', (api: ActivityApi) => {
      if (api.type !== 'bpmn:UserTask' || this.knownExecutions.has(api.executionId)) return;
      this.knownExecutions.add(api.executionId);
      this.track(this.createTask(api));
    });
    listener.on('activity.end', (api: ActivityApi) => {
      if (api.type !== 'bpmn:UserTask') return;
      const output = (api.content.output ?? {}) as Record<string, unknown>;
      // The last decision is what the following gateways read: outcome, comment, values.
      api.environment.variables.outcome = output.outcome ?? null;
      api.environment.variables.comment = output.comment ?? null;
      api.environment.variables.values = output.values ?? {};
      api.environment.variables.lastActor = output.by ?? null;
    });
    listener.on('activity.leave', (api: ActivityApi) => {
      if (api.type !== 'bpmn:UserTask' || api.executionId === this.completing) return;
      const taskId = this.openTasks.get(api.executionId);
      if (taskId === undefined) return;
      this.openTasks.delete(api.executionId);
      this.track(this.cancelTask(taskId, api.id));
    });
    listener.on('activity.timeout', (api: ActivityApi) => {
      for (const timer of this.timers.values()) if (timer.elementId === api.id) timer.status = 'fired';
      this.firedElements.add(api.id);
      this.events.push({ kind: 'timer_fired', elementId: api.id });
    });
    return listener;
  }

  private arm(owner: { id: string; executionId: string; expireAt?: Date | string }, callback: (...args: unknown[]) => void, args: unknown[]): { executionId: string } {
    const fireAt = owner.expireAt ? new Date(owner.expireAt) : this.o.now;
    if (fireAt.getUTCFullYear() < 9999) this.timers.set(owner.executionId, { elementId: owner.id, fireAt, status: 'armed' });
    if (owner.executionId === this.fireExecutionId) {
      this.fireExecutionId = null;
      this.track(Promise.resolve().then(() => callback(...args)));
    }
    return { executionId: owner.executionId };
  }

  private disarm(ref: unknown): undefined {
    const id = (ref as { executionId?: string } | null)?.executionId;
    const timer = id ? this.timers.get(id) : undefined;
    if (timer?.status === 'armed') timer.status = 'cancelled';
    return undefined;
  }

  private track(promise: Promise<unknown>): void {
    const p = promise.catch((error: unknown) => {
      this.failure ??= error;
    });
    this.pending.add(p);
  }

  /** Until every async callback (tasks, services, conditions) has run and the engine rests. */
  private async settle(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.pending.size === 0) return;
      const batch = [...this.pending];
      await Promise.all(batch);
      for (const p of batch) this.pending.delete(p);
    }
  }

  private scope(variables: Record<string, unknown>): Record<string, unknown> {
    return {
      ...variables,
      record: this.record,
      me: this.o.actor.userId,
      initiator: this.o.instance.initiator,
      now: this.o.now.toISOString(),
    };
  }

  private evaluate(expr: Expr, variables: Record<string, unknown>): Promise<unknown> {
    return this.org.evaluate(expr, this.scope(variables), this.o.now);
  }

  private async createTask(api: ActivityApi): Promise<void> {
    const { tx, model, def, instance, now } = this.o;
    const t = def.userTasks.get(api.id);
    const variables = api.environment.variables;
    let assignee = t?.assignee ? userIdOf(await this.evaluate(t.assignee, variables)) : null;
    const department = t?.candidateDepartment ? await this.evaluate(t.candidateDepartment, variables) : null;
    const candidateDepartment = typeof department === 'string' && department !== '' ? department : null;
    // A task must reach someone: with no resolvable assignee and no candidates, the record's owner.
    if (!assignee && !t?.candidateRole && !candidateDepartment) assignee = userIdOf(this.record.owner) ?? instance.initiator;
    const view = await expandRecord(tx, model, this.entity, this.record, def.templatePaths);
    const sysTask = model.entities.get('sys_task') as EntityModel;
    const title = (t?.title ? renderTemplate(t.title, view) : (t?.name ?? api.id)).slice(0, 500);
    const task = await createRecord(tx, model, sysTask, {
      title,
      assignee,
      issuer: instance.initiator,
      candidateRole: assignee ? null : (t?.candidateRole ?? null),
      candidateDepartment: assignee ? null : candidateDepartment,
      dueAt: t?.due ? addDurationTo(now, t.due).toISOString() : null,
      status: 'open',
      process: def.name,
      instanceId: instance.id,
      recordEntity: this.entity.name,
      recordId: instance.recordId,
      form: t?.form ?? null,
      owner: assignee ?? instance.initiator,
    }, { actor: this.o.actor, now });
    await tx.query('INSERT INTO wf_task (task_id, instance_id, execution_id, element_id) VALUES ($1, $2, $3, $4)', [task.id, instance.id, api.executionId, api.id]);
    this.openTasks.set(api.executionId, task.id);
    this.events.push({ kind: 'task_created', elementId: api.id, taskId: task.id, actor: assignee });
  }

  private async cancelTask(taskId: string, elementId: string): Promise<void> {
    if (!taskId) return;
    const { tx, model, now } = this.o;
    const sysTask = model.entities.get('sys_task') as EntityModel;
    const [row] = await tx.query<{ version: number; status: string }>('SELECT version, status FROM sys_task WHERE id = $1', [taskId]);
    if (!row || row.status !== 'open') return;
    await updateRecord(tx, model, sysTask, taskId, { status: 'cancelled' }, row.version, { actor: this.o.actor, now });
    this.events.push({ kind: 'task_cancelled', elementId, taskId });
  }

  private service(task: ServiceTaskDef | undefined, variables: Record<string, unknown>, callback: (err: Error | null, output?: unknown) => void): void {
    if (!task) {
      callback(null, {});
      return;
    }
    this.track(
      this.runService(task, variables).then(
        (output) => callback(null, output),
        (error: unknown) => {
          this.failure ??= error;
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      ),
    );
  }

  private async runService(task: ServiceTaskDef, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { tx, model, now, instance, def } = this.o;
    const options = { actor: this.o.actor, now };
    this.events.push({ kind: 'service', elementId: task.id, actor: this.o.actor.userId, onBehalfOf: this.o.actor.onBehalfOf ?? null });
    switch (task.action) {
      case 'setField': {
        const value = toStored(await this.evaluate(task.value, variables));
        this.record = await updateRecord(tx, model, this.entity, instance.recordId, { [task.field]: value }, this.record.version, options);
        return { [task.field]: value };
      }
      case 'createRecord': {
        const target = model.entities.get(task.entity) as EntityModel;
        const values: Record<string, unknown> = {};
        for (const [field, expr] of Object.entries(task.values)) values[field] = toStored(await this.evaluate(expr, variables));
        const created = await createRecord(tx, model, target, values, options);
        return { created: created.id };
      }
      case 'notify': {
        const recipient = userIdOf(await this.evaluate(task.recipient, variables));
        if (!recipient) return {};
        const view = await expandRecord(tx, model, this.entity, this.record, def.templatePaths);
        const notification = model.entities.get('sys_notification') as EntityModel;
        await createRecord(tx, model, notification, {
          recipient,
          subject: renderTemplate(task.subject, view).slice(0, 500),
          body: task.body ? renderTemplate(task.body, view) : null,
          recordEntity: this.entity.name,
          recordId: instance.recordId,
          owner: recipient,
        }, options);
        return { notified: recipient };
      }
      case 'startProcess': {
        const child = await this.o.startProcess(tx, task.process, this.entity.name, instance.recordId, this.o.actor, instance.id);
        return { started: child };
      }
      case 'generateDocument': {
        const generated = await generateDocument(tx, model, { template: task.template, entity: this.entity.name, id: instance.recordId }, options);
        // The file field may have changed the record's version: later steps write on top of it.
        const [row] = await tx.query(`SELECT * FROM ${quoteIdent(this.entity.table)} WHERE id = $1`, [instance.recordId]);
        if (row) this.record = toApiRecord(this.entity, row);
        return { document: generated.file.id };
      }
    }
  }

  /** Writes the step's timers and history; the caller saves the state. */
  private async persist(): Promise<void> {
    const { tx, instance, now, scheduler } = this.o;
    for (const [executionId, timer] of this.timers) {
      if (timer.status === 'armed') {
        const id = uuidv7();
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO wf_timer (id, instance_id, execution_id, element_id, fire_at, status) VALUES ($1, $2, $3, $4, $5, 'armed')
           ON CONFLICT (instance_id, execution_id) DO NOTHING RETURNING id::text AS id`,
          [id, instance.id, executionId, timer.elementId, timer.fireAt.toISOString()],
        );
        if (inserted.length > 0) await scheduler?.schedule(tx, { id, fireAt: timer.fireAt });
      } else {
        await tx.query(`UPDATE wf_timer SET status = $3, fired_at = $4 WHERE instance_id = $1 AND execution_id = $2 AND status = 'armed'`, [instance.id, executionId, timer.status, timer.status === 'fired' ? now.toISOString() : null]);
      }
    }
    if (this.firedElements.size > 0) {
      await tx.query(`UPDATE wf_timer SET status = 'fired', fired_at = $3 WHERE instance_id = $1 AND element_id = ANY($2::text[]) AND status = 'armed'`, [instance.id, [...this.firedElements], now.toISOString()]);
    }
    if (this.ended) {
      await tx.query(`UPDATE wf_timer SET status = 'cancelled' WHERE instance_id = $1 AND status = 'armed'`, [instance.id]);
      this.events.push({ kind: 'ended' });
    }
    if (this.events.length > 0) {
      // One statement for the step's whole history.
      const values: string[] = [];
      const params: unknown[] = [];
      for (const e of this.events) {
        const row = [uuidv7(), instance.id, now.toISOString(), e.kind, e.elementId ?? null, e.elementId ? (this.o.def.names.get(e.elementId) ?? null) : null, e.actor ?? null, e.onBehalfOf ?? null, e.taskId ?? null, e.outcome ?? null, e.comment ?? null];
        values.push(`(${row.map((_, i) => `$${params.length + i + 1}`).join(', ')})`);
        params.push(...row);
      }
      await tx.query(`INSERT INTO wf_event (id, instance_id, at, kind, element_id, element_name, actor, on_behalf_of, task_id, outcome, comment) VALUES ${values.join(', ')}`, params);
    }
  }

  /** Adds a history entry to be written with this step. */
  note(event: WorkflowEvent): void {
    this.events.push(event);
  }
}

function toStored(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

function toCardoError(error: unknown): Error {
  if (error instanceof CardoError) return error;
  const cause = (error as { source?: unknown; inner?: unknown }).inner;
  if (cause instanceof CardoError) return cause;
  return new CardoError('CARDO_ERR_WORKFLOW_FAILED', `The process cannot continue: ${(error as Error).message ?? String(error)}`, { cause: error });
}

const quiet = { debug: () => undefined, error: () => undefined, warn: () => undefined };
function quietLogger(): typeof quiet {
  return quiet;
}
