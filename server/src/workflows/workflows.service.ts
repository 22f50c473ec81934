/**
 * Workflow instances and their tasks: start, complete a task, fire a timer — each one
 * transaction that locks the instance row (SELECT … FOR UPDATE), so however many servers run,
 * one of them advances an instance at a time, and a crash at any point leaves either the
 * previous wait state or the next one, never half of a step.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Access } from '../access/access.js';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { toPredicate } from '../condition/condition.js';
import type { Condition } from '../generated/metadata.js';
import type { Db } from '../db/db.js';
import { quoteIdent } from '../db/db.js';
import { CardoError, type FieldError } from '../errors.js';
import { recordCodecs } from '../api/record-schemas.js';
import { toApiRecord, titleOf, type ApiRecord } from '../records/record-mapping.js';
import { assertUuid, getRecord, updateRecord, type Actor, type ChainStep, type RecordWriteHook } from '../records/records.service.js';
import type { ModelHolder } from '../runtime/model-holder.js';
import { workflowsOf, type WorkflowDefinition } from './definitions.js';
import { InstanceRun, type LiveEngine, type RunAction, type TimerScheduler } from './run.js';

export interface InstanceRow {
  id: string;
  /** `steps:xmin` of the saved state: which step wrote it, in which transaction. */
  version: string;
  process: string;
  entity: string;
  record_id: string;
  status: string;
  state: string | null;
  started_by: string | null;
  started_at: string;
  ended_at: string | null;
}

export interface CompleteInput {
  outcome?: string;
  comment?: string;
  values?: Record<string, unknown>;
}

export interface WorkflowsOptions {
  scheduler?: TimerScheduler;
  /** The clock (tests move it to make timers due). */
  now?: () => Date;
  /** How many instances keep their engine between steps (0: recover at every step). */
  engineCacheSize?: number;
  /** The record write hooks service tasks' writes run (the app's: automations, notifications, triggers). */
  hooks?: readonly RecordWriteHook[];
}

/**
 * A kept bpmn-engine holds 0.5–1.5 MB of heap (measured: a 3-element process ~0.5 MB, the
 * 20-element document approval ~1.5 MB), so only the instances being worked on right now are
 * kept: a burst of completions hits, a task completed hours later recovers.
 */
const ENGINE_CACHE_SIZE = 64;

/**
 * Engines kept between steps, by instance, least recently used dropped first. An entry is
 * valid only for the exact saved state it was left at — the version is the step count and the
 * id of the transaction that wrote it (xmin), so a step another server made, or one whose
 * transaction rolled back, never matches: the next step recovers from the stored state. The
 * database stays the truth; the cache only saves bpmn-engine's recover and resume.
 */
export class EngineCache {
  private readonly entries = new Map<string, { version: string; live: LiveEngine }>();
  /** Steps that continued a kept engine, and those that had to recover (for the bench and logs). */
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {}

  /** The engine left at `version`, removed from the cache (the caller owns it now). */
  take(instanceId: string, version: string): LiveEngine | undefined {
    const entry = this.entries.get(instanceId);
    if (entry) this.entries.delete(instanceId);
    const live = entry?.version === version ? entry.live : undefined;
    if (live) this.hits++;
    else this.misses++;
    return live;
  }

  /** Forgets the instance's engine (a step that recovers anyway: a timer). */
  drop(instanceId: string): void {
    this.entries.delete(instanceId);
  }

  put(instanceId: string, version: string, live: LiveEngine): void {
    if (this.capacity <= 0) return;
    this.entries.delete(instanceId);
    this.entries.set(instanceId, { version, live });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}

const MAX_COMMENT = 10_000;
const INSTANCE_COLUMNS = `id::text AS id, process, entity, record_id::text AS record_id, status, state, started_by::text AS started_by, started_at, ended_at, steps || ':' || xmin::text AS version`;

export class Workflows {
  scheduler: TimerScheduler | undefined;
  private readonly clock: () => Date;
  readonly engines: EngineCache;
  private readonly hooks: readonly RecordWriteHook[];

  constructor(
    readonly db: Db,
    readonly models: ModelHolder,
    options: WorkflowsOptions = {},
  ) {
    this.scheduler = options.scheduler;
    this.clock = options.now ?? (() => new Date());
    this.engines = new EngineCache(options.engineCacheSize ?? ENGINE_CACHE_SIZE);
    this.hooks = options.hooks ?? [];
  }

