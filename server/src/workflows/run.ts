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
import { createRecord, updateRecord, type Actor, type ChainStep, type RecordWriteHook } from '../records/records.service.js';
import { extendChain } from '../records/write-chain.js';
import { CARDO_LANGUAGE, type ServiceTaskDef, type WorkflowDefinition } from './definitions.js';
import { OrgFacts, userIdOf } from '../access/org-facts.js';
import { expandRecord } from './resolve.js';
import { sendNotice } from '../notifications/send.js';

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
  /** The record write hooks (automations, notification rules, triggers) service tasks' writes run. */
  hooks?: readonly RecordWriteHook[];
  /** The automations and processes whose writes led to this step (empty for a user's action or a timer). */
  chain?: readonly ChainStep[];
  /** Starts another process in the same transaction (cardo:action="startProcess"). */
  startProcess: (tx: Db, process: string, entity: string, recordId: string, actor: Actor, parent: string) => Promise<string>;
  /** The instance's engine kept from its previous step, when that step's state is the saved one. */
  live?: LiveEngine | undefined;
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
  name: string;
  execute(options: { listener: EventEmitter; variables?: Record<string, unknown> }): Promise<unknown>;
  recover(state: unknown): EngineLike;
  resume(options: { listener: EventEmitter }): Promise<unknown>;
  getDefinitions(): Promise<Array<{ environment: { options: { source?: unknown } } }>>;
  execution: {
    signal(message: Record<string, unknown>): void;
    state: string;
    stopped: boolean;
    environment: { getState(): unknown };
    definitions: Array<{ getState(): unknown }>;
  };
  on(event: string, fn: (...args: unknown[]) => void): void;
}

/**
 * A bpmn-engine kept between the steps of one instance (EngineCache), with what a step
 * needs besides the engine's own state: the open tasks and the executions that had one.
 */
export interface LiveEngine {
  readonly engine: EngineLike;
  readonly listener: EventEmitter;
  /** The definition it was built from: another one (a redeployed process) means recover. */
  readonly hash: string;
  /** The step driving it now; every hook the engine was given calls this run. */
  run: InstanceRun | null;
  readonly openTasks: Map<string, string>;
  /** Executions that already have a task: a resumed engine announces its waits again. */
  readonly knownExecutions: Set<string>;
}

export interface RunResult {
  ended: boolean;
  /** The instance's state after the step (JSON, without the definition source). */
  state: string;
  /** The saved state's version (steps and the writing transaction): what EngineCache keys on. */
  version: string;
  /** The engine at that state, to keep for the next step; null when the instance ended. */
  live: LiveEngine | null;
}

/** The parsed definition as bpmn-engine's serialized source, made once per definition (not per step). */
const sources = new WeakMap<WorkflowDefinition, Promise<unknown>>();
function sourceContextOf(def: WorkflowDefinition): Promise<unknown> {
  let source = sources.get(def);
  if (!source) {
    const probe = new Engine({ moddleContext: def.moddleContext, Logger: quietLogger } as never) as unknown as EngineLike;
    source = probe.getDefinitions().then(([definition]) => definition?.environment.options.source);
    sources.set(def, source);
  }
  return source;
}

/** The engine's state as getState() gives it, without serializing the definition source again. */
function stateOf(engine: EngineLike): string {
  const execution = engine.execution;
  return JSON.stringify({
    name: engine.name,
    state: execution.state,
    stopped: execution.stopped,
    environment: execution.environment.getState(),
    definitions: execution.definitions.map((d) => d.getState()),
  });
}