  private async definition(model: CompiledModel, process: string): Promise<WorkflowDefinition> {
    const def = (await workflowsOf(model)).get(process);
    if (!def) throw new CardoError('CARDO_ERR_WORKFLOW_UNKNOWN', `There is no process "${process.slice(0, 100)}".`);
    return def;
  }

  /** POST /api/workflows/:process/start: the caller must be able to change the record. */
  async start(model: CompiledModel, process: string, entityName: string, recordId: string, access: Access): Promise<string> {
    const def = await this.definition(model, process);
    if (def.entity !== entityName) throw new CardoError('CARDO_ERR_WORKFLOW_ENTITY', `The process ${def.name} runs for ${def.entity} records, not ${String(entityName).slice(0, 64)}.`, { errors: [{ path: '/entity', message: `Must be ${def.entity}.` }] });
    const entity = access.entity(entityName);
    const record = await getRecord(this.db, entity, recordId, access);
    if (!access.canRow(entity.name, 'update', record)) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', `You may not start ${def.name} for this ${entity.name}.`);
    const actor = access.actorFor(record.owner);
    return this.db.transaction((tx) => this.startIn(tx, model, def, recordId, actor, null));
  }

  /**
   * Starts an instance inside the caller's transaction (triggers and startProcess service tasks);
   * `chain` is the automations and processes whose writes led here (loop protection).
   */
  async startIn(tx: Db, model: CompiledModel, def: WorkflowDefinition, recordId: string, actor: Actor, parent: string | null, chain: readonly ChainStep[] = []): Promise<string> {
    const id = uuidv7();
    const now = this.clock();
    await tx.query(
      `INSERT INTO wf_instance (id, process, definition_hash, entity, record_id, status, state, started_by, parent_id, started_at, updated_at, steps)
       VALUES ($1, $2, $3, $4, $5, 'running', NULL, $6, $7, $8, $8, 0)`,
      [id, def.name, def.hash, def.entity, recordId, actor.userId, parent, now.toISOString()],
    );
    await this.step(tx, model, def, { id, recordId, state: null, version: null, initiator: actor.userId }, { kind: 'start' }, actor, now, chain);
    return id;
  }

  private async step(tx: Db, model: CompiledModel, def: WorkflowDefinition, instance: { id: string; recordId: string; state: string | null; version: string | null; initiator: string | null }, action: RunAction, actor: Actor, now: Date, chain: readonly ChainStep[], before?: (run: InstanceRun) => void): Promise<void> {
    // Only a task's completion continues a kept engine; a timer recovers (it must re-arm to fire).
    const live = action.kind === 'signal' && instance.version !== null ? this.engines.take(instance.id, instance.version) : undefined;
    if (action.kind !== 'signal') this.engines.drop(instance.id);
    const run = new InstanceRun({
      live,
      tx,
      model,
      def,
      instance,
      actor,
      now,
      scheduler: this.scheduler,
      hooks: this.hooks,
      chain,
      startProcess: async (inner, process, entity, recordId, childActor, parent) => {
        const child = await this.definition(model, process);
        if (child.entity !== entity) throw new CardoError('CARDO_ERR_WORKFLOW_ENTITY', `The process ${child.name} runs for ${child.entity} records, not ${entity}.`);
        return this.startIn(inner, model, child, recordId, childActor, parent, chain);
      },
    });
    before?.(run);
    const result = await run.run(action);
    // Kept before the commit: should the transaction roll back, the version never matches.
    if (result.live) this.engines.put(instance.id, result.version, result.live);
  }