export class InstanceRun {
  private readonly pending = new Set<Promise<unknown>>();
  private failure: unknown = null;
  private readonly timers = new Map<string, TimerEntry>();
  private readonly events: WorkflowEvent[] = [];
  /** wf_task rows of the tasks this step created (task id, execution id, element id), written with the state. */
  private readonly links: Array<[string, string, string]> = [];
  private readonly org: OrgFacts;
  private readonly entity: EntityModel;
  private record!: ApiRecord;
  private live!: LiveEngine;
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
    const { tx, instance, def } = this.o;
    const [row] = await tx.query(`SELECT * FROM ${quoteIdent(this.entity.table)} WHERE id = $1`, [instance.recordId]);
    if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${this.entity.name} ${instance.recordId}.`);
    this.record = toApiRecord(this.entity, row);
    // A kept engine continues a task's completion; anything else (a start, a timer, an engine
    // of another definition or none) builds one and, past the start, recovers the saved state.
    const kept = action.kind === 'signal' && this.o.live?.hash === def.hash ? this.o.live : undefined;
    const live = kept ?? (await InstanceRun.createLive(def, instance.id));
    this.live = live;
    live.run = this;
    try {
      const { engine, listener } = live;
      if (action.kind === 'start') {
        this.events.push({ kind: 'started', actor: this.o.actor.userId, onBehalfOf: this.o.actor.onBehalfOf ?? null });
        await engine.execute({ listener, variables: { initiator: instance.initiator, entity: this.entity.name, recordId: instance.recordId } });
      } else {
        if (!kept) {
          if (!instance.state) throw new Error(`instance ${instance.id} has no saved state`);
          const known = await tx.query<{ execution_id: string; task_id: string; status: string }>(
            `SELECT w.execution_id, w.task_id::text AS task_id, t.status FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.instance_id = $1`,
            [instance.id],
          );
          for (const r of known) {
            live.knownExecutions.add(r.execution_id);
            if (r.status === 'open') live.openTasks.set(r.execution_id, r.task_id);
          }
          if (action.kind === 'timer') this.fireExecutionId = action.executionId;
          engine.recover(JSON.parse(instance.state) as unknown);
          await engine.resume({ listener });
          await this.settle();
        }
        if (action.kind === 'signal') {
          this.completing = action.executionId;
          engine.execution.signal({ id: action.elementId, executionId: action.executionId, ...action.output });
        }
      }
      await this.settle();
      if (this.failure) throw toCardoError(this.failure);
      const state = stateOf(engine);
      const version = await this.persist(state);
      return { ended: this.ended, state, version, live: this.ended ? null : live };
    } finally {
      live.run = null;
    }
  }

  /**
   * A new engine for one instance. Every hook it is given (conditions, timer dates, timers,
   * services, the listener) calls the run that currently drives it, so the same engine can be
   * kept between steps and driven by the next step's run (see EngineCache).
   */
  private static async createLive(def: WorkflowDefinition, instanceId: string): Promise<LiveEngine> {
    const live = { hash: def.hash, run: null, openTasks: new Map(), knownExecutions: new Set() } as unknown as { -readonly [K in keyof LiveEngine]: LiveEngine[K] };
    const current = (): InstanceRun => {
      if (!live.run) throw new Error(`the engine of instance ${instanceId} was used outside a step`);
      return live.run;
    };
    const scripts = {
      register: () => undefined,
      getScript: (language: string, flow: { id: string }) => ({
        execute: (scope: { environment: { variables: Record<string, unknown> } }, callback: (err: Error | null, result?: unknown) => void) => {
          const expr = language === CARDO_LANGUAGE ? current().o.def.conditions.get(flow.id) : undefined;
          // Scripts in other languages are refused, never run: metadata text is not JavaScript.
          if (!expr) return callback(new CardoError('CARDO_ERR_WORKFLOW_FAILED', `${flow.id}: the script language "${language}" is not supported; write the condition as a Cardo expression.`));
          current().track(current().evaluate(expr, scope.environment.variables).then((value) => callback(null, truthy(value))));
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
        const value = evaluateExpression(parseExpression(m[1] as string), current().scope(context.environment?.variables ?? {}), { now: current().o.now });
        if (value instanceof Date) return value.toISOString();
        return typeof value === 'string' && value !== '' ? value : NEVER;
      },
      isExpression: (text: unknown) => typeof text === 'string' && /^\s*\$\{[\s\S]+\}\s*$/.test(text),
      hasExpression: (text: unknown) => typeof text === 'string' && /\$\{[\s\S]+\}/.test(text),
    };
    const timers = {
      executing: [] as unknown[],
      register: (owner: { id: string; executionId: string; expireAt?: Date | string }) => ({
        setTimeout: (callback: (...args: unknown[]) => void, _delay: number, ...args: unknown[]) => current().arm(owner, callback, args),
        clearTimeout: (ref: unknown) => current().disarm(ref),
      }),
      setTimeout: () => ({}),
      clearTimeout: () => undefined,
    };
    const extensions = {
      cardo: (activity: { type: string; id: string; behaviour: Record<string, unknown>; environment: { variables: Record<string, unknown> } }) => {
        if (activity.type !== 'bpmn:ServiceTask') return;
        const service = (callback: (err: Error | null, output?: unknown) => void) => {
          const run = current();
          run.service(run.o.def.serviceTasks.get(activity.id), activity.environment.variables, callback);
        };
        activity.behaviour.Service = function CardoService() {
          return { execute: (_message: unknown, callback: (err: Error | null, output?: unknown) => void) => service(callback) };
        };
      },
    };
    // bpmn-engine's typings model its defaults, not these replacements; the options are checked at run time.
    const options: Record<string, unknown> = { name: instanceId, sourceContext: await sourceContextOf(def), scripts, expressions, timers, extensions, Logger: quietLogger };
    const engine = new Engine(options as never) as unknown as EngineLike;
    engine.on('end', () => {
      current().ended = true;
    });
    engine.on('error', (error) => {
      current().failure ??= error;
    });
    live.engine = engine;
    live.listener = InstanceRun.listener(current);
    return live;
  }

  private static listener(current: () => InstanceRun): EventEmitter {
    const listener = new EventEmitter();
    listener.on('wait', (api: ActivityApi) => {
      const run = current();
      if (api.type !== 'bpmn:UserTask' || run.live.knownExecutions.has(api.executionId)) return;
      run.live.knownExecutions.add(api.executionId);
      run.track(run.createTask(api));
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
      const run = current();
      if (api.type !== 'bpmn:UserTask' || api.executionId === run.completing) return;
      const taskId = run.live.openTasks.get(api.executionId);
      if (taskId === undefined) return;
      run.live.openTasks.delete(api.executionId);
      run.track(run.cancelTask(taskId, api.id));
    });
    listener.on('activity.timeout', (api: ActivityApi) => {
      const run = current();
      for (const timer of run.timers.values()) if (timer.elementId === api.id) timer.status = 'fired';
      run.firedElements.add(api.id);
      run.events.push({ kind: 'timer_fired', elementId: api.id });
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
    if (!id) return undefined;
    const timer = this.timers.get(id);
    if (timer?.status === 'armed') timer.status = 'cancelled';
    // Armed by an earlier step of a kept engine: its wf_timer row is cancelled by execution id.
    if (!timer) this.timers.set(id, { elementId: '', fireAt: this.o.now, status: 'cancelled' });
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
    this.links.push([task.id, api.executionId, api.id]);
    this.live.openTasks.set(api.executionId, task.id);
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
    // A duplicate warning is for the person who saved the record, not for the process moving it on:
    // service writes confirm warnings (blocking rules still refuse).
    const options = { actor: this.o.actor, now, confirmDuplicates: true };
    // Record writes run the app's hooks like a user's write, one chain step deeper (loop protection).
    const writeOptions = () => ({ ...options, hooks: this.o.hooks ?? [], chain: extendChain(this.o.chain ?? [], { automation: `process:${def.name}`, entity: this.entity.name, recordId: instance.recordId }) });
    this.events.push({ kind: 'service', elementId: task.id, actor: this.o.actor.userId, onBehalfOf: this.o.actor.onBehalfOf ?? null });
    switch (task.action) {
      case 'setField': {
        const value = toStored(await this.evaluate(task.value, variables));
        this.record = await updateRecord(tx, model, this.entity, instance.recordId, { [task.field]: value }, this.record.version, writeOptions());
        return { [task.field]: value };
      }
      case 'createRecord': {
        const target = model.entities.get(task.entity) as EntityModel;
        const values: Record<string, unknown> = {};
        for (const [field, expr] of Object.entries(task.values)) values[field] = toStored(await this.evaluate(expr, variables));
        const created = await createRecord(tx, model, target, values, writeOptions());
        // Its hooks (an automation) may have changed the process's record: later steps write on top of it.
        await this.reloadRecord();
        return { created: created.id };
      }
      case 'notify': {
        const recipient = userIdOf(await this.evaluate(task.recipient, variables));
        if (!recipient) return {};
        await sendNotice(tx, model, { entity: this.entity, record: this.record, recipients: [`user:${recipient}`], channels: ['inApp', 'email'], subject: task.subject, body: task.body, rule: `workflow:${def.name}`, now });
        return { notified: recipient };
      }
      case 'startProcess': {
        const child = await this.o.startProcess(tx, task.process, this.entity.name, instance.recordId, this.o.actor, instance.id);
        return { started: child };
      }
      case 'generateDocument': {
        const generated = await generateDocument(tx, model, { template: task.template, entity: this.entity.name, id: instance.recordId }, options);
        // The file field may have changed the record's version: later steps write on top of it.
        await this.reloadRecord();
        return { document: generated.file.id };
      }
    }
  }

  private async reloadRecord(): Promise<void> {
    const [row] = await this.o.tx.query(`SELECT * FROM ${quoteIdent(this.entity.table)} WHERE id = $1`, [this.o.instance.recordId]);
    if (row) this.record = toApiRecord(this.entity, row);
  }

  /** Writes the step's timers, history and the new state; returns the state's version. */
  private async persist(state: string): Promise<string> {
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
    if (this.ended) this.events.push({ kind: 'ended' });
    // The history, the new tasks' links, the timers an ended instance leaves armed and the state
    // in one statement: one round trip, not four.
    const params: unknown[] = [instance.id, state, this.ended ? 'completed' : 'running', now.toISOString(), this.ended ? now.toISOString() : null];
    const values: string[] = [];
    for (const e of this.events) {
      const row = [uuidv7(), instance.id, now.toISOString(), e.kind, e.elementId ?? null, e.elementId ? (this.o.def.names.get(e.elementId) ?? null) : null, e.actor ?? null, e.onBehalfOf ?? null, e.taskId ?? null, e.outcome ?? null, e.comment ?? null];
      values.push(`(${row.map((_, i) => `$${params.length + i + 1}`).join(', ')})`);
      params.push(...row);
    }
    const writes: string[] = [];
    if (this.ended) writes.push(`timers AS (UPDATE wf_timer SET status = 'cancelled' WHERE instance_id = $1 AND status = 'armed')`);
    if (values.length > 0) writes.push(`history AS (INSERT INTO wf_event (id, instance_id, at, kind, element_id, element_name, actor, on_behalf_of, task_id, outcome, comment) VALUES ${values.join(', ')})`);
    if (this.links.length > 0) {
      const links: string[] = [];
      for (const link of this.links) {
        links.push(`($${params.length + 1}::uuid, $1::uuid, $${params.length + 2}, $${params.length + 3})`);
        params.push(...link);
      }
      writes.push(`links AS (INSERT INTO wf_task (task_id, instance_id, execution_id, element_id) VALUES ${links.join(', ')})`);
    }
    const [saved] = await tx.query<{ version: string }>(
      `${writes.length > 0 ? `WITH ${writes.join(', ')} ` : ''}UPDATE wf_instance SET state = $2, status = $3, updated_at = $4, ended_at = $5, steps = steps + 1 WHERE id = $1 RETURNING steps || ':' || xmin::text AS version`,
      params,
    );
    if (!saved) throw new Error(`instance ${instance.id} is gone`);
    return saved.version;
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