  /** Locks the instance row; null when it is gone. */
  private async lockInstance(tx: Db, id: string): Promise<InstanceRow | null> {
    const [row] = await tx.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM wf_instance WHERE id = $1 FOR UPDATE`, [id]);
    return row ?? null;
  }

  /**
   * POST /api/tasks/:id/complete. The caller is the assignee, a deputy of the absent assignee
   * (audited on behalf of), or a member of the role/department the task is offered to
   * (completing claims it). Form values must be fields of the task's form tab.
   */
  async completeTask(model: CompiledModel, taskId: string, input: CompleteInput, access: Access): Promise<ApiRecord> {
    assertUuid(taskId);
    const sysTask = model.entities.get('sys_task') as EntityModel;
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      // The instance first (the lock order of every step), found through the task in the same statement.
      const [instance = null] = await tx.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM wf_instance WHERE id = (SELECT instance_id FROM wf_task WHERE task_id = $1) FOR UPDATE`, [taskId]);
      const [row] = await tx.query(`SELECT t.*, w.execution_id, w.element_id FROM sys_task t LEFT JOIN wf_task w ON w.task_id = t.id WHERE t.id = $1 FOR UPDATE OF t`, [taskId]);
      if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no task ${taskId}.`);
      const task = toApiRecord(sysTask, row);
      const assignee = typeof task.assignee === 'string' ? task.assignee : null;
      const offer = assignee ? undefined : offeredVia(task, access.org.userId, await membershipsOf(tx, access.org.principals));
      if (offer === undefined && !(assignee && access.org.principals.includes(assignee))) throw new CardoError('CARDO_ERR_TASK_NOT_YOURS', `The task ${taskId} is not assigned or offered to you.`);
      if (task.status !== 'open') throw new CardoError('CARDO_ERR_TASK_CLOSED', `The task is already ${String(task.status)}.`, { extra: { status: task.status, outcome: task.outcome ?? null } });
      const def = instance ? await this.definition(model, instance.process) : null;
      const elementId = row.element_id as string | null;
      const userTask = def && elementId ? def.userTasks.get(elementId) : undefined;
      const { outcome, comment, values } = checkCompletion(model, input, userTask?.outcomes ?? [], def ? model.entities.get(def.entity) : undefined, userTask?.form);
      // On behalf of the absent assignee, or of the absent user through whose role or department a deputy claims an offer.
      const actor: Actor = { userId: access.org.userId, onBehalfOf: assignee ? (assignee !== access.org.userId ? assignee : null) : (offer ?? null) };
      const changes: Record<string, unknown> = { status: 'completed', outcome, comment, completedAt: now.toISOString() };
      if (!assignee) changes.assignee = access.org.userId;
      // The task row was locked above: updateRecord need not read it again.
      const completed = await updateRecord(tx, model, sysTask, taskId, changes, task.version, { actor, now, locked: row });
      if (!instance || !def || !elementId) return completed;
      if (instance.status !== 'running') throw new CardoError('CARDO_ERR_WORKFLOW_FAILED', `The process instance is ${instance.status}.`);
      if (values && Object.keys(values).length > 0) {
        const entity = model.entities.get(def.entity) as EntityModel;
        const [current] = await tx.query<{ version: number }>(`SELECT version FROM ${quoteIdent(entity.table)} WHERE id = $1`, [instance.record_id]);
        if (current) await updateRecord(tx, model, entity, instance.record_id, values, current.version, { actor, now });
      }
      await this.step(tx, model, def, { id: instance.id, recordId: instance.record_id, state: instance.state, version: instance.version, initiator: instance.started_by }, {
        kind: 'signal',
        elementId,
        executionId: String(row.execution_id),
        output: { outcome, comment, values: values ?? {}, by: access.org.userId },
      }, actor, now, [], (run) => run.note({ kind: 'task_completed', elementId, taskId, actor: actor.userId, onBehalfOf: actor.onBehalfOf ?? null, outcome, comment }));
      return completed;
    });
  }

  /** Fires one armed timer (a pg-boss job or a test); false when it already fired or was cancelled. */
  async fireTimer(timerId: string): Promise<boolean> {
    const model = this.models.current;
    const [peek] = await this.db.query<{ instance_id: string }>('SELECT instance_id::text AS instance_id FROM wf_timer WHERE id = $1', [timerId]);
    if (!peek) return false;
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      const instance = await this.lockInstance(tx, peek.instance_id);
      const [timer] = await tx.query<{ execution_id: string; status: string }>('SELECT execution_id, status FROM wf_timer WHERE id = $1 FOR UPDATE', [timerId]);
      if (!instance || !timer || timer.status !== 'armed' || instance.status !== 'running') return false;
      const def = await this.definition(model, instance.process);
      await this.step(tx, model, def, { id: instance.id, recordId: instance.record_id, state: instance.state, version: instance.version, initiator: instance.started_by }, { kind: 'timer', executionId: timer.execution_id }, { userId: null }, now, []);
      // The engine no longer waits on this timer (its activity ended): it will never fire.
      await tx.query(`UPDATE wf_timer SET status = 'cancelled' WHERE id = $1 AND status = 'armed'`, [timerId]);
      return true;
    });
  }

  /** Fires every armed timer due by `now` (the polling scheduler; tests that move the clock). */
  async fireDueTimers(now: Date = this.clock()): Promise<number> {
    const due = await this.db.query<{ id: string }>(`SELECT id::text AS id FROM wf_timer WHERE status = 'armed' AND fire_at <= $1 ORDER BY fire_at LIMIT 500`, [now.toISOString()]);
    let fired = 0;
    for (const { id } of due) if (await this.fireTimer(id)) fired++;
    return fired;
  }

  /**
   * Triggers (cardo:startOn create|update with cardo:startWhen): started in the transaction
   * that wrote the record. On update, only when the condition became true with this write.
   */
  async onRecordWrite(tx: Db, model: CompiledModel, entity: EntityModel, before: ApiRecord | null, after: ApiRecord, actor: Actor, chain: readonly ChainStep[] = []): Promise<void> {
    for (const def of (await workflowsOf(model)).values()) {
      if (def.entity !== entity.name || def.startOn === 'manual') continue;
      if ((def.startOn === 'create') !== (before === null)) continue;
      const holds = def.startWhen === undefined ? () => true : toPredicate(def.startWhen as Condition, { me: actor.userId, now: this.clock() });
      if (!holds(after)) continue;
      if (before && holds(before)) continue;
      await this.startIn(tx, model, def, after.id, actor, null, chain);
    }
  }

  /** GET /api/workflows/instances/:id: state, the open tasks and the history. */
  async instance(model: CompiledModel, id: string, access: Access): Promise<InstanceView> {
    assertUuid(id);
    const [row] = await this.db.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM wf_instance WHERE id = $1`, [id]);
    if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no process instance ${id}.`);
    const entity = model.entities.get(row.entity);
    // Whoever may read the record may read its processes.
    if (!entity) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no process instance ${id}.`);
    const record = await getRecord(this.db, entity, row.record_id, access).catch(() => {
      throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no process instance ${id}.`);
    });
    return (await this.views(model, [row], record))[0] as InstanceView;
  }

  /** GET /api/workflows/instances?entity=&id=: the running and finished instances of a record. */
  async instancesOf(model: CompiledModel, entityName: string, recordId: string, access: Access): Promise<InstanceView[]> {
    const entity = access.entity(entityName);
    const record = await getRecord(this.db, entity, recordId, access);
    const rows = await this.db.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM wf_instance WHERE entity = $1 AND record_id = $2 ORDER BY started_at DESC, id DESC LIMIT 100`, [entity.name, recordId]);
    return this.views(model, rows, record);
  }

  private async views(model: CompiledModel, rows: readonly InstanceRow[], record: ApiRecord): Promise<InstanceView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const events = await this.db.query<Record<string, unknown>>(
      `SELECT e.instance_id::text AS instance_id, e.at, e.kind, e.element_id, e.element_name, e.actor::text AS actor, u.full_name AS actor_name, e.on_behalf_of::text AS on_behalf_of, b.full_name AS behalf_name, e.task_id::text AS task_id, e.outcome, e.comment
         FROM wf_event e LEFT JOIN sys_user u ON u.id = e.actor LEFT JOIN sys_user b ON b.id = e.on_behalf_of
        WHERE e.instance_id = ANY($1::uuid[]) ORDER BY e.at, e.id`,
      [ids],
    );
    const tasks = await this.db.query<Record<string, unknown>>(
      `SELECT w.instance_id::text AS instance_id, t.id::text AS id, t.title, t.status, t.assignee::text AS assignee, t.candidate_role, t.outcome, w.element_id FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.instance_id = ANY($1::uuid[]) ORDER BY t.created_at, t.id`,
      [ids],
    );
    const defs = await workflowsOf(model);
    const entity = model.entities.get(rows[0]?.entity ?? '') as EntityModel;
    return rows.map((r) => {
      const def = defs.get(r.process);
      const waiting = r.state ? waitingIn(r.state) : [];
      return {
        id: r.id,
        process: r.process,
        processLabel: def?.label ?? r.process,
        entity: r.entity,
        recordId: r.record_id,
        recordTitle: titleOf(entity, record),
        status: r.status,
        startedBy: r.started_by,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        waitingAt: waiting.map((w) => ({ id: w, name: def?.names.get(w) ?? w })),
        tasks: tasks.filter((t) => t.instance_id === r.id).map((t) => ({ id: String(t.id), element: String(t.element_id), title: String(t.title), status: String(t.status), assignee: (t.assignee as string | null) ?? null, candidateRole: (t.candidate_role as string | null) ?? null, outcome: (t.outcome as string | null) ?? null })),
        history: events.filter((e) => e.instance_id === r.id).map((e) => ({
          at: String(e.at),
          kind: String(e.kind),
          element: (e.element_id as string | null) ?? null,
          elementName: (e.element_name as string | null) ?? null,
          actor: e.actor ? { id: String(e.actor), fullName: String(e.actor_name ?? '') } : null,
          onBehalfOf: e.on_behalf_of ? { id: String(e.on_behalf_of), fullName: String(e.behalf_name ?? '') } : null,
          taskId: (e.task_id as string | null) ?? null,
          outcome: (e.outcome as string | null) ?? null,
          comment: (e.comment as string | null) ?? null,
        })),
      };
    });
  }

  /** GET /api/tasks?assignee=me: assigned to the caller or a user they substitute, or offered to their roles/departments. */
  async inbox(model: CompiledModel, access: Access, query: { status: string; limit: number; offset: number }): Promise<{ items: TaskView[]; total: number; limit: number; offset: number }> {
    const { principals, roles, userId } = access.org;
    const memberships = await membershipsOf(this.db, principals);
    const departments = [...new Set([...memberships.values()].map((m) => m.department).filter((d): d is string => d !== null))];
    const params: unknown[] = [principals, roles, departments];
    let where = `(t.assignee = ANY($1::uuid[]) OR (t.assignee IS NULL AND (t.candidate_role = ANY($2::text[]) OR t.candidate_department = ANY($3::uuid[]))))`;
    if (query.status !== 'all') {
      params.push(query.status);
      where += ` AND t.status = $${params.length}`;
    }
    const [{ total } = { total: 0 }] = await this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM sys_task t WHERE ${where}`, params);
    params.push(query.limit, query.offset);
    const rows = await this.db.query(`SELECT t.*, w.element_id FROM sys_task t LEFT JOIN wf_task w ON w.task_id = t.id WHERE ${where} ORDER BY t.due_at ASC NULLS LAST, t.created_at DESC, t.id LIMIT $${params.length - 1} OFFSET $${params.length}`, params);
    const sysTask = model.entities.get('sys_task') as EntityModel;
    const defs = await workflowsOf(model);
    const items = rows.map((row) => {
      const task = toApiRecord(sysTask, row);
      const def = typeof task.process === 'string' ? defs.get(task.process) : undefined;
      const userTask = def ? def.userTasks.get(String(row.element_id ?? '')) : undefined;
      const assignee = (task.assignee as string | null) ?? null;
      return {
        ...task,
        offered: assignee === null,
        // The absent user whose task this is, or through whose role or department it is offered.
        onBehalfOf: assignee ? (assignee !== userId ? assignee : null) : (offeredVia(task, userId, memberships) ?? null),
        outcomes: userTask?.outcomes ?? [],
      } as TaskView;
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }
}

export interface InstanceView {
  id: string;
  process: string;
  processLabel: string;
  entity: string;
  recordId: string;
  recordTitle: string;
  status: string;
  startedBy: string | null;
  startedAt: string;
  endedAt: string | null;
  waitingAt: Array<{ id: string; name: string }>;
  tasks: Array<{ id: string; element: string; title: string; status: string; assignee: string | null; candidateRole: string | null; outcome: string | null }>;
  history: Array<{ at: string; kind: string; element: string | null; elementName: string | null; actor: { id: string; fullName: string } | null; onBehalfOf: { id: string; fullName: string } | null; taskId: string | null; outcome: string | null; comment: string | null }>;
}

export type TaskView = ApiRecord & { offered: boolean; onBehalfOf: string | null; outcomes: string[] };

/** The activities an instance waits in, read from its saved engine state. */
function waitingIn(state: string): string[] {
  const parsed = JSON.parse(state) as { definitions?: Array<{ execution?: { processes?: Array<{ execution?: { children?: Array<{ id: string; status?: string; type?: string }> } }> } }> };
  const out: string[] = [];
  for (const d of parsed.definitions ?? []) {
    for (const p of d.execution?.processes ?? []) {
      for (const c of p.execution?.children ?? []) if (c.status && c.status !== 'completed' && c.type !== 'bpmn:SequenceFlow') out.push(c.id);
    }
  }
  return out;
}

interface Membership {
  roles: readonly string[];
  department: string | null;
}

/** The roles and department of the caller and of each absent user they substitute, by user id. */
async function membershipsOf(db: Db, users: readonly string[]): Promise<Map<string, Membership>> {
  const rows = await db.query<{ id: string; department: string | null; roles: string[] | null }>(
    `SELECT u.id::text AS id, u.department::text AS department, ARRAY(SELECT r.role FROM sys_role_assignment r WHERE r."user" = u.id ORDER BY r.role) AS roles FROM sys_user u WHERE u.id = ANY($1::uuid[])`,
    [users],
  );
  return new Map(rows.map((r) => [r.id, { roles: r.roles ?? [], department: r.department }]));
}

/**
 * Whether an unassigned task is offered to the caller: undefined when not, null when through
 * the caller's own role or department, the absent user's id when only through theirs.
 */
function offeredVia(task: ApiRecord, userId: string, memberships: ReadonlyMap<string, Membership>): string | null | undefined {
  const fits = (m: Membership | undefined) =>
    m !== undefined && ((typeof task.candidateRole === 'string' && m.roles.includes(task.candidateRole)) || (typeof task.candidateDepartment === 'string' && m.department === task.candidateDepartment));
  if (fits(memberships.get(userId))) return null;
  for (const [id, m] of memberships) if (id !== userId && fits(m)) return id;
  return undefined;
}

/** Outcome, comment and form values of a completion, checked against the task's definition. */
function checkCompletion(model: CompiledModel, input: CompleteInput, outcomes: readonly string[], entity: EntityModel | undefined, form: string | undefined): { outcome: string | null; comment: string | null; values: Record<string, unknown> | null } {
  const errors: FieldError[] = [];
  const outcome = input.outcome ?? null;
  if (outcomes.length > 0 && (outcome === null || !outcomes.includes(outcome))) errors.push({ path: '/outcome', message: `Must be one of ${outcomes.join(', ')}.` });
  if (outcomes.length === 0 && outcome !== null && !/^[a-z][a-z0-9_]{0,99}$/.test(outcome)) errors.push({ path: '/outcome', message: 'Must be a lower_snake name.' });
  const comment = input.comment ?? null;
  if (comment !== null && comment.length > MAX_COMMENT) errors.push({ path: '/comment', message: `At most ${MAX_COMMENT} characters.` });
  const values = input.values ?? null;
  if (values && Object.keys(values).length > 0) {
    const allowed = new Set<string>();
    const tab = entity?.def.form?.tabs?.find((t) => t.name === form);
    for (const section of tab?.sections ?? []) for (const f of section.fields) allowed.add(f);
    for (const key of Object.keys(values)) {
      const field = entity?.field.get(key);
      if (!allowed.has(key) || !field || field.system || field.def.readOnly) errors.push({ path: `/values/${key}`, message: form ? `Not a field of the task's form "${form}".` : 'The task has no form.' });
    }
  }
  if (errors.length === 0 && entity && values && Object.keys(values).length > 0) {
    try {
      recordCodecs(model).get(entity.name).validatePatch({ ...values, version: 1 });
    } catch (error) {
      if (!(error instanceof CardoError)) throw error;
      errors.push(...(error.errors ?? [{ path: '', message: error.message }]).map((e) => ({ path: `/values${e.path}`, message: e.message })));
    }
  }
  if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', 'The completion does not fit the task.', { errors });
  return { outcome, comment, values };
}
